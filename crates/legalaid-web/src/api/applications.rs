//! Applications: intake, assessment, supplement, decision, withdrawal, objections.

use super::records::id_from;
use super::schemas::{ApplicationListItemDoc, ApplicationViewDoc, DeadlineViewDoc};
use super::{KeysetList, PageParams};
use crate::extract::{ApiCtx, ApiJson, ApiQuery};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use legalaid_app::AppError;
use legalaid_app::applications::{self as uc, ApplicationView};
use legalaid_app::filters::ApplicationFilter;
use legalaid_app::paging::ListCursor;
use legalaid_domain::UnitId;
use legalaid_domain::application::{
    ApplicationInput, Channel, DenialReason, ObjectionOutcome, Outcome, Status,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The application with its applicant (ID masked), assessment, deadlines and objections.
fn out(v: ApplicationView) -> Value {
    let mut o = serde_json::to_value(&v.application).unwrap_or_default();
    if let Value::Object(m) = &mut o {
        m.insert("matter_label".into(), json!(v.matter_label));
        m.insert("receiving_unit".into(), json!(v.receiving_unit));
        m.insert(
            "applicant".into(),
            serde_json::to_value(&v.applicant).unwrap_or_default(),
        );
        m.insert(
            "assessment".into(),
            serde_json::to_value(&v.assessment).unwrap_or_default(),
        );
        m.insert(
            "deadlines".into(),
            serde_json::to_value(&v.deadlines).unwrap_or_default(),
        );
        m.insert(
            "objections".into(),
            serde_json::to_value(&v.objections).unwrap_or_default(),
        );
        m.insert(
            "actions".into(),
            serde_json::to_value(&v.actions).unwrap_or_default(),
        );
        m.insert(
            "online".into(),
            serde_json::to_value(&v.online).unwrap_or_default(),
        );
    }
    o
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ApplicationCreate {
    /// The receiving unit; defaults to the caller's own.
    pub receiving_unit_id: Option<i64>,
    #[serde(flatten)]
    pub fields: ApplicationInput,
}

/// Receives an application: numbered, assessed, its deadlines started.
#[utoipa::path(post, path = "/api/v1/applications", tag = "applications", security(("bearer" = [])), request_body = ApplicationCreate,
    responses((status = 201, body = ApplicationViewDoc, description = "the application with `id`, `number`, `status`, `assessment` and `deadlines`"),
        (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<ApplicationCreate>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let v = uc::create(&s.app, &ctx, &b.fields, b.receiving_unit_id.map(UnitId)).await?;
    Ok((StatusCode::CREATED, Json(out(v))))
}

#[utoipa::path(get, path = "/api/v1/applications/{id}", tag = "applications", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = ApplicationViewDoc), (status = 404, body = crate::error::Problem)))]
pub async fn show(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(out(uc::get(&s.app, &ctx, id_from(&id)?).await?)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApplicationQuery {
    #[param(inline, value_type = Option<Status>)]
    pub status: Option<String>,
    /// A matter code of the scope rules (`GET /api/v1/rules`).
    pub matter_code: Option<String>,
    #[param(inline, value_type = Option<Channel>)]
    pub channel: Option<String>,
    /// Only applications with a running deadline already past.
    pub overdue: Option<bool>,
    /// Only decisions taken against the system's assessment.
    pub against_assessment: Option<bool>,
    #[param(minimum = 1)]
    pub applicant_id: Option<i64>,
    /// The `next` of the previous page: the page after it.
    pub after: Option<String>,
}

/// Applications received by units the caller can see, newest first.
#[utoipa::path(get, path = "/api/v1/applications", tag = "applications", security(("bearer" = [])), params(ApplicationQuery, PageParams),
    responses((status = 200, body = KeysetList<ApplicationListItemDoc>, description = "`{items, total, more_than, next}`; each item is an application with `applicant_name` and `next_deadline`; `total` counts up to 1,000 (`more_than` is then set); `next` asks for the following page as `after`"),
        (status = 422, body = crate::error::Problem)))]
pub async fn list(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<ApplicationQuery>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Json<KeysetList<Value>>, ApiError> {
    let bad = |f: &str, m: &str| ApiError(AppError::field(f, m));
    let status = match q.status.as_deref().filter(|x| !x.is_empty()) {
        Some(x) => Some(Status::parse(x).ok_or_else(|| bad("status", "未知的状态"))?),
        None => None,
    };
    let channel = match q.channel.as_deref().filter(|x| !x.is_empty()) {
        Some(x) => Some(Channel::parse(x).ok_or_else(|| bad("channel", "未知的申请渠道"))?),
        None => None,
    };
    let f = ApplicationFilter {
        status,
        matter_code: q.matter_code.filter(|m| !m.is_empty()),
        channel,
        applicant_id: q.applicant_id,
        against_assessment: q.against_assessment.unwrap_or(false),
        ..Default::default()
    };
    let after = match q.after.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        Some(a) => {
            Some(ListCursor::parse(a).ok_or_else(|| bad("after", "不是列表给出的 next 值"))?)
        }
        None => None,
    };
    let listed = uc::list(
        &s.app,
        &ctx,
        &f,
        q.overdue.unwrap_or(false),
        p.page(),
        after,
    )
    .await?;
    let items = listed
        .items
        .into_iter()
        .map(|i| {
            let mut o = serde_json::to_value(&i.application).unwrap_or_default();
            if let Value::Object(m) = &mut o {
                m.insert("applicant_name".into(), json!(i.applicant_name));
                m.insert(
                    "next_deadline".into(),
                    serde_json::to_value(&i.next_deadline).unwrap_or_default(),
                );
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

/// The assessment as the API answers it: the domain's assessment in the words of
/// the review (the article, whether the hardship condition and verification apply,
/// whether the means meet the standard) with the application's deadlines.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AssessmentOut {
    pub verdict: legalaid_domain::assessment::Verdict,
    pub in_scope: bool,
    /// The article that brings the matter into scope.
    pub article: Option<String>,
    /// Whether the economic hardship condition applies (unknown out of scope).
    pub hardship_required: Option<bool>,
    pub verification_exempt: bool,
    /// The exemption ground and its basis, when verification is exempt.
    pub exemption: Option<String>,
    /// Whether the income per person meets the standard (unknown without the figures).
    pub meets_standard: Option<bool>,
    pub per_capita_income_fen: Option<i64>,
    pub threshold_fen: Option<i64>,
    pub needs_verification: bool,
    pub pre_emptive: bool,
    pub missing: Vec<String>,
    /// The reasons in one text.
    pub explanation: String,
    pub reasons: Vec<String>,
    #[schema(value_type = Vec<DeadlineViewDoc>)]
    pub deadlines: Vec<legalaid_app::applications::DeadlineView>,
}

/// The assessment: scope and article, hardship condition, exemption, the means test, deadlines.
#[utoipa::path(get, path = "/api/v1/applications/{id}/assessment", tag = "applications", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = AssessmentOut), (status = 404, body = crate::error::Problem)))]
pub async fn assessment(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<AssessmentOut>, ApiError> {
    let v = uc::get(&s.app, &ctx, id_from(&id)?).await?;
    let a = v.assessment;
    let meets = match (a.per_capita_income_fen, a.threshold_fen) {
        (Some(p), Some(t)) => Some(p <= t),
        _ => None,
    };
    Ok(Json(AssessmentOut {
        verdict: a.verdict,
        in_scope: a.in_scope,
        article: a.basis,
        hardship_required: a
            .hardship
            .map(|h| h == legalaid_domain::rules::HardshipCondition::Required),
        verification_exempt: a.exemption.is_some(),
        exemption: a.exemption,
        meets_standard: meets,
        per_capita_income_fen: a.per_capita_income_fen,
        threshold_fen: a.threshold_fen,
        needs_verification: a.needs_verification,
        pre_emptive: a.pre_emptive,
        missing: a.missing,
        explanation: a.reasons.join(""),
        reasons: a.reasons,
        deadlines: v.deadlines,
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct DecisionIn {
    #[schema(inline, value_type = Outcome)]
    pub outcome: String,
    /// Written reasons: required for a denial and for a decision against the assessment.
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub reason: String,
    /// With a denial (decision only): why, as the report forms count it. Absent:
    /// the assessment's (`out_of_scope` when the matter is outside the scope,
    /// `not_hardship` when in scope but ineligible, else `other`). Refused with a grant.
    #[serde(default)]
    #[schema(inline, value_type = Option<DenialReason>)]
    pub denial_reason: Option<String>,
    /// The `version` of the application that was read.
    #[schema(minimum = 1)]
    pub version: i64,
}

/// A denial's reason code, if given (blank is none).
fn denial_reason(s: Option<&str>) -> Result<Option<DenialReason>, ApiError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(c) => DenialReason::parse(c).map(Some).ok_or_else(|| {
            ApiError(AppError::field(
                "denial_reason",
                "denial_reason 应为 out_of_scope、not_hardship 或 other",
            ))
        }),
    }
}

fn outcome(s: &str) -> Result<Outcome, ApiError> {
    Outcome::parse(s.trim())
        .ok_or_else(|| ApiError(AppError::field("outcome", "outcome 应为 granted 或 denied")))
}

/// Decides (center director; the administrator may act in every role). 409 on a stale version or a state that does not allow it.
#[utoipa::path(post, path = "/api/v1/applications/{id}/decision", tag = "applications", security(("bearer" = [])), params(("id" = i64, Path)), request_body = DecisionIn,
    responses((status = 200, body = ApplicationViewDoc), (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn decide(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<DecisionIn>,
) -> Result<Json<Value>, ApiError> {
    let o = outcome(&b.outcome)?;
    let why = denial_reason(b.denial_reason.as_deref())?;
    Ok(Json(out(uc::decide_coded(
        &s.app,
        &ctx,
        id_from(&id)?,
        b.version,
        o,
        why,
        &b.reason,
    )
    .await?)))
}

/// A reviewer's proposal for the director's approval (two-step review).
#[utoipa::path(post, path = "/api/v1/applications/{id}/proposal", tag = "applications", security(("bearer" = [])), params(("id" = i64, Path)), request_body = DecisionIn,
    responses((status = 200, body = ApplicationViewDoc), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn propose(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<DecisionIn>,
) -> Result<Json<Value>, ApiError> {
    let o = outcome(&b.outcome)?;
    if denial_reason(b.denial_reason.as_deref())?.is_some() {
        return Err(ApiError(AppError::field(
            "denial_reason",
            "不予法律援助的原因类别由负责人作出决定时填写",
        )));
    }
    Ok(Json(out(uc::propose(
        &s.app,
        &ctx,
        id_from(&id)?,
        b.version,
        o,
        &b.reason,
    )
    .await?)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SupplementIn {
    /// Everything missing, listed once (LAL art 43(2)).
    #[serde(default)]
    #[schema(required = true, min_length = 1, max_length = 2000)]
    pub items: String,
    /// Required for a second notice: why the first did not list it (the notice is
    /// given once; a second one does not stop the review clock again).
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub reason: String,
    #[schema(minimum = 1)]
    pub version: i64,
}

/// Sends the supplement notice; the review clock stops until the materials arrive.
#[utoipa::path(post, path = "/api/v1/applications/{id}/supplement-request", tag = "applications", security(("bearer" = [])), params(("id" = i64, Path)), request_body = SupplementIn,
    responses((status = 200, body = ApplicationViewDoc), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn request_supplement(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<SupplementIn>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(out(uc::request_supplement(
        &s.app,
        &ctx,
        id_from(&id)?,
        b.version,
        &b.items,
        &b.reason,
    )
    .await?)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct VersionIn {
    /// The `version` of the record that was read.
    #[schema(minimum = 1)]
    pub version: i64,
}

/// The supplement arrived; the review clock runs again.
#[utoipa::path(post, path = "/api/v1/applications/{id}/supplement-received", tag = "applications", security(("bearer" = [])), params(("id" = i64, Path)), request_body = VersionIn,
    responses((status = 200, body = ApplicationViewDoc), (status = 409, body = crate::error::Problem)))]
pub async fn supplement_received(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<VersionIn>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(out(uc::supplement_received(
        &s.app,
        &ctx,
        id_from(&id)?,
        b.version,
    )
    .await?)))
}

/// The applicant withdraws the application.
#[utoipa::path(post, path = "/api/v1/applications/{id}/withdrawal", tag = "applications", security(("bearer" = [])), params(("id" = i64, Path)), request_body = VersionIn,
    responses((status = 200, body = ApplicationViewDoc), (status = 409, body = crate::error::Problem)))]
pub async fn withdraw(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<VersionIn>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(out(uc::withdraw(
        &s.app,
        &ctx,
        id_from(&id)?,
        b.version,
    )
    .await?)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ObjectionIn {
    #[serde(default)]
    #[schema(required = true, min_length = 1, max_length = 4000)]
    pub reason: String,
    #[schema(minimum = 1)]
    pub version: i64,
}

/// Records the applicant's objection to a denial; it goes to the justice bureau.
#[utoipa::path(post, path = "/api/v1/applications/{id}/objection", tag = "applications", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ObjectionIn,
    responses((status = 201, body = ApplicationViewDoc), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn object(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ObjectionIn>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(out(uc::object(
            &s.app,
            &ctx,
            id_from(&id)?,
            b.version,
            &b.reason,
        )
        .await?)),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ObjectionDecisionIn {
    #[schema(inline, value_type = ObjectionOutcome)]
    pub outcome: String,
    #[serde(default)]
    #[schema(required = true, min_length = 1, max_length = 4000)]
    pub reason: String,
    #[schema(minimum = 1)]
    pub version: i64,
}

/// The bureau's decision on an objection (bureau supervisors), within 5 days.
#[utoipa::path(post, path = "/api/v1/objections/{id}/decision", tag = "applications", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ObjectionDecisionIn,
    responses((status = 200, body = legalaid_domain::application::Objection), (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn decide_objection(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ObjectionDecisionIn>,
) -> Result<Json<Value>, ApiError> {
    let o = ObjectionOutcome::parse(b.outcome.trim()).ok_or_else(|| {
        ApiError(AppError::field(
            "outcome",
            "outcome 应为 upheld 或 correction_ordered",
        ))
    })?;
    let d = legalaid_app::records::decide_objection(
        &s.app,
        &ctx,
        id_from(&id)?,
        b.version,
        o,
        &b.reason,
    )
    .await?;
    Ok(Json(serde_json::to_value(d).unwrap_or_default()))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct VerificationIn {
    /// e.g. 信息共享查询, 函询, 电话核实, 入户走访
    #[serde(default)]
    #[schema(required = true, min_length = 1, max_length = 50)]
    pub method: String,
    /// The day of the check; not in the future.
    #[schema(required = true, value_type = chrono::NaiveDate)]
    pub date: Option<chrono::NaiveDate>,
    #[serde(default)]
    #[schema(required = true, min_length = 1, max_length = 2000)]
    pub result: String,
    #[serde(default)]
    pub false_declaration: bool,
    #[schema(minimum = 1)]
    pub version: i64,
}

/// Records the verification of an honesty declaration (method, date, result; a false declaration is flagged).
#[utoipa::path(post, path = "/api/v1/applications/{id}/verification", tag = "applications", security(("bearer" = [])), params(("id" = i64, Path)), request_body = VerificationIn,
    responses((status = 200, body = ApplicationViewDoc), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn verify(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<VerificationIn>,
) -> Result<Json<Value>, ApiError> {
    let input = uc::VerificationInput {
        method: b.method,
        date: b.date,
        result: b.result,
        false_declaration: b.false_declaration,
    };
    Ok(Json(out(uc::record_verification(
        &s.app,
        &ctx,
        id_from(&id)?,
        b.version,
        &input,
    )
    .await?)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PreEmptiveIn {
    /// Default: the reason LAL art 44 gives.
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub reason: String,
    #[schema(minimum = 1)]
    pub version: i64,
}

/// Grants pre-emptive aid (LAL art 44) when the assessment finds it warranted; 409 otherwise.
#[utoipa::path(post, path = "/api/v1/applications/{id}/pre-emptive-grant", tag = "applications", security(("bearer" = [])), params(("id" = i64, Path)), request_body = PreEmptiveIn,
    responses((status = 200, body = ApplicationViewDoc), (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem)))]
pub async fn grant_pre_emptively(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<PreEmptiveIn>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(out(uc::grant_pre_emptively(
        &s.app,
        &ctx,
        id_from(&id)?,
        b.version,
        &b.reason,
    )
    .await?)))
}
