//! The answers being filled: one scope for the form and one per repeat instance, each a
//! vector of slots (value + relevance), and the incremental evaluator that keeps
//! calculations, relevance and repeat counts up to date. A change puts the items that
//! read it on a queue ordered by (evaluation order, scope), so only dependants are
//! re-evaluated, each once, after everything they read.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::iter::Chain;
use std::{option, vec};

use chrono::{DateTime, FixedOffset, Utc};

use crate::expr::{self, Env, Lookup, Value, dates};
use crate::form::{FieldKind, MetaKind};

use super::bind::{Bound, Part, Template};
use super::compile::{CKind, CompiledForm, DefaultValue, Dep, ItemId, ItemKind, NodeId};
use super::lang::Lang;
use super::last_saved::LastSaved;

/// Index of a scope (the form's root, or one repeat instance).
pub(crate) type ScopeId = u32;
/// The form's root scope.
pub(crate) const ROOT: ScopeId = 0;

/// Most instances a `repeat_count` may create: far above any survey, low enough that a
/// runaway count cannot exhaust a phone's memory.
pub(crate) const MAX_COUNTED_INSTANCES: usize = 5_000;

/// One scope: the root or a repeat instance.
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    /// The repeat this is an instance of (None: the root).
    pub repeat: Option<NodeId>,
    pub parent: ScopeId,
    /// Number of repeat levels: 0 for the root.
    pub depth: u16,
    /// 1-based position among its repeat's instances.
    pub index: u32,
    /// False once removed (scopes are never reused, so ids stay valid).
    pub alive: bool,
    pub slots: Vec<Slot>,
}

/// The state of one node in one scope.
#[derive(Debug, Clone, Default)]
pub(crate) struct Slot {
    /// The answer or computed value as text ("" when empty). Kept while the node is not
    /// relevant (so it comes back), but read as "" then.
    pub value: String,
    pub relevant: bool,
    /// For a repeat node: its instances in order.
    pub instances: Vec<ScopeId>,
}

/// What the session knows that expressions and metadata need.
pub(crate) struct World<'a> {
    pub form: &'a CompiledForm,
    pub now: DateTime<Utc>,
    pub offset: FixedOffset,
    pub lang: &'a Lang,
    pub meta: &'a MetaValues,
    /// What `${last-saved#name}` reads (empty: no last saved record, or on the server).
    pub last_saved: &'a LastSaved,
}

/// Values of the metadata fields filled when filling starts.
#[derive(Debug, Clone, Default)]
pub(crate) struct MetaValues {
    pub start: String,
    pub today: String,
    pub device_id: String,
    pub username: String,
}

/// All scopes of one filled form, plus the evaluation queue.
#[derive(Debug, Clone)]
pub(crate) struct Instance {
    pub scopes: Vec<Scope>,
    queue: BTreeSet<u64>,
    /// How many items were evaluated so far (tests check that a change evaluates only
    /// what depends on it).
    #[cfg(test)]
    pub evaluated: u64,
}

impl Instance {
    /// An instance with an empty root scope and nothing evaluated yet.
    pub fn empty(form: &CompiledForm) -> Instance {
        let root = Scope {
            repeat: None,
            parent: ROOT,
            depth: 0,
            index: 1,
            alive: true,
            slots: blank_slots(form, None),
        };
        Instance {
            scopes: vec![root],
            queue: BTreeSet::new(),
            #[cfg(test)]
            evaluated: 0,
        }
    }

    /// A new filled form: defaults and metadata set, everything evaluated.
    pub fn fresh(world: &World<'_>) -> Instance {
        let mut inst = Instance::empty(world.form);
        inst.init_scope(world, ROOT, true);
        inst.run(world);
        inst
    }

    pub fn scope(&self, id: ScopeId) -> &Scope {
        &self.scopes[id as usize]
    }

    /// The slot of `node` in `scope`, which must be a scope of the node's scope type.
    pub fn slot(&self, form: &CompiledForm, node: NodeId, scope: ScopeId) -> &Slot {
        &self.scopes[scope as usize].slots[form.node(node).slot as usize]
    }

