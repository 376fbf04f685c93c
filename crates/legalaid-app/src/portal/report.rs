//! The annual public report (LAL art 58: legal aid institutions publish their
//! services, funds and quality to the public): for a year, the applications and
//! their decisions, the cases opened by type and closed, the subsidies paid,
//! the final grades of file reviews and the complaints, for the portal's region,
//! counted from the records (nothing entered by hand).

use crate::{App, AppResult};
use chrono::{Datelike, NaiveDate, TimeZone};
use legalaid_store::portal::AnnualFigures;

/// A year's report; `complete` is false for the year still running.
#[derive(Debug, Clone)]
pub struct AnnualReport {
    pub year: i32,
    pub region_name: String,
    pub complete: bool,
    pub as_of: NaiveDate,
    pub figures: AnnualFigures,
    /// The years a reader may choose: this one and the four before.
    pub years: Vec<i32>,
}

/// The first instant of a China calendar day.
fn china_midnight(d: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    let tz = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8");
    tz.from_local_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight"))
        .single()
        .expect("fixed offset")
        .with_timezone(&chrono::Utc)
}

/// The report of `year` (default: the last complete year). A year outside the
/// five offered is refused as absent.
pub async fn report(app: &App, year: Option<i32>) -> AppResult<AnnualReport> {
    let today = legalaid_domain::local_date(app.clock.now());
    let this = today.year();
    let years: Vec<i32> = (this - 4..=this).rev().collect();
    let year = year.unwrap_or(this - 1);
    if !years.contains(&year) {
        return Err(crate::AppError::NotFound);
    }
    let info = super::info(app).await?;
    let units = super::info::units_for_portal(app).await?;
    let root = units
        .iter()
        .filter(|u| u.kind == legalaid_domain::unit::UnitKind::JusticeBureau)
        .map(|u| u.region_code.as_str().to_owned())
        .min_by_key(|c| (c.len(), c.clone()))
        .unwrap_or_default();
    let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or(crate::AppError::NotFound)?;
    let next = NaiveDate::from_ymd_opt(year + 1, 1, 1).ok_or(crate::AppError::NotFound)?;
    let mut tx = app.store.read().await?;
    let figures = legalaid_store::portal::annual_figures(
        &mut tx,
        &root,
        china_midnight(first),
        china_midnight(next),
        first,
        next,
    )
    .await?;
    Ok(AnnualReport {
        year,
        region_name: info.region_name,
        complete: year < this,
        as_of: today,
        figures,
        years,
    })
}
