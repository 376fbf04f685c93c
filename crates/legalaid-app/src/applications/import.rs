//! Importing applications with their applicants from a spreadsheet (issue 13,
//! ADR 0036): each row is an applicant (the persons sheet's columns) and one
//! application (docs/IMPORT.md). A dry run names every bad row; then all rows
//! or none, in one transaction. Each application is keyed by its row
//! (`application_sheet::source_ref`), so a file imported again changes nothing
//! and two instances importing one file at once meet a unique index (409).
//! Imported applications are received by the importer's unit and wait for
//! review like any other; their applicants are not texted again (the file's
//! system told them).

use super::{context, store};
use crate::persons::import::{
    PersonPlan, RowAction, RowReport, check_size, importing_unit, plan_person, refusal, row_name,
    write_person,
};
use crate::{App, AppError, AppResult, Ctx, audit, policy};
use chrono::Datelike;
use legalaid_domain::FieldError;
use legalaid_domain::application::format_number;
use legalaid_domain::application_sheet::{self as sheet, PENDING_APPLICANT};
use legalaid_domain::audit::AuditAction;
use legalaid_domain::local_date;
use legalaid_domain::person_sheet;
use legalaid_domain::{PersonId, UnitId};
use legalaid_store::deadlines::Subject;
use serde::Serialize;
use std::collections::HashMap;

/// A file's outcome: applications created or already there, and what
/// happened to their applicants.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    /// Whether the file was written (false for a dry run or a file with errors).
    pub committed: bool,
    /// Applications created.
    pub created: usize,
    /// Applications already in the system (imported before, or ours by number).
    pub unchanged: usize,
    pub failed: usize,
    pub persons_created: usize,
    pub persons_updated: usize,
    /// Per row: `action` is the application's (`create`, `unchanged`, `error`).
    pub rows: Vec<RowReport>,
}

/// Who imports applications: intake staff who may both register persons and
/// receive applications.
pub fn can_import(ctx: &Ctx) -> bool {
    super::can_handle(ctx) && crate::persons::can_register(ctx)
}

enum Applicant {
    /// The person planned on this row (first row of its ID number).
    Planned(Box<PersonPlan>),
    /// The same person as an earlier row.
    SameAs(String),
}

struct Plan {
    applicant: Applicant,
    fields: legalaid_domain::application::ApplicationFields,
    source_ref: String,
}

fn error(field: &str, message: String) -> FieldError {
    FieldError {
        field: field.into(),
        message,
    }
}

