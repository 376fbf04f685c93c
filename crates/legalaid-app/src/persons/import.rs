//! Importing persons from a spreadsheet (issue 13, ADR 0035): the documented
//! columns (`legalaid_domain::person_sheet`), a dry run that names every bad
//! row, then all or nothing; a row whose ID number is registered already by
//! the caller's units updates that person, or changes nothing when it says the
//! same, so running a file again changes nothing.

use super::{ensure_register, record, today};
use crate::{App, AppError, AppResult, Ctx, audit, policy};
use legalaid_domain::FieldError;
use legalaid_domain::audit::AuditAction;
use legalaid_domain::person::{Person, PersonFields};
use legalaid_domain::person_sheet::{self as sheet, MAX_ROWS};
use legalaid_store::persons as store;
use serde::Serialize;
use std::collections::HashMap;

/// Records that the caller exports the persons of its units with their full ID
/// numbers (once per export, before the first row is read).
pub async fn begin_export(app: &App, ctx: &Ctx) -> AppResult<()> {
    ensure_register(ctx)?;
    let mut tx = app.store.write().await?;
    #[derive(Serialize)]
    struct Export {
        columns: Vec<&'static str>,
    }
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::PersonExport,
        ctx.user_id().unwrap_or_default(),
        None::<&()>,
        Some(&Export {
            columns: sheet::headers(),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The next `limit` persons of the caller's units after `after` (id order), as
/// rows of the sheet with their full ID numbers, and the last id.
pub async fn export_batch(
    app: &App,
    ctx: &Ctx,
    after: i64,
    limit: i64,
) -> AppResult<(Vec<Vec<String>>, Option<i64>)> {
    ensure_register(ctx)?;
    let mut tx = app.store.read().await?;
    let batch = store::batch_after(&mut tx, &policy::scope(ctx), after, limit).await?;
    let last = batch.last().map(|(p, _)| p.id.0);
    let mut rows = Vec::with_capacity(batch.len());
    for (p, enc) in batch {
        let number = app
            .cipher
            .decrypt(&enc)
            .map_err(|e| AppError::Internal(format!("person {}: {e}", p.id.0)))?;
        rows.push(sheet::to_row(&p, &number));
    }
    let more = i64::try_from(rows.len()).unwrap_or(0) == limit;
    Ok((rows, if more { last } else { None }))
}

/// What a row does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowAction {
    Create,
    Update,
    Unchanged,
    Error,
}

/// One row's outcome; `row` counts from the header (1), as a spreadsheet does.
#[derive(Debug, Clone, Serialize)]
pub struct RowReport {
    pub row: usize,
    pub name: String,
    pub action: RowAction,
    pub errors: Vec<FieldError>,
}

/// A file's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    /// Whether the file was written (false for a dry run or a file with errors).
    pub committed: bool,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub failed: usize,
    pub rows: Vec<RowReport>,
}

struct Planned {
    fields: PersonFields,
    hash: String,
    existing: Option<Person>,
}

/// Fills the fields of columns not in the file (`map`) from the registered `p`.
fn keep_absent(map: &[&'static str], f: &mut PersonFields, p: &Person) {
    let has = |c: &str| map.contains(&c);
    if !has("sex") {
        f.sex = f.sex.or(p.sex);
    }
    if !has("birth_date") {
        f.birth_date = f.birth_date.or(p.birth_date);
    }
    if !has("ethnicity") {
        f.ethnicity.clone_from(&p.ethnicity);
    }
    if !has("phone") {
        f.phone.clone_from(&p.phone);
    }
    if !has("address") {
        f.address.clone_from(&p.address);
    }
    if !has("household_registration") {
        f.household_registration
            .clone_from(&p.household_registration);
    }
    if !has("education") {
        f.education.clone_from(&p.education);
    }
    if !has("occupation") {
        f.occupation.clone_from(&p.occupation);
    }
    if !has("groups") {
        f.groups.clone_from(&p.groups);
    }
}

fn same(p: &Person, f: &PersonFields) -> bool {
    p.name == f.name
        && p.id_type == f.id.id_type
        && p.sex == f.sex
        && p.birth_date == f.birth_date
        && p.ethnicity == f.ethnicity
        && p.phone == f.phone
        && p.address == f.address
        && p.household_registration == f.household_registration
        && p.education == f.education
        && p.occupation == f.occupation
        && p.groups == f.groups
}

/// Checks every row of `rows` (the first is the header) and, with `commit`
/// and no row in error, writes them all in one transaction, each audited.
pub async fn import(
    app: &App,
    ctx: &Ctx,
    rows: &[Vec<String>],
    commit: bool,
) -> AppResult<ImportReport> {
    ensure_register(ctx)?;
    let unit = ctx
        .actor
        .as_ref()
        .and_then(|a| a.unit.as_ref())
        .map(|u| u.id)
        .ok_or_else(|| {
            AppError::field("file", "请以所属单位的账号导入：当事人登记在导入者的单位")
        })?;
    let (header, body) = rows
        .split_first()
        .ok_or_else(|| AppError::field("file", "文件中没有表头行"))?;
    let map = sheet::header_map(header).map_err(AppError::Validation)?;
    if body.len() > MAX_ROWS {
        return Err(AppError::field(
            "file",
            format!(
                "一个文件最多 {MAX_ROWS} 行，本文件 {} 行：请分成几个文件",
                body.len()
            ),
        ));
    }
    let today = today(app);
    let mut reports = Vec::with_capacity(body.len());
    let mut plans: Vec<Option<Planned>> = Vec::with_capacity(body.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut tx = if commit {
        app.store.write().await?
    } else {
        app.store.read().await?
    };
    for (i, row) in body.iter().enumerate() {
        let n = i + 2;
        let name = map
            .iter()
            .position(|f| *f == "name")
            .and_then(|k| row.get(k))
            .map(|s| s.trim().to_owned())
            .unwrap_or_default();
        let mut errors = Vec::new();
        let mut plan = None;
        match sheet::row_input(&map, row).and_then(|input| input.validate(today)) {
            Err(e) => errors = e,
            Ok(fields) => {
                let hash = app.cipher.index(&fields.id.number);
                if let Some(first) = seen.insert(hash.clone(), n) {
                    errors.push(FieldError {
                        field: "id_number".into(),
                        message: format!("与第 {first} 行的证件号码相同"),
                    });
                } else {
                    let existing = store::find_by_hash(&mut tx, &hash).await?;
                    if let Some(p) = &existing {
                        let unit_of = legalaid_store::units::get(&mut tx, p.unit_id).await?;
                        if p.merged_into.is_some() {
                            errors.push(FieldError {
                                field: "id_number".into(),
                                message: "该证件号码的登记已合并至其他记录".into(),
                            });
                        } else if !unit_of.is_some_and(|u| policy::sees(ctx, &u)) {
                            errors.push(FieldError {
                                field: "id_number".into(),
                                message: "该证件号码已由其他单位登记".into(),
                            });
                        }
                    }
                    // A column the file leaves out keeps what is registered.
                    let mut fields = fields;
                    if let Some(p) = &existing {
                        keep_absent(&map, &mut fields, p);
                    }
                    plan = Some(Planned {
                        fields,
                        hash,
                        existing,
                    });
                }
            }
        }
        let action = if !errors.is_empty() {
            RowAction::Error
        } else {
            match plan
                .as_ref()
                .and_then(|p| p.existing.as_ref().map(|e| same(e, &p.fields)))
            {
                None => RowAction::Create,
                Some(true) => RowAction::Unchanged,
                Some(false) => RowAction::Update,
            }
        };
        reports.push(RowReport {
            row: n,
            name,
            action,
            errors,
        });
        plans.push(plan);
    }
    let count = |a: RowAction| reports.iter().filter(|r| r.action == a).count();
    let mut report = ImportReport {
        committed: false,
        created: count(RowAction::Create),
        updated: count(RowAction::Update),
        unchanged: count(RowAction::Unchanged),
        failed: count(RowAction::Error),
        rows: reports,
    };
    if !commit {
        return Ok(report);
    }
    if report.failed > 0 {
        return Err(AppError::Validation(
            report
                .rows
                .iter()
                .flat_map(|r| {
                    r.errors.iter().map(move |e| FieldError {
                        field: format!("rows[{}].{}", r.row, e.field),
                        message: format!("第 {} 行：{}", r.row, e.message),
                    })
                })
                .collect(),
        ));
    }
    let now = app.clock.now();
    for (plan, r) in plans.iter().zip(&report.rows) {
        let Some(p) = plan else { continue };
        let enc = app.cipher.encrypt(&p.fields.id.number);
        let masked = p.fields.id.masked();
        let rec = record(&p.fields, &enc, &p.hash, &masked);
        match (r.action, &p.existing) {
            (RowAction::Create, _) => {
                let person =
                    store::insert(&mut tx, &rec, unit, now)
                        .await
                        .map_err(|e| match e {
                            legalaid_store::StoreError::Duplicate(_) => AppError::Conflict(
                                format!("第 {} 行的证件号码刚由他人登记，请重新检查后导入", r.row),
                            ),
                            e => e.into(),
                        })?;
                audit::record(
                    app,
                    &mut tx,
                    ctx,
                    AuditAction::PersonCreate,
                    person.id,
                    None::<&Person>,
                    Some(&person),
                )
                .await?;
            }
            (RowAction::Update, Some(before)) => {
                let after = store::update(&mut tx, before.id, before.version, &rec, now)
                    .await
                    .map_err(|e| match e {
                        legalaid_store::StoreError::VersionConflict => AppError::Conflict(format!(
                            "第 {} 行的当事人刚被他人修改，请重新检查后导入",
                            r.row
                        )),
                        e => e.into(),
                    })?;
                audit::record(
                    app,
                    &mut tx,
                    ctx,
                    AuditAction::PersonUpdate,
                    before.id,
                    Some(before),
                    Some(&after),
                )
                .await?;
            }
            _ => {}
        }
    }
    tx.commit().await?;
    report.committed = true;
    Ok(report)
}