    fn slot_mut(&mut self, form: &CompiledForm, node: NodeId, scope: ScopeId) -> &mut Slot {
        &mut self.scopes[scope as usize].slots[form.node(node).slot as usize]
    }

    /// A node's value as expressions see it: "" when it does not apply.
    pub fn value(&self, form: &CompiledForm, node: NodeId, scope: ScopeId) -> &str {
        let slot = self.slot(form, node, scope);
        if slot.relevant { &slot.value } else { "" }
    }

    /// The ancestor of `scope` (or itself) at `depth` repeat levels.
    pub fn ancestor(&self, mut scope: ScopeId, depth: u16) -> ScopeId {
        while self.scopes[scope as usize].depth > depth && scope != ROOT {
            scope = self.scopes[scope as usize].parent;
        }
        scope
    }

    /// The scope holding `node`'s value as seen from `ctx` (an instance of the node's
    /// repeat, or a scope inside one).
    pub fn scope_of(&self, form: &CompiledForm, node: NodeId, ctx: ScopeId) -> ScopeId {
        self.ancestor(ctx, form.node(node).chain.len() as u16)
    }

    /// The instances of repeat `repeat` in `parent` (a scope of the repeat's scope type).
    pub fn instances(&self, form: &CompiledForm, repeat: NodeId, parent: ScopeId) -> &[ScopeId] {
        &self.slot(form, repeat, parent).instances
    }

    /// Calls `f` with every scope at the end of `chain[from..]` below `anc` (which is at
    /// depth `from`), in document order.
    fn for_each_scope(
        &self,
        form: &CompiledForm,
        anc: ScopeId,
        chain: &[NodeId],
        from: usize,
        f: &mut impl FnMut(ScopeId),
    ) {
        match chain.get(from) {
            None => f(anc),
            Some(&r) => {
                for &inst in self.instances(form, r, anc) {
                    self.for_each_scope(form, inst, chain, from + 1, f);
                }
            }
        }
    }

    /// Sets a node's value and re-evaluates what depends on it.
    pub fn set_value(&mut self, world: &World<'_>, node: NodeId, scope: ScopeId, value: String) {
        let slot = self.slot_mut(world.form, node, scope);
        if slot.value == value {
            return;
        }
        slot.value = value;
        if slot.relevant {
            self.enqueue_readers(world.form, node, scope);
        }
        self.run(world);
    }

    /// Sets a question's value as she answered it: [`Instance::set_value`], and then,
    /// when the value changed, the fields it triggers (form order) set to their
    /// `calculation` evaluated now (or emptied), each re-evaluating what reads it. Only
    /// her answers trigger: not a value a calculation or a trigger set.
    pub fn answer(&mut self, world: &World<'_>, node: NodeId, scope: ScopeId, value: String) {
        if self.slot(world.form, node, scope).value == value {
            return;
        }
        self.set_value(world, node, scope, value);
        let form = world.form;
        for t in &form.triggers[node as usize] {
            let target = form.node(t.target);
            for s in self.scopes_seeing(form, target.scope(), t.shared, scope) {
                if !self.scope(s).alive {
                    continue;
                }
                let value = target
                    .field()
                    .and_then(|f| f.setvalue.as_ref())
                    .map(|e| expr::eval(e, &self.ctx(world, s, Some(t.target))).into_string())
                    .unwrap_or_default();
                self.set_value(world, t.target, s, value);
            }
        }
    }

    /// Sets a value without evaluating anything (restoring saved answers).
    pub fn set_raw(&mut self, form: &CompiledForm, node: NodeId, scope: ScopeId, value: String) {
        self.slot_mut(form, node, scope).value = value;
    }

    /// Adds an instance at the end of `repeat` in `parent` and evaluates it.
    pub fn add_instance(&mut self, world: &World<'_>, repeat: NodeId, parent: ScopeId) -> ScopeId {
        let id = self.push_instance(world, repeat, parent, true);
        self.enqueue_structural(world.form, repeat, parent);
        self.run(world);
        id
    }

