//! Compiling a form: the tree flattened into numbered nodes with slots, every expression
//! parsed and bound, and the dependency graph between computed items (relevance,
//! calculations, repeat counts) in topological order, so that answering one question
//! re-evaluates only what reads it.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

use rustc_hash::FxHashMap;

use crate::expr::Expr;
use crate::form::{Field, FieldKind, Form, Media, Node, Problem, Source, Texts};

use super::affects::{Effects, page_effects};
use super::bind::{Binder, Bound, Site, Templates, value_reads};
use super::graph::topological_order;

/// Index of a node (field, group or repeat) in [`CompiledForm`].
pub(crate) type NodeId = u32;
/// Index of a computed item, which is also its place in the evaluation order.
pub(crate) type ItemId = u32;

/// A form ready to fill: parsed once, shared by every session on it (and by the server,
/// which validates uploaded submissions with it).
#[derive(Debug)]
pub struct CompiledForm {
    form: Form,
    pub(crate) nodes: Vec<CNode>,
    /// Top-level nodes in order.
    pub(crate) roots: Vec<NodeId>,
    /// The nodes whose values live directly in the root scope (slot order).
    pub(crate) root_layout: Vec<NodeId>,
    /// Items evaluated in the root scope.
    pub(crate) root_items: Vec<ItemId>,
    /// Each node by its segment (see [`CNode::seg`]), with the repeat it is in (None:
    /// the root): how a path is read back. Keyed by the segment alone so that a path's
    /// text is looked up without copying it.
    by_seg: FxHashMap<String, Vec<(Option<NodeId>, NodeId)>>,
    pub(crate) lists: Vec<CList>,
    /// Computed items in evaluation (topological) order.
    pub(crate) items: Vec<Item>,
    /// For each node, the items that read its value.
    pub(crate) readers: Vec<Vec<Dep>>,
    /// For each question, the fields its `trigger`s name it in (form order): set when
    /// she changes its answer (see [`CField::triggered`]).
    pub(crate) triggers: Vec<Vec<Triggered>>,
    pub(crate) instance_name: Option<Expr<Bound>>,
    /// Every choice's label per language order (see [`CompiledForm::choice_labels`]),
    /// made once per language for all sessions on the form.
    labels: Mutex<Vec<(Vec<String>, ChoiceLabels)>>,
    /// How many questions (shown fields) the form has, for progress.
    pub(crate) question_total: u32,
    /// What does not stop the form from loading but its author should know, located
    /// like problems (see [`CompiledForm::warnings`]).
    warnings: Vec<Problem>,
}

/// Every choice's label in one language, by list and choice.
pub(crate) type ChoiceLabels = Arc<Vec<Vec<String>>>;

/// A compiled node.
#[derive(Debug)]
pub(crate) struct CNode {
    pub name: String,
    /// How a path names it within its repeat (or the root): its name, or, when another
    /// node of that repeat has the same name (in another group), the groups down to it
    /// and its name: `mother/name`.
    pub seg: String,
    pub parent: Option<NodeId>,
    pub children: Vec<NodeId>,
    /// Index among its parent's children.
    pub position: u32,
    /// The repeats enclosing this node (not itself), outermost first.
    pub chain: Vec<NodeId>,
    /// Index of its value in the scope (root or repeat instance) it lives in.
    pub slot: u32,
    pub label: Templates,
    pub relevant: Option<Expr<Bound>>,
    pub rel_item: Option<ItemId>,
    /// The field-list group or repeat that shows this node as part of one page.
    pub page: Option<NodeId>,
    /// A field-list group or repeat shown as one page (per instance, for a repeat).
    pub own_page: bool,
    /// Questions before this node in document order.
    pub ordinal: u32,
    /// Questions inside this node (1 for a question).
    pub size: u32,
    /// What an answer to this question may change on its page (see [`super::affects`]).
    pub effects: Effects,
    pub appearance: Option<String>,
    pub source: Source,
    pub kind: CKind,
}

/// What a node is.
#[derive(Debug)]
pub(crate) enum CKind {
    Field(Box<CField>),
    Group { field_list: bool },
    Repeat(Box<CRepeat>),
}

/// A compiled field.
#[derive(Debug)]
pub(crate) struct CField {
    pub kind: FieldKind,
    pub list: Option<u32>,
    pub hint: Templates,
    pub required: Option<Expr<Bound>>,
    pub required_message: Texts,
    pub constraint: Option<Expr<Bound>>,
    pub constraint_message: Texts,
    pub calculation: Option<Expr<Bound>>,
    pub calc_item: Option<ItemId>,
    /// Set by `trigger`s instead of computed: to [`CField::setvalue`] when she changes
    /// an answer it names, and kept otherwise; an answer like any other for the rest
    /// (editable when shown, saved and sent as she left it).
    pub triggered: bool,
    /// A triggered field's `calculation` (`None`: a trigger empties it).
    pub setvalue: Option<Expr<Bound>>,
    pub default: Option<DefaultValue>,
    pub read_only: Option<Expr<Bound>>,
    pub choice_filter: Option<Expr<Bound>>,
    /// `parameters` `randomize=true`: the choices in a random order, from the `seed`
    /// expression when there is one.
    pub randomize: Option<Option<Expr<Bound>>>,
    pub parameters: BTreeMap<String, String>,
    /// Media shown with the label.
    pub media: Media,
}

