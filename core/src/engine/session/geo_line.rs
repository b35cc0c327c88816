//! Taking a `geotrace` or `geoshape` point by point, as ODK Collect's manual mode does:
//! she adds where the phone is now at each turn or corner, and may take back the last
//! point (clearing them all is `clear_answer`). Every step is stored with the draft, so
//! a walk in progress survives the phone dying; the question shows what it still needs
//! until it is complete.

use crate::engine::answer::{Answer, GeoPoint};
use crate::engine::compile::NodeId;
use crate::engine::error::SessionError;
use crate::engine::geo_line::{self, LineKind, MAX_LINE_POINTS};
use crate::engine::instance::ScopeId;
use crate::engine::screen::ScreenUpdate;

use super::FormSession;

impl FormSession {
    /// Adds the phone's position `at` as the next point of line or shape question
    /// `question`. A position off Earth, or a point past [`MAX_LINE_POINTS`], is refused
    /// with [`SessionError::InvalidValue`]; another kind of question with
    /// [`SessionError::WrongType`]; neither changes anything.
    pub fn add_line_point(
        &mut self,
        question: &str,
        at: GeoPoint,
    ) -> Result<ScreenUpdate, SessionError> {
        let (n, s, mut points) = self.line_points(question, "a point of a line")?;
        if points.len() >= MAX_LINE_POINTS {
            return Err(SessionError::InvalidValue {
                question: question.into(),
                reason: format!("a line holds at most {MAX_LINE_POINTS} points"),
            });
        }
        points.push(at);
        self.answer_at(n, s, question, Answer::GeoLine { points })
    }

    /// Takes back the last point of line or shape question `question` (removing the only
    /// one clears the answer). Without points it is refused with
    /// [`SessionError::InvalidValue`] and changes nothing.
    pub fn remove_last_line_point(&mut self, question: &str) -> Result<ScreenUpdate, SessionError> {
        let (n, s, mut points) = self.line_points(question, "a point to take back")?;
        if points.pop().is_none() {
            return Err(SessionError::InvalidValue {
                question: question.into(),
                reason: "there is no point to take back".into(),
            });
        }
        self.answer_at(n, s, question, Answer::GeoLine { points })
    }

    /// Line or shape question `question` (shown, answerable) and its points so far;
    /// `given` names the action in the error for another kind of question.
    fn line_points(
        &self,
        question: &str,
        given: &str,
    ) -> Result<(NodeId, ScopeId, Vec<GeoPoint>), SessionError> {
        let (n, s) = self.answerable(question)?;
        let kind = self
            .form
            .node(n)
            .field()
            .and_then(|f| LineKind::of(&f.kind));
        let Some(kind) = kind else {
            return Err(SessionError::WrongType {
                question: question.into(),
                expected: "another answer".into(),
                given: given.into(),
            });
        };
        let stored = self.inst.value(&self.form, n, s);
        // What is stored was checked on the way in; text that is not a line (a default
        // the form wrote) starts the walk again.
        let points = geo_line::points(kind, stored).unwrap_or_default();
        Ok((n, s, points))
    }
}
