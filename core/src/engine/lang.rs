//! Which language a label is shown in: the chosen one, else the form's default
//! language, else the column without a language, else the first language with text.

use std::sync::OnceLock;

use crate::form::{Form, Language, Texts};

use super::bind::{Template, Templates};
use super::compile::{ChoiceLabels, CompiledForm};
use super::geo_line::LineKind;

/// A resolved language preference for one session.
#[derive(Debug, Clone)]
pub(crate) struct Lang {
    /// Language keys (as in [`Texts`]) in the order they are tried.
    order: Vec<String>,
    /// The chosen language's name as the form writes it ("" for unsuffixed columns).
    pub name: String,
    /// Built-in messages in Vietnamese rather than English.
    vietnamese: bool,
    /// Every choice's label in this language (its name when it has none), by compiled
    /// list and choice, taken from the form on first use: a select re-rendered after
    /// each answer copies its labels instead of looking each one up again.
    choice_labels: OnceLock<ChoiceLabels>,
}

impl Lang {
    /// Resolves `wanted` (a language name like `Tiếng Việt (vi)`, its code `vi`, or its
    /// name without the code) against the form's languages. `None` or "" means the
    /// form's default; an unknown language is an error naming it.
    pub fn resolve(form: &Form, wanted: Option<&str>) -> Result<Lang, String> {
        match wanted.map(str::trim).filter(|w| !w.is_empty()) {
            Some(w) => find(form, w)
                .map(|l| Lang::build(form, Some(l)))
                .ok_or_else(|| w.to_string()),
            None => Ok(Lang::fallback(form)),
        }
    }

    /// The form's default language (or the best available).
    pub fn fallback(form: &Form) -> Lang {
        Lang::build(form, None)
    }

    fn build(form: &Form, chosen: Option<&Language>) -> Lang {
        let default = form.default_language.as_deref().and_then(|d| find(form, d));
        let mut order: Vec<String> = Vec::new();
        let preferred = chosen.iter().chain(default.iter()).map(|l| l.name.clone());
        for key in preferred
            .chain(std::iter::once(String::new()))
            .chain(form.languages.iter().map(|l| l.name.clone()))
        {
            if !order.contains(&key) {
                order.push(key);
            }
        }
        let shown = chosen.or(default);
        let vietnamese = shown.is_some_and(Language::is_vietnamese);
        Lang {
            order,
            name: shown.map(|l| l.name.clone()).unwrap_or_default(),
            vietnamese,
            choice_labels: OnceLock::new(),
        }
    }

    /// The label of choice `index` of list `list` of `form` (the session's form) in this
    /// language.
    pub fn choice_label<'l>(
        &'l self,
        form: &CompiledForm,
        list: u32,
        index: usize,
    ) -> Option<&'l str> {
        let labels = self.choice_labels.get_or_init(|| {
            form.choice_labels(&self.order, |c| {
                self.text(&c.label).unwrap_or(&c.name).to_owned()
            })
        });
        labels.get(list as usize)?.get(index).map(String::as_str)
    }

    /// The text in the best available language, if any language has one.
    pub fn text<'t>(&self, texts: &'t Texts) -> Option<&'t str> {
        self.order
            .iter()
            .find_map(|k| texts.0.get(k).map(String::as_str).filter(|t| !t.is_empty()))
    }

    /// The template in the best available language.
    pub fn template<'t>(&self, templates: &'t Templates) -> Option<&'t Template> {
        self.order.iter().find_map(|k| {
            templates
                .iter()
                .find(|(lang, t)| lang == k && !t.parts.is_empty())
                .map(|(_, t)| t)
        })
    }

    /// The message shown when a required question has no answer and the form gives none.
    pub fn required_message(&self) -> &'static str {
        if self.vietnamese {
            "Câu hỏi này bắt buộc phải trả lời."
        } else {
            "This question requires an answer."
        }
    }

    /// The message shown when a constraint fails and the form gives none.
    pub fn constraint_message(&self) -> &'static str {
        if self.vietnamese {
            "Câu trả lời này không hợp lệ."
        } else {
            "This answer is not allowed."
        }
    }

    /// The message shown when a select's answer is no longer among the choices offered.
    pub fn choice_gone_message(&self) -> &'static str {
        if self.vietnamese {
            "Lựa chọn này không còn phù hợp."
        } else {
            "This choice is no longer offered."
        }
    }

    /// The message shown when a ranking no longer holds the choices offered (the
    /// choice filter changed them): she ranks them again.
    pub fn rank_again_message(&self) -> &'static str {
        if self.vietnamese {
            "Các lựa chọn đã thay đổi: chị hãy xếp lại thứ tự."
        } else {
            "The choices have changed: put them in order again."
        }
    }

    /// The message shown under a line or shape that needs `more` different points before
    /// it is an answer.
    pub fn more_points_message(&self, kind: LineKind, more: usize) -> String {
        let needed = kind.min_points();
        match (self.vietnamese, kind) {
            (true, LineKind::Trace) => {
                format!(
                    "Cần thêm {more} điểm nữa: một đường đi cần ít nhất {needed} điểm khác nhau."
                )
            }
            (true, LineKind::Shape) => {
                format!("Cần thêm {more} điểm nữa: một vùng cần ít nhất {needed} điểm khác nhau.")
            }
            (false, LineKind::Trace) => format!(
                "Add {more} more point(s): a line needs at least {needed} different points."
            ),
            (false, LineKind::Shape) => format!(
                "Add {more} more point(s): a shape needs at least {needed} different points."
            ),
        }
    }

    /// The label of the "other" choice of `or_other` selects.
    pub fn other_label(&self) -> &'static str {
        if self.vietnamese { "Khác" } else { "Other" }
    }
}

/// A language of the form by name, code, or name without its code.
/// The name of the form's language that `preferred` (a name like `Tiếng Việt (vi)`, its
/// code `vi`, or its name without the code) stands for, when the form is written in it:
/// a survey starts in her preferred language when the form has it, else in the form's
/// default (`None`).
pub fn offered_language(form: &Form, preferred: &str) -> Option<String> {
    find(form, preferred.trim()).map(|l| l.name.clone())
}

fn find<'f>(form: &'f Form, wanted: &str) -> Option<&'f Language> {
    form.languages
        .iter()
        .find(|l| l.name == wanted)
        .or_else(|| {
            form.languages.iter().find(|l| {
                l.code
                    .as_deref()
                    .is_some_and(|c| c.eq_ignore_ascii_case(wanted))
                    || l.name
                        .split(" (")
                        .next()
                        .is_some_and(|n| n.eq_ignore_ascii_case(wanted))
            })
        })
}
