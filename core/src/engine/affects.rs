//! Which questions of a page an answer can change: worked out once per form from the
//! dependency graph, so that after an answer a page renders again only those questions
//! (and the ones that appear), not every question on it.
//!
//! An answer to `n` changes `n`'s value; through the calculations, relevance and repeat
//! counts that read it (and what reads those, transitively) it may change other values,
//! whether nodes apply, and how many instances a repeat has. A question shows a change
//! when its label, hint, required, read-only, constraint or choice filter reads one of
//! those nodes, or when it is one of them.

use crate::expr::Expr;

use super::bind::{Bound, Part, Templates};
use super::compile::{CKind, CNode, Dep, Item, ItemKind, NodeId};

/// For each node, the other questions of its field-list page that its answer may change,
/// sorted (empty for a node that is not on a field-list page).
pub(crate) fn page_effects(
    nodes: &[CNode],
    items: &[Item],
    readers: &[Vec<Dep>],
) -> Vec<Vec<NodeId>> {
    let mut out = vec![Vec::new(); nodes.len()];
    let mut peers: Vec<Vec<NodeId>> = vec![Vec::new(); nodes.len()];
    for (i, n) in nodes.iter().enumerate() {
        if let (Some(page), true) = (n.page, n.is_question()) {
            peers[page as usize].push(i as NodeId);
        }
    }
    let reads: Vec<Vec<NodeId>> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| render_reads(i as NodeId, n))
        .collect();
    let mut reach = Reach {
        nodes,
        items,
        readers,
        seen: vec![false; nodes.len()],
        touched: Vec::new(),
    };
    for page in peers.iter().filter(|p| p.len() > 1) {
        for &n in page {
            reach.spread(n);
            out[n as usize] = page
                .iter()
                .copied()
                .filter(|&q| q != n && reads[q as usize].iter().any(|&r| reach.seen[r as usize]))
                .collect();
            reach.clear();
        }
    }
    out
}

/// The nodes a question's rendering reads besides the form: its own value, and what its
/// label, hint, required, read-only, constraint and choice filter refer to.
fn render_reads(id: NodeId, n: &CNode) -> Vec<NodeId> {
    let mut out = vec![id];
    let mut add = |b: &Bound| match *b {
        Bound::Node { node, .. } => out.push(node),
        Bound::Current => out.push(id),
        Bound::ChoiceName | Bound::ChoiceColumn(_) => {}
    };
    let mut templates = |t: &Templates| {
        for (_, template) in t {
            for part in &template.parts {
                if let Part::Ref(b) = part {
                    add(b);
                }
            }
        }
    };
    templates(&n.label);
    if let CKind::Field(f) = &n.kind {
        templates(&f.hint);
        let exprs: [&Option<Expr<Bound>>; 4] =
            [&f.required, &f.read_only, &f.constraint, &f.choice_filter];
        for e in exprs.into_iter().flatten() {
            e.visit_refs(&mut |b, _| add(b));
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// A walk over what one answer can change, reusing its marks between answers.
struct Reach<'a> {
    nodes: &'a [CNode],
    items: &'a [Item],
    readers: &'a [Vec<Dep>],
    /// Nodes whose value, relevance or instances the answer may change.
    seen: Vec<bool>,
    touched: Vec<NodeId>,
}

impl Reach<'_> {
    /// Marks everything a change of `start`'s value can change.
    fn spread(&mut self, start: NodeId) {
        let mut stack = vec![start];
        self.mark(start, &mut stack);
        while let Some(m) = stack.pop() {
            for dep in &self.readers[m as usize] {
                let item = &self.items[dep.item as usize];
                match item.kind {
                    ItemKind::Calculation => self.mark(item.node, &mut stack),
                    // Whether a node applies decides whether it and everything inside
                    // it reads as empty; a count adds or removes whole instances.
                    ItemKind::Relevance | ItemKind::RepeatCount => {
                        let mut inside = vec![item.node];
                        while let Some(d) = inside.pop() {
                            self.mark(d, &mut stack);
                            inside.extend(self.nodes[d as usize].children.iter().copied());
                        }
                    }
                }
            }
        }
    }

    fn mark(&mut self, n: NodeId, stack: &mut Vec<NodeId>) {
        if !self.seen[n as usize] {
            self.seen[n as usize] = true;
            self.touched.push(n);
            stack.push(n);
        }
    }

    fn clear(&mut self) {
        for n in self.touched.drain(..) {
            self.seen[n as usize] = false;
        }
    }
}
