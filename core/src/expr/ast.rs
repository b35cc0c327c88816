//! The syntax tree of an expression. It is generic over what a reference is: the parser
//! produces `Expr<Reference>` (names as written), the engine binds it to its own slots
//! (`Expr<Bound>`), so evaluation never looks a name up by its text.

use std::fmt;
use std::sync::Arc;

use super::Func;

/// An expression whose references are of type `R`.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr<R> {
    /// A number literal.
    Number(f64),
    /// A string literal.
    String(String),
    /// A reference to a field, a path or the current field.
    Ref(R),
    /// Unary minus.
    Neg(Box<Expr<R>>),
    /// A binary operator.
    Binary(BinOp, Box<Expr<R>>, Box<Expr<R>>),
    /// A function call (arity already checked by the parser).
    Call(Func, Vec<Expr<R>>),
    /// `regex(subject, 'literal')`: the pattern is compiled once, when the form is.
    Matches(Box<Expr<R>>, Pattern),
    /// `instance('list')/root/item[filter]/column`: items of a choice list.
    Lookup(Box<Lookup<R>>),
}

/// `instance('list')/root/item[filter]/column`: the items of one of the form's choice
/// lists (its secondary instances) that pass `filter` (in which a bare name is a column
/// of the list), and of each its `column` (or its name when there is none).
#[derive(Debug, Clone, PartialEq)]
pub struct Lookup<R> {
    /// The list's name, as written in `instance('...')`.
    pub instance: String,
    /// The list, once the engine has resolved the name (it binds the filter's columns).
    pub list: Option<u32>,
    /// The predicate on `item`.
    pub filter: Option<Expr<R>>,
    /// The child of `item` whose values are wanted (`label`, `name`, another column).
    pub column: Option<String>,
}

/// A binary operator, in XPath's precedence classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `or`
    Or,
    /// `and`
    And,
    /// A comparison.
    Compare(Cmp),
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `div`
    Div,
    /// `mod`
    Mod,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    /// `=`
    Eq,
    /// `!=`
    Neq,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Compare(Cmp::Eq) => "=",
            BinOp::Compare(Cmp::Neq) => "!=",
            BinOp::Compare(Cmp::Lt) => "<",
            BinOp::Compare(Cmp::Le) => "<=",
            BinOp::Compare(Cmp::Gt) => ">",
            BinOp::Compare(Cmp::Ge) => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "div",
            BinOp::Mod => "mod",
        }
    }
}

/// A regular expression compiled from a literal pattern.
#[derive(Debug, Clone)]
pub struct Pattern(pub Arc<regex_lite::Regex>);

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_str() == other.0.as_str()
    }
}

/// A reference as the author wrote it, with its character offset in the expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    /// What is referred to.
    pub target: Target,
    /// Character offset of the reference in the expression.
    pub offset: usize,
}

/// What a written reference names.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// `${name}`.
    Field(String),
    /// `${last-saved#name}`: `name`'s value in the last saved record of the same form on
    /// this phone (empty when there is none), as ODK Collect reads it.
    LastSaved(String),
    /// An XPath location path: `.`, `..`, `../name`, `/data/group/name`, or a bare `name`
    /// (in a choice filter, a column of the choices sheet).
    Path(Path),
}

/// A location path without predicates or axes: the only kind XLSForms need.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    /// Starts with `/`.
    pub absolute: bool,
    /// The steps in order.
    pub steps: Vec<Step>,
}

/// One step of a [`Path`].
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// `.`
    Current,
    /// `..`
    Parent,
    /// A child element name.
    Name(String),
}

impl Path {
    /// True for the path `.` (the field the expression belongs to).
    pub fn is_current(&self) -> bool {
        !self.absolute && self.steps == [Step::Current]
    }
}

/// How a function uses a reference among its arguments; the engine binds the reference
/// accordingly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefRole {
    /// An ordinary value: inside a repeat, `${x}` is the same instance's `x`.
    Value,
    /// The first argument of `indexed-repeat`: every instance's value, to pick one from.
    AllInstances,
    /// A repeat named to count positions (`indexed-repeat`'s second argument, `position(..)`).
    Repeat,
    /// The field named by `jr:choice-name`'s second argument, whose choice list is used.
    ChoiceField,
    /// A reference inside an `instance('list')/root/item[...]` predicate: a bare name is
    /// a column of that list (resolved to its index by the engine).
    Item(u32),
}