/// A field a question's change sets (a `trigger` naming it), with how many repeat
/// levels the two share: the change in one instance sets the field in the scopes that
/// see it, as for a calculation reading the question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Triggered {
    pub target: NodeId,
    pub shared: u16,
}

/// A field's `default`.
#[derive(Debug)]
pub(crate) enum DefaultValue {
    /// Stored as written.
    Literal(String),
    /// Evaluated once, when the field's instance is created.
    Expr(Expr<Bound>),
}

/// A compiled repeat.
#[derive(Debug)]
pub(crate) struct CRepeat {
    pub count: Option<Expr<Bound>>,
    pub count_item: Option<ItemId>,
    /// Each instance is one page.
    pub field_list: bool,
    /// The repeats enclosing an instance's contents: `chain` plus this repeat.
    pub instance_chain: Vec<NodeId>,
    /// The nodes whose values live directly in an instance (slot order).
    pub layout: Vec<NodeId>,
    /// Items evaluated in an instance.
    pub items: Vec<ItemId>,
    /// Items outside an instance that read the set of instances (counts, sums...): they
    /// are re-evaluated when an instance is added or removed.
    pub structural: Vec<Dep>,
}

/// A choice list with its extra columns indexed for choice filters.
#[derive(Debug)]
pub(crate) struct CList {
    pub choices: Vec<CChoice>,
    pub columns: Vec<String>,
    /// Read from GeoJSON, whose features each carry their own properties (a data extract
    /// made per project): a column no feature has reads as empty, not as a form error.
    pub open_columns: bool,
}

/// A choice with its extra column values aligned with [`CList::columns`].
#[derive(Debug)]
pub(crate) struct CChoice {
    pub name: String,
    pub label: Texts,
    pub values: Vec<String>,
    pub media: Media,
}

/// A computed item.
#[derive(Debug)]
pub(crate) struct Item {
    pub kind: ItemKind,
    pub node: NodeId,
    /// The repeat whose instances the item is evaluated in (None: the root).
    pub scope: Option<NodeId>,
}

/// What a computed item computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ItemKind {
    /// Whether the node applies (its own `relevant` and its parent's).
    Relevance,
    /// A field's `calculation`.
    Calculation,
    /// A repeat's number of instances from `repeat_count`.
    RepeatCount,
}

/// An item that reads a node, and how many repeat levels the read shares with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Dep {
    pub item: ItemId,
    pub shared: u16,
}

impl CNode {
    pub fn field(&self) -> Option<&CField> {
        match &self.kind {
            CKind::Field(f) => Some(f),
            _ => None,
        }
    }

    pub fn repeat(&self) -> Option<&CRepeat> {
        match &self.kind {
            CKind::Repeat(r) => Some(r),
            _ => None,
        }
    }

    /// The choice list of a select question.
    pub fn list(&self) -> Option<u32> {
        self.field().and_then(|f| f.list)
    }

    /// The repeat whose instances hold this node's value (None: the root).
    pub fn scope(&self) -> Option<NodeId> {
        self.chain.last().copied()
    }

    /// A question a user sees and answers (or reads, for a note).
    pub fn is_question(&self) -> bool {
        self.field().is_some_and(|f| is_question_kind(&f.kind))
    }
}

/// Question kinds are shown; calculations, hidden values and metadata are not.
pub(crate) fn is_question_kind(kind: &FieldKind) -> bool {
    !matches!(
        kind,
        FieldKind::Calculate | FieldKind::Hidden | FieldKind::Meta(_)
    )
}

impl CompiledForm {
    /// Compiles a form: parses and binds every expression, orders the computed items and
    /// rejects cycles. Every problem is reported at once, located by sheet, row and column.
    pub fn compile(form: Form) -> Result<CompiledForm, Vec<Problem>> {
        Builder::default().build(form)
    }

    /// The node of segment `seg` (see [`CNode::seg`]) in repeat `repeat` (None: the root).
    pub(crate) fn node_by_seg(&self, repeat: Option<NodeId>, seg: &str) -> Option<NodeId> {
        self.by_seg
            .get(seg)?
            .iter()
            .rev()
            .find(|(r, _)| *r == repeat)
            .map(|&(_, n)| n)
    }

