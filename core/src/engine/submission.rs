//! A finalized form as it is stored and uploaded: meta plus the answers as JSON nested by
//! group and repeat, with typed values; and the server-side check that re-validates
//! uploaded JSON with the same engine that the phone used.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};
use uuid::Uuid;

use crate::expr::{Expr, Func, dates};
use crate::form::{FieldKind, MetaKind};

use super::answer::{from_json, to_json};
use super::audit_log::AuditEvent;
use super::bind::Bound;
use super::clock::{ClockWindow, TimeDoubt};
use super::compile::{CKind, CompiledForm, DefaultValue, NodeId};
use super::error::FinalizeProblem;
use super::instance::{Instance, MetaValues, ROOT, ScopeId, World, local_today};
use super::lang::Lang;
use super::last_saved::{LastSaved, reads_last_saved};
use super::nav::Pages;
use super::session::{VIETNAM_UTC_OFFSET_MINUTES, zone};
use super::view::View;

/// A finalized form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    /// The submission's id (UUIDv7), fixed when filling started.
    pub instance_id: Uuid,
    /// The form's id.
    pub form_id: String,
    /// The exact form version it was filled with.
    pub form_version: String,
    /// When filling started.
    pub started_at: DateTime<Utc>,
    /// When it was finalized.
    pub finalized_at: DateTime<Utc>,
    /// The label language used ("" for the form's default columns).
    pub language: String,
    /// The answers: an object keyed by field name, groups as nested objects, repeats as
    /// arrays of objects; numbers as numbers, select_multiple as arrays of choice names,
    /// dates `YYYY-MM-DD`, date-times RFC 3339 UTC, geopoints as objects, photos by
    /// SHA-256. Empty answers and questions that do not apply are left out.
    pub data: Json,
    /// The SHA-256 of every photo in `data`, to upload alongside.
    pub photos: Vec<String>,
    /// The form's audit log (empty when the form has no `audit` field).
    pub audit: Vec<AuditEvent>,
}

/// The submission JSON of an instance and the photos it references.
pub(crate) fn submission_data(form: &CompiledForm, inst: &Instance) -> (Json, Vec<String>) {
    let mut photos = Vec::new();
    let data = scope_data(form, inst, &form.roots, ROOT, &mut photos);
    (Json::Object(data), photos)
}

fn scope_data(
    form: &CompiledForm,
    inst: &Instance,
    nodes: &[NodeId],
    s: ScopeId,
    photos: &mut Vec<String>,
) -> Map<String, Json> {
    let mut out = Map::new();
    for &n in nodes {
        let node = form.node(n);
        if !inst.slot(form, n, s).relevant {
            continue;
        }
        match &node.kind {
            CKind::Field(f) => {
                let value = inst.value(form, n, s);
                if let Some(v) = to_json(&f.kind, value) {
                    if f.kind.takes_file() && !photos.iter().any(|p| p == value) {
                        photos.push(value.to_string());
                    }
                    out.insert(node.name.clone(), v);
                }
            }
            CKind::Group { .. } => {
                let inner = scope_data(form, inst, &node.children, s, photos);
                if !inner.is_empty() {
                    out.insert(node.name.clone(), Json::Object(inner));
                }
            }
            CKind::Repeat(_) => {
                let instances: Vec<Json> = inst
                    .instances(form, n, s)
                    .iter()
                    .map(|&i| Json::Object(scope_data(form, inst, &node.children, i, photos)))
                    .collect();
                if !instances.is_empty() {
                    out.insert(node.name.clone(), Json::Array(instances));
                }
            }
        }
    }
    out
}