impl<R> Expr<R> {
    /// Calls `f` on every reference, in source order, with the role it plays.
    pub fn visit_refs(&self, f: &mut impl FnMut(&R, RefRole)) {
        self.visit_refs_in(RefRole::Value, f);
    }

    fn visit_refs_in(&self, role: RefRole, f: &mut impl FnMut(&R, RefRole)) {
        let value = within(role, RefRole::Value);
        match self {
            Expr::Number(_) | Expr::String(_) => {}
            Expr::Ref(r) => f(r, role),
            Expr::Neg(e) => e.visit_refs_in(value, f),
            Expr::Binary(_, a, b) => {
                a.visit_refs_in(value, f);
                b.visit_refs_in(value, f);
            }
            Expr::Matches(e, _) => e.visit_refs_in(value, f),
            Expr::Lookup(l) => {
                if let (Some(filter), Some(list)) = (&l.filter, l.list) {
                    filter.visit_refs_in(RefRole::Item(list), f);
                }
            }
            Expr::Call(func, args) => {
                for (i, a) in args.iter().enumerate() {
                    a.visit_refs_in(within(role, arg_role(*func, i)), f);
                }
            }
        }
    }

    /// Replaces every reference with what `f` makes of it (the engine's binding step).
    /// All failures are collected, so a form author sees every unknown name at once.
    pub fn try_map_refs<S, E>(
        self,
        f: &mut impl FnMut(R, RefRole) -> Result<S, E>,
    ) -> Result<Expr<S>, Vec<E>> {
        let mut errors = Vec::new();
        let out = self.map_in(RefRole::Value, f, &mut errors);
        match out {
            Some(e) if errors.is_empty() => Ok(e),
            _ => Err(errors),
        }
    }

    fn map_in<S, E>(
        self,
        role: RefRole,
        f: &mut impl FnMut(R, RefRole) -> Result<S, E>,
        errors: &mut Vec<E>,
    ) -> Option<Expr<S>> {
        let value = within(role, RefRole::Value);
        let boxed =
            |e: Box<Expr<R>>, f: &mut _, errors: &mut _| e.map_in(value, f, errors).map(Box::new);
        Some(match self {
            Expr::Number(n) => Expr::Number(n),
            Expr::String(s) => Expr::String(s),
            Expr::Ref(r) => match f(r, role) {
                Ok(s) => Expr::Ref(s),
                Err(e) => {
                    errors.push(e);
                    return None;
                }
            },
            Expr::Neg(e) => Expr::Neg(boxed(e, f, errors)?),
            Expr::Binary(op, a, b) => {
                let a = boxed(a, f, errors);
                let b = boxed(b, f, errors);
                Expr::Binary(op, a?, b?)
            }
            Expr::Matches(e, p) => Expr::Matches(boxed(e, f, errors)?, p),
            Expr::Lookup(l) => {
                let Lookup {
                    instance,
                    list,
                    filter,
                    column,
                } = *l;
                let role = list.map_or(RefRole::Value, RefRole::Item);
                let filter = match filter {
                    Some(e) => Some(e.map_in(role, f, errors)?),
                    None => None,
                };
                Expr::Lookup(Box::new(Lookup {
                    instance,
                    list,
                    filter,
                    column,
                }))
            }
            Expr::Call(func, args) => {
                let mapped: Vec<Option<Expr<S>>> = args
                    .into_iter()
                    .enumerate()
                    .map(|(i, a)| a.map_in(within(role, arg_role(func, i)), f, errors))
                    .collect();
                Expr::Call(func, mapped.into_iter().collect::<Option<Vec<_>>>()?)
            }
        })
    }

    /// Resolves the list of every `instance('...')` lookup with `find` (the engine's
    /// lists by name); returns the names it could not find.
    pub fn resolve_instances(&mut self, find: &impl Fn(&str) -> Option<u32>) -> Vec<String> {
        let mut missing = Vec::new();
        self.resolve_in(find, &mut missing);
        missing
    }

    fn resolve_in(&mut self, find: &impl Fn(&str) -> Option<u32>, missing: &mut Vec<String>) {
        match self {
            Expr::Number(_) | Expr::String(_) | Expr::Ref(_) => {}
            Expr::Neg(e) | Expr::Matches(e, _) => e.resolve_in(find, missing),
            Expr::Binary(_, a, b) => {
                a.resolve_in(find, missing);
                b.resolve_in(find, missing);
            }
            Expr::Call(_, args) => args.iter_mut().for_each(|a| a.resolve_in(find, missing)),
            Expr::Lookup(l) => {
                l.list = find(&l.instance);
                if l.list.is_none() {
                    missing.push(l.instance.clone());
                }
                if let Some(filter) = &mut l.filter {
                    filter.resolve_in(find, missing);
                }
            }
        }
    }