    /// How many questions (shown fields) the form has, for the form list and progress.
    pub fn question_total(&self) -> u32 {
        self.question_total
    }

    /// The form this was compiled from.
    pub fn form(&self) -> &Form {
        &self.form
    }

    /// What does not stop the form from loading but its author should hear about, as
    /// pyxform warns: an expression that ODK reads differently than it looks (a bare word
    /// naming no question is empty), a choice without a label, a required note that
    /// stops every interview... Located like problems, in sheet and row order. The
    /// loaders add the reader's warnings to the engine's.
    pub fn warnings(&self) -> &[Problem] {
        &self.warnings
    }

    /// Adds `earlier` (the reader's and the checker's warnings) before the engine's, in
    /// sheet and row order.
    pub(crate) fn with_warnings(mut self, earlier: Vec<Problem>) -> CompiledForm {
        let engine = std::mem::replace(&mut self.warnings, earlier);
        self.warnings.extend(engine);
        crate::form::sort_problems(&mut self.warnings);
        self
    }

    /// Every choice's label, by list and choice, for a language order (the keys of
    /// [`Texts`] tried in turn): `make` renders one choice; the table is made once per
    /// order and shared by every session in that language.
    pub(crate) fn choice_labels(
        &self,
        order: &[String],
        make: impl Fn(&CChoice) -> String,
    ) -> ChoiceLabels {
        let mut cache = self.labels.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, labels)) = cache.iter().find(|(o, _)| o == order) {
            return Arc::clone(labels);
        }
        let labels: ChoiceLabels = Arc::new(
            self.lists
                .iter()
                .map(|l| l.choices.iter().map(&make).collect())
                .collect(),
        );
        cache.push((order.to_vec(), Arc::clone(&labels)));
        labels
    }

    pub(crate) fn node(&self, id: NodeId) -> &CNode {
        &self.nodes[id as usize]
    }

    /// Whether `node` lies inside group or repeat `ancestor`.
    pub(crate) fn is_below(&self, node: NodeId, ancestor: NodeId) -> bool {
        is_below(&self.nodes, node, ancestor)
    }

    /// The nodes living directly in a scope of this type.
    pub(crate) fn layout(&self, scope: Option<NodeId>) -> &[NodeId] {
        match scope.and_then(|r| self.node(r).repeat()) {
            Some(r) => &r.layout,
            None => &self.root_layout,
        }
    }

    /// The items evaluated in a scope of this type.
    pub(crate) fn scope_items(&self, scope: Option<NodeId>) -> &[ItemId] {
        match scope.and_then(|r| self.node(r).repeat()) {
            Some(r) => &r.items,
            None => &self.root_items,
        }
    }

    /// The repeats enclosing the contents of a scope of this type.
    pub(crate) fn scope_chain(&self, scope: Option<NodeId>) -> &[NodeId] {
        match scope.and_then(|r| self.node(r).repeat()) {
            Some(r) => &r.instance_chain,
            None => &[],
        }
    }
}

/// Gives each node whose name another node of the same repeat (or the root) shares its
/// qualified [`CNode::seg`], and indexes every node by repeat and segment. Siblings have
/// different names (the form checker sees to it), so the groups make the segment unique.
fn qualify_segments(nodes: &mut [CNode]) -> FxHashMap<String, Vec<(Option<NodeId>, NodeId)>> {
    let mut count: HashMap<(Option<NodeId>, &str), u32> = HashMap::new();
    for n in nodes.iter() {
        *count
            .entry((n.chain.last().copied(), n.name.as_str()))
            .or_default() += 1;
    }
    let shared: Vec<bool> = nodes
        .iter()
        .map(|n| count[&(n.chain.last().copied(), n.name.as_str())] > 1)
        .collect();
    for id in 0..nodes.len() {
        if !shared[id] {
            continue;
        }
        let scope = nodes[id].chain.last().copied();
        let mut names = vec![nodes[id].name.clone()];
        let mut up = nodes[id].parent;
        while let Some(p) = up.filter(|&p| Some(p) != scope) {
            names.push(nodes[p as usize].name.clone());
            up = nodes[p as usize].parent;
        }
        names.reverse();
        nodes[id].seg = names.join("/");
    }
    let mut by_seg: FxHashMap<String, Vec<(Option<NodeId>, NodeId)>> = FxHashMap::default();
    for (id, n) in nodes.iter().enumerate() {
        by_seg
            .entry(n.seg.clone())
            .or_default()
            .push((n.chain.last().copied(), id as NodeId));
    }
    by_seg
}

