//! The XLSForm expression language: the subset of XPath 1.0 with ODK's extensions that
//! `relevant`, `constraint`, `calculation`, `required`, `choice_filter`... are written in.
//!
//! [`parse`] turns text into an [`Expr<Reference>`] (or a [`ParseError`] with the
//! character offset of the problem); the engine then binds every reference to a slot
//! ([`Expr::try_map_refs`]) and evaluates with [`eval`] against an [`Env`].

mod ast;
pub(crate) mod dates;
mod encode;
mod eval;
mod func;
pub(crate) mod geo;
mod lexer;
mod parser;
pub(crate) mod shuffle;
mod value;

pub use ast::{BinOp, Cmp, Expr, Lookup, Path, Pattern, RefRole, Reference, Step, Target};
pub use eval::{Env, eval};
pub use func::Func;
pub(crate) use lexer::LAST_SAVED_PREFIX;
pub use parser::{parse, parse_all};
pub use value::{Value, compare, number_to_string, string_to_number};

/// A syntax error in an expression.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at character {offset})")]
pub struct ParseError {
    /// Character offset (from 0) in the expression where the problem starts.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

#[cfg(test)]
mod tests;
