//! A finalized form as it is stored and uploaded: meta plus the answers as JSON nested by
//! group and repeat, with typed values; and the server-side check that re-validates
//! uploaded JSON with the same engine that the phone used.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};
use uuid::Uuid;

use crate::form::FieldKind;

use super::answer::{from_json, to_json};
use super::compile::{CKind, CompiledForm, NodeId};
use super::error::FinalizeProblem;
use super::instance::{Instance, MetaValues, ROOT, ScopeId, World};
use super::lang::Lang;
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
                    if f.kind == FieldKind::Image && !photos.iter().any(|p| p == value) {
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
    /// Fields given a value.
    answered: Vec<(NodeId, ScopeId)>,
    /// Counted repeats and how many instances the data had.
    counted: Vec<(NodeId, ScopeId, usize)>,
    /// Problems found while reading, by path.
    problems: Vec<(String, String, String)>,
}

impl CompiledForm {
    /// Re-validates a submission's `data` (as uploaded): the shape and types, choices,
    /// relevance, constraints, required answers and repeat counts. The server uses this
    /// so that it accepts exactly what a phone would have let through.
    pub fn validate_data(&self, data: &Json) -> Result<(), Vec<FinalizeProblem>> {
        let mut inst = Instance::empty(self);
        let mut loaded = Loaded::default();
        match data {
            Json::Object(o) => load(self, &mut inst, o, &self.roots, ROOT, "", &mut loaded),
            _ => loaded.problems.push((
                String::new(),
                String::new(),
                "the data is not a JSON object".into(),
            )),
        }
        let lang = Lang::fallback(self.form());
        let meta = MetaValues::default();
        let world = World {
            form: self,
            now: Utc::now(),
            offset: zone(VIETNAM_UTC_OFFSET_MINUTES),
            lang: &lang,
            meta: &meta,
        };
        inst.recompute_all(&world);
        let view = View {
            world: &world,
            inst: &inst,
        };
        let pages = Pages {
            form: self,
            inst: &inst,
        };
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
            if inst.scope(s).alive && !inst.slot(self, n, s).relevant {
                let message = "answered although the question does not apply".to_string();
                problems.push(FinalizeProblem {
                    question: pages.path(n, s),
                    label: view.label(n, s),
                    message,
                });
            }
        }
        for (r, s, had) in loaded.counted {
            let now = inst.instances(self, r, s).len();
            if inst.scope(s).alive && inst.slot(self, r, s).relevant && now != had {
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
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
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
            (CKind::Field(f), _) if f.calculation.is_some() || f.kind == FieldKind::Note => {}
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
