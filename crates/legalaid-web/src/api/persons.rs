//! Applicants and recipients.

use super::records::id_from;
use super::{KeysetList, List, PageParams};
use crate::extract::{ApiCtx, ApiJson, ApiQuery};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use legalaid_app::{AppError, persons};
use legalaid_domain::person::{Person, PersonCard, PersonInput};
use legalaid_domain::{PersonId, UnitId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PersonCreate {
    /// The registering unit; defaults to the caller's own (needed only by callers without one).
    pub unit_id: Option<i64>,
    #[serde(flatten)]
    pub fields: PersonInput,
}

/// Registers an applicant or recipient. 409 when the ID number is already registered.
#[utoipa::path(post, path = "/api/v1/persons", tag = "persons", security(("bearer" = [])), request_body = PersonCreate,
    responses((status = 201, body = Person), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_person(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<PersonCreate>,
) -> Result<(StatusCode, Json<Person>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(persons::create(&s.app, &ctx, &b.fields, b.unit_id.map(UnitId)).await?),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PersonQuery {
    /// Exact ID number (any document type); finds at most one person.
    pub id_number: Option<String>,
    /// Part of the name, any length (ASCII letters in either case).
    pub q: Option<String>,
    /// The `next` of the previous page: the page after it.
    pub after: Option<String>,
}

/// Persons the caller can see: by exact ID number, or by name, newest first.
#[utoipa::path(get, path = "/api/v1/persons", tag = "persons", security(("bearer" = [])), params(PersonQuery, PageParams),
    responses((status = 200, body = KeysetList<Person>, description = "`{items, total, more_than, next}`: `total` counts up to 1,000 (`more_than` is then set); `next` asks for the following page as `after`"),
        (status = 422, body = crate::error::Problem)))]
pub async fn list_persons(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<PersonQuery>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Json<KeysetList<Person>>, ApiError> {
    if let Some(number) = q.id_number.as_deref().filter(|n| !n.trim().is_empty()) {
        let items: Vec<Person> = persons::find_by_id_number(&s.app, &ctx, number)
            .await?
            .into_iter()
            .collect();
        let total = i64::try_from(items.len()).unwrap_or(0);
        return Ok(Json(KeysetList {
            items,
            total,
            more_than: None,
            next: None,
        }));
    }
    let after = match q.after.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        None => None,
        Some(a) => Some(PersonId(
            a.parse::<i64>()
                .ok()
                .filter(|a| *a > 0)
                .ok_or_else(|| AppError::field("after", "不是列表给出的 next 值"))?,
        )),
    };
    let listed = persons::list(&s.app, &ctx, q.q.as_deref(), p.page(), after).await?;
    Ok(Json(KeysetList {
        items: listed.items,
        total: listed.total,
        more_than: listed.more_than,
        next: listed.next,
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LookupQuery {
    /// The full number of any identity document; or give `name` and `birth_date`.
    pub id_number: Option<String>,
    /// The exact name (with `birth_date`).
    pub name: Option<String>,
    pub birth_date: Option<chrono::NaiveDate>,
}

/// Looks a person up in the register of the caller's district (intake and review
/// staff), by full ID number or by exact name and birth date, to take an
/// application for them. Answers cards: name, masked ID, sex, birth date, phone
/// and the registering unit. Each card of another unit's person is audited.
#[utoipa::path(get, path = "/api/v1/persons/lookup", tag = "persons", security(("bearer" = [])), params(LookupQuery),
    responses((status = 200, body = List<PersonCard>), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn lookup(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<LookupQuery>,
) -> Result<Json<List<PersonCard>>, ApiError> {
    let by = match (q.id_number.as_deref(), q.name.as_deref(), q.birth_date) {
        (Some(n), _, _) if !n.trim().is_empty() => persons::Lookup::IdNumber(n),
        (_, Some(name), Some(birth)) if !name.trim().is_empty() => {
            persons::Lookup::NameAndBirth(name, birth)
        }
        _ => {
            return Err(ApiError(legalaid_app::AppError::field(
                "id_number",
                "请提供完整的证件号码，或者姓名和出生日期",
            )));
        }
    };
    let items = persons::lookup(&s.app, &ctx, by).await?;
    let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
    Ok(Json(List { items, total }))
}

/// A person, with the ID number masked.
#[utoipa::path(get, path = "/api/v1/persons/{id}", tag = "persons", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Person), (status = 404, body = crate::error::Problem)))]
pub async fn show_person(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<Person>, ApiError> {
    Ok(Json(persons::get(&s.app, &ctx, id_from(&id)?).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PersonUpdate {
    pub version: i64,
    #[serde(flatten)]
    pub fields: PersonInput,
}

#[utoipa::path(put, path = "/api/v1/persons/{id}", tag = "persons", security(("bearer" = [])), params(("id" = i64, Path)), request_body = PersonUpdate,
    responses((status = 200, body = Person), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update_person(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<PersonUpdate>,
) -> Result<Json<Person>, ApiError> {
    Ok(Json(
        persons::update(&s.app, &ctx, id_from(&id)?, b.version, &b.fields).await?,
    ))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RevealedIdNumber {
    pub id_number: String,
}

/// The full ID number. Every call is recorded in the audit trail.
#[utoipa::path(post, path = "/api/v1/persons/{id}/reveal-id-number", tag = "persons", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = RevealedIdNumber), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn reveal_id_number(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<RevealedIdNumber>, ApiError> {
    Ok(Json(RevealedIdNumber {
        id_number: persons::reveal_id_number(&s.app, &ctx, id_from(&id)?).await?,
    }))
}