#[derive(Default)]
struct Builder {
    nodes: Vec<CNode>,
    roots: Vec<NodeId>,
    root_layout: Vec<NodeId>,
    by_name: HashMap<String, NodeId>,
    duplicates: HashMap<String, usize>,
    problems: Vec<Problem>,
    /// What does not stop the form from loading (see [`CompiledForm::warnings`]).
    warnings: Vec<Problem>,
    /// The model definition of each field, by node, for the binding pass.
    defs: Vec<Option<Field>>,
    /// Each repeat's `repeat_count` text, by node.
    counts: Vec<Option<String>>,
    relevants: Vec<Option<String>>,
    labels: Vec<Texts>,
    /// For each question, the fields it triggers (see [`CompiledForm::triggers`]).
    triggers: Vec<Vec<Triggered>>,
}

impl Builder {
    fn build(mut self, mut form: Form) -> Result<CompiledForm, Vec<Problem>> {
        let body = std::mem::take(&mut form.body);
        for (position, node) in body.iter().enumerate() {
            let id = self.add(node, None, &[], position as u32);
            self.roots.push(id);
        }
        form.body = body;
        let mut lists_by_name: HashMap<&str, u32> = form
            .choices
            .keys()
            .enumerate()
            .map(|(i, k)| (k.as_str(), i as u32))
            .collect();
        // A list read from a file is also `instance('villages')` by the file's stem, as
        // pyxform names the secondary instance of `select_one_from_file villages.csv`.
        for (i, name) in form.choices.keys().enumerate() {
            if let Some(stem) = file_list_stem(name) {
                lists_by_name.entry(stem).or_insert(i as u32);
            }
        }
        let lists: Vec<CList> = form.choices.values().map(compile_list).collect();
        self.bind_all(&lists_by_name, &lists);
        let instance_name = self.bind_instance_name(&form, &lists_by_name, &lists);
        self.mark_pages_and_ordinals();
        let (items, readers) = self.order_items();
        if !self.problems.is_empty() {
            return Err(self.problems);
        }
        let by_seg = qualify_segments(&mut self.nodes);
        let effects = page_effects(&self.nodes, &items, &readers, &self.triggers);
        for (node, effects) in self.nodes.iter_mut().zip(effects) {
            node.effects = effects;
        }
        let mut compiled = CompiledForm {
            form,
            question_total: self
                .roots
                .iter()
                .map(|&r| self.nodes[r as usize].size)
                .sum(),
            nodes: self.nodes,
            roots: self.roots,
            root_layout: self.root_layout,
            root_items: Vec::new(),
            by_seg,
            lists,
            items,
            readers,
            triggers: self.triggers,
            instance_name,
            labels: Mutex::new(Vec::new()),
            warnings: self.warnings,
        };
        index_scope_items(&mut compiled);
        let refused = super::defaults::refused_by_constraint(&compiled);
        compiled.warnings.extend(refused);
        Ok(compiled)
    }

    /// Adds a model node (and its subtree) in document order.
    fn add(
        &mut self,
        node: &Node,
        parent: Option<NodeId>,
        chain: &[NodeId],
        position: u32,
    ) -> NodeId {
        let id = self.nodes.len() as NodeId;
        let name = node.name().to_string();
        // The first node keeps the name; later ones make it ambiguous to refer to.
        match self.by_name.entry(name.clone()) {
            std::collections::hash_map::Entry::Occupied(_) => {
                *self.duplicates.entry(name.clone()).or_insert(1) += 1
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(id);
            }
        }
        let slot = match chain.last() {
            Some(&r) => match &mut self.nodes[r as usize].kind {
                CKind::Repeat(rep) => {
                    rep.layout.push(id);
                    rep.layout.len() as u32 - 1
                }
                _ => 0,
            },
            None => {
                self.root_layout.push(id);
                self.root_layout.len() as u32 - 1
            }
        };
        let (kind, label, relevant, appearance, count, def) = match node {
            Node::Field(f) => {
                let kind = CKind::Field(Box::new(CField {
                    kind: f.kind.clone(),
                    list: None,
                    hint: Vec::new(),
                    required: None,
                    required_message: f.required_message.clone(),
                    constraint: None,
                    constraint_message: f.constraint_message.clone(),
                    calculation: None,
                    calc_item: None,
                    triggered: !f.trigger.is_empty(),
                    setvalue: None,
                    default: None,
                    read_only: None,
                    choice_filter: None,
                    randomize: None,
                    parameters: f.parameters.clone(),
                    media: f.media.clone(),
                }));
                (
                    kind,
                    &f.label,
                    &f.relevant,
                    &f.appearance,
                    None,
                    Some((**f).clone()),
                )
            }
            Node::Group(g) => {
                let field_list = is_field_list(&g.appearance);
                (
                    CKind::Group { field_list },
                    &g.label,
                    &g.relevant,
                    &g.appearance,
                    None,
                    None,
                )
            }
            Node::Repeat(r) => {
                let mut instance_chain = chain.to_vec();
                instance_chain.push(id);
                let kind = CKind::Repeat(Box::new(CRepeat {
                    count: None,
                    count_item: None,
                    field_list: is_field_list(&r.appearance),
                    instance_chain,
                    layout: Vec::new(),
                    items: Vec::new(),
                    structural: Vec::new(),
                }));
                (
                    kind,
                    &r.label,
                    &r.relevant,
                    &r.appearance,
                    r.repeat_count.clone(),
                    None,
                )
            }
        };
        self.nodes.push(CNode {
            seg: name.clone(),
            name,
            parent,
            children: Vec::new(),
            position,
            chain: chain.to_vec(),
            slot,
            label: Vec::new(),
            relevant: None,
            rel_item: None,
            page: None,
            own_page: false,
            ordinal: 0,
            size: 0,
            effects: Effects::default(),
            appearance: appearance.clone(),
            source: node.source().clone(),
            kind,
        });
        self.defs.push(def);
        self.labels.push(label.clone());
        self.counts.push(count);
        self.relevants.push(relevant.clone());
        let children: &[Node] = match node {
            Node::Field(_) => &[],
            Node::Group(g) => &g.children,
            Node::Repeat(r) => &r.children,
        };
        let mut inner_chain = chain.to_vec();
        if matches!(node, Node::Repeat(_)) {
            inner_chain.push(id);
        }
        let mut ids = Vec::with_capacity(children.len());
        for (i, child) in children.iter().enumerate() {
            ids.push(self.add(child, Some(id), &inner_chain, i as u32));
        }
        self.nodes[id as usize].children = ids;
        id
    }

