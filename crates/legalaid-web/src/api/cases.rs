//! Cases: opening, assignment (with ranked suggestions), agreement, progress,
//! hearings, replacement, termination, closure, grading and the subsidy's payment.
//! Funding and the subsidy schedule are in `funding.rs`, messages in `messages.rs`.

use super::records::id_from;
use super::schemas::{CaseListItemDoc, CaseViewDoc, ProgressRecordedDoc, SubsidyViewDoc};
use super::{KeysetList, List, PageParams};
use crate::extract::{ApiCtx, ApiJson, ApiQuery, OptionalApiJson};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use legalaid_app::AppError;
use legalaid_app::cases::{self as uc, CaseView};
use legalaid_app::filters::CaseFilter;
use legalaid_domain::case::{
    AssignInput, CaseStatus, CaseType, ClosureInput, OpenCase, ProgressInput, SubsidyStatus,
};
use serde::Deserialize;
use serde_json::{Value, json};

/// The case with everything around it.
fn out(v: CaseView) -> Value {
    let mut o = serde_json::to_value(&v.case).unwrap_or_default();
    if let Value::Object(m) = &mut o {
        let mut put = |k: &str, val: Value| {
            m.insert(k.to_owned(), val);
        };
        put(
            "recipient",
            serde_json::to_value(&v.recipient).unwrap_or_default(),
        );
        put("application_number", json!(v.application_number));
        put("matter_label", json!(v.matter_label));
        put("intake_unit", json!(v.intake_unit));
        put("handling_unit", json!(v.handling_unit));
        put("handler_name", json!(v.handler_name));
        put(
            "assignments",
            serde_json::to_value(&v.assignments).unwrap_or_default(),
        );
        put(
            "progress",
            serde_json::to_value(&v.progress).unwrap_or_default(),
        );
        put(
            "checklist",
            serde_json::to_value(&v.checklist).unwrap_or_default(),
        );
        put(
            "hearings",
            serde_json::to_value(&v.hearings).unwrap_or_default(),
        );
        put(
            "replacements",
            serde_json::to_value(&v.replacements).unwrap_or_default(),
        );
        put(
            "objections",
            serde_json::to_value(&v.objections).unwrap_or_default(),
        );
        put(
            "deadlines",
            serde_json::to_value(&v.deadlines).unwrap_or_default(),
        );
        put(
            "subsidy",
            serde_json::to_value(&v.subsidy).unwrap_or_default(),
        );
        put(
            "actions",
            serde_json::to_value(&v.actions).unwrap_or_default(),
        );
        put(
            "stages",
            json!(
                v.stages
                    .iter()
                    .map(|(id, n, s)| json!({"id": id, "number": n, "stage": s}))
                    .collect::<Vec<_>>()
            ),
        );
    }
    o
}

/// Opens the case of a granted application (a notification is granted by it).
#[utoipa::path(post, path = "/api/v1/applications/{id}/case", tag = "cases", security(("bearer" = [])), params(("id" = i64, Path)), request_body = OpenCase,
    responses((status = 201, body = CaseViewDoc, description = "the case with `id`, `number`, `status` and `deadlines`"),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn open(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    OptionalApiJson(input): OptionalApiJson<OpenCase>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let v = uc::open(&s.app, &ctx, id_from(&id)?, &input).await?;
    Ok((StatusCode::CREATED, Json(out(v))))
}

#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = CaseViewDoc), (status = 404, body = crate::error::Problem)))]
pub async fn show(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(out(uc::get(&s.app, &ctx, id_from(&id)?).await?)))
}

/// The case's file reviews, rectification orders, follow-up visits, hearing
/// observations, opinion letters and complaints that the caller may open, newest
/// first (a handler sees the orders addressed to them, not the complaints).
#[utoipa::path(get, path = "/api/v1/cases/{id}/quality-records", tag = "cases", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = List<super::schemas::CaseRecordDoc>, description = "`{items, total}`, all of them"),
        (status = 404, body = crate::error::Problem)))]
