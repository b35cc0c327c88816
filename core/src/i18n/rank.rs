//! How a `rank` question reads: her order numbered, which moves each item offers, and
//! whether she still has to confirm an order. Both apps draw exactly this.

use crate::engine::{Question, QuestionKind};

use super::{TextKey, UiLanguage, text};

/// A rank question as the widget shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct RankView {
    /// The items in her order (the offered order until she ranks them), first ranked first.
    pub items: Vec<RankItem>,
    /// Whether the order shown is her answer.
    pub ranked: bool,
    /// The line under the question while it is not ranked ("Not ranked yet..."), else None.
    pub status: Option<String>,
    /// The button that keeps the order shown as her answer (`move_rank_item(path, 0, 0)`),
    /// offered only while not ranked and the question can be changed.
    pub keep_order: Option<String>,
    /// The words of the move-up button (its accessible name).
    pub move_up: String,
    /// The words of the move-down button (its accessible name).
    pub move_down: String,
}

/// One ranked item.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct RankItem {
    /// The choice's name.
    pub name: String,
    /// "2. Clean water": its place and label.
    pub text: String,
    /// Whether it can move up (`move_rank_item(path, place, place - 1)`).
    pub can_move_up: bool,
    /// Whether it can move down (`move_rank_item(path, place, place + 1)`).
    pub can_move_down: bool,
}

/// How `question` (a rank question) reads in `language`; another kind of question gives
/// an empty view.
pub fn rank_view(question: &Question, language: UiLanguage) -> RankView {
    let is_rank = question.kind == QuestionKind::Rank;
    let ranked = is_rank && question.value.is_some();
    let movable = is_rank && !question.read_only;
    let last = question.choices.len().saturating_sub(1);
    let items = if is_rank {
        question
            .choices
            .iter()
            .enumerate()
            .map(|(i, c)| RankItem {
                name: c.name.clone(),
                text: format!("{}. {}", i + 1, c.label),
                can_move_up: movable && i > 0,
                can_move_down: movable && i < last,
            })
            .collect()
    } else {
        Vec::new()
    };
    let unranked = is_rank && !ranked;
    RankView {
        items,
        ranked,
        status: unranked.then(|| text(TextKey::FormRankUnranked, language).to_owned()),
        keep_order: (unranked && movable).then(|| text(TextKey::FormRankKeep, language).to_owned()),
        move_up: text(TextKey::FormRankUp, language).to_owned(),
        move_down: text(TextKey::FormRankDown, language).to_owned(),
    }
}