/// What reading submission JSON found.
#[derive(Default)]
struct Loaded {
    /// True when the server fills the metadata itself: the phone's metadata values are
    /// not read, and calculations it cannot reproduce are kept in `kept`.
    server: bool,
    /// Fields given a value.
    answered: Vec<(NodeId, ScopeId)>,
    /// Counted repeats and how many instances the data had.
    counted: Vec<(NodeId, ScopeId, usize)>,
    /// The phone's values of calculations that depend on the moment or on chance
    /// (see [`MOMENTARY`]), typed like an answer.
    kept: Vec<(NodeId, ScopeId, String)>,
    /// Problems found while reading, by path.
    problems: Vec<(String, String, String)>,
}

/// What the server knows of a submission, which its metadata fields are filled from
/// instead of what the phone wrote into them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerFacts {
    /// The id of the device that sent it (`deviceid`).
    pub device_id: String,
    /// The login name of that device's account (`username`).
    pub username: String,
    /// When filling started, as the submission says (`start`, `today`).
    pub started_at: DateTime<Utc>,
    /// When it was finalized, as the submission says (`end`).
    pub finalized_at: DateTime<Utc>,
    /// When the server received it (its own clock): no time the phone wrote is later.
    pub received_at: DateTime<Utc>,
}

impl ServerFacts {
    /// The times the phone's `now()` and `today()` values may plausibly hold.
    fn clock_window(&self) -> ClockWindow {
        ClockWindow {
            started_at: self.started_at,
            finalized_at: self.finalized_at,
            received_at: self.received_at,
        }
    }
}

/// A calculated or metadata value the server computed differently from the phone, or a
/// time the phone's clock wrote that the server keeps but doubts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mismatch {
    /// Where it is (`members[2]/age_months`).
    pub question: String,
    /// What the phone sent (`None`: it left the value out).
    pub sent: Option<Json>,
    /// What the server computed and keeps (`None`: empty, or the question does not apply).
    pub computed: Option<Json>,
    /// Set when the value is the phone's own (a `now()` or `today()` the server cannot
    /// compute), kept as sent but outside the record's times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doubt: Option<TimeDoubt>,
}

/// A submission's data as the server keeps it: the answers as sent, every calculation
/// and metadata field computed by the server, and where the phone's values differed.
#[derive(Debug, Clone, PartialEq)]
pub struct Recomputed {
    /// The data to store in place of the phone's.
    pub data: Json,
    /// The values that differed, in form order.
    pub mismatches: Vec<Mismatch>,
    /// The form's `instance_name` evaluated on the kept data (`None`: the form has none,
    /// or it came out empty): the name officers find the record by, never the phone's.
    pub instance_name: Option<String>,
}

/// The functions whose value depends on the moment or on chance (`randomize` too: only
/// its seeded form is reproducible): a calculation calling one cannot be reproduced
/// later, so the server keeps the phone's value for it (and recomputes everything that
/// reads it). A constraint calling one is not judged on its question's default at load.
pub(super) const MOMENTARY: [Func; 6] = [
    Func::Now,
    Func::Today,
    Func::Random,
    Func::Randomize,
    Func::Uuid,
    Func::Once,
];

impl CompiledForm {
    /// Re-validates a submission's `data` (as uploaded): the shape and types, choices,
    /// relevance, constraints, required answers and repeat counts. The server uses this
    /// so that it accepts exactly what a phone would have let through.
    pub fn validate_data(&self, data: &Json) -> Result<(), Vec<FinalizeProblem>> {
        self.checked(data, None).map(|_| ())
    }