/// Checks every row of `rows` (the first is the header) and, with `commit`
/// and no row in error, writes them all in one transaction, each audited.
pub async fn import(
    app: &App,
    ctx: &Ctx,
    rows: &[Vec<String>],
    commit: bool,
) -> AppResult<ImportReport> {
    policy::require(can_import(ctx))?;
    let unit = importing_unit(ctx)?;
    let (header, body) = rows
        .split_first()
        .ok_or_else(|| AppError::field("file", "文件中没有表头行"))?;
    let map = sheet::header_map(header).map_err(AppError::Validation)?;
    check_size(body)?;
    let cx = context(app).await?;
    let now = app.clock.now();
    let today = local_date(now);
    let mut tx = if commit {
        app.store.write().await?
    } else {
        app.store.read().await?
    };
    let region = legalaid_store::units::get(&mut tx, unit)
        .await?
        .map(|u| u.region_code.to_string())
        .unwrap_or_default();
    let mut reports = Vec::with_capacity(body.len());
    let mut plans: Vec<Option<Plan>> = Vec::with_capacity(body.len());
    // Per ID number: the first row and its person's fields; per key, the row.
    let mut persons: HashMap<String, (usize, legalaid_domain::person::PersonFields)> =
        HashMap::new();
    let mut keys: HashMap<String, usize> = HashMap::new();
    let mut numbers: HashMap<String, usize> = HashMap::new();
    let (mut persons_created, mut persons_updated) = (0, 0);
    for (i, row) in body.iter().enumerate() {
        let n = i + 2;
        let mut errors = Vec::new();
        let person = plan_person(app, ctx, &mut tx, &map, row, today, true).await?;
        let parsed = sheet::row_input(&map, row, &cx.rules);
        let mut action = RowAction::Create;
        let mut plan = None;
        match (person, parsed) {
            (Err(mut pe), Err(ae)) => {
                pe.extend(ae);
                errors = pe;
            }
            (Err(pe), Ok(_)) => errors = pe,
            (Ok(_), Err(ae)) => errors = ae,
            (Ok(p), Ok(parsed)) => {
                let mut input = parsed.input;
                input.applicant_id = Some(p.existing.as_ref().map_or(PENDING_APPLICANT, |e| e.id));
                match input.validate(&cx.rules, &region, now) {
                    Err(e) => errors = e,
                    Ok(fields) => {
                        let key = sheet::source_ref(
                            parsed.number.as_deref(),
                            &p.hash,
                            fields.received_at,
                            &fields.matter_code,
                        );
                        // One of our numbers names that application only if it
                        // is this applicant's, received at this time; otherwise
                        // the file's number is another system's, known with the
                        // applicant by the key.
                        let ours = match parsed.number.as_deref() {
                            Some(number) => store::find_by_number(&mut tx, number).await?,
                            None => None,
                        };
                        let found = match ours {
                            Some(a)
                                if p.existing.as_ref().is_some_and(|e| e.id == a.applicant_id)
                                    && a.received_at == fields.received_at =>
                            {
                                Some(a)
                            }
                            Some(_) => {
                                errors.push(error(
                                    "number",
                                    "申请编号已用于另一件申请（申请人或收到申请时间不同）".into(),
                                ));
                                None
                            }
                            None => store::find_by_source_ref(&mut tx, &key).await?,
                        };
                        // A file numbers each of its applications once.
                        let number_again = parsed
                            .number
                            .as_ref()
                            .and_then(|x| numbers.insert(x.clone(), n));
                        if let Some(first) = number_again {
                            errors.push(error("number", format!("与第 {first} 行的申请编号相同")));
                        } else if let Some(first) = keys.insert(key.clone(), n) {
                            errors.push(error(
                                "number",
                                format!("与第 {first} 行是同一申请（申请编号，或申请人、收到时间与事项相同）"),
                            ));
                        } else if let Some(a) = found {
                            let theirs =
                                legalaid_store::units::get(&mut tx, UnitId(a.receiving_unit_id))
                                    .await?
                                    .is_some_and(|u| policy::sees(ctx, &u));
                            if theirs {
                                action = RowAction::Unchanged;
                            } else {
                                errors.push(error("number", "该申请已由其他单位登记或导入".into()));
                            }
                        }
                        // The person is taken from the first good row of its number.
                        let applicant = match persons.get(&p.hash) {
                            Some((first, f)) if *f != p.fields => {
                                errors.push(error(
                                    "id_number",
                                    format!("与第 {first} 行证件号码相同，但当事人信息不一致"),
                                ));
                                None
                            }
                            Some(_) => Some(Applicant::SameAs(p.hash.clone())),
                            None if errors.is_empty() => {
                                persons.insert(p.hash.clone(), (n, p.fields.clone()));
                                Some(Applicant::Planned(Box::new(p)))
                            }
                            None => None,
                        };
                        if errors.is_empty()
                            && let Some(applicant) = applicant
                        {
                            if let Applicant::Planned(p) = &applicant {
                                match p.action {
                                    RowAction::Create => persons_created += 1,
                                    RowAction::Update => persons_updated += 1,
                                    _ => {}
                                }
                            }
                            plan = Some(Plan {
                                applicant,
                                fields,
                                source_ref: key,
                            });
                        }
                    }
                }
            }
        }
        if !errors.is_empty() {
            action = RowAction::Error;
            plan = None;
        }
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
        unchanged: count(RowAction::Unchanged),
        failed: count(RowAction::Error),
        persons_created,
        persons_updated,
        rows: reports,
    };
    if !commit {
        return Ok(report);
    }
    if report.failed > 0 {
        return Err(refusal(&report.rows));
    }
    let pattern = store::setting(&mut tx, "application_number_format")
        .await?
        .unwrap_or_else(|| "法援申〔{year}〕{seq}号".into());
    let mut ids: HashMap<String, PersonId> = HashMap::new();
    for (plan, r) in plans.into_iter().zip(&report.rows) {
        let Some(plan) = plan else { continue };
        let applicant = match &plan.applicant {
            Applicant::Planned(p) => {
                let id = write_person(app, &mut tx, ctx, p, unit, r.row).await?;
                ids.insert(p.hash.clone(), id);
                id
            }
            Applicant::SameAs(hash) => *ids.get(hash).ok_or_else(|| {
                AppError::Internal(format!("row {}: its applicant was not written", r.row))
            })?,
        };
        if r.action != RowAction::Create {
            continue;
        }
        let mut fields = plan.fields;
        fields.applicant_id = applicant;
        let year = local_date(fields.received_at).year();
        let seq = store::next_number(&mut tx, "application", year).await?;
        let number = format_number(&pattern, year, seq);
        let a = store::insert(&mut tx, &number, unit.0, &fields, now).await?;
        store::set_source_ref(&mut tx, a.id, &plan.source_ref)
            .await
            .map_err(|e| match e {
                legalaid_store::StoreError::Duplicate(_) => AppError::Conflict(format!(
                    "第 {} 行的申请刚由他人导入，请重新检查后导入",
                    r.row
                )),
                e => e.into(),
            })?;
        // The entry names the row's key, so the trail says which file's row it was.
        let after = Imported {
            application: &a,
            source_ref: &plan.source_ref,
        };
        audit::record(
            app,
            &mut tx,
            ctx,
            AuditAction::ApplicationCreate,
            a.id,
            None::<&()>,
            Some(&after),
        )
        .await?;
        crate::queues::track(app, &mut tx, Subject::Application(a.id)).await?;
    }
    tx.commit().await?;
    report.committed = true;
    Ok(report)
}