    /// Binds every expression and text of every node.
    fn bind_all(&mut self, lists_by_name: &HashMap<&str, u32>, lists: &[CList]) {
        let binder = Binder {
            nodes: &self.nodes,
            by_name: &self.by_name,
            duplicates: &self.duplicates,
            lists_by_name,
            lists,
            warnings: Default::default(),
        };
        let mut problems = Vec::new();
        let mut bound = Vec::with_capacity(self.nodes.len());
        let mut triggers: Vec<Vec<Triggered>> = vec![Vec::new(); self.nodes.len()];
        let defs = &self.defs;
        // pyxform's test of a field never shown because it is computed.
        let computed = |n: NodeId| {
            defs[n as usize].as_ref().is_some_and(|d| {
                let set = d
                    .calculation
                    .as_deref()
                    .is_some_and(|c| !c.trim().is_empty())
                    || !d.trigger.is_empty();
                d.kind == FieldKind::Calculate || (set && d.label.is_empty() && d.hint.is_empty())
            })
        };
        for (i, n) in self.nodes.iter().enumerate() {
            let own_chain: &[NodeId] = &n.chain;
            let site = |column: &'static str| Site {
                node: Some(i as NodeId),
                chain: own_chain,
                choice_columns: None,
                source: &n.source,
                column,
            };
            let expr =
                |text: &Option<String>, column: &'static str, problems: &mut Vec<Problem>| {
                    text.as_deref()
                        .filter(|t| !t.trim().is_empty())
                        .and_then(|t| match binder.expression(t, &site(column)) {
                            Ok(e) => Some(e),
                            Err(p) => {
                                problems.extend(p);
                                None
                            }
                        })
                };
            let relevant = expr(&self.relevants[i], "relevant", &mut problems);
            let count = expr(&self.counts[i], "repeat_count", &mut problems);
            let label_texts = binder.templates(&self.labels[i], &site("label"), &mut problems);
            let field = self.defs[i].as_ref().map(|f| {
                let list = select_list(&f.kind).and_then(|l| lists_by_name.get(l).copied());
                let columns = list.map(|l| lists[l as usize].columns.as_slice());
                let filter_site = Site {
                    choice_columns: Some(columns.unwrap_or(&[])),
                    ..site("choice_filter")
                };
                let choice_filter = f
                    .choice_filter
                    .as_deref()
                    .filter(|t| !t.trim().is_empty())
                    .and_then(|t| {
                        binder
                            .expression(t, &filter_site)
                            .map_err(|p| problems.extend(p))
                            .ok()
                    });
                let default = f
                    .default
                    .as_deref()
                    .filter(|d| !d.is_empty())
                    .and_then(|d| {
                        if crate::form::is_dynamic_default(d) {
                            binder
                                .expression(d, &site("default"))
                                .map(DefaultValue::Expr)
                                .map_err(|p| problems.extend(p))
                                .ok()
                        } else {
                            Some(DefaultValue::Literal(d.to_string()))
                        }
                    });
                let randomize = (f.parameters.get("randomize").map(String::as_str) == Some("true"))
                    .then(|| {
                        f.parameters.get("seed").and_then(|seed| {
                            binder
                                .expression(seed, &site("parameters"))
                                .map_err(|p| problems.extend(p))
                                .ok()
                        })
                    });
                let calculation = expr(&f.calculation, "calculation", &mut problems);
                for name in &f.trigger {
                    match binder.trigger(name, &site("trigger"), computed) {
                        Ok(questions) => {
                            for (question, shared) in questions {
                                triggers[question as usize].push(Triggered {
                                    target: i as NodeId,
                                    shared,
                                });
                            }
                        }
                        Err(p) => problems.push(p),
                    }
                }
                let (calculation, setvalue) = if f.trigger.is_empty() {
                    (calculation, None)
                } else {
                    (None, calculation)
                };
                BoundField {
                    list,
                    randomize,
                    hint: binder.templates(&f.hint, &site("hint"), &mut problems),
                    required: expr(&f.required, "required", &mut problems),
                    constraint: expr(&f.constraint, "constraint", &mut problems),
                    calculation,
                    setvalue,
                    read_only: expr(&f.read_only, "read_only", &mut problems),
                    choice_filter,
                    default,
                }
            });
            bound.push((relevant, count, label_texts, field));
        }
        self.problems.extend(problems);
        self.warnings.extend(binder.warnings.into_inner());
        for t in &mut triggers {
            // A question naming one field twice sets it once.
            t.dedup();
        }
        self.triggers = triggers;
        for (node, (relevant, count, label, field)) in self.nodes.iter_mut().zip(bound) {
            node.relevant = relevant;
            node.label = label;
            match (&mut node.kind, field) {
                (CKind::Field(f), Some(b)) => {
                    f.list = b.list;
                    f.hint = b.hint;
                    f.required = b.required;
                    f.constraint = b.constraint;
                    f.calculation = b.calculation;
                    f.setvalue = b.setvalue;
                    f.read_only = b.read_only;
                    f.choice_filter = b.choice_filter;
                    f.randomize = b.randomize;
                    f.default = b.default;
                }
                (CKind::Repeat(r), _) => r.count = count,
                _ => {}
            }
        }
    }

    fn bind_instance_name(
        &mut self,
        form: &Form,
        lists_by_name: &HashMap<&str, u32>,
        lists: &[CList],
    ) -> Option<Expr<Bound>> {
        let text = form
            .instance_name
            .as_deref()
            .filter(|t| !t.trim().is_empty())?;
        let binder = Binder {
            nodes: &self.nodes,
            by_name: &self.by_name,
            duplicates: &self.duplicates,
            lists_by_name,
            lists,
            warnings: Default::default(),
        };
        let source = Source {
            sheet: "settings".into(),
            row: 0,
        };
        let site = Site {
            node: None,
            chain: &[],
            choice_columns: None,
            source: &source,
            column: "instance_name",
        };
        let bound = binder
            .expression(text, &site)
            .map_err(|p| self.problems.extend(p))
            .ok();
        self.warnings.extend(binder.warnings.into_inner());
        bound
    }

    /// Marks which nodes are shown on a field-list page and counts questions.
    fn mark_pages_and_ordinals(&mut self) {
        let mut ordinal = 0;
        for root in self.roots.clone() {
            self.walk_pages(root, None, &mut ordinal);
        }
    }

    fn walk_pages(&mut self, id: NodeId, page: Option<NodeId>, ordinal: &mut u32) {
        let start = *ordinal;
        let n = &self.nodes[id as usize];
        let field_list = match &n.kind {
            CKind::Group { field_list } => *field_list,
            CKind::Repeat(r) => r.field_list,
            CKind::Field(_) => false,
        };
        let is_question = n.is_question();
        // A field-list page cannot hold a repeat: such a group is shown question by question.
        let own_page = if page.is_none() && field_list && !self.has_repeat_below(id) {
            Some(id)
        } else {
            None
        };
        self.nodes[id as usize].page = page;
        self.nodes[id as usize].ordinal = start;
        if is_question {
            *ordinal += 1;
        }
        let inner = page.or(own_page);
        for child in self.nodes[id as usize].children.clone() {
            self.walk_pages(child, inner, ordinal);
        }
        self.nodes[id as usize].size = *ordinal - start;
        self.nodes[id as usize].own_page = own_page.is_some();
    }

    fn has_repeat_below(&self, id: NodeId) -> bool {
        self.nodes[id as usize].children.iter().any(|&c| {
            matches!(self.nodes[c as usize].kind, CKind::Repeat(_)) || self.has_repeat_below(c)
        })
    }

    /// Creates the computed items, orders them, reports cycles, and indexes who reads what.
    fn order_items(&mut self) -> (Vec<Item>, Vec<Vec<Dep>>) {
        // Items in document order, with what each reads.
        let mut items: Vec<Item> = Vec::new();
        let mut reads: Vec<Vec<(NodeId, u16)>> = Vec::new();
        let mut rel_of: Vec<Option<usize>> = vec![None; self.nodes.len()];
        let mut calc_of: Vec<Option<usize>> = vec![None; self.nodes.len()];
        let mut count_of: Vec<Option<usize>> = vec![None; self.nodes.len()];
        for (i, n) in self.nodes.iter().enumerate() {
            let id = i as NodeId;
            let parent_rel = n.parent.and_then(|p| rel_of[p as usize]);
            if n.relevant.is_some() || parent_rel.is_some() {
                rel_of[i] = Some(items.len());
                items.push(Item {
                    kind: ItemKind::Relevance,
                    node: id,
                    scope: n.scope(),
                });
                reads.push(collect_reads(n.relevant.as_ref()));
            }
            if let Some(calc) = n.field().and_then(|f| f.calculation.as_ref()) {
                calc_of[i] = Some(items.len());
                items.push(Item {
                    kind: ItemKind::Calculation,
                    node: id,
                    scope: n.scope(),
                });
                reads.push(collect_reads(Some(calc)));
            }
            if let Some(count) = n.repeat().and_then(|r| r.count.as_ref()) {
                count_of[i] = Some(items.len());
                items.push(Item {
                    kind: ItemKind::RepeatCount,
                    node: id,
                    scope: n.scope(),
                });
                reads.push(collect_reads(Some(count)));
            }
        }
        let mut edges = Vec::new();
        for (b, item) in items.iter().enumerate() {
            let ctx_chain = self.scope_chain_of(item.scope);
            let parent_rel = self.nodes[item.node as usize]
                .parent
                .and_then(|p| rel_of[p as usize]);
            if let (ItemKind::Relevance, Some(p)) = (item.kind, parent_rel) {
                edges.push((p, b));
            }
            for &(t, _) in &reads[b] {
                let tn = &self.nodes[t as usize];
                // A group's relevance reads the questions inside it as they are (as
                // JavaRosa does), not as its own relevance would blank them: CHT's
                // `inputs` group is relevant when its `source` field says so.
                let own_inside =
                    item.kind == ItemKind::Relevance && is_below(&self.nodes, t, item.node);
                if !own_inside {
                    edges.extend(rel_of[t as usize].map(|a| (a, b)));
                }
                edges.extend(calc_of[t as usize].map(|a| (a, b)));
                let own = if tn.repeat().is_some() { Some(t) } else { None };
                for r in tn.chain.iter().copied().chain(own) {
                    if !ctx_chain.contains(&r) {
                        edges.extend(count_of[r as usize].map(|a| (a, b)));
                    }
                }
            }
        }
        let order = match topological_order(items.len(), &edges) {
            Ok(order) => order,
            Err(cycles) => {
                for cycle in cycles {
                    self.problems.push(self.cycle_problem(&items, &cycle));
                }
                return (Vec::new(), Vec::new());
            }
        };
        // Renumber items by their place in the order.
        let mut rank = vec![0 as ItemId; items.len()];
        for (pos, &old) in order.iter().enumerate() {
            rank[old] = pos as ItemId;
        }
        for (i, n) in self.nodes.iter_mut().enumerate() {
            n.rel_item = rel_of[i].map(|o| rank[o]);
            match &mut n.kind {
                CKind::Field(f) => f.calc_item = calc_of[i].map(|o| rank[o]),
                CKind::Repeat(r) => r.count_item = count_of[i].map(|o| rank[o]),
                CKind::Group { .. } => {}
            }
        }
        let mut readers: Vec<Vec<Dep>> = vec![Vec::new(); self.nodes.len()];
        for (old, r) in reads.iter().enumerate() {
            for &(t, shared) in r {
                let deps = &mut readers[t as usize];
                let item = rank[old];
                match deps.iter_mut().find(|d| d.item == item) {
                    Some(d) => d.shared = d.shared.min(shared),
                    None => deps.push(Dep { item, shared }),
                }
            }
        }
        let mut sorted: Vec<Option<Item>> = items.into_iter().map(Some).collect();
        let items = order.iter().filter_map(|&o| sorted[o].take()).collect();
        (items, readers)
    }

    fn scope_chain_of(&self, scope: Option<NodeId>) -> Vec<NodeId> {
        match scope {
            Some(r) => {
                let mut c = self.nodes[r as usize].chain.clone();
                c.push(r);
                c
            }
            None => Vec::new(),
        }
    }

    fn cycle_problem(&self, items: &[Item], cycle: &[usize]) -> Problem {
        let describe = |i: &usize| {
            let item = &items[*i];
            let column = column_of(item.kind);
            format!("${{{}}} ({column})", self.nodes[item.node as usize].name)
        };
        let members: Vec<String> = cycle.iter().map(describe).collect();
        let first = cycle.first().map(|&i| &items[i]);
        let (source, column) = match first {
            Some(item) => (
                self.nodes[item.node as usize].source.clone(),
                column_of(item.kind),
            ),
            None => (Source::default(), ""),
        };
        Problem {
            sheet: source.sheet,
            row: source.row,
            column: column.into(),
            message: format!(
                "these expressions depend on each other in a cycle: {}",
                members.join(", ")
            ),
        }
    }
}

