//! Binding: every `${name}` of every expression is resolved once, when the form is
//! compiled, to the slot it reads, together with how many repeat levels it shares with
//! the expression's own field (`${x}` inside a repeat is the same instance's `x`; from
//! outside it is every instance's `x`).

use std::cell::RefCell;
use std::collections::HashMap;

use crate::expr::{self, Expr, Func, LAST_SAVED_PREFIX, RefRole, Reference, Step, Target};
use crate::form::{Problem, Source, Texts};

use super::compile::{CList, CNode, NodeId};

/// A reference after binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bound {
    /// A field, group or repeat; `shared` is how many enclosing repeat instances it has
    /// in common with the expression's context (deeper levels read as a node-set).
    Node { node: NodeId, shared: u16 },
    /// `${last-saved#name}`: the field's value in the last saved record of the form
    /// (see [`super::last_saved`]); fixed for the session, so nothing is re-evaluated
    /// for it.
    LastSaved(NodeId),
    /// `.`: the field the expression belongs to.
    Current,
    /// `name` in a choice filter: the candidate choice's name.
    ChoiceName,
    /// Another column of the choices sheet in a choice filter (index into the list's columns).
    ChoiceColumn(u32),
    /// A bare word that names no question (`yes` where `'yes'` was meant): ODK reads it
    /// as an XPath path below the expression's own node, where nothing is, so it is an
    /// empty node-set (empty text, false). The form loads with a warning at the cell.
    Nothing,
}

/// A text with `${name}` references to show answers in it (labels, hints).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Template {
    /// The pieces in order.
    pub parts: Vec<Part>,
}

/// A piece of a [`Template`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Part {
    /// Literal text.
    Text(String),
    /// An answer shown in place.
    Ref(Bound),
}

/// Texts per language, with their references bound.
pub(crate) type Templates = Vec<(String, Template)>;

/// What binding needs to know about the form.
pub(crate) struct Binder<'a> {
    pub nodes: &'a [CNode],
    pub by_name: &'a HashMap<String, NodeId>,
    /// Names used by more than one node: referring to one is ambiguous.
    pub duplicates: &'a HashMap<String, usize>,
    /// The choice lists by name: what `instance('...')` may name.
    pub lists_by_name: &'a HashMap<&'a str, u32>,
    /// The choice lists, for the columns an `instance()` path reads.
    pub lists: &'a [CList],
    /// What binding accepted but the author should hear about (see [`Bound::Nothing`]).
    pub warnings: RefCell<Vec<Problem>>,
}

/// Where an expression sits, for binding and for error messages.
pub(crate) struct Site<'a> {
    /// The node the expression belongs to (None for settings such as instance_name).
    pub node: Option<NodeId>,
    /// The repeats whose instance the expression is evaluated in, outermost first.
    pub chain: &'a [NodeId],
    /// In a choice filter: the columns of the choice list.
    pub choice_columns: Option<&'a [String]>,
    /// Where to report problems.
    pub source: &'a Source,
    /// The column holding the expression.
    pub column: &'a str,
}

