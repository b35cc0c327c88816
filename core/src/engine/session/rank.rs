//! `rank` questions (ODK's): she puts every offered choice in order; the answer is the
//! choice names space-separated, first ranked first. The order she sees is her ranking,
//! else the offered order (after `choice_filter` and `randomize`); one call moves an item.

use crate::engine::answer::Answer;
use crate::engine::error::SessionError;
use crate::engine::instance::World;
use crate::engine::screen::{ChoiceOption, ScreenUpdate};
use crate::engine::view::View;
use crate::form::FieldKind;

use super::FormSession;

/// Whether the ranking `value` holds exactly the `offered` choices, each once.
pub(crate) fn ranks_all(value: &str, offered: &[ChoiceOption]) -> bool {
    let names: Vec<&str> = value.split_whitespace().collect();
    names.len() == offered.len() && offered.iter().all(|c| names.contains(&c.name.as_str()))
}

/// The `offered` choices in the order of the ranking `value`; offered choices it does not
/// rank (the filter offers them since) follow in the offered order, and ranked names no
/// longer offered are left out.
pub(crate) fn in_ranked_order(value: &str, mut offered: Vec<ChoiceOption>) -> Vec<ChoiceOption> {
    let mut out = Vec::with_capacity(offered.len());
    for name in value.split_whitespace() {
        if let Some(i) = offered.iter().position(|c| c.name == name) {
            out.push(offered.remove(i));
        }
    }
    out.extend(offered);
    out
}

impl FormSession {
    /// Moves the item at place `from` of a rank question's order as shown
    /// ([`crate::engine::Question::choices`], from 0) to place `to`, and stores the whole
    /// order as her answer. Moving an item to its own place keeps the order shown as her
    /// answer (what confirming the first order does, as ODK Collect's OK does). A place
    /// outside the list is refused with [`SessionError::InvalidValue`], another kind of
    /// question with [`SessionError::WrongType`]; neither changes anything.
    pub fn move_rank_item(
        &mut self,
        question: &str,
        from: u32,
        to: u32,
    ) -> Result<ScreenUpdate, SessionError> {
        let (n, s) = self.answerable(question)?;
        if !matches!(
            self.form.node(n).field().map(|f| &f.kind),
            Some(FieldKind::Rank { .. })
        ) {
            return Err(SessionError::WrongType {
                question: question.into(),
                expected: "another answer".into(),
                given: "a ranked item to move".into(),
            });
        }
        let world = world!(self);
        let view = View {
            world: &world,
            inst: &self.inst,
        };
        let shown = in_ranked_order(self.inst.value(&self.form, n, s), view.choices(n, s));
        let (from, to) = (from as usize, to as usize);
        if from >= shown.len() || to >= shown.len() {
            return Err(SessionError::InvalidValue {
                question: question.into(),
                reason: format!(
                    "there is no place {} among the {} ranked items",
                    from.max(to) + 1,
                    shown.len()
                ),
            });
        }
        let mut names: Vec<String> = shown.into_iter().map(|c| c.name).collect();
        let item = names.remove(from);
        names.insert(to, item);
        self.set_answer(question, Answer::Choices { names })
    }
}
