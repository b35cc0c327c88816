//! Warnings about literal defaults the engine can judge once the form is compiled: a
//! default its own question's constraint refuses starts every interview with an answer
//! she is then told is wrong (a typo in either cell, a range written for other units).
//! Only constraints that read nothing but the question's own answer are judged, so the
//! verdict is the same in every interview.

use std::collections::HashMap;

use chrono::{DateTime, Offset, Utc};

use crate::expr::{self, Expr};
use crate::form::Problem;

use super::bind::Bound;
use super::compile::{CField, CKind, CompiledForm, DefaultValue, NodeId};
use super::instance::{Instance, MetaValues, ROOT, ScopeId, World};
use super::lang::Lang;
use super::last_saved::LastSaved;
use super::submission::MOMENTARY;

/// A warning at the `default` cell of every question whose literal default fails its own
/// constraint.
pub(super) fn refused_by_constraint(form: &CompiledForm) -> Vec<Problem> {
    let judged: Vec<(NodeId, &str, &Expr<Bound>)> = (0..form.nodes.len() as NodeId)
        .filter_map(|n| match &form.node(n).kind {
            CKind::Field(f) => judgeable(n, f).map(|(default, c)| (n, default, c)),
            _ => None,
        })
        .collect();
    if judged.is_empty() {
        // Most forms: no instance is made.
        return Vec::new();
    }
    let lang = Lang::fallback(form.form());
    let (meta, last_saved) = (MetaValues::default(), LastSaved::default());
    let world = World {
        form,
        // Not read: constraints calling the clock are not judged.
        now: DateTime::<Utc>::UNIX_EPOCH,
        offset: Utc.fix(),
        lang: &lang,
        meta: &meta,
        last_saved: &last_saved,
    };
    let mut inst = Instance::empty(form);
    // One instance of each repeat a judged question sits in.
    let mut scopes: HashMap<NodeId, ScopeId> = HashMap::new();
    let mut out = Vec::new();
    for (n, default, constraint) in judged {
        let node = form.node(n);
        let mut scope = ROOT;
        for &repeat in &node.chain {
            scope = *scopes
                .entry(repeat)
                .or_insert_with(|| inst.push_blank_instance(form, repeat, scope));
        }
        inst.set_raw(form, n, scope, default.to_string());
        if expr::eval(constraint, &inst.ctx(&world, scope, Some(n))).to_bool() {
            continue;
        }
        out.push(Problem {
            sheet: node.source.sheet.clone(),
            row: node.source.row,
            column: "default".into(),
            message: format!(
                "the default '{default}' fails the question's own constraint: every interview starts with an answer she is told is wrong, and must change it"
            ),
        });
    }
    out
}

/// The literal default and constraint of a field whose constraint can be judged on the
/// default alone: it reads no other answer, no last saved record, no clock or chance,
/// and no calculation or trigger replaces the default.
fn judgeable(n: NodeId, f: &CField) -> Option<(&str, &Expr<Bound>)> {
    let (Some(DefaultValue::Literal(default)), Some(constraint)) = (&f.default, &f.constraint)
    else {
        return None;
    };
    if default.trim().is_empty()
        || f.calculation.is_some()
        || f.triggered
        || MOMENTARY.iter().any(|&m| constraint.calls(m))
    {
        return None;
    }
    let mut own = true;
    constraint.visit_refs(&mut |b, _| {
        own &= match *b {
            Bound::Node { node, .. } => node == n,
            Bound::LastSaved(_) => false,
            Bound::Current | Bound::ChoiceName | Bound::ChoiceColumn(_) | Bound::Nothing => true,
        };
    });
    own.then_some((default.as_str(), constraint))
}
