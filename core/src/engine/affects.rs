//! Which questions of a page an answer can change, and how: worked out once per form
//! from the dependency graph, so that after an answer a page renders again only those
//! questions (and the ones that appear), and sends only the answer and message of those
//! whose label, hint, flags and choices cannot change.
//!
//! An answer to `n` changes `n`'s value and the fields it triggers; through the calculations, relevance and repeat
//! counts that read it (and what reads those, transitively) it may change other values,
//! whether nodes apply, and how many instances a repeat has. A question is drawn again
//! whole when its label, hint, required, read-only, choice filter or choice order reads
//! one of those nodes; only its answer and message are sent when it is one of them or its
//! constraint reads one.

use crate::expr::Expr;
use crate::form::FieldKind;

use super::bind::{Bound, Part, Templates};
use super::compile::{CKind, CNode, Dep, Item, ItemKind, NodeId, Triggered};

/// What an answer to a question can change on its page (itself included), split by
/// what a UI has to do about it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Effects {
    /// Questions whose label, hint, required, read-only or choices may change: drawn
    /// again whole (sorted).
    pub redraw: Vec<NodeId>,
    /// Questions whose answer or error message may change and nothing else: only those
    /// two are sent (sorted; the answered question is here unless it is in `redraw`).
    pub answers: Vec<NodeId>,
    /// Whether the answer can change which questions show or how many instances a
    /// repeat has (a relevance or repeat count reads it, directly or through
    /// calculations). When it cannot, its page shows the same questions after it, and
    /// only those above need a look.
    pub reshapes: bool,
}

impl Effects {
    /// Whether question `q` has to be drawn again whole.
    pub fn redraws(&self, q: NodeId) -> bool {
        self.redraw.binary_search(&q).is_ok()
    }

    /// Whether only `q`'s answer and message may change.
    pub fn patches(&self, q: NodeId) -> bool {
        self.answers.binary_search(&q).is_ok()
    }

    /// Whether `q`'s answer is all an answer can change: only `q`, and only its answer
    /// and message.
    pub fn only(&self, q: NodeId) -> bool {
        self.redraw.is_empty() && self.answers == [q]
    }

    /// The questions of `redraw` and `answers` together, in page order.
    pub fn touched(&self) -> impl Iterator<Item = NodeId> + '_ {
        let (mut a, mut b) = (
            self.redraw.iter().peekable(),
            self.answers.iter().peekable(),
        );
        std::iter::from_fn(move || match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x < y => a.next().copied(),
            (Some(_), None) => a.next().copied(),
            _ => b.next().copied(),
        })
    }
}

/// For each question, what its answer may change on its page (see [`Effects`]); empty
/// for nodes that are not questions.
pub(crate) fn page_effects(
    nodes: &[CNode],
    items: &[Item],
    readers: &[Vec<Dep>],
    triggers: &[Vec<Triggered>],
) -> Vec<Effects> {
    let mut out = vec![Effects::default(); nodes.len()];
    let mut pages: Vec<Vec<NodeId>> = vec![Vec::new(); nodes.len()];
    for (i, n) in nodes.iter().enumerate() {
        if n.is_question() {
            pages[n.page.unwrap_or(i as NodeId) as usize].push(i as NodeId);
        }
    }
    let reads: Vec<Reads> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| render_reads(i as NodeId, n))
        .collect();
    let mut reach = Reach {
        nodes,
        items,
        readers,
        triggers,
        seen: vec![false; nodes.len()],
        touched: Vec::new(),
    };
    for page in pages.iter().filter(|p| !p.is_empty()) {
        for &n in page {
            let effects = &mut out[n as usize];
            effects.reshapes = reach.reshapes(n);
            // Alone on its page, with nothing but its answer and message to show a
            // change: no need to follow its dependents.
            if page.len() == 1
                && reads[n as usize].shape.is_empty()
                && triggers[n as usize].is_empty()
            {
                effects.answers.push(n);
                continue;
            }
            reach.spread(n);
            let reached = |r: &[NodeId]| r.iter().any(|&m| reach.seen[m as usize]);
            for &q in page {
                if reached(&reads[q as usize].shape) {
                    effects.redraw.push(q);
                } else if reached(&reads[q as usize].answer) {
                    effects.answers.push(q);
                }
            }
            reach.clear();
        }
    }
    out
}

/// The nodes a question's rendering reads besides the form, by what they can change.
struct Reads {
    /// What its label, hint, required, read-only, choice filter and choice order read.
    shape: Vec<NodeId>,
    /// Its own value, and what its constraint reads.
    answer: Vec<NodeId>,
}

fn render_reads(id: NodeId, n: &CNode) -> Reads {
    let mut shape = Vec::new();
    let mut answer = vec![id];
    let node = |b: &Bound| match *b {
        Bound::Node { node, .. } => Some(node),
        Bound::Current => Some(id),
        Bound::ChoiceName | Bound::ChoiceColumn(_) | Bound::LastSaved(_) | Bound::Nothing => None,
    };
    let templates = |t: &Templates, out: &mut Vec<NodeId>| {
        for (_, template) in t {
            for part in &template.parts {
                if let Part::Ref(b) = part {
                    out.extend(node(b));
                }
            }
        }
    };
    templates(&n.label, &mut shape);
    if let CKind::Field(f) = &n.kind {
        templates(&f.hint, &mut shape);
        let seed = f.randomize.as_ref().and_then(Option::as_ref);
        let exprs: [&Option<Expr<Bound>>; 3] = [&f.required, &f.read_only, &f.choice_filter];
        for e in exprs.into_iter().flatten().chain(seed) {
            e.visit_refs(&mut |b, _| shape.extend(node(b)));
        }
        if let Some(c) = &f.constraint {
            c.visit_refs(&mut |b, _| answer.extend(node(b)));
        }
        if matches!(f.kind, FieldKind::Rank { .. }) {
            // A ranking lists its choices in her order: its answer changes its shape.
            shape.push(id);
        }
    }
    for v in [&mut shape, &mut answer] {
        v.sort_unstable();
        v.dedup();
    }
    Reads { shape, answer }
}

/// A walk over what one answer can change, reusing its marks between answers.
struct Reach<'a> {
    nodes: &'a [CNode],
    items: &'a [Item],
    readers: &'a [Vec<Dep>],
    triggers: &'a [Vec<Triggered>],
    /// Nodes whose value, relevance or instances the answer may change.
    seen: Vec<bool>,
    touched: Vec<NodeId>,
}

impl Reach<'_> {
    /// Marks everything a change of `start`'s value can change.
    fn spread(&mut self, start: NodeId) {
        let mut stack = Vec::new();
        self.start(start, &mut stack);
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

    /// Whether a change of `start`'s value reaches a relevance or a repeat count.
    fn reshapes(&mut self, start: NodeId) -> bool {
        let mut stack = Vec::new();
        self.start(start, &mut stack);
        let mut found = false;
        'walk: while let Some(m) = stack.pop() {
            for dep in &self.readers[m as usize] {
                let item = &self.items[dep.item as usize];
                match item.kind {
                    ItemKind::Calculation => self.mark(item.node, &mut stack),
                    ItemKind::Relevance | ItemKind::RepeatCount => {
                        found = true;
                        break 'walk;
                    }
                }
            }
        }
        self.clear();
        found
    }

    /// Marks what an answer to `start` sets: its value and the fields it triggers.
    fn start(&mut self, start: NodeId, stack: &mut Vec<NodeId>) {
        self.mark(start, stack);
        let triggers = self.triggers;
        for t in &triggers[start as usize] {
            self.mark(t.target, stack);
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
