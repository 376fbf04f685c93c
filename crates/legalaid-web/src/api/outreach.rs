//! Outreach: consultations and the quarterly consultation report
//! (`/api/v1/consultations…`), duty lawyers' roster, legal help, schedule and
//! subsidies (`/api/v1/duty/…`), publicity activities, media items and
//! figures (`/api/v1/publicity/…`). The use cases are
//! `legalaid_app::outreach`; the answers' mirrors are in `schemas/outreach.rs`.

use super::records::id_from;
use super::schemas::{
    ActivityLineDoc, ActivityViewDoc, ConsultationLineDoc, ConsultationReportDoc,
    ConsultationViewDoc, ConvertedDoc, HelpLineDoc, MediaLineDoc, PhotoDoc, PublicityFiguresDoc,
    RosterLineDoc, SubsidiesDoc,
};
use super::{KeysetList, List, PageParams};
use crate::extract::{ApiCtx, ApiJson, ApiQuery};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use legalaid_app::outreach::consultations::{
    self as consult, ConsultationLine, ConsultationView, Converted, Filter, Report,
    ToApplicationInput,
};
use legalaid_app::outreach::duty::{
    self as duty, HelpFilter, HelpLine, RosterFilter, RosterInput, RosterLine, Subsidies,
};
use legalaid_app::outreach::publicity::{
    self as publicity, ActivityLine, ActivityView, Figures, MediaLine,
};
use legalaid_app::paging::ListCursor;
use legalaid_domain::outreach::consultation::{ConsultChannel, ConsultationInput, Quarter, Topic};
use legalaid_domain::outreach::duty::{DutyRate, DutyRateInput, HelpInput, HelpKind};
use legalaid_domain::outreach::publicity::{ActivityInput, MediaInput, Venue};
use serde::Deserialize;

fn bad(field: &str, msg: &str) -> ApiError {
    ApiError(legalaid_app::AppError::field(field, msg))
}

// ---------------------------------------------------------------- consultations

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConsultationQuery {
    /// `phone`, `hotline_12348`, `visit`, `letter`, `online` or `other`.
    pub channel: Option<String>,
    /// A topic code.
    pub topic: Option<String>,
    /// Answered on or after this day.
    pub from: Option<NaiveDate>,
    /// Answered on or before this day.
    pub to: Option<NaiveDate>,
    /// Answered by this unit.
    #[param(minimum = 1)]
    pub unit_id: Option<i64>,
    /// Taken at this publicity activity.
    #[param(minimum = 1)]
    pub activity_id: Option<i64>,
    /// Only those that became applications.
    pub applied: Option<bool>,
    /// The `next` of the previous page: the page after it.
    pub after: Option<String>,
}

impl ConsultationQuery {
    fn filter(&self) -> Result<Filter, ApiError> {
        let channel = match self.channel.as_deref() {
            None | Some("") => None,
            Some(c) => Some(ConsultChannel::parse(c).ok_or_else(|| {
                bad(
                    "channel",
                    "channel 应为 phone、hotline_12348、visit、letter、online 或 other",
                )
            })?),
        };
        Ok(Filter {
            channel,
            topic: self.topic.clone().filter(|t| !t.is_empty()),
            from: self.from,
            to: self.to,
            unit_id: self.unit_id,
            activity_id: self.activity_id,
            applied: self.applied.unwrap_or(false),
        })
    }
}

