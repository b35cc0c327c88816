//! The indicators dashboard's request: an area inside the official's scope and a period
//! on Vietnam's clock, read from query parameters; the numbers as JSON for the API, and
//! the same loading for the console's dashboard pages.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use chrono::{Datelike, NaiveDate, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::{AppState, Officer, Official, with_store};
use crate::error::ApiError;
use crate::indicators::{Dashboard, Period, dashboard};
use crate::model::Area;

/// The dashboard's choices as its form sends them (every field text, so an empty input
/// is simply "not given").
#[derive(Debug, Default, Deserialize)]
pub struct DashboardQuery {
    /// The area (empty: the official's own).
    #[serde(default)]
    pub area: String,
    /// `month`, `quarter`, `year` or `range` (empty: this month).
    #[serde(default)]
    pub period: String,
    /// The year of a month, quarter or year.
    #[serde(default)]
    pub year: String,
    /// The month (1 to 12).
    #[serde(default)]
    pub month: String,
    /// The quarter (1 to 4).
    #[serde(default)]
    pub quarter: String,
    /// A range's first day (`dd/mm/yyyy` or `YYYY-MM-DD`).
    #[serde(default)]
    pub from: String,
    /// A range's last day, included.
    #[serde(default)]
    pub to: String,
}

fn number<T: std::str::FromStr>(text: &str, what: &str) -> Result<T, ApiError> {
    text.trim()
        .parse()
        .map_err(|_| ApiError::BadRequest(format!("the {what} is not a number")))
}

fn date(text: &str, what: &str) -> Result<NaiveDate, ApiError> {
    crate::api::review::parse_day(text).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "the {what} day is not a date written dd/mm/yyyy (or YYYY-MM-DD)"
        ))
    })
}

impl DashboardQuery {
    /// The period asked for; this month on Vietnam's clock when none is.
    pub fn period(&self) -> Result<Period, ApiError> {
        let this_month = Period::month_of(Utc::now());
        let year = || -> Result<i32, ApiError> {
            if self.year.trim().is_empty() {
                Ok(this_month.first.year())
            } else {
                number(&self.year, "year")
            }
        };
        let bad = |e: crate::indicators::PeriodError| ApiError::BadRequest(e.to_string());
        match self.period.as_str() {
            "" => Ok(this_month),
            "month" => Period::month(year()?, number(&self.month, "month")?).map_err(bad),
            "quarter" => Period::quarter(year()?, number(&self.quarter, "quarter")?).map_err(bad),
            "year" => Period::year(year()?).map_err(bad),
            "range" => {
                Period::range(date(&self.from, "first")?, date(&self.to, "last")?).map_err(bad)
            }
            _ => Err(ApiError::BadRequest("unknown kind of period".into())),
        }
    }

    /// The choices as a query string, for links to the print view and the downloads.
    pub fn query(&self, period: &Period) -> String {
        serde_urlencoded::to_string([
            ("area", self.area.as_str()),
            ("period", "range"),
            ("from", &period.first.to_string()),
            ("to", &period.last.to_string()),
        ])
        .unwrap_or_default()
    }
}

/// Everything a dashboard view needs, read for the signed-in officer.
pub struct Loaded {
    /// The chosen area (`None`: an administrator's whole country).
    pub area: Option<Area>,
    /// Every area the official may choose.
    pub areas: Vec<Area>,
    /// The numbers.
    pub data: Dashboard,
    /// Form titles by form id.
    pub forms: BTreeMap<String, String>,
}

/// Resolves the area (one inside the official's scope, her own when none is chosen),
/// then counts.
pub async fn load(
    state: &AppState,
    official: &Official,
    query: &DashboardQuery,
) -> Result<Loaded, ApiError> {
    let period = query.period()?;
    let chosen = match query.area.trim() {
        "" => official.account().area_id,
        text => Some(
            Uuid::parse_str(text)
                .map_err(|_| ApiError::BadRequest("the area is not an id".into()))?,
        ),
    };
    let scope = official.scope_for(state, chosen).await?;
    let own = official.scope().clone();
    with_store(state, move |s| {
        let area = match chosen {
            Some(id) => s.area(id)?,
            None => None,
        };
        let data = dashboard(s, &scope, area.as_ref(), &period)?;
        let forms = s
            .forms(false)?
            .into_iter()
            .map(|f| (f.form_id, f.title))
            .collect();
        Ok(Loaded {
            area,
            areas: s.areas(&own)?,
            data,
            forms,
        })
    })
    .await
}

/// `GET /api/v1/office/dashboard?area=&period=&year=&month=&quarter=&from=&to=`: the
/// dashboard's numbers as JSON (keys, not names), under the same scope check as the page;
/// officers and administrators only.
pub async fn dashboard_json(
    State(state): State<AppState>,
    official: Officer,
    Query(query): Query<DashboardQuery>,
) -> Result<axum::Json<Dashboard>, ApiError> {
    Ok(axum::Json(load(&state, &official, &query).await?.data))
}