/// The expressions of one field after binding.
struct BoundField {
    list: Option<u32>,
    hint: Templates,
    required: Option<Expr<Bound>>,
    constraint: Option<Expr<Bound>>,
    calculation: Option<Expr<Bound>>,
    setvalue: Option<Expr<Bound>>,
    read_only: Option<Expr<Bound>>,
    choice_filter: Option<Expr<Bound>>,
    randomize: Option<Option<Expr<Bound>>>,
    default: Option<DefaultValue>,
}

/// Whether `node` lies inside `ancestor` (by the nodes' parents).
fn is_below(nodes: &[CNode], node: NodeId, ancestor: NodeId) -> bool {
    let mut at = nodes[node as usize].parent;
    while let Some(p) = at {
        if p == ancestor {
            return true;
        }
        at = nodes[p as usize].parent;
    }
    false
}

fn column_of(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Relevance => "relevant",
        ItemKind::Calculation => "calculation",
        ItemKind::RepeatCount => "repeat_count",
    }
}

fn collect_reads(e: Option<&Expr<Bound>>) -> Vec<(NodeId, u16)> {
    let mut out: Vec<(NodeId, u16)> = Vec::new();
    if let Some(e) = e {
        value_reads(
            e,
            &mut |node, shared| match out.iter_mut().find(|(n, _)| *n == node) {
                Some(entry) => entry.1 = entry.1.min(shared),
                None => out.push((node, shared)),
            },
        );
    }
    out
}