impl Binder<'_> {
    /// Parses and binds one expression; problems carry the sheet, row, column and offset.
    pub fn expression(&self, text: &str, site: &Site<'_>) -> Result<Expr<Bound>, Vec<Problem>> {
        let flag = matches!(site.column, "required" | "read_only");
        let parsed = match literal_boolean(text).filter(|_| flag) {
            Some(b) => Expr::Call(if b { Func::True } else { Func::False }, Vec::new()),
            None => expr::parse_all(text).map_err(|errors| {
                errors
                    .into_iter()
                    .map(|e| problem(site, format!("{e} in `{}`", shortened(text))))
                    .collect::<Vec<_>>()
            })?,
        };
        let mut parsed = parsed;
        let missing = parsed.resolve_instances(&|name| self.lists_by_name.get(name).copied());
        let mut problems: Vec<Problem> = missing
            .iter()
            .map(|name| {
                problem(
                    site,
                    format!("instance('{name}') names no choice list of this form"),
                )
            })
            .collect();
        parsed.visit_lookups(&mut |list, column| {
            let known = self.lists.get(list as usize).is_some_and(|l| {
                l.open_columns
                    || matches!(column, "name" | "label")
                    || l.columns.iter().any(|c| c == column)
            });
            if !known {
                problems.push(problem(
                    site,
                    format!("the items of this instance() have no column '{column}'"),
                ));
            }
        });
        let bound = parsed.try_map_refs(&mut |r, role| {
            self.reference(r, role, site).map_err(|m| problem(site, m))
        });
        match bound {
            Ok(e) if problems.is_empty() => Ok(e),
            Ok(_) => Err(problems),
            Err(more) => {
                problems.extend(more);
                Err(problems)
            }
        }
    }

    fn reference(&self, r: Reference, role: RefRole, site: &Site<'_>) -> Result<Bound, String> {
        let at = r.offset;
        let name = match r.target {
            Target::Field(name) => name,
            Target::LastSaved(name) => return self.last_saved(&name, role, site, at),
            Target::Path(path) if path.is_current() => {
                return match site.node {
                    Some(_) => Ok(Bound::Current),
                    None => Err(format!(
                        "'.' has no field to refer to here (at character {at})"
                    )),
                };
            }
            Target::Path(path)
                if !path.absolute && path.steps == [Step::Parent] && role == RefRole::Repeat =>
            {
                // `position(..)`: the innermost repeat instance.
                let Some(&repeat) = site.chain.last() else {
                    return Err(format!(
                        "position(..) is used outside any repeat (at character {at})"
                    ));
                };
                return Ok(Bound::Node {
                    node: repeat,
                    shared: site.chain.len() as u16,
                });
            }
            Target::Path(path) => {
                let last = match path.steps.last() {
                    Some(Step::Name(n)) => n.clone(),
                    _ => {
                        return Err(format!(
                            "the path {path} is not supported; use ${{name}} (at character {at})"
                        ));
                    }
                };
                let bare = !path.absolute && path.steps.len() == 1;
                if let (true, RefRole::Item(list)) = (bare, role) {
                    let columns = self.lists.get(list as usize).map(|l| l.columns.as_slice());
                    return choice_column(&last, columns.unwrap_or(&[]))
                        .ok_or_else(|| no_column(&last, at));
                }
                match (bare, site.choice_columns) {
                    (true, Some(columns)) => {
                        return Ok(self.filter_column(&last, columns, at, site));
                    }
                    (true, None) => {
                        let hint = if matches!(site.column, "required" | "read_only") {
                            format!(
                                "'{last}' is neither yes nor no: write yes or no (or an expression such as ${{{last}}} = 'x') (at character {at})"
                            )
                        } else {
                            format!(
                                "'{last}' is not a reference: write ${{{last}}} for the question, or '{last}' in quotes for the text (at character {at})"
                            )
                        };
                        if self.by_name.contains_key(&last) || self.duplicates.contains_key(&last) {
                            return Err(hint);
                        }
                        // Names no question: ODK reads a path to nothing, and so does this.
                        self.warnings.borrow_mut().push(problem(
                            site,
                            format!("{hint}; as in ODK, it is read as a path to nothing (empty)"),
                        ));
                        return Ok(Bound::Nothing);
                    }
                    // `/data/group/x` and `../x`: the field named by the last step.
                    (false, _) => last,
                }
            }
        };
        let node = self
            .node_named(&name)
            .map_err(|m| format!("{m} (at character {at})"))?;
        let target = &self.nodes[node as usize];
        let is_select = target
            .field()
            .is_some_and(|f| f.kind.choice_list().is_some());
        if role == RefRole::ChoiceField && !is_select {
            return Err(format!(
                "${{{name}}} is not a select question (at character {at})"
            ));
        }
        let shared = if role == RefRole::AllInstances {
            0
        } else {
            common_prefix(site.chain, &target.chain)
        };
        Ok(Bound::Node {
            node,
            shared: shared as u16,
        })
    }

    /// `${last-saved#name}`: read where the value only starts what she answers or what
    /// the phone computes and sends (`default`, `calculation`, texts), never in a check
    /// the server repeats (`relevant`, `constraint`, `required`...), since the server
    /// cannot know the phone's last saved record.
    fn last_saved(
        &self,
        name: &str,
        role: RefRole,
        site: &Site<'_>,
        at: usize,
    ) -> Result<Bound, String> {
        let column = site.column.split("::").next().unwrap_or_default();
        if !LAST_SAVED_COLUMNS.contains(&column) {
            return Err(format!(
                "${{last-saved#{name}}} can be read in default, calculation, label and hint only (the server, which checks {column}, cannot know the phone's last saved record): read it in a calculate row and refer to that row here (at character {at})"
            ));
        }
        if role != RefRole::Value {
            return Err(format!(
                "${{last-saved#{name}}} is a value, not a question to point at (at character {at})"
            ));
        }
        let node = self
            .node_named(name)
            .map_err(|m| format!("{m} (at character {at})"))?;
        if self.nodes[node as usize].field().is_none() {
            return Err(format!(
                "${{last-saved#{name}}} is a group or repeat: only a question's value is kept (at character {at})"
            ));
        }
        Ok(Bound::LastSaved(node))
    }

    /// A column of the candidate choice in a choice filter. One the list does not have
    /// is, as in ODK, a path to nothing (empty: `col = 'x'` holds for no choice), with a
    /// warning at the cell.
    fn filter_column(&self, name: &str, columns: &[String], at: usize, site: &Site<'_>) -> Bound {
        choice_column(name, columns).unwrap_or_else(|| {
            self.warnings.borrow_mut().push(problem(
                site,
                format!(
                    "{}; as in ODK, it is read as empty, so the filter may offer no choice",
                    no_column(name, at)
                ),
            ));
            Bound::Nothing
        })
    }

    /// The node `${name}` names, unless no node or several have that name.
    fn node_named(&self, name: &str) -> Result<NodeId, String> {
        if self.duplicates.contains_key(name) {
            return Err(format!(
                "${{{name}}} is ambiguous: several questions are named '{name}'"
            ));
        }
        self.by_name
            .get(name)
            .copied()
            .ok_or_else(|| format!("unknown question ${{{name}}}"))
    }

    /// The questions a name in the `trigger` column of the field at `site` names (every
    /// node of that name, as pyxform sets the field from each), with the repeat levels
    /// each shares with it. As in pyxform, a group cannot trigger, nor a field that is
    /// never shown because it is computed (`calculate`, or a calculation or a trigger of
    /// its own with neither label nor hint; `computed` says); a `hidden` or metadata field
    /// is accepted and never triggers, since she never answers it.
    pub fn trigger(
        &self,
        name: &str,
        site: &Site<'_>,
        computed: impl Fn(NodeId) -> bool,
    ) -> Result<Vec<(NodeId, u16)>, Problem> {
        let own = site
            .node
            .map_or("", |n| self.nodes[n as usize].name.as_str());
        let named: Vec<NodeId> = (0..self.nodes.len() as NodeId)
            .filter(|&n| self.nodes[n as usize].name == name)
            .collect();
        if named.is_empty() {
            return Err(problem(
                site,
                format!("the trigger names ${{{name}}}, which is no question of this form"),
            ));
        }
        named
            .into_iter()
            .map(|n| {
                let target = &self.nodes[n as usize];
                if target.field().is_none() {
                    Err(problem(
                        site,
                        format!("${{{name}}} is a group or repeat: only a question can trigger ${{{own}}}"),
                    ))
                } else if computed(n) {
                    Err(problem(
                        site,
                        format!("${{{name}}} is computed and not shown to the user, so it cannot trigger ${{{own}}}: only an answer she gives can"),
                    ))
                } else {
                    Ok((n, common_prefix(site.chain, &target.chain) as u16))
                }
            })
            .collect()
    }

    /// Compiles the texts of one column (`label`, `hint`...), binding the `${name}`s in them.
    pub fn templates(
        &self,
        texts: &Texts,
        site: &Site<'_>,
        problems: &mut Vec<Problem>,
    ) -> Templates {
        let mut out = Vec::new();
        for (lang, text) in &texts.0 {
            let column = if lang.is_empty() {
                site.column.to_string()
            } else {
                format!("{}::{lang}", site.column)
            };
            let here = Site {
                column: &column,
                ..*site
            };
            match self.template(text, &here) {
                Ok(t) => out.push((lang.clone(), t)),
                Err(p) => problems.extend(p),
            }
        }
        out
    }

    fn template(&self, text: &str, site: &Site<'_>) -> Result<Template, Vec<Problem>> {
        let mut parts = Vec::new();
        let mut problems = Vec::new();
        let mut rest = text;
        let mut consumed_chars = 0;
        while let Some(start) = rest.find("${") {
            let Some(len) = rest[start..].find('}') else {
                break;
            };
            if start > 0 {
                parts.push(Part::Text(rest[..start].to_string()));
            }
            let offset = consumed_chars + rest[..start].chars().count();
            let name = rest[start + 2..start + len].trim();
            let target = match name.strip_prefix(LAST_SAVED_PREFIX) {
                Some(field) => Target::LastSaved(field.trim().to_string()),
                None => Target::Field(name.to_string()),
            };
            let r = Reference { target, offset };
            match self.reference(r, RefRole::Value, site) {
                Ok(b) => parts.push(Part::Ref(b)),
                Err(m) => problems.push(problem(site, m)),
            }
            consumed_chars = offset + rest[start..start + len + 1].chars().count();
            rest = &rest[start + len + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_string()));
        }
        if problems.is_empty() {
            Ok(Template { parts })
        } else {
            Err(problems)
        }
    }
}

