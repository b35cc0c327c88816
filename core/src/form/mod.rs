//! Survey forms: the XLSForm model that every other part of the core works from, how it
//! is read (from .xlsx and from its canonical JSON) and how it is checked.

mod model;
mod problem;

pub use model::{
    Choice, ChoiceList, Field, FieldKind, Form, Group, Language, MetaKind, Node, Repeat, Source, Texts,
};
pub use problem::Problem;