    /// [`CompiledForm::validate_data`], and then the data the server keeps: every
    /// calculation evaluated again from the answers, the metadata fields filled from
    /// `facts` (the phone's `username`, `deviceid`, `start`, `today` and `end` are not
    /// read), `hidden` fields given their literal `default` or nothing (no one answers
    /// them; a default written as an expression keeps the phone's value), and each value
    /// that differs from what the phone sent listed as a [`Mismatch`]. A calculation
    /// calling `now()`, `today()`, `random()`, `randomize()`, `uuid()` or `once()`, or
    /// reading `${last-saved#name}` (the phone's last saved record, which the server
    /// cannot know), keeps the phone's value, checked like an answer of its type (as an
    /// answer she could have typed: nothing more is trusted); one calling `now()` or
    /// `today()` whose date or time lies outside the record's own times (see
    /// [`ClockWindow`]) is listed too, with its [`TimeDoubt`].
    pub fn recompute_data(
        &self,
        data: &Json,
        facts: &ServerFacts,
    ) -> Result<Recomputed, Vec<FinalizeProblem>> {
        let (inst, instance_name) = self.checked(data, Some(facts))?;
        let (computed, _) = submission_data(self, &inst);
        let mut mismatches = Vec::new();
        let compare = Compare {
            form: self,
            window: facts.clock_window(),
            offset: zone(VIETNAM_UTC_OFFSET_MINUTES),
        };
        compare.scope(
            &self.roots,
            data.as_object(),
            computed.as_object(),
            "",
            &mut mismatches,
        );
        Ok(Recomputed {
            data: computed,
            mismatches,
            instance_name,
        })
    }

    /// Reads `data` into an instance and checks it, with its `instance_name`; with
    /// `facts`, the server's metadata and its clock for `end` are used (see
    /// [`CompiledForm::recompute_data`]).
    fn checked(
        &self,
        data: &Json,
        facts: Option<&ServerFacts>,
    ) -> Result<(Instance, Option<String>), Vec<FinalizeProblem>> {
        let mut inst = Instance::empty(self);
        let mut loaded = Loaded {
            server: facts.is_some(),
            ..Loaded::default()
        };
        match data {
            Json::Object(o) => load(self, &mut inst, o, &self.roots, ROOT, "", &mut loaded),
            _ => loaded.problems.push((
                String::new(),
                String::new(),
                "the data is not a JSON object".into(),
            )),
        }
        let lang = Lang::fallback(self.form());
        let offset = zone(VIETNAM_UTC_OFFSET_MINUTES);
        let meta = facts.map_or_else(MetaValues::default, |f| MetaValues {
            start: dates::format_iso_datetime(f.started_at),
            today: local_today(f.started_at, offset),
            device_id: f.device_id.clone(),
            username: f.username.clone(),
        });
        let world = World {
            form: self,
            // Her answers are checked as of when she finalized (a record kept offline for
            // a week still meets `. >= today()`), never later than the server got it;
            // without the server's facts, as of now.
            now: facts.map_or_else(Utc::now, |f| f.finalized_at.min(f.received_at)),
            offset,
            lang: &lang,
            meta: &meta,
            // The server cannot know the phone's last saved record: what reads it is
            // kept as the phone sent it (see `load`).
            last_saved: &LastSaved::new(),
        };
        if facts.is_some() {
            inst.fill_meta(&world);
        }
        inst.recompute_all(&world);
        for (n, s, value) in std::mem::take(&mut loaded.kept) {
            if inst.scope(s).alive {
                inst.set_value(&world, n, s, value);
            }
        }
        if let Some(f) = facts {
            inst.fill_end(&world, f.finalized_at);
        }
        let problems = problems(self, &world, &inst, loaded);
        if problems.is_empty() {
            let name = inst.instance_name(&world);
            Ok((inst, name))
        } else {
            Err(problems)
        }
    }
}

