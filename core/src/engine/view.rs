//! Rendering the answers for people: a question with its label, choices, flags and
//! error in the chosen language; breadcrumbs; and the checks (constraint, required,
//! choice still offered) shared by the page, finalizing and server-side validation.

use std::collections::HashMap;

use crate::expr;
use crate::form::{FieldKind, Media, Texts};

use super::answer::from_stored;
use super::compile::{CField, CKind, NodeId};
use super::error::FinalizeProblem;
use super::geo_line::{self, LineKind};
use super::instance::{Ctx, Instance, ROOT, ScopeId, World};
use super::nav::{Pages, Pos};
use super::screen::{AnswerUpdate, Breadcrumb, ChoiceOption, LabelMedia, Question, QuestionKind};
use super::session::rank::{in_ranked_order, ranks_all};

/// The answers seen through a session's language.
pub(crate) struct View<'a> {
    pub world: &'a World<'a>,
    pub inst: &'a Instance,
}

impl View<'_> {
    fn pages(&self) -> Pages<'_> {
        Pages {
            form: self.world.form,
            inst: self.inst,
        }
    }

    /// A shown question, rendered; `show_required` marks empty required answers as errors.
    pub fn question(&self, n: NodeId, s: ScopeId, show_required: bool) -> Option<Question> {
        let node = self.world.form.node(n);
        let f = node.field()?;
        let kind = question_kind(&f.kind)?;
        let ctx = self.inst.ctx(self.world, s, Some(n));
        let required = is_required(f, &ctx);
        let read_only = f.calculation.is_some()
            || kind == QuestionKind::Note
            || f.read_only
                .as_ref()
                .is_some_and(|e| expr::eval(e, &ctx).to_bool());
        let value = self.inst.value(self.world.form, n, s);
        let mut choices = self.choices(n, s);
        if kind == QuestionKind::Rank {
            choices = in_ranked_order(value, choices);
        }
        Some(Question {
            path: self.pages().path(n, s),
            name: node.name.clone(),
            kind,
            // A label of only media is shown as its media, not as the question's name.
            label: if f.media.is_empty() {
                self.label(n, s)
            } else {
                self.label_or_empty(n, s)
            },
            hint: self
                .world
                .lang
                .template(&f.hint)
                .map(|t| self.inst.render(self.world, t, s, n))
                .filter(|h| !h.is_empty()),
            value: from_stored(&f.kind, value),
            required,
            read_only,
            error: self.problem_with(
                (n, s),
                f,
                &ctx,
                value,
                Some(|c: &str| choices.iter().any(|o| o.name == c)),
                required && show_required,
            ),
            choices,
            appearance: node.appearance.clone(),
            parameters: f
                .parameters
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<HashMap<_, _>>(),
            media: self.media(&f.media),
        })
    }

    /// A label's media in the session's language (None when it has none).
    fn media(&self, media: &Media) -> Option<LabelMedia> {
        if media.is_empty() {
            return None;
        }
        let lang = self.world.lang;
        let file = |t: &Texts| lang.text(t).map(str::to_owned);
        Some(LabelMedia {
            image: file(&media.image),
            big_image: file(&media.big_image),
            audio: file(&media.audio),
            video: file(&media.video),
        })
    }

    /// The message a shown question has under it now, if any: [`View::question`]'s
    /// `error`, without rendering the rest (moving on and finalizing check every
    /// question of a page or form).
    pub fn error(&self, n: NodeId, s: ScopeId, show_required: bool) -> Option<String> {
        self.error_after(n, s, show_required, Choices::Unchecked)
    }

    /// [`View::error`], knowing whether the answer's choices were just checked.
    fn error_after(
        &self,
        n: NodeId,
        s: ScopeId,
        show_required: bool,
        choices: Choices,
    ) -> Option<String> {
        let f = self.world.form.node(n).field()?;
        question_kind(&f.kind)?;
        let ctx = self.inst.ctx(self.world, s, Some(n));
        let missing = show_required && is_required(f, &ctx);
        let value = self.inst.value(self.world.form, n, s);
        // Without a `choice_filter` a select offers the same choices whatever the
        // answers: those `set_answer` just accepted are still offered.
        let offered = match choices {
            Choices::Checked if f.choice_filter.is_none() => None,
            _ => Some(|c: &str| self.offers(n, s, c)),
        };
        self.problem_with((n, s), f, &ctx, value, offered, missing)
    }

    /// A shown question's answer and message ([`View::question`]'s `value` and
    /// `error`), without rendering the rest.
    pub fn answer(&self, n: NodeId, s: ScopeId, show_required: bool) -> AnswerUpdate {
        self.answer_after(n, s, show_required, Choices::Unchecked)
    }

    /// [`View::answer`] for the question just answered: `Choices::Checked` when
    /// `set_answer` has just found every choice of its answer offered (and ranked them
    /// all, for a rank), so that a select whose offer cannot change is not looked up again.
    pub fn answer_after(
        &self,
        n: NodeId,
        s: ScopeId,
        show_required: bool,
        choices: Choices,
    ) -> AnswerUpdate {
        let value = self
            .world
            .form
            .node(n)
            .field()
            .and_then(|f| from_stored(&f.kind, self.inst.value(self.world.form, n, s)));
        AnswerUpdate {
            path: self.pages().path(n, s),
            value,
            error: self.error_after(n, s, show_required, choices),
        }
    }

    /// A node's label in the session's language (its name when it has none).
    pub fn label(&self, n: NodeId, s: ScopeId) -> String {
        let node = self.world.form.node(n);
        match self.world.lang.template(&node.label) {
            Some(t) => self.inst.render(self.world, t, s, n),
            None => node.name.clone(),
        }
    }

    /// The choices a select offers now: its list filtered by `choice_filter`, plus
    /// "other" for `or_other`.
    pub fn choices(&self, n: NodeId, s: ScopeId) -> Vec<ChoiceOption> {
        let form = self.world.form;
        let node = form.node(n);
        let Some(f) = node.field() else {
            return Vec::new();
        };
        let Some(list_id) = f.list else {
            return Vec::new();
        };
        let list = &form.lists[list_id as usize];
        // Sized for the whole list at once (a filter only leaves fewer).
        let mut out = Vec::with_capacity(list.choices.len() + usize::from(has_other(f)));
        out.extend(
            list.choices
                .iter()
                .enumerate()
                .filter(|&(i, _)| self.passes_filter(f, n, s, list_id, i))
                .map(|(i, c)| ChoiceOption {
                    name: c.name.clone(),
                    label: self
                        .world
                        .lang
                        .choice_label(form, list_id, i)
                        .unwrap_or(&c.name)
                        .to_owned(),
                    media: self.media(&c.media),
                }),
        );
        if let Some(seed) = &f.randomize {
            out = self.shuffled(out, seed.as_ref(), n, s);
        }
        if has_other(f) && !out.iter().any(|c| c.name == "other") {
            out.push(ChoiceOption {
                name: "other".into(),
                label: self.world.lang.other_label().into(),
                media: None,
            });
        }
        out
    }

    /// The choices of a `randomize=true` select in their random order: from the `seed`
    /// expression (the order ODK Collect and Enketo show), else from a seed fixed for the
    /// session and the question, so the order does not change while she answers. A seed
    /// that is not a number leaves the order as written.
    fn shuffled(
        &self,
        choices: Vec<ChoiceOption>,
        seed: Option<&expr::Expr<super::bind::Bound>>,
        n: NodeId,
        s: ScopeId,
    ) -> Vec<ChoiceOption> {
        let seed = match seed {
            Some(e) => {
                let v = expr::eval(e, &self.inst.ctx(self.world, s, Some(n))).to_number();
                if !v.is_finite() {
                    return choices;
                }
                v.trunc() as i64
            }
            None => session_seed(&self.world.meta.start, n, s),
        };
        expr::shuffle::shuffle_seeded(&choices, seed)
    }

    /// Whether a select offers the choice `name` now (one of [`View::choices`], checked
    /// without rendering them all).
    pub fn offers(&self, n: NodeId, s: ScopeId, name: &str) -> bool {
        let form = self.world.form;
        let Some(f) = form.node(n).field() else {
            return false;
        };
        let Some(list_id) = f.list else { return false };
        (has_other(f) && name == "other")
            || form.lists[list_id as usize]
                .choices
                .iter()
                .enumerate()
                .any(|(i, c)| c.name == name && self.passes_filter(f, n, s, list_id, i))
    }

    /// Whether choice `index` of list `list_id` passes the field's `choice_filter`.
    fn passes_filter(&self, f: &CField, n: NodeId, s: ScopeId, list_id: u32, index: usize) -> bool {
        f.choice_filter.as_ref().is_none_or(|e| {
            expr::eval(
                e,
                &self
                    .inst
                    .ctx(self.world, s, Some(n))
                    .with_choice(list_id, index),
            )
            .to_bool()
        })
    }

    /// What is wrong with a question's answer, in the session's language: a missing
    /// required answer (when checked), a choice no longer offered, a failed constraint.
    /// `offered` tells whether a select offers a choice now; None when its answer's
    /// choices are known to be offered (and a rank's to rank them all).
    fn problem_with(
        &self,
        (n, s): (NodeId, ScopeId),
        f: &CField,
        ctx: &Ctx<'_>,
        value: &str,
        offered: Option<impl Fn(&str) -> bool>,
        missing: bool,
    ) -> Option<String> {
        let lang = self.world.lang;
        if value.is_empty() {
            return missing.then(|| {
                lang.text(&f.required_message)
                    .unwrap_or(lang.required_message())
                    .to_string()
            });
        }
        let choice_gone = match (&f.kind, offered) {
            (_, None) => false,
            (FieldKind::SelectOne { .. }, Some(offered)) => !offered(crate::text::trim(value)),
            (FieldKind::SelectMultiple { .. }, Some(offered)) => {
                !value.split_whitespace().all(offered)
            }
            (FieldKind::Rank { .. }, Some(_)) if !ranks_all(value, &self.choices(n, s)) => {
                return Some(lang.rank_again_message().to_string());
            }
            _ => false,
        };
        if choice_gone {
            return Some(lang.choice_gone_message().to_string());
        }
        // A walk in progress is kept with the draft; it is an answer once complete.
        if let Some(line) = LineKind::of(&f.kind)
            && let Some(more) = geo_line::points_missing(line, value)
        {
            return Some(lang.more_points_message(line, more));
        }
        let violated = f
            .constraint
            .as_ref()
            .is_some_and(|c| !expr::eval(c, ctx).to_bool());
        violated.then(|| {
            lang.text(&f.constraint_message)
                .unwrap_or(lang.constraint_message())
                .to_string()
        })
    }

    /// Every problem that keeps the form from being finalized, in document order.
    pub fn all_problems(&self) -> Vec<FinalizeProblem> {
        let mut out = Vec::new();
        self.problems_in(&self.world.form.roots, ROOT, &mut out);
        out
    }

    fn problems_in(&self, nodes: &[NodeId], s: ScopeId, out: &mut Vec<FinalizeProblem>) {
        let form = self.world.form;
        for &n in nodes {
            let node = form.node(n);
            if !self.inst.slot(form, n, s).relevant {
                continue;
            }
            match &node.kind {
                CKind::Field(_) => {
                    if let Some(message) = self.error(n, s, true) {
                        out.push(FinalizeProblem {
                            question: self.pages().path(n, s),
                            label: self.label(n, s),
                            message,
                        });
                    }
                }
                CKind::Group { .. } => self.problems_in(&node.children, s, out),
                CKind::Repeat(_) => {
                    for &i in self.inst.instances(form, n, s) {
                        self.problems_in(&node.children, i, out);
                    }
                }
            }
        }
    }

    /// The groups and repeat instances around a page, outermost first.
    pub fn breadcrumbs(&self, pos: Pos) -> Vec<Breadcrumb> {
        let form = self.world.form;
        let (start, scope) = match pos {
            // A field-list repeat instance page is inside its own repeat.
            Pos::Page { node, scope } if form.node(node).repeat().is_some() => (Some(node), scope),
            Pos::Page { node, scope } => (form.node(node).parent, scope),
            Pos::Prompt { repeat, scope } => (form.node(repeat).parent, scope),
            Pos::End => (None, ROOT),
        };
        let mut out = Vec::new();
        let mut cur = start;
        while let Some(n) = cur {
            let node = form.node(n);
            let label = self.label_or_empty(n, scope);
            match &node.kind {
                CKind::Repeat(_) => {
                    let inst = self.inst.ancestor(scope, node.chain.len() as u16 + 1);
                    let sc = self.inst.scope(inst);
                    let count = self.inst.instances(form, n, sc.parent).len() as u32;
                    let shown = if label.is_empty() {
                        node.name.clone()
                    } else {
                        label
                    };
                    out.push(Breadcrumb {
                        text: format!("{shown} {}/{count}", sc.index),
                        label: shown,
                        instance: Some(sc.index),
                        of: Some(count),
                    });
                }
                _ if !label.is_empty() => out.push(Breadcrumb {
                    text: label.clone(),
                    label,
                    instance: None,
                    of: None,
                }),
                _ => {}
            }
            cur = node.parent;
        }
        out.reverse();
        out
    }

    /// A label, or "" when the node has none (groups without labels are not shown).
    pub fn label_or_empty(&self, n: NodeId, s: ScopeId) -> String {
        match self.world.lang.template(&self.world.form.node(n).label) {
            Some(t) => self.inst.render(self.world, t, s, n),
            None => String::new(),
        }
    }
}