    /// Calls `f` with the list and the column of every resolved `instance()` lookup that
    /// names a column.
    pub fn visit_lookups(&self, f: &mut impl FnMut(u32, &str)) {
        match self {
            Expr::Number(_) | Expr::String(_) | Expr::Ref(_) => {}
            Expr::Neg(e) | Expr::Matches(e, _) => e.visit_lookups(f),
            Expr::Binary(_, a, b) => {
                a.visit_lookups(f);
                b.visit_lookups(f);
            }
            Expr::Call(_, args) => args.iter().for_each(|a| a.visit_lookups(f)),
            Expr::Lookup(l) => {
                if let (Some(list), Some(column)) = (l.list, &l.column) {
                    f(list, column);
                }
                if let Some(filter) = &l.filter {
                    filter.visit_lookups(f);
                }
            }
        }
    }

    /// True when the expression calls `func` anywhere.
    pub fn calls(&self, func: Func) -> bool {
        match self {
            Expr::Number(_) | Expr::String(_) | Expr::Ref(_) => false,
            Expr::Neg(e) | Expr::Matches(e, _) => e.calls(func),
            Expr::Lookup(l) => l.filter.as_ref().is_some_and(|e| e.calls(func)),
            Expr::Binary(_, a, b) => a.calls(func) || b.calls(func),
            Expr::Call(f, args) => *f == func || args.iter().any(|a| a.calls(func)),
        }
    }
}

/// The role of a sub-expression's reference inside a context: inside an `instance()`
/// predicate an ordinary value is still read from the list's item.
fn within(context: RefRole, role: RefRole) -> RefRole {
    match (context, role) {
        (RefRole::Item(list), RefRole::Value) => RefRole::Item(list),
        _ => role,
    }
}

/// The role of a function's `i`-th argument when it is a bare reference.
fn arg_role(func: Func, i: usize) -> RefRole {
    match (func, i) {
        (Func::IndexedRepeat, 0) => RefRole::AllInstances,
        (Func::IndexedRepeat, 1) | (Func::Position, 0) => RefRole::Repeat,
        (Func::ChoiceName, 1) => RefRole::ChoiceField,
        _ => RefRole::Value,
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.target {
            Target::Field(name) => write!(f, "${{{name}}}"),
            Target::LastSaved(name) => write!(f, "${{last-saved#{name}}}"),
            Target::Path(p) => write!(f, "{p}"),
        }
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.absolute {
            f.write_str("/")?;
        }
        for (i, step) in self.steps.iter().enumerate() {
            if i > 0 {
                f.write_str("/")?;
            }
            match step {
                Step::Current => f.write_str(".")?,
                Step::Parent => f.write_str("..")?,
                Step::Name(n) => f.write_str(n)?,
            }
        }
        Ok(())
    }
}

/// Prints an expression back in the author's syntax, fully parenthesized, so that
/// printing and parsing again gives the same tree.
impl<R: fmt::Display> fmt::Display for Expr<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Number(n) => write!(f, "{}", super::value::number_to_string(*n)),
            Expr::String(s) if s.contains('\'') => write!(f, "\"{s}\""),
            Expr::String(s) => write!(f, "'{s}'"),
            Expr::Ref(r) => write!(f, "{r}"),
            Expr::Neg(e) => write!(f, "-({e})"),
            Expr::Binary(op, a, b) => write!(f, "({a} {} {b})", op.symbol()),
            Expr::Matches(e, p) => {
                write!(f, "regex({e}, ")?;
                Expr::<R>::String(p.0.as_str().to_string()).fmt(f)?;
                f.write_str(")")
            }
            Expr::Lookup(l) => {
                write!(f, "instance('{}')/root/item", l.instance)?;
                if let Some(filter) = &l.filter {
                    write!(f, "[{filter}]")?;
                }
                if let Some(column) = &l.column {
                    write!(f, "/{column}")?;
                }
                Ok(())
            }
            Expr::Call(func, args) => {
                write!(f, "{}(", func.name())?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    if let (Func::ChoiceName, 1, Expr::Ref(r)) = (func, i, a) {
                        write!(f, "'{r}'")?;
                    } else {
                        write!(f, "{a}")?;
                    }
                }
                f.write_str(")")
            }
        }
    }
}
