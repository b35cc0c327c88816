//! Moving through a form: which page comes after or before the current one (skipping
//! what does not apply, entering repeat instances, offering to add one at the end of a
//! repeat), and the paths (`members[2]/age`) that name questions and instances.
//! Each step walks only from the current page to the next one shown.

use std::fmt::Write as _;

use super::compile::{CKind, CompiledForm, NodeId};
use super::instance::{Instance, ROOT, ScopeId};

/// Where a session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pos {
    /// A page: a question, a field-list group (in its scope), or a field-list repeat
    /// instance (`node` is the repeat, `scope` the instance).
    Page { node: NodeId, scope: ScopeId },
    /// The end of a repeat without `repeat_count` in `scope`: add another?
    Prompt { repeat: NodeId, scope: ScopeId },
    /// After the last page.
    End,
}

/// A step of the walk between pages.
enum Step {
    Enter(NodeId, ScopeId),
    After(NodeId, ScopeId),
    EnterInstance(NodeId, ScopeId),
    AfterInstance(NodeId, ScopeId),
}

/// A step of the walk backwards.
enum Back {
    Before(NodeId, ScopeId),
    EnterLast(NodeId, ScopeId),
    EnterLastInstance(NodeId, ScopeId),
    BeforeInstance(NodeId, ScopeId),
}

/// The form and its answers, seen as pages.
pub(crate) struct Pages<'a> {
    pub form: &'a CompiledForm,
    pub inst: &'a Instance,
}

