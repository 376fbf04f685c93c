//! Files attached to applications and cases: checked (size, type by content), stored under
//! the data directory by content hash (written durably before the record commits),
//! listed and downloaded by those who may see the record; every upload and
//! download is in the audit trail.

use crate::records::{self, Subject};
use crate::{App, AppError, AppResult, Ctx, audit};
use legalaid_domain::audit::AuditAction;
use legalaid_domain::{ApplicationId, CaseId};
use legalaid_store::Tx;
use legalaid_store::attachments::{self as store, Attachment, NewAttachment};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The largest file accepted.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// Accepted kinds: recognised by their first bytes, not by the name the client sends.
fn sniff(bytes: &[u8], filename: &str) -> Option<&'static str> {
    let lower = filename.to_ascii_lowercase();
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else if bytes.starts_with(b"PK\x03\x04") && lower.ends_with(".docx") {
        Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
        && lower.ends_with(".doc")
    {
        Some("application/msword")
    } else {
        None
    }
}

fn root(app: &App) -> AppResult<&PathBuf> {
    app.files
        .as_ref()
        .ok_or_else(|| AppError::Unavailable("file storage is not configured".into()))
}

fn path_for(root: &Path, sha: &str) -> PathBuf {
    root.join(&sha[..2]).join(sha)
}

/// Writes the content durably: to a temporary file, synced, then renamed into place.
fn store_file(root: &Path, sha: &str, bytes: &[u8]) -> std::io::Result<()> {
    let target = path_for(root, sha);
    if target.exists() {
        return Ok(());
    }
    let dir = target.parent().unwrap_or(root);
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".{sha}.{}.tmp", std::process::id()));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, &target)?;
    std::fs::File::open(dir)?.sync_all()
}

/// Attaches a file to a record: to an application by those who take and review
/// applications; to a case (progress evidence, closure materials) by its handler,
/// a user of its handling unit, or the center.
pub async fn upload(
    app: &App,
    ctx: &Ctx,
    subject: Subject,
    filename: &str,
    description: &str,
    bytes: Vec<u8>,
) -> AppResult<Attachment> {
    let owner = match subject {
        Subject::Application(id) => {
            crate::applications::get(app, ctx, id).await?;
            if !crate::applications::can_handle(ctx) {
                return Err(AppError::forbidden());
            }
            (id, None)
        }
        Subject::Case(id) => {
            let v = crate::cases::get(app, ctx, id).await?;
            if !crate::cases::CaseAction::AddMaterial.permitted(ctx, &v.case) {
                return Err(AppError::forbidden());
            }
            (v.case.application_id, Some(id))
        }
        Subject::Review(_)
        | Subject::Rectification(_)
        | Subject::Observation(_)
        | Subject::Opinion(_)
        | Subject::SupervisionOrder(_) => {
            return Err(AppError::Conflict(
                "评查、整改、督办、旁听和征询意见记录不单独上传材料，有关材料请在案件页面上传"
                    .into(),
            ));
        }
        Subject::Complaint(id) => {
            crate::complaints::get(app, ctx, id).await?;
            return Err(AppError::Conflict(
                "投诉材料暂不在系统中上传，请将书面材料随投诉登记表归档".into(),
            ));
        }
        Subject::Visit(_) | Subject::VisitPlan(_) => {
            records::ensure_visible(app, ctx, subject).await?;
            return Err(AppError::Conflict(
                "回访记录不单独上传材料，有关材料请在案件页面上传".into(),
            ));
        }
    };
    keep(app, ctx, owner, filename, description, bytes).await
}

