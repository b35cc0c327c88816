//! The answers both engines give: a TSV file of `question path<TAB>value`, one line per
//! question, read by this bench and by `JavaRosaFill.java` alike.
//!
//! Paths are Branchbook's question paths: the question's name, preceded by
//! `repeat[n]/` for each repeat instance it is in (groups do not appear):
//! `head_name`, `member[2]/member_sex`. A repeat prompt adds an instance while the
//! script has answers for it (`member[3]/...` present: add the 3rd member). Values are
//! as ODK writes them: choice names (space-separated for select_multiple), numbers,
//! `lat lon alt accuracy` for a geopoint, `OK` for acknowledge, the photo's SHA-256 for
//! an image. An empty value leaves the question blank. A question shown that the
//! script does not list stops the fill: both engines must show the same questions.

use std::collections::{HashMap, HashSet};

use branchbook_core::engine::{Answer, GeoPoint, QuestionKind};

/// The answers by question path.
pub struct Script {
    answers: HashMap<String, String>,
    /// Every `repeat[n]/` prefix the paths use.
    instances: HashSet<String>,
}

impl Script {
    /// Parses the TSV text (`#` starts a comment line).
    pub fn parse(text: &str) -> Script {
        let answers: HashMap<String, String> = text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(|l| {
                let (path, value) = l.split_once('\t').unwrap_or((l, ""));
                (path.trim().to_owned(), value.trim().to_owned())
            })
            .collect();
        let instances = answers
            .keys()
            .flat_map(|p| {
                p.match_indices("]/")
                    .map(move |(i, _)| p[..i + 2].to_owned())
            })
            .collect();
        Script { answers, instances }
    }

    /// The answer to give the question at `path` (None: leave it blank); a question the
    /// script does not know is an error.
    pub fn answer(&self, path: &str, kind: QuestionKind) -> Result<Option<Answer>, String> {
        let value = self
            .answers
            .get(path)
            .ok_or_else(|| format!("the script has no answer for {path}"))?;
        if value.is_empty() {
            return Ok(None);
        }
        let bad = |what: &str| format!("{path}: {value:?} is not {what}");
        Ok(Some(match kind {
            QuestionKind::Text => Answer::Text {
                value: value.clone(),
            },
            QuestionKind::Integer => Answer::Integer {
                value: value.parse().map_err(|_| bad("an integer"))?,
            },
            QuestionKind::Decimal => Answer::Decimal {
                value: value.parse().map_err(|_| bad("a number"))?,
            },
            QuestionKind::SelectOne => Answer::Choice {
                name: value.clone(),
            },
            QuestionKind::SelectMultiple => Answer::Choices {
                names: value.split_whitespace().map(str::to_owned).collect(),
            },
            QuestionKind::Geopoint => {
                let n: Vec<f64> = value
                    .split_whitespace()
                    .map(str::parse)
                    .collect::<Result<_, _>>()
                    .map_err(|_| bad("a geopoint"))?;
                let [latitude, longitude, altitude, accuracy] = n[..] else {
                    return Err(bad("lat lon alt accuracy"));
                };
                Answer::Geopoint {
                    value: GeoPoint {
                        latitude,
                        longitude,
                        altitude: Some(altitude),
                        accuracy: Some(accuracy),
                    },
                }
            }
            QuestionKind::Image => Answer::Photo {
                sha256: value.clone(),
            },
            QuestionKind::Acknowledge => Answer::Acknowledged,
            other => return Err(format!("{path}: the comparison gives no {other:?} answers")),
        }))
    }

    /// Whether to add an instance at a repeat prompt: the script answers questions of
    /// the instance that would be added (`repeat` is the prompt's path, e.g. `member` or
    /// `a[1]/b`, and it has `count` instances now).
    pub fn wants_instance(&self, repeat: &str, count: u32) -> bool {
        self.instances
            .contains(&format!("{repeat}[{}]/", count + 1))
    }
}