/// The consultations the caller sees, latest first (units that record them
/// and bureau supervisors; 403 for others).
#[utoipa::path(get, path = "/api/v1/consultations", tag = "outreach", security(("bearer" = [])), params(PageParams, ConsultationQuery),
    responses((status = 200, body = KeysetList<ConsultationLineDoc>, description = "`{items, total, more_than, next}`: `total` counts up to 1,000 (`more_than` is then set); `next` asks for the following page as `after`"),
        (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn list_consultations(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(p): ApiQuery<PageParams>,
    ApiQuery(q): ApiQuery<ConsultationQuery>,
) -> Result<Json<KeysetList<ConsultationLine>>, ApiError> {
    let after = match q.after.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        Some(a) => {
            Some(ListCursor::parse(a).ok_or_else(|| bad("after", "不是列表给出的 next 值"))?)
        }
        None => None,
    };
    let listed = consult::list(&s.app, &ctx, &q.filter()?, p.page(), after).await?;
    Ok(Json(KeysetList {
        items: listed.items,
        total: listed.total,
        more_than: listed.more_than,
        next: listed.next,
    }))
}

/// Records a consultation answered by the caller's unit (anonymous, named, or
/// a registered person; at a publicity activity or not).
#[utoipa::path(post, path = "/api/v1/consultations", tag = "outreach", security(("bearer" = [])), request_body = ConsultationInput,
    responses((status = 201, body = ConsultationViewDoc), (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem, description = "the caller belongs to no unit"), (status = 422, body = crate::error::Problem)))]
pub async fn record_consultation(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<ConsultationInput>,
) -> Result<(StatusCode, Json<ConsultationView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(consult::record(&s.app, &ctx, &b).await?),
    ))
}