/// The files of a record: an application's own (a case's materials are listed
/// with the case), or a case's.
pub async fn list(app: &App, ctx: &Ctx, subject: Subject) -> AppResult<Vec<Attachment>> {
    records::ensure_visible(app, ctx, subject).await?;
    let mut tx = app.store.read().await?;
    Ok(match subject {
        Subject::Application(id) => store::of_application(&mut tx, id.0).await?,
        Subject::Case(id) => store::of_case(&mut tx, id.0).await?,
        // A review's reviewers read its case's materials.
        Subject::Review(id) => {
            drop(tx);
            let v = crate::quality::reviews::get(app, ctx, id).await?;
            let mut tx = app.store.read().await?;
            store::of_case(&mut tx, v.file.case_id).await?
        }
        // An order's readers see its case's materials; an order about a unit's
        // work has none of its own.
        Subject::Rectification(id) => {
            drop(tx);
            let v = crate::quality::rectifications::get(app, ctx, id).await?;
            let mut tx = app.store.read().await?;
            match v.order.case_id {
                Some(c) => store::of_case(&mut tx, c).await?,
                None => Vec::new(),
            }
        }
        // Read with their case's materials, on the case.
        Subject::Observation(_) | Subject::Opinion(_) | Subject::SupervisionOrder(_) => Vec::new(),
        Subject::Complaint(id) => {
            drop(tx);
            crate::complaints::get(app, ctx, id).await?;
            Vec::new()
        }
        Subject::Visit(_) | Subject::VisitPlan(_) => Vec::new(),
    })
}

/// An upload checked and its content stored by hash, not yet recorded.
pub(crate) struct Prepared {
    name: String,
    description: String,
    content_type: &'static str,
    size: i64,
    sha: String,
}

/// Checks an upload (its kind by its first bytes, its size) and stores its
/// content by hash. `photos_only` accepts images and PDF scans only, up to
/// `max_bytes` (the portal's photos of documents).
pub(crate) async fn prepare(
    app: &App,
    field: &str,
    filename: &str,
    description: &str,
    bytes: Vec<u8>,
    photos_only: bool,
    max_bytes: usize,
) -> AppResult<Prepared> {
    let mut v = legalaid_domain::Validation::new();
    let name = v.text(
        field,
        filename.rsplit(['/', '\\']).next().unwrap_or(filename),
        "文件名",
        200,
    );
    let description = v.optional_text("description", description, "说明", 200);
    if bytes.is_empty() {
        v.add(field, "请选择要上传的文件");
    } else if bytes.len() > max_bytes {
        v.add(field, format!("文件不能超过{}MB", max_bytes / 1024 / 1024));
    }
    let kind = sniff(&bytes, &name).filter(|k| !photos_only || !k.contains("word"));
    if kind.is_none() && !bytes.is_empty() {
        v.add(
            field,
            if photos_only {
                "只接受JPEG、PNG照片或PDF扫描件"
            } else {
                "只接受PDF、JPEG、PNG图片或Word文档（.doc、.docx）"
            },
        );
    }
    let (Some(content_type), true) = (kind, v.is_empty()) else {
        return Err(AppError::Validation(v.errors().to_vec()));
    };
    let sha = hex::encode(Sha256::digest(&bytes));
    let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    let dir = root(app)?.clone();
    let sha_for_write = sha.clone();
    tokio::task::spawn_blocking(move || store_file(&dir, &sha_for_write, &bytes))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(format!("storing an upload: {e}")))?;
    Ok(Prepared {
        name,
        description,
        content_type,
        size,
        sha,
    })
}

/// Records a prepared upload with its audit entry, in the caller's transaction.
pub(crate) async fn record(
    app: &App,
    tx: &mut Tx,
    ctx: &Ctx,
    (application_id, case_id): (ApplicationId, Option<CaseId>),
    p: &Prepared,
) -> AppResult<Attachment> {
    let record = NewAttachment {
        application_id: application_id.0,
        case_id: case_id.map(|c| c.0),
        filename: &p.name,
        content_type: p.content_type,
        size_bytes: p.size,
        sha256: &p.sha,
        description: &p.description,
        uploaded_by: ctx.user_id(),
    };
    let a = store::insert(tx, &record, app.clock.now()).await?;
    audit::record(
        app,
        tx,
        ctx,
        AuditAction::AttachmentCreate,
        a.id,
        None::<&()>,
        Some(&a),
    )
    .await?;
    Ok(a)
}

/// Checks an upload, stores its content by hash and records it with its audit entry.
async fn keep(
    app: &App,
    ctx: &Ctx,
    owner: (ApplicationId, Option<CaseId>),
    filename: &str,
    description: &str,
    bytes: Vec<u8>,
) -> AppResult<Attachment> {
    let p = prepare(app, "file", filename, description, bytes, false, MAX_BYTES).await?;
    let mut tx = app.store.write().await?;
    let a = record(app, &mut tx, ctx, owner, &p).await?;
    tx.commit().await?;
    Ok(a)
}