    /// Creates an empty instance (values unset) without evaluating, for restoring.
    pub fn push_blank_instance(
        &mut self,
        form: &CompiledForm,
        repeat: NodeId,
        parent: ScopeId,
    ) -> ScopeId {
        let depth = self.scopes[parent as usize].depth + 1;
        let id = self.scopes.len() as ScopeId;
        let slot = self.slot_mut(form, repeat, parent);
        slot.instances.push(id);
        let index = slot.instances.len() as u32;
        let slots = blank_slots(form, Some(repeat));
        self.scopes.push(Scope {
            repeat: Some(repeat),
            parent,
            depth,
            index,
            alive: true,
            slots,
        });
        id
    }

    fn push_instance(
        &mut self,
        world: &World<'_>,
        repeat: NodeId,
        parent: ScopeId,
        fresh: bool,
    ) -> ScopeId {
        let id = self.push_blank_instance(world.form, repeat, parent);
        self.init_scope(world, id, fresh);
        id
    }

    /// Removes the instance at `index` (0-based) of `repeat` in `parent`.
    pub fn remove_instance(
        &mut self,
        world: &World<'_>,
        repeat: NodeId,
        parent: ScopeId,
        index: usize,
    ) {
        self.drop_instance(world.form, repeat, parent, index);
        // Later instances moved up: whatever uses position() there is evaluated again.
        let later: Vec<ScopeId> = self.instances(world.form, repeat, parent)[index..].to_vec();
        for inst in later {
            self.enqueue_subtree(world.form, inst);
        }
        self.enqueue_structural(world.form, repeat, parent);
        self.run(world);
    }

    fn drop_instance(
        &mut self,
        form: &CompiledForm,
        repeat: NodeId,
        parent: ScopeId,
        index: usize,
    ) {
        let instances = &mut self.slot_mut(form, repeat, parent).instances;
        if index >= instances.len() {
            return;
        }
        let gone = instances.remove(index);
        let later: Vec<ScopeId> = instances[index..].to_vec();
        for (i, s) in later.into_iter().enumerate() {
            self.scopes[s as usize].index = (index + i + 1) as u32;
        }
        let mut stack = vec![gone];
        while let Some(s) = stack.pop() {
            let scope = &mut self.scopes[s as usize];
            scope.alive = false;
            for slot in std::mem::take(&mut scope.slots) {
                stack.extend(slot.instances);
            }
        }
    }

    /// Evaluates everything in every scope again (after restoring saved answers).
    pub fn recompute_all(&mut self, world: &World<'_>) {
        for (id, scope) in self.scopes.iter().enumerate() {
            if scope.alive {
                for &item in world.form.scope_items(scope.repeat) {
                    self.queue.insert(key(item, id as ScopeId));
                }
            }
        }
        self.run(world);
    }

    /// Sets the metadata fields of every live scope from `world.meta`, as filling would
    /// have (every kind but `end`, which [`Instance::fill_end`] sets), and the `hidden`
    /// fields with a literal default to it (not those a trigger sets), without
    /// evaluating: the server fills them from what it knows instead of reading the
    /// phone's values.
    pub fn fill_meta(&mut self, world: &World<'_>) {
        let form = world.form;
        for scope in self.scopes.iter_mut().filter(|s| s.alive) {
            for &node in form.layout(scope.repeat) {
                let Some(field) = form.node(node).field().filter(|f| !f.triggered) else {
                    continue;
                };
                let value = match (&field.kind, &field.default) {
                    (FieldKind::Hidden, Some(DefaultValue::Literal(v))) => v.clone(),
                    (kind, _) => match filled_at_start(kind) {
                        Some(meta) => world.meta.get(meta).to_string(),
                        None => continue,
                    },
                };
                scope.slots[form.node(node).slot as usize].value = value;
            }
        }
    }

