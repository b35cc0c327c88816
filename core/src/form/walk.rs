//! Walking the tree of a form.

use super::{Field, Form, Node};

impl Form {
    /// Every field of the form in document order, inside groups and repeats too.
    pub fn fields(&self) -> Vec<&Field> {
        fn walk<'f>(nodes: &'f [Node], out: &mut Vec<&'f Field>) {
            for node in nodes {
                match node {
                    Node::Field(f) => out.push(f),
                    Node::Group(g) => walk(&g.children, out),
                    Node::Repeat(r) => walk(&r.children, out),
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.body, &mut out);
        out
    }
}
