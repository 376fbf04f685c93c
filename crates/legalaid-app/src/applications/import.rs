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

impl ImportReport {
    /// The report of a file's rows, not (yet) written.
    pub(crate) fn of(rows: Vec<RowReport>, persons: &PersonCounts) -> Self {
        let count = |a: RowAction| rows.iter().filter(|r| r.action == a).count();
        ImportReport {
            committed: false,
            created: count(RowAction::Create),
            unchanged: count(RowAction::Unchanged),
            failed: count(RowAction::Error),
            persons_created: persons.created,
            persons_updated: persons.updated,
            rows,
        }
    }
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

/// A row's application and applicant, checked and ready to write.
pub(crate) struct Plan {
    applicant: Applicant,
    fields: legalaid_domain::application::ApplicationFields,
    source_ref: String,
}

impl Plan {
    /// The application as it will be written (its applicant set when written).
    pub(crate) fn fields(&self) -> &legalaid_domain::application::ApplicationFields {
        &self.fields
    }
}

fn error(field: &str, message: String) -> FieldError {
    FieldError {
        field: field.into(),
        message,
    }
}

/// What checking a file's rows keeps from row to row: the persons planned (per
/// ID number, the first row and its fields), the keys and numbers seen.
#[derive(Default)]
pub(crate) struct Planner {
    persons: HashMap<String, (usize, legalaid_domain::person::PersonFields)>,
    keys: HashMap<String, usize>,
    numbers: HashMap<String, usize>,
}

/// A row's application, planned: `Create`, or `Unchanged` when it is already
/// in the system under its key or our number.
pub(crate) struct Planned {
    pub(crate) action: RowAction,
    pub(crate) plan: Plan,
}

impl Planned {
    /// What the row does to its person: `Create` or `Update` when this row
    /// writes it (the first row of its ID number), else `Unchanged`.
    pub(crate) fn person_action(&self) -> RowAction {
        match &self.plan.applicant {
            Applicant::Planned(p) => p.action,
            Applicant::SameAs(_) => RowAction::Unchanged,
        }
    }
}

/// How many persons a file's good rows create and update.
#[derive(Default)]
pub(crate) struct PersonCounts {
    pub(crate) created: usize,
    pub(crate) updated: usize,
}

impl PersonCounts {
    pub(crate) fn add(&mut self, action: RowAction) {
        match action {
            RowAction::Create => self.created += 1,
            RowAction::Update => self.updated += 1,
            _ => {}
        }
    }
}

impl Planner {
    /// Checks row `n`'s application (`parsed`) with its applicant `p`: the
    /// intake form's checks with the rules in force in `region`, the row's key,
    /// our number or the key already known, and the file's own repeats.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn application(
        &mut self,
        ctx: &Ctx,
        tx: &mut legalaid_store::Tx,
        n: usize,
        p: PersonPlan,
        parsed: sheet::ApplicationRow,
        rules: &legalaid_domain::rules::RuleBook,
        region: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> AppResult<Result<Planned, Vec<FieldError>>> {
        let mut input = parsed.input;
        input.applicant_id = Some(p.existing.as_ref().map_or(PENDING_APPLICANT, |e| e.id));
        let fields = match input.validate(rules, region, now) {
            Err(e) => return Ok(Err(e)),
            Ok(fields) => fields,
        };
        let mut errors = Vec::new();
        let mut action = RowAction::Create;
        let key = sheet::source_ref(
            parsed.number.as_deref(),
            &p.hash,
            fields.received_at,
            &fields.matter_code,
        );
        // One of our numbers names that application only if it is this
        // applicant's, received at this time; otherwise the file's number is
        // another system's, known with the applicant by the key.
        let ours = match parsed.number.as_deref() {
            Some(number) => store::find_by_number(tx, number).await?,
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
            None => store::find_by_source_ref(tx, &key).await?,
        };
        // A file numbers each of its applications once.
        let number_again = parsed
            .number
            .as_ref()
            .and_then(|x| self.numbers.insert(x.clone(), n));
        if let Some(first) = number_again {
            errors.push(error("number", format!("与第 {first} 行的申请编号相同")));
        } else if let Some(first) = self.keys.insert(key.clone(), n) {
            errors.push(error(
                "number",
                format!("与第 {first} 行是同一申请（申请编号，或申请人、收到时间与事项相同）"),
            ));
        } else if let Some(a) = &found {
            let theirs = legalaid_store::units::get(tx, UnitId(a.receiving_unit_id))
                .await?
                .is_some_and(|u| policy::sees(ctx, &u));
            if theirs {
                action = RowAction::Unchanged;
            } else {
                errors.push(error("number", "该申请已由其他单位登记或导入".into()));
            }
        }
        // The person is taken from the first good row of its number.
        let applicant = match self.persons.get(&p.hash) {
            Some((first, f)) if *f != p.fields => {
                errors.push(error(
                    "id_number",
                    format!("与第 {first} 行证件号码相同，但当事人信息不一致"),
                ));
                None
            }
            Some(_) => Some(Applicant::SameAs(p.hash.clone())),
            None if errors.is_empty() => {
                self.persons.insert(p.hash.clone(), (n, p.fields.clone()));
                Some(Applicant::Planned(Box::new(p)))
            }
            None => None,
        };
        match applicant {
            Some(applicant) if errors.is_empty() => Ok(Ok(Planned {
                action,
                plan: Plan {
                    applicant,
                    fields,
                    source_ref: key,
                },
            })),
            _ => Ok(Err(errors)),
        }
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
    let region = region_of(&mut tx, unit).await?;
    let mut reports = Vec::with_capacity(body.len());
    let mut plans: Vec<Option<Plan>> = Vec::with_capacity(body.len());
    let mut planner = Planner::default();
    let mut persons = PersonCounts::default();
    for (i, row) in body.iter().enumerate() {
        let n = i + 2;
        let person = plan_person(app, ctx, &mut tx, &map, row, today, true).await?;
        let parsed = sheet::row_input(&map, row, &cx.rules);
        let planned = match (person, parsed) {
            (Err(mut pe), Err(ae)) => {
                pe.extend(ae);
                Err(pe)
            }
            (Err(pe), Ok(_)) => Err(pe),
            (Ok(_), Err(ae)) => Err(ae),
            (Ok(p), Ok(parsed)) => {
                planner
                    .application(ctx, &mut tx, n, p, parsed, &cx.rules, &region, now)
                    .await?
            }
        };
        let (action, errors, plan) = match planned {
            Ok(p) => {
                persons.add(p.person_action());
                (p.action, Vec::new(), Some(p.plan))
            }
            Err(errors) => (RowAction::Error, errors, None),
        };
        reports.push(RowReport {
            row: n,
            name: row_name(&map, row),
            action,
            errors,
        });
        plans.push(plan);
    }
    let mut report = ImportReport::of(reports, &persons);
    if !commit {
        return Ok(report);
    }
    if report.failed > 0 {
        return Err(refusal(&report.rows));
    }
    let mut writer = Writer::new(&mut tx, unit).await?;
    for (plan, r) in plans.into_iter().zip(&report.rows) {
        let Some(plan) = plan else { continue };
        writer
            .write(
                app,
                &mut tx,
                ctx,
                plan,
                r.row,
                r.action == RowAction::Create,
                now,
            )
            .await?;
    }
    tx.commit().await?;
    report.committed = true;
    Ok(report)
}

/// The region code of the importing unit: whose rules in force apply.
pub(crate) async fn region_of(tx: &mut legalaid_store::Tx, unit: UnitId) -> AppResult<String> {
    Ok(legalaid_store::units::get(tx, unit)
        .await?
        .map(|u| u.region_code.to_string())
        .unwrap_or_default())
}

/// Writes planned rows in a file's transaction: each applicant once (the
/// first row of its ID number), each new application numbered, keyed, audited
/// and tracked like one typed at the desk.
pub(crate) struct Writer {
    unit: UnitId,
    pattern: String,
    ids: HashMap<String, PersonId>,
}

impl Writer {
    pub(crate) async fn new(tx: &mut legalaid_store::Tx, unit: UnitId) -> AppResult<Self> {
        let pattern = store::setting(tx, "application_number_format")
            .await?
            .unwrap_or_else(|| "法援申〔{year}〕{seq}号".into());
        Ok(Writer {
            unit,
            pattern,
            ids: HashMap::new(),
        })
    }