/// The columns `${last-saved#name}` may be read in (see [`Binder::last_saved`]).
const LAST_SAVED_COLUMNS: [&str; 4] = ["default", "calculation", "label", "hint"];

/// `yes`/`no` written where a flag is expected (`required`, `read_only`). Elsewhere a
/// bare `yes` is an XPath path to no question (ODK computes it as empty, so a
/// `calculation` of `yes` on a select is silently blank there): it is refused with the
/// hint to quote it.
fn literal_boolean(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "yes" | "true" | "true()" => Some(true),
        "no" | "false" | "false()" => Some(false),
        _ => None,
    }
}

/// The choice's `name` or another of its list's columns; `None` when the list has none
/// of that name.
fn choice_column(name: &str, columns: &[String]) -> Option<Bound> {
    if name == "name" {
        return Some(Bound::ChoiceName);
    }
    columns
        .iter()
        .position(|c| c == name)
        .map(|i| Bound::ChoiceColumn(i as u32))
}

fn no_column(name: &str, at: usize) -> String {
    format!("the choices sheet has no column '{name}' for this list (at character {at})")
}

fn common_prefix(a: &[NodeId], b: &[NodeId]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// Most characters of an expression quoted in a problem: enough to recognise it.
const QUOTED_CHARS: usize = 200;

/// The expression as quoted in a problem, cut after [`QUOTED_CHARS`] characters.
fn shortened(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(QUOTED_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]).into(),
        None => text.into(),
    }
}

fn problem(site: &Site<'_>, message: String) -> Problem {
    Problem {
        sheet: site.source.sheet.clone(),
        row: site.source.row,
        column: site.column.to_string(),
        message,
    }
}

/// Calls `f` with each node an expression reads as a value (not `position(..)`'s repeat
/// nor `jr:choice-name`'s list) and the shared depth of that reference.
pub(crate) fn value_reads(e: &Expr<Bound>, f: &mut impl FnMut(NodeId, u16)) {
    e.visit_refs(&mut |b, role| {
        if let (
            Bound::Node { node, shared },
            RefRole::Value | RefRole::AllInstances | RefRole::Item(_),
        ) = (b, role)
        {
            f(*node, *shared);
        }
    });
}
