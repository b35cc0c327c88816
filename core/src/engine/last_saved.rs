//! `${last-saved#name}` (ODK's): the value `name` had in the last saved record of the same
//! form on this phone, so that a branch head visiting house after house on one street
//! finds the street already filled in. The store chooses that record (see
//! `Store::start_submission`); a session opened on it keeps only the values its form
//! reads this way, saved with the draft, so a reopened draft computes as it did.
//!
//! Which value: the field's value in the record as last saved (an answer, a default she
//! kept, or a computed value), empty when the record has none or there is no record.
//! For a field inside a repeat, the first instance's value: pyxform writes the reference
//! as the absolute path `instance('__last-saved')/data/.../name`, whose XPath value is its
//! first node's, whichever instance of the new record reads it.

use std::collections::BTreeMap;

use crate::expr::Expr;

use super::bind::{Bound, Part, Templates};
use super::compile::{CKind, CompiledForm, DefaultValue, NodeId};
use super::session::SavedScope;

/// The values a session reads with `${last-saved#name}`, by field name (names read this
/// way are unique in the form: the binder refuses an ambiguous one).
pub(crate) type LastSaved = BTreeMap<String, String>;

/// The values of `record` (the last saved record's answers) that `form` reads with
/// `${last-saved#name}`; the empty ones are left out.
pub(crate) fn read(form: &CompiledForm, record: &SavedScope) -> LastSaved {
    reads(form)
        .into_iter()
        .filter_map(|n| {
            let node = form.node(n);
            let mut scope = record;
            for &r in &node.chain {
                scope = scope.repeats.get(&form.node(r).seg)?.first()?;
            }
            let value = scope.values.get(&node.seg).filter(|v| !v.is_empty())?;
            Some((node.name.clone(), value.clone()))
        })
        .collect()
}

impl CompiledForm {
    /// True when the form reads `${last-saved#name}` anywhere: only then does a new
    /// record need the last saved one.
    pub fn reads_last_saved(&self) -> bool {
        !reads(self).is_empty()
    }
}

/// The fields some `${last-saved#name}` of the form names, in form order, each once.
fn reads(form: &CompiledForm) -> Vec<NodeId> {
    let mut out = Vec::new();
    let mut note = |b: &Bound| {
        if let Bound::LastSaved(n) = *b {
            out.push(n);
        }
    };
    for node in &form.nodes {
        template_refs(&node.label, &mut note);
        if let CKind::Field(f) = &node.kind {
            template_refs(&f.hint, &mut note);
            let default = match &f.default {
                Some(DefaultValue::Expr(e)) => Some(e),
                _ => None,
            };
            for e in [default, f.calculation.as_ref(), f.setvalue.as_ref()]
                .into_iter()
                .flatten()
            {
                e.visit_refs(&mut |b, _| note(b));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Calls `f` on every reference shown in the texts `t`.
fn template_refs(t: &Templates, f: &mut impl FnMut(&Bound)) {
    for (_, template) in t {
        for part in &template.parts {
            if let Part::Ref(b) = part {
                f(b);
            }
        }
    }
}

/// True when an expression reads the last saved record: its value is the phone's to
/// know, and the server keeps what the phone sent (see `CompiledForm::recompute_data`).
pub(crate) fn reads_last_saved(e: &Expr<Bound>) -> bool {
    let mut found = false;
    e.visit_refs(&mut |b, _| found |= matches!(b, Bound::LastSaved(_)));
    found
}