pub async fn quality_records(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<List<legalaid_app::quality::of_case::CaseRecord>>, ApiError> {
    let id = id_from(&id)?;
    // The case first: 404 when the caller does not see it.
    uc::get(&s.app, &ctx, id).await?;
    let items = legalaid_app::quality::of_case::records(&s.app, &ctx, id).await?;
    let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
    Ok(Json(List { items, total }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseQuery {
    #[param(inline, value_type = Option<legalaid_domain::case::CaseStatus>)]
    pub status: Option<String>,
    /// The intake or the handling unit.
    #[param(minimum = 1)]
    pub unit_id: Option<i64>,
    #[param(minimum = 1)]
    pub handler_id: Option<i64>,
    /// The year the case was opened.
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
    #[param(inline, value_type = Option<legalaid_domain::case::CaseType>)]
    pub case_type: Option<String>,
    #[param(inline, value_type = Option<legalaid_domain::case::SubsidyStatus>)]
    pub subsidy_status: Option<String>,
    /// Only cases still being handled.
    pub open: Option<bool>,
    /// The page after this case: the `next` of the previous page (instead of `page`).
    pub after: Option<String>,
}

pub(crate) fn filter_of(q: &CaseQuery) -> Result<CaseFilter, AppError> {
    fn code<T>(
        v: &Option<String>,
        f: fn(&str) -> Option<T>,
        field: &str,
    ) -> Result<Option<T>, AppError> {
        match v.as_deref().map(str::trim).filter(|x| !x.is_empty()) {
            Some(x) => f(x)
                .map(Some)
                .ok_or_else(|| AppError::field(field, format!("未知的取值：{x}"))),
            None => Ok(None),
        }
    }
    if q.year.is_some_and(|y| !(2000..=2100).contains(&y)) {
        return Err(AppError::field("year", "年份应在2000至2100之间"));
    }
    Ok(CaseFilter {
        status: code(&q.status, CaseStatus::parse, "status")?,
        unit_id: q.unit_id,
        handler_id: q.handler_id,
        year: q.year,
        case_type: code(&q.case_type, CaseType::parse, "case_type")?,
        subsidy_status: code(&q.subsidy_status, SubsidyStatus::parse, "subsidy_status")?,
        open: q.open.unwrap_or(false),
    })
}

/// Cases the caller can see (through the intake or the handling unit), newest first.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", security(("bearer" = [])), params(CaseQuery, PageParams),
    responses((status = 200, body = KeysetList<CaseListItemDoc>, description = "`{items, total, more_than, next}`; each item is a case with `recipient_name`, `handler_name`, `handling_unit`; `total` counts up to 1,000 (`more_than` is then set); `next` asks for the following page as `after`"),
        (status = 422, body = crate::error::Problem)))]
pub async fn list(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<CaseQuery>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Json<KeysetList<Value>>, ApiError> {
    let f = filter_of(&q)?;
    let after = match q.after.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        Some(a) => Some(
            uc::ListCursor::parse(a)
                .ok_or_else(|| AppError::field("after", "不是列表给出的 next 值"))?,
        ),
        None => None,
    };
    let listed = uc::list(&s.app, &ctx, &f, p.page(), after).await?;
    let items = listed
        .items
        .into_iter()
        .map(|i| {
            let mut o = serde_json::to_value(&i.case).unwrap_or_default();
            if let Value::Object(m) = &mut o {
                m.insert("recipient_name".into(), json!(i.recipient_name));
                m.insert("handler_name".into(), json!(i.handler_name));
                m.insert("handling_unit".into(), json!(i.handling_unit));
            }
            o
        })
        .collect();
    Ok(Json(KeysetList {
        items,
        total: listed.total,
        more_than: listed.more_than,
        next: listed.next,
    }))
}

/// Possible handlers ranked by workload, specialty and rotation, eligible first;
/// each with the law's refusals and any conflicts.
#[utoipa::path(get, path = "/api/v1/cases/{id}/assignment-suggestions", tag = "cases", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = List<legalaid_domain::assignment::Suggestion>), (status = 404, body = crate::error::Problem)))]
pub async fn suggestions(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<List<legalaid_domain::assignment::Suggestion>>, ApiError> {
    let items = uc::suggestions(&s.app, &ctx, id_from(&id)?).await?;
    let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
    Ok(Json(List { items, total }))
}

/// Assigns the case to a unit and handler (409 with the reason when the law does
/// not allow the handler, or a conflict is not explained).
#[utoipa::path(post, path = "/api/v1/cases/{id}/assignment", tag = "cases", security(("bearer" = [])), params(("id" = i64, Path)), request_body = AssignInput,
    responses((status = 200, body = CaseViewDoc), (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn assign(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<AssignInput>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        out(uc::assign(&s.app, &ctx, id_from(&id)?, &b).await?),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct AgreementIn {
    /// Not before the assignment, not in the future.
    #[schema(required = true, value_type = chrono::NaiveDate)]
    pub signed_on: Option<chrono::NaiveDate>,
    #[schema(minimum = 1)]
    pub version: i64,
}

/// The entrustment agreement and power of attorney were signed.
#[utoipa::path(post, path = "/api/v1/cases/{id}/agreement", tag = "cases", security(("bearer" = [])), params(("id" = i64, Path)), request_body = AgreementIn,
    responses((status = 200, body = CaseViewDoc), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn agreement(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<AgreementIn>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(out(uc::sign_agreement(
        &s.app,
        &ctx,
        id_from(&id)?,
        b.version,
        b.signed_on,
    )
    .await?)))
}

/// Records a dated progress entry (and a hearing it schedules); the recipient is
/// told. Answers with what changed: `{"progress": {…}, "hearing_id", "case": {…}}`.
#[utoipa::path(post, path = "/api/v1/cases/{id}/progress", tag = "cases", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ProgressInput,
    responses((status = 201, body = ProgressRecordedDoc), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn progress(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ProgressInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let r = uc::add_progress(&s.app, &ctx, id_from(&id)?, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::to_value(&r).unwrap_or_default()),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TerminationIn {
    // One of the grounds of LAL art 48.
    #[serde(default)]
    #[schema(required = true, inline, value_type = legalaid_domain::case::TerminationGround)]
    pub ground: String,
    /// The facts and reasons.
    #[serde(default)]
    #[schema(required = true, min_length = 1, max_length = 4000)]
    pub reason: String,
    #[schema(minimum = 1)]
    pub version: i64,
}

/// Terminates legal aid (LAL art 48), with the facts and reasons.
#[utoipa::path(post, path = "/api/v1/cases/{id}/termination", tag = "cases", security(("bearer" = [])), params(("id" = i64, Path)), request_body = TerminationIn,
    responses((status = 200, body = CaseViewDoc), (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn terminate(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<TerminationIn>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(out(uc::terminate(
        &s.app,
        &ctx,
        id_from(&id)?,
        b.version,
        &b.ground,
        &b.reason,
    )
    .await?)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReasonIn {
    #[serde(default)]
    #[schema(required = true, min_length = 1, max_length = 4000)]
    pub reason: String,
    #[schema(minimum = 1)]
    pub version: i64,
}

/// The recipient objects to the termination; the bureau decides (POST /objections/{id}/decision).
#[utoipa::path(post, path = "/api/v1/cases/{id}/objection", tag = "cases", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ReasonIn,
    responses((status = 200, body = CaseViewDoc), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn object(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ReasonIn>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(out(uc::object_termination(
        &s.app,
        &ctx,
        id_from(&id)?,
        b.version,
        &b.reason,
    )
    .await?)))
}

/// The handler reports the closure: outcome, end date, amount obtained, adoption, report.
#[utoipa::path(post, path = "/api/v1/cases/{id}/closure", tag = "cases", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ClosureInput,
    responses((status = 200, body = CaseViewDoc), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn closure(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ClosureInput>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(out(uc::submit_closure(
        &s.app,
        &ctx,
        id_from(&id)?,
        &b,
    )
    .await?)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ClosureReviewIn {
    pub approve: bool,
    /// Required when the materials are returned: what must be corrected.
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub reason: String,
    #[schema(minimum = 1)]
    pub version: i64,
}

/// The center reviews the closure materials: approved (archived, subsidy payable) or returned.
#[utoipa::path(post, path = "/api/v1/cases/{id}/closure-review", tag = "cases", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ClosureReviewIn,
    responses((status = 200, body = CaseViewDoc), (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn review_closure(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ClosureReviewIn>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(out(uc::review_closure(
        &s.app,
        &ctx,
        id_from(&id)?,
        b.version,
        b.approve,
        &b.reason,
    )
    .await?)))
}

/// The case's subsidy with its derivation from the schedule in force.
#[utoipa::path(get, path = "/api/v1/cases/{id}/subsidy", tag = "cases", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = SubsidyViewDoc, description = "`status`, `grade`, `amount_fen`, `computation` {`total_fen`, `lines`}, `note`, `paid_on`, `voucher`"), (status = 404, body = crate::error::Problem)))]
pub async fn subsidy(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let v = uc::subsidy(&s.app, &ctx, id_from(&id)?).await?;
    Ok(Json(serde_json::to_value(v).unwrap_or_default()))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct GradeIn {
    #[serde(default)]
    #[schema(required = true, inline, value_type = legalaid_domain::case::Grade)]
    pub grade: String,
    #[schema(minimum = 1)]
    pub version: i64,
}

/// Sets the quality grade (合格 by default until the quality review grades it).
#[utoipa::path(post, path = "/api/v1/cases/{id}/grade", tag = "cases", security(("bearer" = [])), params(("id" = i64, Path)), request_body = GradeIn,
    responses((status = 200, body = CaseViewDoc), (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn grade(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<GradeIn>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(out(uc::set_grade(
        &s.app,
        &ctx,
        id_from(&id)?,
        b.version,
        &b.grade,
    )
    .await?)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PaymentIn {
    /// Not in the future.
    #[schema(required = true, value_type = chrono::NaiveDate)]
    pub paid_on: Option<chrono::NaiveDate>,
    #[schema(minimum = 1)]
    pub version: i64,
}

/// Records the payment of the subsidy (a voucher number is issued).
#[utoipa::path(post, path = "/api/v1/cases/{id}/subsidy/payment", tag = "cases", security(("bearer" = [])), params(("id" = i64, Path)), request_body = PaymentIn,
    responses((status = 200, body = CaseViewDoc), (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn pay(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<PaymentIn>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(out(uc::pay_subsidy(
        &s.app,
        &ctx,
        id_from(&id)?,
        b.version,
        b.paid_on,
    )
    .await?)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReplacementIn {
    // Who asks for the replacement.
    #[serde(default)]
    #[schema(required = true, inline, value_type = RequestedBy)]
    pub requested_by: String,
    #[serde(default)]
    #[schema(required = true, min_length = 1, max_length = 4000)]
    pub reason: String,
}

/// A request to replace the handler (LAL art 55).
#[utoipa::path(post, path = "/api/v1/cases/{id}/replacements", tag = "cases", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ReplacementIn,
    responses((status = 201, body = CaseViewDoc), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn request_replacement(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ReplacementIn>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let v =
        uc::request_replacement(&s.app, &ctx, id_from(&id)?, &b.requested_by, &b.reason).await?;
    Ok((StatusCode::CREATED, Json(out(v))))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReplacementDecisionIn {
    pub approve: bool,
    #[serde(default)]
    #[schema(required = true, min_length = 1, max_length = 4000)]
    pub reason: String,
    /// On approval: the new unit (a law firm, legal service office or legal aid center).
    #[schema(minimum = 1)]
    pub unit_id: Option<i64>,
    /// On approval: the new handler, a staff member of `unit_id`.
    #[schema(minimum = 1)]
    pub handler_id: Option<i64>,
    /// On approval: the case's version as read.
    #[schema(minimum = 1)]
    pub version: Option<i64>,
    /// On approval despite a flagged conflict: why it is not one.
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub conflict_reason: String,
}

/// The center approves (naming the new handler) or refuses a replacement request.
#[utoipa::path(post, path = "/api/v1/cases/{id}/replacements/{rid}/decision", tag = "cases", security(("bearer" = [])), params(("id" = i64, Path), ("rid" = i64, Path)), request_body = ReplacementDecisionIn,
    responses((status = 200, body = CaseViewDoc), (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn decide_replacement(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path((id, rid)): Path<(String, String)>,
    ApiJson(b): ApiJson<ReplacementDecisionIn>,
) -> Result<Json<Value>, ApiError> {
    let v = uc::decide_replacement(
        &s.app,
        &ctx,
        id_from(&id)?,
        id_from(&rid)?,
        b.approve,
        &b.reason,
        &AssignInput {
            unit_id: b.unit_id,
            handler_id: b.handler_id,
            version: b.version,
            conflict_reason: b.conflict_reason,
        },
    )
    .await?;
    Ok(Json(out(v)))
}

/// Opens the next stage of a criminal matter once this stage has ended.
#[utoipa::path(post, path = "/api/v1/cases/{id}/next-stage", tag = "cases", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 201, body = CaseViewDoc), (status = 409, body = crate::error::Problem)))]
pub async fn next_stage(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let v = uc::open_next_stage(&s.app, &ctx, id_from(&id)?).await?;
    Ok((StatusCode::CREATED, Json(out(v))))
}

/// Who asks for a new handler (schema only).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
enum RequestedBy {
    Recipient,
    Handler,
}