/// Fills each scope type's item list and each repeat's structural readers.
fn index_scope_items(c: &mut CompiledForm) {
    let mut per_scope: HashMap<Option<NodeId>, Vec<ItemId>> = HashMap::new();
    for (i, item) in c.items.iter().enumerate() {
        per_scope.entry(item.scope).or_default().push(i as ItemId);
    }
    c.root_items = per_scope.remove(&None).unwrap_or_default();
    let repeats: Vec<NodeId> = (0..c.nodes.len() as NodeId)
        .filter(|&i| c.node(i).repeat().is_some())
        .collect();
    for r in repeats {
        let depth = c.node(r).chain.len() as u16;
        let mut structural: Vec<Dep> = Vec::new();
        let mut stack = vec![r];
        while let Some(n) = stack.pop() {
            for d in &c.readers[n as usize] {
                if d.shared <= depth && !structural.contains(d) {
                    structural.push(*d);
                }
            }
            stack.extend(c.node(n).children.iter().copied());
        }
        structural.sort_by_key(|d| d.item);
        let items = per_scope.remove(&Some(r)).unwrap_or_default();
        if let CKind::Repeat(rep) = &mut c.nodes[r as usize].kind {
            rep.structural = structural;
            rep.items = items;
        }
    }
}

/// The stem of a list read from a file (`villages` for `villages.csv`), if it is one.
fn file_list_stem(name: &str) -> Option<&str> {
    if !crate::form::is_file_list(name) {
        return None;
    }
    name.rsplit_once('.').map(|(stem, _)| stem)
}

fn compile_list(list: &crate::form::ChoiceList) -> CList {
    let mut columns: Vec<String> = list
        .choices
        .iter()
        .flat_map(|c| c.extra.keys().cloned())
        .collect();
    columns.sort();
    columns.dedup();
    let choices = list
        .choices
        .iter()
        .map(|c| CChoice {
            name: c.name.clone(),
            label: c.label.clone(),
            media: c.media.clone(),
            values: columns
                .iter()
                .map(|k| c.extra.get(k).cloned().unwrap_or_default())
                .collect(),
        })
        .collect();
    CList {
        choices,
        columns,
        open_columns: list.name.to_lowercase().ends_with(".geojson"),
    }
}

fn select_list(kind: &FieldKind) -> Option<&str> {
    kind.choice_list()
}

fn is_field_list(appearance: &Option<String>) -> bool {
    // `table-list` (a grid of selects) is a field-list page too: pyxform turns it into
    // `field-list`, and ODK Collect shows the whole group on one screen.
    appearance.as_deref().is_some_and(|a| {
        a.split_whitespace()
            .any(|w| w == "field-list" || w == "table-list")
    })
}