/// One consultation, with the steps open to the caller.
#[utoipa::path(get, path = "/api/v1/consultations/{id}", tag = "outreach", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = ConsultationViewDoc), (status = 404, body = crate::error::Problem)))]
pub async fn show_consultation(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<ConsultationView>, ApiError> {
    Ok(Json(consult::get(&s.app, &ctx, id_from(&id)?).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ToApplicationIn {
    /// The consultation's version as read.
    #[schema(minimum = 1)]
    pub version: i64,
    /// The registered applicant; the consultation's person when absent.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub applicant_id: Option<i64>,
    /// A matter code in force (`GET /api/v1/rules`), or `not_listed`.
    #[schema(min_length = 1)]
    pub matter_code: String,
    #[schema(value_type = legalaid_domain::application::ServiceForm)]
    pub service_form: String,
    /// The application's channel; derived from the consultation's when absent.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub channel: Option<String>,
    /// The facts; the consultation's question when empty.
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub summary: String,
}

/// Turns the consultation into an application received now by the caller's
/// unit, prefilled from it, in one step; a consultation becomes one
/// application (409 for a second or a stale version).
#[utoipa::path(post, path = "/api/v1/consultations/{id}/application", tag = "outreach", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ToApplicationIn,
    responses((status = 201, body = ConvertedDoc), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn to_application(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ToApplicationIn>,
) -> Result<(StatusCode, Json<Converted>), ApiError> {
    let input = ToApplicationInput {
        version: b.version,
        applicant_id: b.applicant_id,
        matter_code: b.matter_code,
        service_form: b.service_form,
        channel: b.channel,
        summary: b.summary,
    };
    Ok((
        StatusCode::CREATED,
        Json(consult::to_application(&s.app, &ctx, id_from(&id)?, &input).await?),
    ))
}

/// The matter types the quarterly report counts (data).
#[utoipa::path(get, path = "/api/v1/consultations/topics", tag = "outreach", security(("bearer" = [])),
    responses((status = 200, body = List<Topic>), (status = 403, body = crate::error::Problem)))]
pub async fn topics(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
) -> Result<Json<List<Topic>>, ApiError> {
    let items = consult::topics(&s.app, &ctx).await?;
    let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
    Ok(Json(List { items, total }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// The year (with `quarter`); the current quarter when absent.
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
    #[param(minimum = 1, maximum = 4)]
    pub quarter: Option<u32>,
    /// A region code inside the caller's (default: the caller's scope).
    pub region: Option<String>,
}

impl ReportQuery {
    pub(crate) fn quarter(&self) -> Result<Option<Quarter>, ApiError> {
        match (self.year, self.quarter) {
            (None, None) => Ok(None),
            (Some(year), Some(quarter))
                if (2000..=2100).contains(&year) && (1..=4).contains(&quarter) =>
            {
                Ok(Some(Quarter { year, quarter }))
            }
            _ => Err(bad("quarter", "请同时给出年份（2000–2100）和季度（1–4）")),
        }
    }
}

/// The quarterly consultation report (季报): the §4.3 columns for the quarter
/// and region, and the rules 1 = 2+4+5+6+7, 2 ≥ 3, 1 = 18+28+38 checked.
#[utoipa::path(get, path = "/api/v1/consultations/report", tag = "outreach", security(("bearer" = [])), params(ReportQuery),
    responses((status = 200, body = ConsultationReportDoc), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn report(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Json<Report>, ApiError> {
    Ok(Json(
        consult::quarter_report(&s.app, &ctx, q.quarter()?, q.region.as_deref()).await?,
    ))
}

// ---------------------------------------------------------------- duty lawyers

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DutyQuery {
    #[param(minimum = 1)]
    pub workstation_id: Option<i64>,
    /// A lawyer's staff id (a duty lawyer always sees their own).
    #[param(minimum = 1)]
    pub staff_id: Option<i64>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// For help records: a help kind.
    pub kind: Option<String>,
}

/// The duty roster, by day (a duty lawyer: their own days).
#[utoipa::path(get, path = "/api/v1/duty/roster", tag = "outreach", security(("bearer" = [])), params(PageParams, DutyQuery),
    responses((status = 200, body = List<RosterLineDoc>), (status = 403, body = crate::error::Problem)))]
pub async fn roster(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(p): ApiQuery<PageParams>,
    ApiQuery(q): ApiQuery<DutyQuery>,
) -> Result<Json<List<RosterLine>>, ApiError> {
    let f = RosterFilter {
        workstation_id: q.workstation_id,
        staff_id: q.staff_id,
        from: q.from,
        to: q.to,
    };
    let (items, total) = duty::roster(&s.app, &ctx, &f, p.page()).await?;
    Ok(Json(List { items, total }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RosterIn {
    #[schema(minimum = 1)]
    pub workstation_id: i64,
    pub duty_date: NaiveDate,
    /// A lawyer's staff record.
    #[schema(minimum = 1)]
    pub staff_id: i64,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub note: String,
}

/// Puts a lawyer on a workstation's roster for a day and tells them; a lawyer
/// is on one workstation a day (409).
#[utoipa::path(post, path = "/api/v1/duty/roster", tag = "outreach", security(("bearer" = [])), request_body = RosterIn,
    responses((status = 201, body = RosterLineDoc), (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn add_roster(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<RosterIn>,
) -> Result<(StatusCode, Json<RosterLine>), ApiError> {
    let input = RosterInput {
        workstation_id: Some(b.workstation_id),
        duty_date: Some(b.duty_date),
        staff_id: Some(b.staff_id),
        note: b.note,
    };
    Ok((
        StatusCode::CREATED,
        Json(duty::add(&s.app, &ctx, &input).await?),
    ))
}

/// Takes a lawyer off the roster (not once help of the day is recorded: 409).
#[utoipa::path(delete, path = "/api/v1/duty/roster/{id}", tag = "outreach", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 204, description = "removed"), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)))]
pub async fn remove_roster(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    duty::remove(&s.app, &ctx, id_from(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn help_filter(q: &DutyQuery) -> Result<HelpFilter, ApiError> {
    let kind = match q.kind.as_deref() {
        None | Some("") => None,
        Some(k) => Some(HelpKind::parse(k).ok_or_else(|| bad("kind", "法律帮助类型不正确"))?),
    };
    Ok(HelpFilter {
        workstation_id: q.workstation_id,
        staff_id: q.staff_id,
        kind,
        from: q.from,
        to: q.to,
    })
}

/// Legal help given by duty lawyers, latest first (a duty lawyer: their own).
#[utoipa::path(get, path = "/api/v1/duty/help", tag = "outreach", security(("bearer" = [])), params(PageParams, DutyQuery),
    responses((status = 200, body = List<HelpLineDoc>), (status = 403, body = crate::error::Problem)))]
pub async fn helps(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(p): ApiQuery<PageParams>,
    ApiQuery(q): ApiQuery<DutyQuery>,
) -> Result<Json<List<HelpLine>>, ApiError> {
    let (items, total) = duty::helps(&s.app, &ctx, &help_filter(&q)?, p.page()).await?;
    Ok(Json(List { items, total }))
}

/// Records legal help given by a lawyer on duty at the workstation that day.
#[utoipa::path(post, path = "/api/v1/duty/help", tag = "outreach", security(("bearer" = [])), request_body = HelpInput,
    responses((status = 201, body = HelpLineDoc), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn record_help(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<HelpInput>,
) -> Result<(StatusCode, Json<HelpLine>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(duty::record_help(&s.app, &ctx, &b).await?),
    ))
}

/// One help record.
#[utoipa::path(get, path = "/api/v1/duty/help/{id}", tag = "outreach", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = HelpLineDoc), (status = 404, body = crate::error::Problem)))]
pub async fn show_help(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<HelpLine>, ApiError> {
    Ok(Json(duty::get_help(&s.app, &ctx, id_from(&id)?).await?))
}

/// The duty subsidy schedule (data with dates).
#[utoipa::path(get, path = "/api/v1/duty/rates", tag = "outreach", security(("bearer" = [])),
    responses((status = 200, body = List<DutyRate>), (status = 403, body = crate::error::Problem)))]
pub async fn rates(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
) -> Result<Json<List<DutyRate>>, ApiError> {
    let items = duty::rates(&s.app, &ctx).await?;
    let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
    Ok(Json(List { items, total }))
}

/// Adds a row to the duty subsidy schedule (bureau supervisors and administrators).
#[utoipa::path(post, path = "/api/v1/duty/rates", tag = "outreach", security(("bearer" = [])), request_body = DutyRateInput,
    responses((status = 201, body = List<DutyRate>), (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn add_rate(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<DutyRateInput>,
) -> Result<(StatusCode, Json<List<DutyRate>>), ApiError> {
    let items = duty::add_rate(&s.app, &ctx, &b).await?;
    let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
    Ok((StatusCode::CREATED, Json(List { items, total })))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// The first day (default: 1 January of this year).
    pub from: Option<NaiveDate>,
    /// The last day (default: today).
    pub to: Option<NaiveDate>,
    #[param(minimum = 1)]
    pub workstation_id: Option<i64>,
}

/// Duty subsidies per lawyer and month, from the roster, the help records and
/// the schedule in force each day (a duty lawyer: their own).
#[utoipa::path(get, path = "/api/v1/duty/subsidies", tag = "outreach", security(("bearer" = [])), params(PeriodQuery),
    responses((status = 200, body = SubsidiesDoc), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn subsidies(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Json<Subsidies>, ApiError> {
    Ok(Json(
        duty::subsidies(&s.app, &ctx, q.from, q.to, q.workstation_id).await?,
    ))
}

// ---------------------------------------------------------------- publicity

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityQuery {
    /// A venue code.
    pub venue: Option<String>,
    #[param(minimum = 1)]
    pub unit_id: Option<i64>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// Publicity activities, latest first.
#[utoipa::path(get, path = "/api/v1/publicity/activities", tag = "outreach", security(("bearer" = [])), params(PageParams, ActivityQuery),
    responses((status = 200, body = List<ActivityLineDoc>), (status = 403, body = crate::error::Problem)))]
pub async fn activities(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(p): ApiQuery<PageParams>,
    ApiQuery(q): ApiQuery<ActivityQuery>,
) -> Result<Json<List<ActivityLine>>, ApiError> {
    let f = publicity::Filter {
        venue: q.venue.filter(|v| !v.is_empty()),
        unit_id: q.unit_id,
        from: q.from,
        to: q.to,
    };
    let (items, total) = publicity::list(&s.app, &ctx, &f, p.page()).await?;
    Ok(Json(List { items, total }))
}

/// Records a publicity activity of the caller's unit.
#[utoipa::path(post, path = "/api/v1/publicity/activities", tag = "outreach", security(("bearer" = [])), request_body = ActivityInput,
    responses((status = 201, body = ActivityViewDoc), (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem, description = "the caller belongs to no unit"), (status = 422, body = crate::error::Problem)))]
pub async fn record_activity(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<ActivityInput>,
) -> Result<(StatusCode, Json<ActivityView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(publicity::record(&s.app, &ctx, &b).await?),
    ))
}

/// One activity, with the consultations taken on the spot and its media items.
#[utoipa::path(get, path = "/api/v1/publicity/activities/{id}", tag = "outreach", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = ActivityViewDoc), (status = 404, body = crate::error::Problem)))]
pub async fn show_activity(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<ActivityView>, ApiError> {
    Ok(Json(publicity::get(&s.app, &ctx, id_from(&id)?).await?))
}

/// The 法律八进 venues (data with dates).
#[utoipa::path(get, path = "/api/v1/publicity/venues", tag = "outreach", security(("bearer" = [])),
    responses((status = 200, body = List<Venue>), (status = 403, body = crate::error::Problem)))]
pub async fn venues(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
) -> Result<Json<List<Venue>>, ApiError> {
    let items = publicity::venues(&s.app, &ctx).await?;
    let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
    Ok(Json(List { items, total }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MediaQuery {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// Media items (broadcasts, print, internet and new media), latest first.
#[utoipa::path(get, path = "/api/v1/publicity/media", tag = "outreach", security(("bearer" = [])), params(PageParams, MediaQuery),
    responses((status = 200, body = List<MediaLineDoc>), (status = 403, body = crate::error::Problem)))]
pub async fn media(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(p): ApiQuery<PageParams>,
    ApiQuery(q): ApiQuery<MediaQuery>,
) -> Result<Json<List<MediaLine>>, ApiError> {
    let (items, total) = publicity::media(&s.app, &ctx, q.from, q.to, p.page()).await?;
    Ok(Json(List { items, total }))
}

/// Records a media item of the caller's unit.
#[utoipa::path(post, path = "/api/v1/publicity/media", tag = "outreach", security(("bearer" = [])), request_body = MediaInput,
    responses((status = 201, body = MediaLineDoc), (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem, description = "the caller belongs to no unit"), (status = 422, body = crate::error::Problem)))]
pub async fn record_media(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<MediaInput>,
) -> Result<(StatusCode, Json<MediaLine>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(publicity::record_media(&s.app, &ctx, &b).await?),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FiguresQuery {
    /// The first day (default: 1 January of this year).
    pub from: Option<NaiveDate>,
    /// The last day (default: today).
    pub to: Option<NaiveDate>,
}

/// Publicity figures per unit, venue and month, and media items per kind.
#[utoipa::path(get, path = "/api/v1/publicity/figures", tag = "outreach", security(("bearer" = [])), params(FiguresQuery),
    responses((status = 200, body = PublicityFiguresDoc), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn figures(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<FiguresQuery>,
) -> Result<Json<Figures>, ApiError> {
    Ok(Json(publicity::figures(&s.app, &ctx, q.from, q.to).await?))
}

/// Adds a photo (JPEG or PNG by content, at most 10 MB) to an activity of the
/// caller's unit, as multipart field `file` with an optional `description`.
#[utoipa::path(post, path = "/api/v1/publicity/activities/{id}/photos", tag = "outreach", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", content = super::attachments::UploadForm, description = "`file` and an optional `description`"),
    responses((status = 201, body = PhotoDoc), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn add_photo(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    crate::extract::ApiMultipart(m): crate::extract::ApiMultipart,
) -> Result<(StatusCode, Json<legalaid_app::outreach::publicity::Photo>), ApiError> {
    let id = id_from(&id)?;
    let (name, description, bytes, _) = super::read_upload(m).await?;
    Ok((
        StatusCode::CREATED,
        Json(publicity::add_photo(&s.app, &ctx, id, &name, &description, bytes).await?),
    ))
}

/// A photo's content.
#[utoipa::path(get, path = "/api/v1/publicity/photos/{id}", tag = "outreach", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, description = "the image", content_type = "image/*"), (status = 404, body = crate::error::Problem)))]
pub async fn photo(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<axum::response::Response, ApiError> {
    let id: i64 = id_from(&id)?;
    let (p, bytes) = publicity::photo(&s.app, &ctx, id).await?;
    Ok(crate::documents::download(
        &p.content_type,
        &p.filename,
        &format!("photo-{}", p.id),
        bytes,
    ))
}