/// Whether the choices of the answer being shown were just checked against the offer.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Choices {
    /// `set_answer` has just accepted them (all offered; a rank ranks them all).
    Checked,
    /// Nothing is known: look them up.
    Unchecked,
}

/// Whether a field's `required` holds now.
fn is_required(f: &CField, ctx: &Ctx<'_>) -> bool {
    f.required
        .as_ref()
        .is_some_and(|e| expr::eval(e, ctx).to_bool())
}

/// A select with `or_other`, which offers "other" whatever its list holds.
fn has_other(f: &CField) -> bool {
    matches!(
        f.kind,
        FieldKind::SelectOne { or_other: true, .. }
            | FieldKind::SelectMultiple { or_other: true, .. }
    )
}

/// The input a field needs, or None for fields that are never shown.
pub(crate) fn question_kind(kind: &FieldKind) -> Option<QuestionKind> {
    Some(match kind {
        FieldKind::Text => QuestionKind::Text,
        FieldKind::Integer => QuestionKind::Integer,
        FieldKind::Decimal => QuestionKind::Decimal,
        FieldKind::SelectOne { .. } => QuestionKind::SelectOne,
        FieldKind::SelectMultiple { .. } => QuestionKind::SelectMultiple,
        FieldKind::Rank { .. } => QuestionKind::Rank,
        FieldKind::Date => QuestionKind::Date,
        FieldKind::Time => QuestionKind::Time,
        FieldKind::DateTime => QuestionKind::DateTime,
        FieldKind::Geopoint => QuestionKind::Geopoint,
        FieldKind::Geotrace => QuestionKind::Geotrace,
        FieldKind::Geoshape => QuestionKind::Geoshape,
        FieldKind::Image => QuestionKind::Image,
        FieldKind::Barcode => QuestionKind::Barcode,
        FieldKind::Audio => QuestionKind::Audio,
        FieldKind::Video => QuestionKind::Video,
        FieldKind::Note => QuestionKind::Note,
        FieldKind::Acknowledge => QuestionKind::Acknowledge,
        FieldKind::Calculate | FieldKind::Hidden | FieldKind::Meta(_) => return None,
    })
}

/// A seed for an unseeded `randomize`: FNV-1a over the session's start time and the
/// question's place, so each interview (and each repeat instance) gets its own order and
/// keeps it.
fn session_seed(start: &str, n: NodeId, s: ScopeId) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let bytes = start.bytes().chain(n.to_le_bytes()).chain(s.to_le_bytes());
    for b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    // A positive seed below 2^31 - 1, as the generator takes.
    (h % 2_147_483_646) as i64 + 1
}