    /// Fills the form's `end` metadata fields with `at` (what finalizing does) and
    /// re-evaluates what reads them.
    pub fn fill_end(&mut self, world: &World<'_>, at: DateTime<Utc>) {
        let end = dates::format_iso_datetime(at);
        let ends: Vec<NodeId> = world
            .form
            .root_layout
            .iter()
            .copied()
            .filter(|&n| {
                world
                    .form
                    .node(n)
                    .field()
                    .is_some_and(|f| f.kind == FieldKind::Meta(MetaKind::End))
            })
            .collect();
        for n in ends {
            self.set_value(world, n, ROOT, end.clone());
        }
    }

    /// Fills a new scope's defaults (when `fresh`) and queues its items.
    fn init_scope(&mut self, world: &World<'_>, scope: ScopeId, fresh: bool) {
        let form = world.form;
        let kind = self.scopes[scope as usize].repeat;
        if fresh {
            for &node in form.layout(kind) {
                let Some(field) = form.node(node).field() else {
                    continue;
                };
                let value = match (&field.default, filled_at_start(&field.kind)) {
                    (Some(DefaultValue::Literal(v)), _) => v.clone(),
                    (_, Some(meta)) => world.meta.get(meta).to_string(),
                    _ => continue,
                };
                self.slot_mut(form, node, scope).value = value;
            }
            for &node in form.layout(kind) {
                if let Some(DefaultValue::Expr(e)) =
                    form.node(node).field().and_then(|f| f.default.as_ref())
                {
                    let value = expr::eval(e, &self.ctx(world, scope, Some(node))).into_string();
                    self.slot_mut(form, node, scope).value = value;
                }
            }
        }
        self.enqueue_scope(form, scope);
    }

    fn enqueue_scope(&mut self, form: &CompiledForm, scope: ScopeId) {
        let kind = self.scopes[scope as usize].repeat;
        for &item in form.scope_items(kind) {
            self.queue.insert(key(item, scope));
        }
    }

    /// Queues the items of a scope and of every scope below it.
    fn enqueue_subtree(&mut self, form: &CompiledForm, scope: ScopeId) {
        self.enqueue_scope(form, scope);
        let nested: Vec<ScopeId> = self.scopes[scope as usize]
            .slots
            .iter()
            .flat_map(|s| s.instances.iter().copied())
            .collect();
        for s in nested {
            self.enqueue_subtree(form, s);
        }
    }

    /// Queues the items that read `node`, in the scopes that see the change at `scope`.
    fn enqueue_readers(&mut self, form: &CompiledForm, node: NodeId, scope: ScopeId) {
        for &dep in &form.readers[node as usize] {
            self.enqueue_dep(form, dep, scope);
        }
    }

    /// Queues the relevance of the groups around `node` that read it: they read its value
    /// even while it does not apply (see [`Ctx::unmasked_below`]).
    fn enqueue_enclosing_relevance(&mut self, form: &CompiledForm, node: NodeId, scope: ScopeId) {
        for &dep in &form.readers[node as usize] {
            let item = &form.items[dep.item as usize];
            if item.kind == ItemKind::Relevance && form.is_below(node, item.node) {
                self.enqueue_dep(form, dep, scope);
            }
        }
    }

    /// Queues the items that read the set of `repeat`'s instances in `parent`.
    fn enqueue_structural(&mut self, form: &CompiledForm, repeat: NodeId, parent: ScopeId) {
        if let Some(r) = form.node(repeat).repeat() {
            for &dep in &r.structural {
                self.enqueue_dep(form, dep, parent);
            }
        }
    }

    fn enqueue_dep(&mut self, form: &CompiledForm, dep: Dep, changed: ScopeId) {
        let item = &form.items[dep.item as usize];
        for s in self.scopes_seeing(form, item.scope, dep.shared, changed) {
            self.queue.insert(key(dep.item, s));
        }
    }

