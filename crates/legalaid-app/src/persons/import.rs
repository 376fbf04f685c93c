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
    record_export(app, ctx, AuditAction::PersonExport, sheet::headers()).await
}

/// Audits an export of full ID numbers: who, which columns (once per export).
pub(crate) async fn record_export(
    app: &App,
    ctx: &Ctx,
    action: AuditAction,
    columns: Vec<&'static str>,
) -> AppResult<()> {
    #[derive(Serialize)]
    struct Export {
        columns: Vec<&'static str>,
    }
    let mut tx = app.store.write().await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        action,
        ctx.user_id().unwrap_or_default(),
        None::<&()>,
        Some(&Export { columns }),
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

/// A row's person, checked: what writing it would do.
pub(crate) struct PersonPlan {
    pub fields: PersonFields,
    pub hash: String,
    pub existing: Option<Person>,
    /// `Create`, `Update` or `Unchanged`.
    pub action: RowAction,
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

/// Whether the registered `p` already says what `f` says.
pub(crate) fn same(p: &Person, f: &PersonFields) -> bool {
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

fn id_error(message: &str) -> FieldError {
    FieldError {
        field: "id_number".into(),
        message: message.into(),
    }
}

/// Checks the person of a row (the persons sheet's columns in `map`): the
/// registration form's checks, then the register. A number the caller's units
/// registered updates that person (columns the file leaves out keep what is
/// registered). With `shared`, a person another unit registered whom the caller
/// may still apply for (the register scope) is taken as registered, if the
/// name agrees; otherwise another unit's number is an error.
pub(crate) async fn plan_person(
    app: &App,
    ctx: &Ctx,
    tx: &mut legalaid_store::Tx,
    map: &[&'static str],
    row: &[String],
    today: chrono::NaiveDate,
    shared: bool,
) -> AppResult<Result<PersonPlan, Vec<FieldError>>> {
    let mut fields = match sheet::row_input(map, row).and_then(|input| input.validate(today)) {
        Err(e) => return Ok(Err(e)),
        Ok(f) => f,
    };
    let hash = app.cipher.index(&fields.id.number);
    let existing = store::find_by_hash(tx, &hash).await?;
    let Some(p) = existing else {
        return Ok(Ok(PersonPlan {
            fields,
            hash,
            existing: None,
            action: RowAction::Create,
        }));
    };
    if p.merged_into.is_some() {
        return Ok(Err(vec![id_error("该证件号码的登记已合并至其他记录")]));
    }
    let unit_of = legalaid_store::units::get(tx, p.unit_id).await?;
    if !unit_of.is_some_and(|u| policy::sees(ctx, &u)) {
        if shared && super::reachable(tx, ctx, &p).await? {
            // The registered name is not echoed: a check must not reveal another
            // unit's register.
            if p.name != fields.name {
                return Ok(Err(vec![id_error(
                    "该证件号码已由其他单位登记，所登记的姓名与本行不符",
                )]));
            }
            return Ok(Ok(PersonPlan {
                fields,
                hash,
                existing: Some(p),
                action: RowAction::Unchanged,
            }));
        }
        return Ok(Err(vec![id_error("该证件号码已由其他单位登记")]));
    }
    keep_absent(map, &mut fields, &p);
    let action = if same(&p, &fields) {
        RowAction::Unchanged
    } else {
        RowAction::Update
    };
    Ok(Ok(PersonPlan {
        fields,
        hash,
        existing: Some(p),
        action,
    }))
}

/// Writes a planned person (registered by `unit` when new), audited; the
/// person's id. `row` names the row in a conflict.
pub(crate) async fn write_person(
    app: &App,
    tx: &mut legalaid_store::Tx,
    ctx: &Ctx,
    plan: &PersonPlan,
    unit: legalaid_domain::UnitId,
    row: usize,
) -> AppResult<legalaid_domain::PersonId> {
    let now = app.clock.now();
    let enc = app.cipher.encrypt(&plan.fields.id.number);
    let masked = plan.fields.id.masked();
    let rec = record(&plan.fields, &enc, &plan.hash, &masked);
    match (plan.action, &plan.existing) {
        (RowAction::Create, _) => {
            let person = store::insert(tx, &rec, unit, now)
                .await
                .map_err(|e| match e {
                    legalaid_store::StoreError::Duplicate(_) => AppError::Conflict(format!(
                        "第 {row} 行的证件号码刚由他人登记，请重新检查后导入"
                    )),
                    e => e.into(),
                })?;
            audit::record(
                app,
                tx,
                ctx,
                AuditAction::PersonCreate,
                person.id,
                None::<&Person>,
                Some(&person),
            )
            .await?;
            Ok(person.id)
        }
        (RowAction::Update, Some(before)) => {
            let after = store::update(tx, before.id, before.version, &rec, now)
                .await
                .map_err(|e| match e {
                    legalaid_store::StoreError::VersionConflict => AppError::Conflict(format!(
                        "第 {row} 行的当事人刚被他人修改，请重新检查后导入"
                    )),
                    e => e.into(),
                })?;
            audit::record(
                app,
                tx,
                ctx,
                AuditAction::PersonUpdate,
                before.id,
                Some(before),
                Some(&after),
            )
            .await?;
            Ok(before.id)
        }
        (_, Some(p)) => {
            // Held against a merge until the import commits (as at the desk); a
            // record merged meanwhile is not taken.
            let now_held = store::get_shared(tx, p.id).await?;
            if now_held.is_none_or(|h| h.merged_into.is_some()) {
                return Err(AppError::Conflict(format!(
                    "第 {row} 行的当事人刚被合并，请重新检查后导入"
                )));
            }
            let unit_of = legalaid_store::units::get(tx, p.unit_id).await?;
            if !unit_of.as_ref().is_some_and(|u| policy::sees(ctx, u)) {
                // Another unit's person taken as registered: recorded as a lookup.
                audit::record(
                    app,
                    tx,
                    ctx,
                    AuditAction::PersonLookup,
                    p.id,
                    None::<&()>,
                    Some(&serde_json::json!({ "by": "import", "registered_by": p.unit_id.0 })),
                )
                .await?;
            }
            Ok(p.id)
        }
        (_, None) => Err(AppError::Internal(
            "a person planned unchanged without a record".into(),
        )),
    }
}

/// The unit an import registers into: the caller's own.
pub(crate) fn importing_unit(ctx: &Ctx) -> AppResult<legalaid_domain::UnitId> {
    ctx.actor
        .as_ref()
        .and_then(|a| a.unit.as_ref())
        .map(|u| u.id)
        .ok_or_else(|| AppError::field("file", "请以所属单位的账号导入：记录登记在导入者的单位"))
}

/// All rows' errors as one refusal, each named `rows[N].field`.
pub(crate) fn refusal(rows: &[RowReport]) -> AppError {
    AppError::Validation(
        rows.iter()
            .flat_map(|r| {
                r.errors.iter().map(move |e| FieldError {
                    field: format!("rows[{}].{}", r.row, e.field),
                    message: format!("第 {} 行：{}", r.row, e.message),
                })
            })
            .collect(),
    )
}

/// The name in a row (for its report line).
pub(crate) fn row_name(map: &[&'static str], row: &[String]) -> String {
    map.iter()
        .position(|f| *f == "name")
        .and_then(|k| row.get(k))
        .map(|s| s.trim().to_owned())
        .unwrap_or_default()
}

/// Refuses a file of more rows than one import takes.
pub(crate) fn check_size(body: &[Vec<String>]) -> AppResult<()> {
    if body.len() > MAX_ROWS {
        return Err(AppError::field(
            "file",
            format!(
                "一个文件最多 {MAX_ROWS} 行，本文件 {} 行：请分成几个文件",
                body.len()
            ),
        ));
    }
    Ok(())
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
    let unit = importing_unit(ctx)?;
    let (header, body) = rows
        .split_first()
        .ok_or_else(|| AppError::field("file", "文件中没有表头行"))?;
    let map = sheet::header_map(header).map_err(AppError::Validation)?;
    check_size(body)?;
    let today = today(app);
    let mut reports = Vec::with_capacity(body.len());
    let mut plans: Vec<Option<PersonPlan>> = Vec::with_capacity(body.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut tx = if commit {
        app.store.write().await?
    } else {
        app.store.read().await?
    };
    for (i, row) in body.iter().enumerate() {
        let n = i + 2;
        let (action, errors, plan) =
            match plan_person(app, ctx, &mut tx, &map, row, today, false).await? {
                Err(e) => (RowAction::Error, e, None),
                Ok(p) => match seen.insert(p.hash.clone(), n) {
                    Some(first) => (
                        RowAction::Error,
                        vec![id_error(&format!("与第 {first} 行的证件号码相同"))],
                        None,
                    ),
                    None => (p.action, Vec::new(), Some(p)),
                },
            };
        reports.push(RowReport {
            row: n,
            name: row_name(&map, row),
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
        return Err(refusal(&report.rows));
    }
    for (plan, r) in plans.iter().zip(&report.rows) {
        if let Some(p) = plan {
            write_person(app, &mut tx, ctx, p, unit, r.row).await?;
        }
    }
    tx.commit().await?;
    report.committed = true;
    Ok(report)
}