/// Every problem of a loaded instance: what reading found, answers to questions that do
/// not apply, repeat counts that disagree, and the form's own checks.
fn problems(
    form: &CompiledForm,
    world: &World<'_>,
    inst: &Instance,
    loaded: Loaded,
) -> Vec<FinalizeProblem> {
    let view = View { world, inst };
    let pages = Pages { form, inst };
    let mut problems: Vec<FinalizeProblem> = loaded
        .problems
        .into_iter()
        .map(|(question, label, message)| FinalizeProblem {
            question,
            label,
            message,
        })
        .collect();
    for (n, s) in loaded.answered {
        if inst.scope(s).alive && !inst.slot(form, n, s).relevant {
            let message = "answered although the question does not apply".to_string();
            problems.push(FinalizeProblem {
                question: pages.path(n, s),
                label: view.label(n, s),
                message,
            });
        }
    }
    for (r, s, had) in loaded.counted {
        let now = inst.instances(form, r, s).len();
        if inst.scope(s).alive && inst.slot(form, r, s).relevant && now != had {
            let message = format!("has {had} instance(s), but repeat_count says {now}");
            problems.push(FinalizeProblem {
                question: pages.path(r, s),
                label: view.label(r, s),
                message,
            });
        }
    }
    for p in view.all_problems() {
        if !problems.iter().any(|q| q.question == p.question) {
            problems.push(p);
        }
    }
    problems
}

/// True for a field whose value the server computes: a calculation, metadata, or a
/// `hidden` field (no one answers it: it holds its `default` or nothing). A field a
/// `trigger` sets is not one: only the phone knows when she changed the question.
fn server_computed(kind: &CKind) -> bool {
    matches!(kind, CKind::Field(f) if !f.triggered && (f.calculation.is_some()
        || matches!(f.kind, FieldKind::Meta(_) | FieldKind::Hidden)))
}

/// A value as compared: text in NFC, so that a phone's different normalisation of the
/// same text is no mismatch.
fn normalized(value: Option<&Json>) -> Option<Json> {
    value.map(|v| match v {
        Json::String(s) => Json::String(crate::text::nfc(s)),
        other => other.clone(),
    })
}

/// The value named `name` in an object, if both are there.
fn member<'a>(object: Option<&'a Map<String, Json>>, name: &str) -> Option<&'a Json> {
    object.and_then(|o| o.get(name))
}

/// The `i`-th instance of a repeat's array, if it is there and an object.
fn instance(items: Option<&Vec<Json>>, i: usize) -> Option<&Map<String, Json>> {
    items.and_then(|v| v.get(i)).and_then(Json::as_object)
}

/// True for a field whose kept value is the phone's clock: a calculation or a trigger's
/// value calling `now()` or `today()`, or a hidden field whose default does.
fn reads_the_clock(kind: &CKind) -> bool {
    let clock = |e: &Expr<Bound>| e.calls(Func::Now) || e.calls(Func::Today);
    matches!(kind, CKind::Field(f) if f.calculation.as_ref().is_some_and(clock)
        || f.setvalue.as_ref().is_some_and(clock)
        || matches!(&f.default, Some(DefaultValue::Expr(e)) if f.kind == FieldKind::Hidden && clock(e)))
}

/// What a phone's submission is compared with: the form, and the times its clock values
/// may hold.
struct Compare<'a> {
    form: &'a CompiledForm,
    window: ClockWindow,
    offset: chrono::FixedOffset,
}

impl Compare<'_> {
    /// Lists, in form order, the server-computed values of one scope that differ between
    /// what the phone `sent` and what the server `computed` (`None`: the scope is
    /// missing), and the phone's clock values it kept but doubts.
    fn scope(
        &self,
        nodes: &[NodeId],
        sent: Option<&Map<String, Json>>,
        computed: Option<&Map<String, Json>>,
        prefix: &str,
        out: &mut Vec<Mismatch>,
    ) {
        for &n in nodes {
            let node = self.form.node(n);
            let path = format!("{prefix}{}", node.name);
            let get = |m| member(m, &node.name);
            match &node.kind {
                kind if server_computed(kind) || reads_the_clock(kind) => {
                    let (sent, computed) = (normalized(get(sent)), normalized(get(computed)));
                    let doubt = match &computed {
                        Some(Json::String(kept)) if sent == computed && reads_the_clock(kind) => {
                            self.window.text_doubt(kept, self.offset)
                        }
                        _ => None,
                    };
                    if sent != computed || doubt.is_some() {
                        out.push(Mismatch {
                            question: path,
                            sent,
                            computed,
                            doubt,
                        });
                    }
                }
                CKind::Group { .. } => self.scope(
                    &node.children,
                    get(sent).and_then(Json::as_object),
                    get(computed).and_then(Json::as_object),
                    prefix,
                    out,
                ),
                CKind::Repeat(_) => {
                    let (sent, computed) = (
                        get(sent).and_then(Json::as_array),
                        get(computed).and_then(Json::as_array),
                    );
                    let count = |items: Option<&Vec<Json>>| items.map_or(0, Vec::len);
                    for i in 0..count(sent).max(count(computed)) {
                        self.scope(
                            &node.children,
                            instance(sent, i),
                            instance(computed, i),
                            &format!("{path}[{}]/", i + 1),
                            out,
                        );
                    }
                }
                CKind::Field(_) => {}
            }
        }
    }
}