    /// The scopes of type `scope` (a repeat's instances, or the root) that see a change
    /// at `changed` of a node sharing `shared` repeat levels with them: the one enclosing
    /// instance when they share all of theirs (nothing allocated), else every instance
    /// below the shared one.
    fn scopes_seeing(
        &self,
        form: &CompiledForm,
        scope: Option<NodeId>,
        shared: u16,
        changed: ScopeId,
    ) -> Chain<option::IntoIter<ScopeId>, vec::IntoIter<ScopeId>> {
        let anc = self.ancestor(changed, shared);
        let chain = form.scope_chain(scope);
        let mut below = Vec::new();
        let one = if chain.len() == shared as usize {
            Some(anc)
        } else {
            self.for_each_scope(form, anc, chain, shared as usize, &mut |s| below.push(s));
            None
        };
        one.into_iter().chain(below)
    }

    /// Evaluates queued items until nothing is left to do.
    fn run(&mut self, world: &World<'_>) {
        while let Some(k) = self.queue.pop_first() {
            let (item, scope) = ((k >> 32) as ItemId, k as u32 as ScopeId);
            if self.scopes.get(scope as usize).is_some_and(|s| s.alive) {
                #[cfg(test)]
                {
                    self.evaluated += 1;
                }
                self.process(world, item, scope);
            }
        }
    }

    fn process(&mut self, world: &World<'_>, item: ItemId, scope: ScopeId) {
        let form = world.form;
        let it = &form.items[item as usize];
        let node = form.node(it.node);
        match it.kind {
            ItemKind::Relevance => {
                let parent_applies = node.parent.is_none_or(|p| {
                    let ps = if form.node(p).repeat().is_some() {
                        self.scopes[scope as usize].parent
                    } else {
                        scope
                    };
                    self.slot(form, p, ps).relevant
                });
                let applies = parent_applies
                    && node.relevant.as_ref().is_none_or(|e| {
                        let ctx = Ctx {
                            unmasked_below: Some(it.node),
                            ..self.ctx(world, scope, Some(it.node))
                        };
                        expr::eval(e, &ctx).to_bool()
                    });
                let slot = self.slot_mut(form, it.node, scope);
                if slot.relevant != applies {
                    slot.relevant = applies;
                    self.enqueue_readers(form, it.node, scope);
                    self.enqueue_children_relevance(form, it.node, scope);
                }
            }
            ItemKind::Calculation => {
                let Some(calc) = node.field().and_then(|f| f.calculation.as_ref()) else {
                    return;
                };
                let value = expr::eval(calc, &self.ctx(world, scope, Some(it.node))).into_string();
                let slot = self.slot_mut(form, it.node, scope);
                if slot.value != value {
                    slot.value = value;
                    if slot.relevant {
                        self.enqueue_readers(form, it.node, scope);
                    } else {
                        self.enqueue_enclosing_relevance(form, it.node, scope);
                    }
                }
            }
            ItemKind::RepeatCount => {
                let Some(count) = node.repeat().and_then(|r| r.count.as_ref()) else {
                    return;
                };
                let n = expr::eval(count, &self.ctx(world, scope, None)).to_number();
                let wanted = if n.is_finite() && n > 0.0 {
                    (n as usize).min(MAX_COUNTED_INSTANCES)
                } else {
                    0
                };
                self.set_instance_count(world, it.node, scope, wanted);
            }
        }
    }

    fn enqueue_children_relevance(&mut self, form: &CompiledForm, node: NodeId, scope: ScopeId) {
        let n = form.node(node);
        let scopes: Vec<ScopeId> = match &n.kind {
            CKind::Repeat(_) => self.instances(form, node, scope).to_vec(),
            _ => vec![scope],
        };
        for &child in &n.children {
            if let Some(item) = form.node(child).rel_item {
                for &s in &scopes {
                    self.queue.insert(key(item, s));
                }
            }
        }
    }

    /// Adds or removes instances at the end until `repeat` has `wanted` of them.
    fn set_instance_count(
        &mut self,
        world: &World<'_>,
        repeat: NodeId,
        parent: ScopeId,
        wanted: usize,
    ) {
        let have = self.instances(world.form, repeat, parent).len();
        if have == wanted {
            return;
        }
        for _ in have..wanted {
            self.push_instance(world, repeat, parent, true);
        }
        for i in (wanted..have).rev() {
            self.drop_instance(world.form, repeat, parent, i);
        }
        self.enqueue_structural(world.form, repeat, parent);
    }

