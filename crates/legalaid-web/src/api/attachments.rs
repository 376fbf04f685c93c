//! Files attached to applications and cases: one upload and one listing for
//! any record, routed under each record's path.

use super::List;
use super::records::id_from;
use crate::extract::{ApiCtx, ApiMultipart};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use legalaid_app::filters::Attachment;
use legalaid_app::records::Subject;
use legalaid_app::{AppError, Ctx, attachments};

/// Reads the `file` (and optional `description`) parts of a multipart body.
pub(crate) async fn read_upload(
    mut m: Multipart,
) -> Result<(String, String, Vec<u8>, Option<String>), AppError> {
    let (mut name, mut description, mut bytes, mut csrf) =
        (String::new(), String::new(), Vec::new(), None);
    let too_big = || {
        AppError::field(
            "file",
            format!("文件不能超过{}MB", attachments::MAX_BYTES / 1024 / 1024),
        )
    };
    while let Some(field) = m.next_field().await.map_err(|_| too_big())? {
        match field.name() {
            Some("file") => {
                // A file name is only a label: characters no record may keep are dropped.
                name = field
                    .file_name()
                    .unwrap_or_default()
                    .chars()
                    .filter(|c| !c.is_control())
                    .collect();
                bytes = field.bytes().await.map_err(|_| too_big())?.to_vec();
            }
            Some("description") => description = field.text().await.unwrap_or_default(),
            Some("_csrf") => csrf = field.text().await.ok(),
            _ => {}
        }
    }
    if !legalaid_domain::validation::is_storable_text(&description) {
        return Err(AppError::Validation(vec![crate::input::control_character(
            "description",
        )]));
    }
    Ok((name, description, bytes, csrf))
}

/// An attached file as the API answers it (the stored record of
/// `legalaid_app::filters::Attachment`, described here for the OpenAPI document:
/// the store knows nothing of OpenAPI).
#[derive(utoipa::ToSchema)]
#[schema(as = Attachment)]
#[allow(dead_code)] // describes the JSON of `Attachment` for the OpenAPI document
pub struct AttachmentDoc {
    id: i64,
    application_id: i64,
    /// Set for the materials of a case.
    case_id: Option<i64>,
    filename: String,
    content_type: String,
    size_bytes: i64,
    /// SHA-256 of the content, hex.
    sha256: String,
    description: String,
    uploaded_by: Option<i64>,
    created_at: chrono::DateTime<chrono::Utc>,
}

/// The multipart body of an upload.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes the form for the OpenAPI document; `read_upload` reads it
pub struct UploadForm {
    /// The file: PDF, JPEG, PNG or Word, at most 10 MB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// What the file is (e.g. 工资条).
    #[schema(max_length = 200)]
    description: Option<String>,
}

/// Attaches a file (PDF, JPEG, PNG, Word; at most 10 MB) as multipart field `file`.
#[utoipa::path(post, path = "/api/v1/applications/{id}/attachments", tag = "applications", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", content = UploadForm, description = "`file` and an optional `description`"),
    responses((status = 201, body = AttachmentDoc), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn upload(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiMultipart(m): ApiMultipart,
) -> Result<(StatusCode, Json<Attachment>), ApiError> {
    upload_to(&s, &ctx, Subject::Application(id_from(&id)?), m).await
}

async fn upload_to(
    s: &AppState,
    ctx: &Ctx,
    subject: Subject,
    m: Multipart,
) -> Result<(StatusCode, Json<Attachment>), ApiError> {
    let (name, description, bytes, _) = read_upload(m).await?;
    let a = attachments::upload(&s.app, ctx, subject, &name, &description, bytes).await?;
    Ok((StatusCode::CREATED, Json(a)))
}

async fn list_of(
    s: &AppState,
    ctx: &Ctx,
    subject: Subject,
) -> Result<Json<List<Attachment>>, ApiError> {
    let items = attachments::list(&s.app, ctx, subject).await?;
    let total = i64::try_from(items.len()).unwrap_or(0);
    Ok(Json(List { items, total }))
}

#[utoipa::path(get, path = "/api/v1/applications/{id}/attachments", tag = "applications", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = List<AttachmentDoc>), (status = 404, body = crate::error::Problem)))]
pub async fn list(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<List<Attachment>>, ApiError> {
    list_of(&s, &ctx, Subject::Application(id_from(&id)?)).await
}

/// The file itself (the download is audited).
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "applications", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, description = "the file"), (status = 404, body = crate::error::Problem)))]
pub async fn download(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (a, bytes) = attachments::download(&s.app, &ctx, id_from(&id)?).await?;
    Ok(file_response(&a, bytes))
}

/// A download response: the stored type and the original name.
pub(crate) fn file_response(a: &Attachment, bytes: Vec<u8>) -> Response {
    crate::documents::download(
        &a.content_type,
        &a.filename,
        &format!("attachment-{}", a.id),
        bytes,
    )
}

/// Attaches a file to a case (progress evidence, closure materials) as multipart `file`.
#[utoipa::path(post, path = "/api/v1/cases/{id}/attachments", tag = "cases", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", content = UploadForm, description = "`file` and an optional `description`"),
    responses((status = 201, body = AttachmentDoc), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn case_upload(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiMultipart(m): ApiMultipart,
) -> Result<(StatusCode, Json<Attachment>), ApiError> {
    upload_to(&s, &ctx, Subject::Case(id_from(&id)?), m).await
}

#[utoipa::path(get, path = "/api/v1/cases/{id}/attachments", tag = "cases", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = List<AttachmentDoc>), (status = 404, body = crate::error::Problem)))]
pub async fn case_list(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<List<Attachment>>, ApiError> {
    list_of(&s, &ctx, Subject::Case(id_from(&id)?)).await
}