/// Reads the JSON object of one scope into an empty instance.
fn load(
    form: &CompiledForm,
    inst: &mut Instance,
    obj: &Map<String, Json>,
    nodes: &[NodeId],
    s: ScopeId,
    prefix: &str,
    out: &mut Loaded,
) {
    for (key, value) in obj {
        let path = format!("{prefix}{key}");
        let Some(&n) = nodes.iter().find(|&&n| form.node(n).name == *key) else {
            out.problems
                .push((path, key.clone(), "not a question of this form here".into()));
            continue;
        };
        let node = form.node(n);
        match (&node.kind, value) {
            (CKind::Field(f), _)
                if out.server
                    && (f.calculation.as_ref().is_some_and(|c| {
                        MOMENTARY.iter().any(|&m| c.calls(m)) || reads_last_saved(c)
                    })
                        || (f.kind == FieldKind::Hidden
                            && matches!(f.default, Some(DefaultValue::Expr(_))))
                        // Only the phone knows where it was when the form was opened.
                        || f.kind == FieldKind::Meta(MetaKind::StartGeopoint)) =>
            {
                match from_json(&f.kind, value) {
                    Ok(stored) => out.kept.push((n, s, stored)),
                    Err(message) => out.problems.push((path, key.clone(), message)),
                }
            }
            // (A field a trigger set is read as an answer: the phone's value is kept.)
            (CKind::Field(f), _)
                if f.calculation.is_some()
                    || f.kind == FieldKind::Note
                    || (out.server
                        && !f.triggered
                        && matches!(f.kind, FieldKind::Meta(_) | FieldKind::Hidden)) => {}
            (CKind::Field(f), _) => match from_json(&f.kind, value) {
                Ok(stored) if stored.is_empty() => {}
                Ok(stored) => {
                    inst.set_raw(form, n, s, stored);
                    out.answered.push((n, s));
                }
                Err(message) => out.problems.push((path, key.clone(), message)),
            },
            (CKind::Group { .. }, Json::Object(inner)) => {
                load(form, inst, inner, &node.children, s, prefix, out)
            }
            (CKind::Repeat(r), Json::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    let id = inst.push_blank_instance(form, n, s);
                    let inner_prefix = format!("{prefix}{key}[{}]/", i + 1);
                    match item {
                        Json::Object(inner) => {
                            load(form, inst, inner, &node.children, id, &inner_prefix, out)
                        }
                        _ => out.problems.push((
                            inner_prefix,
                            key.clone(),
                            "a repeat instance must be an object".into(),
                        )),
                    }
                }
                if r.count.is_some() {
                    out.counted.push((n, s, items.len()));
                }
            }
            (CKind::Group { .. }, _) => {
                out.problems
                    .push((path, key.clone(), "a group must be an object".into()))
            }
            (CKind::Repeat(_), _) => {
                out.problems
                    .push((path, key.clone(), "a repeat must be an array".into()))
            }
        }
    }
}