    /// An evaluation context at `scope`, for the expression of `current` (if a field).
    pub fn ctx<'a>(
        &'a self,
        world: &'a World<'a>,
        scope: ScopeId,
        current: Option<NodeId>,
    ) -> Ctx<'a> {
        Ctx {
            inst: self,
            world,
            scope,
            current,
            choice: None,
            unmasked_below: None,
        }
    }

    /// The filled form's name from the settings' `instance_name` (e.g. the household
    /// head's name); `None` when the form has none or it evaluates to nothing. The phone
    /// shows it in its lists, the server in the officers' (evaluated on what it keeps).
    pub fn instance_name(&self, world: &World<'_>) -> Option<String> {
        let e = world.form.instance_name.as_ref()?;
        let name = expr::eval(e, &self.ctx(world, ROOT, None)).into_string();
        (!name.trim().is_empty()).then_some(name)
    }

    /// Renders a template (a label with `${name}`s) at `scope`.
    pub fn render(
        &self,
        world: &World<'_>,
        template: &Template,
        scope: ScopeId,
        current: NodeId,
    ) -> String {
        let ctx = self.ctx(world, scope, Some(current));
        let mut out = String::new();
        for part in &template.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Ref(b) => out.push_str(&ctx.get(b).to_str()),
            }
        }
        out
    }
}

impl MetaValues {
    fn get(&self, kind: MetaKind) -> &str {
        match kind {
            MetaKind::Start => &self.start,
            MetaKind::Today => &self.today,
            MetaKind::DeviceId => &self.device_id,
            MetaKind::Username => &self.username,
            // `end` is filled on finalizing; the others are kept empty (see MetaKind).
            MetaKind::End
            | MetaKind::PhoneNumber
            | MetaKind::SimSerial
            | MetaKind::SubscriberId
            | MetaKind::Email
            | MetaKind::StartGeopoint
            | MetaKind::Audit => "",
        }
    }
}

/// The metadata a field is filled with when its scope is created (all but `end`, which
/// is filled on finalizing).
fn filled_at_start(kind: &FieldKind) -> Option<MetaKind> {
    match kind {
        FieldKind::Meta(m) if *m != MetaKind::End => Some(*m),
        _ => None,
    }
}

fn key(item: ItemId, scope: ScopeId) -> u64 {
    (u64::from(item) << 32) | u64::from(scope)
}

fn blank_slots(form: &CompiledForm, kind: Option<NodeId>) -> Vec<Slot> {
    vec![
        Slot {
            value: String::new(),
            relevant: true,
            instances: Vec::new()
        };
        form.layout(kind).len()
    ]
}

/// Where an expression is evaluated: a scope, the field it belongs to, and (in a choice
/// filter) the candidate choice.
#[derive(Clone, Copy)]
pub(crate) struct Ctx<'a> {
    inst: &'a Instance,
    world: &'a World<'a>,
    scope: ScopeId,
    current: Option<NodeId>,
    choice: Option<(u32, usize)>,
    /// While a group's relevance is evaluated: that group, whose questions are read as
    /// they are, not blanked by the group's own relevance.
    unmasked_below: Option<NodeId>,
}