/// The file and its content; the download is audited.
pub async fn download(app: &App, ctx: &Ctx, id: i64) -> AppResult<(Attachment, Vec<u8>)> {
    let a = {
        let mut tx = app.store.read().await?;
        store::get(&mut tx, id).await?.ok_or(AppError::NotFound)?
    };
    // A case's materials are visible to whoever sees the case (its handler too).
    let subject = match a.case_id {
        Some(case_id) => Subject::Case(CaseId(case_id)),
        None => Subject::Application(ApplicationId(a.application_id)),
    };
    records::ensure_visible(app, ctx, subject).await?;
    let path = path_for(root(app)?, &a.sha256);
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| AppError::Internal(format!("reading attachment {id}: {e}")))?;
    if hex::encode(Sha256::digest(&bytes)) != a.sha256 {
        return Err(AppError::Internal(format!(
            "attachment {id}: stored content does not match its hash"
        )));
    }
    let mut tx = app.store.write().await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::AttachmentDownload,
        id,
        None::<&()>,
        Some(&serde_json::json!({ "application_id": a.application_id })),
    )
    .await?;
    tx.commit().await?;
    Ok((a, bytes))
}

/// Checks an image (JPEG or PNG by content, at most [`MAX_BYTES`]) and stores it
/// by content hash, durably, before its record is written: the photos of a
/// publicity activity. Answers its hash, type and size.
pub(crate) async fn keep_image(
    app: &App,
    filename: &str,
    bytes: Vec<u8>,
) -> AppResult<(String, &'static str, i64, String)> {
    let mut v = legalaid_domain::Validation::new();
    let name = v.text(
        "file",
        filename.rsplit(['/', '\\']).next().unwrap_or(filename),
        "文件名",
        200,
    );
    if bytes.is_empty() {
        v.add("file", "请选择要上传的照片");
    } else if bytes.len() > MAX_BYTES {
        v.add("file", format!("照片不能超过{}MB", MAX_BYTES / 1024 / 1024));
    }
    let kind = sniff(&bytes, &name).filter(|k| k.starts_with("image/"));
    if kind.is_none() && !bytes.is_empty() {
        v.add("file", "照片只接受JPEG或PNG图片");
    }
    let (Some(content_type), true) = (kind, v.is_empty()) else {
        return Err(AppError::Validation(v.errors().to_vec()));
    };
    let sha = hex::encode(Sha256::digest(&bytes));
    let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    let dir = root(app)?.clone();
    let sha_for_write = sha.clone();
    tokio::task::spawn_blocking(move || store_file(&dir, &sha_for_write, &bytes))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(format!("storing an upload: {e}")))?;
    Ok((sha, content_type, size, name))
}

/// The stored content of hash `sha`.
pub(crate) async fn read_stored(app: &App, sha: &str) -> AppResult<Vec<u8>> {
    let path = path_for(root(app)?, sha);
    tokio::fs::read(&path)
        .await
        .map_err(|e| AppError::Internal(format!("reading a stored file: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_recognised_by_content() {
        assert_eq!(sniff(b"%PDF-1.7 ...", "x.pdf"), Some("application/pdf"));
        assert_eq!(
            sniff(b"%PDF-1.7 ...", "renamed.txt"),
            Some("application/pdf")
        );
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0], "a.jpg"),
            Some("image/jpeg")
        );
        assert_eq!(
            sniff(b"PK\x03\x04....", "a.docx"),
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        );
        assert_eq!(
            sniff(b"PK\x03\x04....", "a.zip"),
            None,
            "a zip is not a document"
        );
        assert_eq!(
            sniff(b"MZ\x90\x00", "a.pdf"),
            None,
            "an executable named .pdf"
        );
        assert_eq!(sniff(b"<html>", "a.html"), None);
    }

    #[test]
    fn files_are_written_once_by_hash() {
        let dir = std::env::temp_dir().join(format!("legalaid-files-{}", std::process::id()));
        let sha = hex::encode(Sha256::digest(b"abc"));
        store_file(&dir, &sha, b"abc").expect("write");
        store_file(&dir, &sha, b"abc").expect("second write is a no-op");
        assert_eq!(std::fs::read(path_for(&dir, &sha)).expect("read"), b"abc");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