/// An imported application as its audit entry records it: the row as written and
/// the key it was imported under (`applications.source_ref`).
#[derive(serde::Serialize)]
struct Imported<'a> {
    #[serde(flatten)]
    application: &'a legalaid_domain::application::Application,
    source_ref: &'a str,
}

/// Records that the caller exports the applications of its units with their
/// applicants' full ID numbers (once per export, before the first row).
pub async fn begin_export(app: &App, ctx: &Ctx) -> AppResult<()> {
    policy::require(can_import(ctx))?;
    crate::persons::import::record_export(
        app,
        ctx,
        AuditAction::ApplicationExport,
        sheet::headers(),
    )
    .await
}

/// The next `limit` applications of the caller's units after id `after`, as
/// rows of the sheet (applicant first, full ID number), and the last id when
/// there may be more.
pub async fn export_batch(
    app: &App,
    ctx: &Ctx,
    after: i64,
    limit: i64,
) -> AppResult<(Vec<Vec<String>>, Option<i64>)> {
    policy::require(can_import(ctx))?;
    let cx = context(app).await?;
    let mut tx = app.store.read().await?;
    let batch = store::batch_after(&mut tx, &policy::scope(ctx), after, limit).await?;
    let last = batch.last().map(|a| a.id.0);
    let mut people: HashMap<i64, Vec<String>> = HashMap::new();
    let mut rows = Vec::with_capacity(batch.len());
    for a in &batch {
        let person = match people.get(&a.applicant_id.0) {
            Some(p) => p.clone(),
            None => {
                let p = legalaid_store::persons::get(&mut tx, a.applicant_id)
                    .await?
                    .ok_or_else(|| {
                        AppError::Internal(format!("application {}: no applicant", a.id.0))
                    })?;
                // A full ID number only of a person the caller's units
                // registered (as the person page reveals it); another unit's
                // applicant is written masked.
                let own = legalaid_store::units::get(&mut tx, p.unit_id)
                    .await?
                    .is_some_and(|u| policy::sees(ctx, &u));
                let number = if own {
                    let enc = legalaid_store::persons::encrypted_id_number(&mut tx, p.id)
                        .await?
                        .unwrap_or_default();
                    app.cipher
                        .decrypt(&enc)
                        .map_err(|e| AppError::Internal(format!("person {}: {e}", p.id.0)))?
                } else {
                    p.id_number_masked.clone()
                };
                let row = person_sheet::to_row(&p, &number);
                people.insert(p.id.0, row.clone());
                row
            }
        };
        let mut row = person;
        row.extend(sheet::to_row(a, &cx.rules));
        rows.push(row);
    }
    let more = i64::try_from(rows.len()).unwrap_or(0) == limit;
    Ok((rows, if more { last } else { None }))
}