impl<'a> Ctx<'a> {
    /// The same context, looking at choice `index` of list `list`.
    pub fn with_choice(self, list: u32, index: usize) -> Ctx<'a> {
        Ctx {
            choice: Some((list, index)),
            ..self
        }
    }

    /// The value of `node` seen from `scope` sharing `shared` repeat levels with it.
    fn node_value(&self, node: NodeId, shared: u16, scope: ScopeId) -> Value<'a> {
        let form = self.world.form;
        let inst = self.inst;
        let n = form.node(node);
        let anc = inst.ancestor(scope, shared);
        let depth = n.chain.len();
        let unmasked = self.unmasked_below.is_some_and(|g| form.is_below(node, g));
        let value = |s: ScopeId| -> &'a str {
            if unmasked {
                &inst.slot(form, node, s).value
            } else {
                inst.value(form, node, s)
            }
        };
        if n.repeat().is_none() && depth == shared as usize {
            return Value::String(Cow::Borrowed(value(anc)));
        }
        let mut items: Vec<Cow<'a, str>> = Vec::new();
        let mut holders = Vec::new();
        inst.for_each_scope(form, anc, &n.chain, shared as usize, &mut |s| {
            holders.push(s)
        });
        for s in holders {
            if n.repeat().is_some() {
                items.extend(
                    inst.instances(form, node, s)
                        .iter()
                        .map(|_| Cow::Borrowed("")),
                );
            } else {
                items.push(Cow::Borrowed(value(s)));
            }
        }
        Value::Nodes(items)
    }
}