    /// Writes row `row`'s applicant and, with `create`, its application (the
    /// application written, audited and tracked; none when not created).
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn write(
        &mut self,
        app: &App,
        tx: &mut legalaid_store::Tx,
        ctx: &Ctx,
        plan: Plan,
        row: usize,
        create: bool,
        now: chrono::DateTime<chrono::Utc>,
    ) -> AppResult<Option<legalaid_domain::application::Application>> {
        let applicant = match &plan.applicant {
            Applicant::Planned(p) => {
                let id = write_person(app, tx, ctx, p, self.unit, row).await?;
                self.ids.insert(p.hash.clone(), id);
                id
            }
            Applicant::SameAs(hash) => *self.ids.get(hash).ok_or_else(|| {
                AppError::Internal(format!("row {row}: its applicant was not written"))
            })?,
        };
        if !create {
            return Ok(None);
        }
        let mut fields = plan.fields;
        fields.applicant_id = applicant;
        let year = local_date(fields.received_at).year();
        let seq = store::next_number(tx, "application", year).await?;
        let number = format_number(&self.pattern, year, seq);
        let a = store::insert(tx, &number, self.unit.0, &fields, now).await?;
        store::set_source_ref(tx, a.id, &plan.source_ref)
            .await
            .map_err(|e| match e {
                legalaid_store::StoreError::Duplicate(_) => {
                    AppError::Conflict(format!("第 {row} 行的申请刚由他人导入，请重新检查后导入"))
                }
                e => e.into(),
            })?;
        // The entry names the row's key, so the trail says which file's row it was.
        let after = Imported {
            application: &a,
            source_ref: &plan.source_ref,
        };
        audit::record(
            app,
            tx,
            ctx,
            AuditAction::ApplicationCreate,
            a.id,
            None::<&()>,
            Some(&after),
        )
        .await?;
        crate::queues::track(app, tx, Subject::Application(a.id)).await?;
        Ok(Some(a))
    }
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