impl Pages<'_> {
    /// The first page.
    pub fn first(&self) -> Pos {
        match self.form.roots.first() {
            Some(&r) => self.forward(Step::Enter(r, ROOT)),
            None => Pos::End,
        }
    }

    /// The page after `pos` (the same `End` at the end).
    pub fn next(&self, pos: Pos) -> Pos {
        match pos {
            Pos::Page { node, scope } if self.is_instance_page(node) => {
                self.forward(Step::AfterInstance(node, scope))
            }
            Pos::Page { node, scope } => self.forward(Step::After(node, scope)),
            Pos::Prompt { repeat, scope } => self.forward(Step::After(repeat, scope)),
            Pos::End => Pos::End,
        }
    }

    /// The first page after `node` (and all its instances) in `scope`.
    pub fn after(&self, node: NodeId, scope: ScopeId) -> Pos {
        self.forward(Step::After(node, scope))
    }

    /// The first page of a repeat instance (or what follows it, if it shows nothing).
    pub fn enter_instance(&self, repeat: NodeId, instance: ScopeId) -> Pos {
        self.forward(Step::EnterInstance(repeat, instance))
    }

    /// The page before `pos`, if any (repeat prompts are skipped going back).
    pub fn back(&self, pos: Pos) -> Option<Pos> {
        let step = match pos {
            Pos::Page { node, scope } if self.is_instance_page(node) => {
                Back::BeforeInstance(node, scope)
            }
            Pos::Page { node, scope } => Back::Before(node, scope),
            Pos::Prompt { repeat, scope } => {
                match self.inst.instances(self.form, repeat, scope).last() {
                    Some(&last) => Back::EnterLastInstance(repeat, last),
                    None => Back::Before(repeat, scope),
                }
            }
            Pos::End => Back::EnterLast(*self.form.roots.last()?, ROOT),
        };
        self.backward(step)
    }

    /// Every page and prompt in order, ending with `End` (for jump lists).
    pub fn all(&self) -> Vec<Pos> {
        let mut out = Vec::new();
        let mut pos = self.first();
        loop {
            out.push(pos);
            if pos == Pos::End {
                return out;
            }
            pos = self.next(pos);
        }
    }

    fn is_instance_page(&self, node: NodeId) -> bool {
        self.form.node(node).repeat().is_some()
    }

    fn forward(&self, mut step: Step) -> Pos {
        let form = self.form;
        loop {
            step = match step {
                Step::Enter(n, s) => {
                    let node = form.node(n);
                    match &node.kind {
                        CKind::Field(_) if self.shows(n, s) => {
                            return Pos::Page { node: n, scope: s };
                        }
                        CKind::Field(_) => Step::After(n, s),
                        CKind::Group { .. } if !self.relevant(n, s) => Step::After(n, s),
                        CKind::Group { .. } if node.own_page => {
                            if self.page_shows_any(n, s) {
                                return Pos::Page { node: n, scope: s };
                            }
                            Step::After(n, s)
                        }
                        CKind::Group { .. } => match node.children.first() {
                            Some(&c) => Step::Enter(c, s),
                            None => Step::After(n, s),
                        },
                        CKind::Repeat(r) => {
                            let instances = self.inst.instances(form, n, s);
                            match (self.relevant(n, s), instances.first()) {
                                (false, _) => Step::After(n, s),
                                (true, Some(&first)) => Step::EnterInstance(n, first),
                                (true, None) if r.count.is_none() => {
                                    return Pos::Prompt {
                                        repeat: n,
                                        scope: s,
                                    };
                                }
                                (true, None) => Step::After(n, s),
                            }
                        }
                    }
                }
                Step::EnterInstance(r, i) => {
                    let node = form.node(r);
                    if node.own_page {
                        if self.page_shows_any(r, i) {
                            return Pos::Page { node: r, scope: i };
                        }
                        Step::AfterInstance(r, i)
                    } else {
                        match node.children.first() {
                            Some(&c) => Step::Enter(c, i),
                            None => Step::AfterInstance(r, i),
                        }
                    }
                }
                Step::After(n, s) => {
                    let node = form.node(n);
                    let siblings = self.siblings(n);
                    match (siblings.get(node.position as usize + 1), node.parent) {
                        (Some(&next), _) => Step::Enter(next, s),
                        (None, None) => return Pos::End,
                        (None, Some(p)) if form.node(p).repeat().is_some() => {
                            Step::AfterInstance(p, s)
                        }
                        (None, Some(p)) => Step::After(p, s),
                    }
                }
                Step::AfterInstance(r, i) => {
                    let scope = self.inst.scope(i);
                    let instances = self.inst.instances(form, r, scope.parent);
                    match instances.get(scope.index as usize) {
                        Some(&next) => Step::EnterInstance(r, next),
                        None if form.node(r).repeat().is_some_and(|rep| rep.count.is_none()) => {
                            return Pos::Prompt {
                                repeat: r,
                                scope: scope.parent,
                            };
                        }
                        None => Step::After(r, scope.parent),
                    }
                }
            };
        }
    }

    fn backward(&self, mut step: Back) -> Option<Pos> {
        let form = self.form;
        loop {
            step = match step {
                Back::Before(n, s) => {
                    let node = form.node(n);
                    let siblings = self.siblings(n);
                    match (
                        node.position
                            .checked_sub(1)
                            .and_then(|p| siblings.get(p as usize)),
                        node.parent,
                    ) {
                        (Some(&prev), _) => Back::EnterLast(prev, s),
                        (None, None) => return None,
                        (None, Some(p)) if form.node(p).repeat().is_some() => {
                            Back::BeforeInstance(p, s)
                        }
                        (None, Some(p)) => Back::Before(p, s),
                    }
                }
                Back::EnterLast(n, s) => {
                    let node = form.node(n);
                    match &node.kind {
                        CKind::Field(_) if self.shows(n, s) => {
                            return Some(Pos::Page { node: n, scope: s });
                        }
                        CKind::Field(_) => Back::Before(n, s),
                        CKind::Group { .. } if !self.relevant(n, s) => Back::Before(n, s),
                        CKind::Group { .. } if node.own_page => {
                            if self.page_shows_any(n, s) {
                                return Some(Pos::Page { node: n, scope: s });
                            }
                            Back::Before(n, s)
                        }
                        CKind::Group { .. } => match node.children.last() {
                            Some(&c) => Back::EnterLast(c, s),
                            None => Back::Before(n, s),
                        },
                        CKind::Repeat(_) => {
                            match (self.relevant(n, s), self.inst.instances(form, n, s).last()) {
                                (true, Some(&last)) => Back::EnterLastInstance(n, last),
                                _ => Back::Before(n, s),
                            }
                        }
                    }
                }
                Back::EnterLastInstance(r, i) => {
                    let node = form.node(r);
                    if node.own_page {
                        if self.page_shows_any(r, i) {
                            return Some(Pos::Page { node: r, scope: i });
                        }
                        Back::BeforeInstance(r, i)
                    } else {
                        match node.children.last() {
                            Some(&c) => Back::EnterLast(c, i),
                            None => Back::BeforeInstance(r, i),
                        }
                    }
                }
                Back::BeforeInstance(r, i) => {
                    let scope = self.inst.scope(i);
                    let instances = self.inst.instances(form, r, scope.parent);
                    match (scope.index as usize)
                        .checked_sub(2)
                        .and_then(|p| instances.get(p))
                    {
                        Some(&prev) => Back::EnterLastInstance(r, prev),
                        None => Back::Before(r, scope.parent),
                    }
                }
            };
        }
    }

    fn siblings(&self, n: NodeId) -> &[NodeId] {
        match self.form.node(n).parent {
            Some(p) => &self.form.node(p).children,
            None => &self.form.roots,
        }
    }

    fn relevant(&self, n: NodeId, s: ScopeId) -> bool {
        self.inst.slot(self.form, n, s).relevant
    }

    /// A question that is shown in scope `s`.
    pub fn shows(&self, n: NodeId, s: ScopeId) -> bool {
        self.form.node(n).is_question() && self.relevant(n, s)
    }

    fn page_shows_any(&self, n: NodeId, s: ScopeId) -> bool {
        let mut any = false;
        self.each_page_question(n, s, &mut |_| any = true);
        any
    }

    /// The questions shown on the page at `pos`, in order.
    pub fn questions(&self, pos: Pos) -> Vec<(NodeId, ScopeId)> {
        let Pos::Page { node, scope } = pos else {
            return Vec::new();
        };
        let container = self.form.node(node);
        if container.field().is_some() {
            return if self.shows(node, scope) {
                vec![(node, scope)]
            } else {
                Vec::new()
            };
        }
        let mut out = Vec::with_capacity(container.children.len());
        self.each_page_question(node, scope, &mut |n| out.push((n, scope)));
        out
    }

    /// Calls `f` with each shown question inside page container `n` (all in scope `s`).
    fn each_page_question(&self, n: NodeId, s: ScopeId, f: &mut impl FnMut(NodeId)) {
        for &c in &self.form.node(n).children {
            if self.form.node(c).field().is_some() {
                if self.shows(c, s) {
                    f(c);
                }
            } else if self.relevant(c, s) {
                self.each_page_question(c, s, f);
            }
        }
    }

    /// The page that shows question `n` of scope `s`.
    pub fn page_of(&self, n: NodeId, s: ScopeId) -> Pos {
        // A page container holds no repeat, so its questions share its scope (for a
        // field-list repeat, the instance).
        Pos::Page {
            node: self.form.node(n).page.unwrap_or(n),
            scope: s,
        }
    }

    /// The path of a node in a scope: `members[2]/age`; for a repeat instance scope with
    /// `node` = its repeat, `members[2]`.
    pub fn path(&self, node: NodeId, scope: ScopeId) -> String {
        let is_instance = self.inst.scope(scope).repeat == Some(node) && scope != ROOT;
        if scope == ROOT {
            return self.form.node(node).seg.clone();
        }
        let mut segments = Vec::new();
        let mut s = scope;
        while s != ROOT {
            let sc = self.inst.scope(s);
            if let Some(r) = sc.repeat {
                segments.push((&self.form.node(r).seg, sc.index));
            }
            s = sc.parent;
        }
        let mut out = String::new();
        for (i, (name, index)) in segments.iter().rev().enumerate() {
            if i > 0 {
                out.push('/');
            }
            let _ = write!(out, "{name}[{index}]");
        }
        if !is_instance {
            out.push('/');
            out.push_str(&self.form.node(node).seg);
        }
        out
    }

    /// Resolves a path: the node, the scope it is in, and whether the path names a
    /// repeat instance (`members[2]`, scope = the instance) rather than a node.
    pub fn resolve(&self, path: &str) -> Option<(NodeId, ScopeId, bool)> {
        let form = self.form;
        let mut scope = ROOT;
        // Most answers name a question outside repeats by its segment alone: one lookup.
        // (A path starting and ending with a name character has nothing to trim, and one
        // without `[` names no instance, so this is what the walk below finds.)
        let name_char = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
        if path.as_bytes().first().is_some_and(name_char)
            && path.as_bytes().last().is_some_and(name_char)
            && let Some(node) = form.node_by_seg(self.inst.scope(ROOT).repeat, path)
            && !path.contains('[')
        {
            return Some((node, ROOT, false));
        }
        let path = trim_slashes(path.trim());
        // Groups named before a name (`mother/name`) qualify it within its repeat: the
        // segments since the last repeat instance, read in place.
        let (mut from, mut start) = (0, 0);
        loop {
            // '/' is ASCII: the byte positions are character boundaries.
            let end = path
                .as_bytes()
                .get(start..)?
                .iter()
                .position(|&b| b == b'/')
                .map_or(path.len(), |i| start + i);
            let segment = path.get(start..end)?;
            let last = end == path.len();
            let (name, index) = match segment.strip_suffix(']').and_then(|s| s.split_once('[')) {
                Some((name, idx)) => (name, Some(idx.parse::<usize>().ok()?)),
                None => (segment, None),
            };
            let at = start;
            start = end + 1;
            if index.is_none() && !last {
                continue;
            }
            let qualified = path.get(from..at + name.len())?;
            from = start;
            let node = form.node_by_seg(self.inst.scope(scope).repeat, qualified)?;
            let n = form.node(node);
            match index {
                None if last => return Some((node, scope, false)),
                None => return None,
                Some(idx) => {
                    n.repeat()?;
                    let &inst = self
                        .inst
                        .instances(form, node, scope)
                        .get(idx.checked_sub(1)?)?;
                    if last {
                        return Some((node, inst, true));
                    }
                    scope = inst;
                }
            }
        }
    }
}

/// `path` without the slashes it starts and ends with (cheaper than `trim_matches('/')`,
/// which resolving every answer's path paid for).
fn trim_slashes(path: &str) -> &str {
    let bytes = path.as_bytes();
    let start = bytes.iter().position(|&b| b != b'/').unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| b != b'/')
        .map_or(start, |i| i + 1);
    path.get(start..end).unwrap_or_default()
}