impl Env<Bound> for Ctx<'_> {
    fn get(&self, r: &Bound) -> Value<'_> {
        match *r {
            Bound::Node { node, shared } => self.node_value(node, shared, self.scope),
            Bound::Current => self.current(),
            Bound::LastSaved(node) => Value::String(Cow::Borrowed(
                self.world
                    .last_saved
                    .get(&self.world.form.node(node).name)
                    .map_or("", String::as_str),
            )),
            Bound::ChoiceName => match self.choice {
                Some((list, i)) => Value::String(Cow::Borrowed(
                    &self.world.form.lists[list as usize].choices[i].name,
                )),
                None => Value::String(Cow::Borrowed("")),
            },
            Bound::ChoiceColumn(col) => {
                let text = self.choice.and_then(|(list, i)| {
                    self.world.form.lists[list as usize].choices[i]
                        .values
                        .get(col as usize)
                });
                Value::String(Cow::Borrowed(text.map_or("", String::as_str)))
            }
            Bound::Nothing => Value::Nodes(Vec::new()),
        }
    }

    fn current(&self) -> Value<'_> {
        let form = self.world.form;
        match self.current.filter(|&c| form.node(c).field().is_some()) {
            Some(c) => Value::String(Cow::Borrowed(self.inst.value(
                form,
                c,
                self.inst.scope_of(form, c, self.scope),
            ))),
            None => Value::String(Cow::Borrowed("")),
        }
    }

    fn position(&self, repeat: Option<&Bound>) -> f64 {
        // In a predicate on `instance(...)/root/item` (or a choice filter): the item's.
        if let (None, Some((_, index))) = (repeat, self.choice) {
            return index as f64 + 1.0;
        }
        let mut s = self.scope;
        let wanted = match repeat {
            Some(Bound::Node { node, .. }) => Some(*node),
            _ => None,
        };
        loop {
            let scope = self.inst.scope(s);
            if scope.repeat.is_some() && (wanted.is_none() || scope.repeat == wanted) {
                return f64::from(scope.index);
            }
            if s == ROOT {
                return 1.0;
            }
            s = scope.parent;
        }
    }

    fn indexed(&self, field: &Bound, repeat: &Bound, index: f64) -> Value<'_> {
        let (
            Bound::Node { node: field, .. },
            Bound::Node {
                node: repeat,
                shared,
            },
        ) = (*field, *repeat)
        else {
            return Value::String(Cow::Borrowed(""));
        };
        let form = self.world.form;
        let r = form.node(repeat);
        let anc = self
            .inst
            .ancestor(self.scope, shared.min(r.chain.len() as u16));
        let mut all = Vec::new();
        let mut instance_chain = r.chain.clone();
        instance_chain.push(repeat);
        self.inst.for_each_scope(
            form,
            anc,
            &instance_chain,
            shared.min(r.chain.len() as u16) as usize,
            &mut |s| all.push(s),
        );
        let picked = if index >= 1.0 {
            all.get(index as usize - 1).copied()
        } else {
            None
        };
        let Some(inst) = picked else {
            return Value::String(Cow::Borrowed(""));
        };
        let f = form.node(field);
        let shared_with = f
            .chain
            .iter()
            .zip(&instance_chain)
            .take_while(|(a, b)| a == b)
            .count() as u16;
        self.node_value(field, shared_with, inst)
    }

    fn choice_label(&self, field: &Bound, choice: &str) -> Option<String> {
        let Bound::Node { node, .. } = *field else {
            return None;
        };
        let form = self.world.form;
        let list = &form.lists[form.node(node).list()? as usize];
        let c = list.choices.iter().find(|c| c.name == choice)?;
        self.world.lang.text(&c.label).map(str::to_string)
    }

    fn now(&self) -> DateTime<Utc> {
        self.world.now
    }

    fn utc_offset(&self) -> FixedOffset {
        self.world.offset
    }

    fn lookup(&self, l: &Lookup<Bound>) -> Value<'_> {
        let form = self.world.form;
        let Some((list_id, list)) = l
            .list
            .and_then(|id| form.lists.get(id as usize).map(|list| (id, list)))
        else {
            return Value::Nodes(Vec::new());
        };
        let column = l.column.as_deref().unwrap_or("name");
        let extra = list.columns.iter().position(|c| c == column);
        let mut out = Vec::new();
        for (i, choice) in list.choices.iter().enumerate() {
            let passes = l.filter.as_ref().is_none_or(|filter| {
                let item = Ctx {
                    choice: Some((list_id, i)),
                    ..*self
                };
                // A number is a position (`item[1]`), anything else a condition.
                match expr::eval(filter, &item) {
                    Value::Number(n) => n == i as f64 + 1.0,
                    other => other.to_bool(),
                }
            });
            if !passes {
                continue;
            }
            let value = match (column, extra) {
                (_, Some(c)) => choice.values.get(c).map_or("", String::as_str),
                ("label", None) => self
                    .world
                    .lang
                    .choice_label(form, list_id, i)
                    .unwrap_or(&choice.name),
                ("name", None) => &choice.name,
                // A GeoJSON property no feature of this extract has.
                _ => "",
            };
            out.push(Cow::Borrowed(value));
        }
        Value::Nodes(out)
    }

    fn pulldata(&self, table: &str, column: &str, key_column: &str, key: &str) -> String {
        let data = &self.world.form.form().data;
        data.get(table)
            .map_or("", |t| t.lookup(column, key_column, key))
            .to_owned()
    }

    fn form_version(&self) -> &str {
        &self.world.form.form().version
    }

    fn itext(&self, id: &str) -> String {
        let (form, lang) = (self.world.form, self.world.lang);
        // A choice's label: `list-N`, N counted from 0 (pyxform's ids).
        if let Some((list, index)) = id.rsplit_once('-')
            && let Ok(index) = index.parse::<usize>()
            && let Some(list) = form.form().choices.keys().position(|k| k == list)
        {
            return lang
                .choice_label(form, list as u32, index)
                .unwrap_or_default()
                .to_owned();
        }
        // A question's label or hint: `/form/group/name:label` (the last step names it).
        let Some((path, kind)) = id.rsplit_once(':') else {
            return String::new();
        };
        let name = path.rsplit('/').next().unwrap_or_default();
        let Some(node) = form.nodes.iter().position(|n| n.name == name) else {
            return String::new();
        };
        let n = &form.nodes[node];
        let templates = match kind {
            "label" => &n.label,
            "hint" => match n.field() {
                Some(f) => &f.hint,
                None => return String::new(),
            },
            _ => return String::new(),
        };
        lang.template(templates).map_or_else(String::new, |t| {
            self.inst.render(self.world, t, self.scope, node as NodeId)
        })
    }
}

/// Today's date in the user's zone, as `YYYY-MM-DD`.
pub(crate) fn local_today(now: DateTime<Utc>, offset: FixedOffset) -> String {
    dates::format_iso_date(now.with_timezone(&offset).date_naive())
}
