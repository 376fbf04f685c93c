//! Importing cases in progress from a spreadsheet (issue 13, ADR 0051): each
//! row is a recipient (the persons sheet's columns), the application granted
//! in the other system (the applications sheet's) and its case, assigned and
//! under agreement (the cases sheet's, docs/IMPORT.md). A dry run names every
//! bad row; then all rows or none, in one transaction. Each case is keyed by
//! its row (`case_sheet::source_ref`), so a file imported again changes
//! nothing and two instances importing one file at once meet a unique index
//! (409).
//!
//! What is written is what the desk would have written, dated as it happened:
//! the application received and granted (by the other system: no one here
//! decided it), the case opened on its day (so the statistics count it in its
//! month), assigned and under agreement through the state machine's own
//! transitions, with one assignment. The law's constraints on who may handle
//! the case refuse a row; a conflict of interest found is written on the
//! assignment. No one is texted: the other system told the recipient and the
//! handler long ago.

use super::*;
use crate::applications::import::{ImportReport, PersonCounts, Planner, Writer, region_of};
use crate::persons::import::{
    RowAction, RowReport, check_size, importing_unit, plan_person, refusal, row_name,
};
use legalaid_domain::FieldError;
use legalaid_domain::application::{Event, Outcome};
use legalaid_domain::case_sheet::{self as sheet, CaseRow};
use legalaid_domain::staff::Staff;
use std::collections::HashMap;

/// Who imports cases: intake staff who may also grant legal aid and run
/// cases (the center's director), since each row records a grant.
pub fn can_import(ctx: &Ctx) -> bool {
    crate::applications::import::can_import(ctx)
        && crate::applications::can_decide(ctx)
        && can_manage(ctx)
}

/// A row's case, checked and ready to write after its application.
struct CasePlan {
    source_ref: String,
    case_type: CaseType,
    stage: Stage,
    possible_life_or_death: bool,
    juvenile: bool,
    unit_id: i64,
    handler_id: i64,
    conflict_note: String,
    decided_at: DateTime<Utc>,
    opened_at: DateTime<Utc>,
    assigned_at: DateTime<Utc>,
    agreement_signed_on: NaiveDate,
}

fn error(field: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.into(),
        message: message.into(),
    }
}

/// The start of a day in China time, but not before `floor`: a day the file
/// gives for a step taken after an earlier step of the same day.
fn day_start_from(day: NaiveDate, floor: DateTime<Utc>) -> DateTime<Utc> {
    let start = day
        .and_hms_opt(0, 0, 0)
        .map_or(floor, |t| (t - chrono::Duration::hours(8)).and_utc());
    start.max(floor)
}

/// What checking a file keeps from row to row for its cases: the units and
/// their staff read once, the case numbers seen.
#[derive(Default)]
struct Seen {
    units: HashMap<String, Option<Unit>>,
    staff: HashMap<i64, Vec<Staff>>,
    numbers: HashMap<String, usize>,
}

impl Seen {
    /// The unit named `name` among those the caller sees.
    async fn unit(&mut self, tx: &mut Tx, ctx: &Ctx, name: &str) -> AppResult<Option<Unit>> {
        if let Some(u) = self.units.get(name) {
            return Ok(u.clone());
        }
        let unit = legalaid_store::units::by_name(tx, name)
            .await?
            .filter(|u| policy::sees(ctx, u));
        self.units.insert(name.to_owned(), unit.clone());
        Ok(unit)
    }

    /// The staff of `unit`.
    async fn staff(&mut self, tx: &mut Tx, ctx: &Ctx, unit: UnitId) -> AppResult<&[Staff]> {
        if let std::collections::hash_map::Entry::Vacant(e) = self.staff.entry(unit.0) {
            let all = legalaid_store::staff::all(
                tx,
                &policy::scope(ctx),
                &legalaid_store::staff::StaffFilter {
                    unit_id: Some(unit),
                    ..Default::default()
                },
            )
            .await?;
            e.insert(all);
        }
        Ok(self.staff.get(&unit.0).map_or(&[], Vec::as_slice))
    }
}

/// Checks every row of `rows` (the first is the header) and, with `commit`
/// and no row in error, writes them all in one transaction, each audited.
/// Per row, `action` is the case's: `create`, `unchanged` (imported before, or
/// ours by number) or `error`.
pub async fn import(
    app: &App,
    ctx: &Ctx,
    rows: &[Vec<String>],
    commit: bool,
) -> AppResult<ImportReport> {
    require(can_import(ctx))?;
    let unit = importing_unit(ctx)?;
    let (header, body) = rows
        .split_first()
        .ok_or_else(|| AppError::field("file", "文件中没有表头行"))?;
    let map = sheet::header_map(header).map_err(AppError::Validation)?;
    check_size(body)?;
    let cx = crate::applications::context(app).await?;
    let now = app.clock.now();
    let today = local_date(now);
    let mut tx = if commit {
        app.store.write().await?
    } else {
        app.store.read().await?
    };
    let region = region_of(&mut tx, unit).await?;
    let mut reports = Vec::with_capacity(body.len());
    let mut plans = Vec::with_capacity(body.len());
    let mut planner = Planner::default();
    let mut persons = PersonCounts::default();
    let mut seen = Seen::default();
    for (i, row) in body.iter().enumerate() {
        let n = i + 2;
        let person = plan_person(app, ctx, &mut tx, &map, row, today, true).await?;
        let parsed = sheet::row_input(&map, row, &cx.rules);
        let planned = match (person, parsed) {
            (Err(mut pe), Err(ce)) => {
                pe.extend(ce);
                Err(pe)
            }
            (Err(pe), Ok(_)) => Err(pe),
            (Ok(_), Err(ce)) => Err(ce),
            (Ok(p), Ok(parsed)) => {
                plan_row(
                    ctx,
                    &mut tx,
                    n,
                    p,
                    parsed,
                    (&mut planner, &mut seen),
                    (&cx.rules, &region, now),
                )
                .await?
            }
        };
        let (action, errors, plan) = match planned {
            Ok(Some((person, plan))) => {
                persons.add(person);
                (RowAction::Create, Vec::new(), Some(plan))
            }
            Ok(None) => (RowAction::Unchanged, Vec::new(), None),
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
        let Some((application, case)) = plan else {
            continue;
        };
        let a = writer
            .write(app, &mut tx, ctx, application, r.row, true, now)
            .await?
            .ok_or_else(|| AppError::Internal(format!("row {}: no application", r.row)))?;
        write_case(app, &mut tx, ctx, &cx, &region, a, case, r.row, now).await?;
    }
    tx.commit().await?;
    report.committed = true;
    Ok(report)
}

type RowPlan = (crate::applications::import::Plan, CasePlan);

/// What a row does to its person and what it writes.
type Checked = Result<Option<(RowAction, RowPlan)>, Vec<FieldError>>;

/// Checks row `n`: its application and recipient as the applications import
/// does, then its case: the key, the days, the unit and handler and the law's
/// constraints on them. `Ok(None)` for a case already imported (or ours).
async fn plan_row(
    ctx: &Ctx,
    tx: &mut Tx,
    n: usize,
    p: crate::persons::import::PersonPlan,
    row: CaseRow,
    (planner, seen): (&mut Planner, &mut Seen),
    (rules, region, now): (&legalaid_domain::rules::RuleBook, &str, DateTime<Utc>),
) -> AppResult<Checked> {
    let today = local_date(now);
    let hash = p.hash.clone();
    let recipient = p.existing.as_ref().map(|e| e.id);
    let recipient_name = p.fields.name.clone();
    let birth_date = p.fields.birth_date;
    let key = sheet::source_ref(&row.case_no, &hash);
    // The file's own repeats first: a case once per file.
    if let Some(first) = seen.numbers.insert(row.case_no.clone(), n) {
        return Ok(Err(vec![error(
            "case_no",
            format!("与第 {first} 行的案件编号相同"),
        )]));
    }
    // One of our numbers names that case only if it is this recipient's,
    // opened on the row's day; otherwise the number is another system's.
    let found = match store::find_by_number(tx, &row.case_no).await? {
        Some(c)
            if recipient == Some(c.recipient_id) && local_date(c.created_at) == row.opened_on =>
        {
            Some(c)
        }
        Some(_) => {
            return Ok(Err(vec![error(
                "case_no",
                "案件编号已用于另一件案件（受援人或立案日期不同）",
            )]));
        }
        None => store::find_by_source_ref(tx, &key).await?,
    };
    if let Some(c) = found {
        let ours = legalaid_store::units::get(tx, UnitId(c.intake_unit_id))
            .await?
            .is_some_and(|u| policy::sees(ctx, &u));
        return Ok(if ours {
            Ok(None)
        } else {
            Err(vec![error("case_no", "该案件已由其他单位登记或导入")])
        });
    }
    let planned = match planner
        .application(ctx, tx, n, p, row.application.clone(), rules, region, now)
        .await?
    {
        Err(e) => return Ok(Err(e)),
        Ok(planned) => planned,
    };
    if planned.action != RowAction::Create {
        return Ok(Err(vec![error(
            "number",
            "该申请已在系统中：请在系统中审查、立案，或删去本行",
        )]));
    }
    let fields = planned.plan.fields();
    let mut errors = Vec::new();
    if row.status != CaseStatus::InProgress {
        errors.push(error(
            "status",
            "目前只导入承办中的案件；已结案的案件请保留在原系统查阅",
        ));
    }
    let notified = fields.channel == Channel::Notified;
    errors.extend(row.check_days(local_date(fields.received_at), notified, today));
    // Type and stage as the case would have opened here, unless the row says.
    let matter = rules.matter(&fields.matter_code, region, local_date(fields.received_at));
    let case_type = row.case_type.unwrap_or_else(|| {
        matter.map_or(CaseType::Civil, |m| {
            legalaid_domain::case::type_for(m.category, fields.service_form)
        })
    });
    let stage = row.stage.unwrap_or_else(|| {
        legalaid_domain::case::first_stage(case_type, &fields.matter_code, fields.notifying_organ)
    });
    if !case_type.allows(stage) {
        errors.push(error(
            "stage",
            format!("{}案件不能选择{}", case_type.label(), stage.label()),
        ));
    }
    let juvenile = row.juvenile.unwrap_or_else(|| {
        birth_date.is_some_and(|b| {
            legalaid_domain::person::age_on(b, local_date(fields.received_at)) < 18
        })
    });
    let possible_life_or_death = row.possible_life_or_death || stage == Stage::DeathPenaltyReview;
    // The unit, then its handler, then the law's constraints on them.
    let unit = seen.unit(tx, ctx, &row.handling_unit).await?;
    let unit = match unit {
        None => {
            errors.push(error(
                "handling_unit",
                format!("承办单位“{}”不存在或不在本单位辖区", row.handling_unit),
            ));
            None
        }
        Some(u)
            if !matches!(
                u.kind,
                UnitKind::LawFirm | UnitKind::LegalServiceOffice | UnitKind::LegalAidCenter
            ) =>
        {
            errors.push(error(
                "handling_unit",
                "承办单位应为律师事务所、基层法律服务所或法律援助中心",
            ));
            None
        }
        Some(u) if !u.active => {
            errors.push(error("handling_unit", "承办单位已停用"));
            None
        }
        Some(u) => Some(u),
    };
    let mut conflict_note = String::new();
    let mut handler = None;
    if let Some(u) = &unit {
        let same_name: Vec<Staff> = seen
            .staff(tx, ctx, u.id)
            .await?
            .iter()
            .filter(|s| s.name == row.handler)
            .filter(|s| {
                row.handler_licence
                    .as_deref()
                    .is_none_or(|l| s.licence_no.trim() == l)
            })
            .cloned()
            .collect();
        match same_name.as_slice() {
            [] => errors.push(error(
                "handler",
                match &row.handler_licence {
                    Some(l) => format!("{}没有执业证号为 {l} 的{}", u.name, row.handler),
                    None => format!("{}没有名为“{}”的工作人员", u.name, row.handler),
                },
            )),
            [s] => handler = Some(s.clone()),
            _ => errors.push(error(
                "handler_licence",
                format!("{}有多名“{}”：请填写承办人执业证号", u.name, row.handler),
            )),
        }
    }
    if let Some(s) = handler.clone() {
        let year = row.assigned_on.year();
        let needs = Needs {
            case_type,
            stage,
            possible_life_or_death,
            juvenile,
            specialty: assignment::specialty_for(&fields.matter_code, case_type),
            recipient_name: &recipient_name,
            opposing_party: &fields.opposing_party,
            year,
        };
        match assign::candidates(tx, vec![s], CaseId(0), year)
            .await?
            .pop()
        {
            None => errors.push(error("handler", "承办人不存在")),
            Some(cand) => {
                let refusals = assignment::refusals(&cand, &needs);
                if !refusals.is_empty() {
                    errors.push(error(
                        "handler",
                        format!("不能由{}承办：{}", cand.name, refusals.join("；")),
                    ));
                }
                let conflicts = assignment::conflicts(&cand, &needs);
                if !conflicts.is_empty() {
                    conflict_note = format!("导入时发现：{}（原系统指派）", conflicts.join("；"));
                }
            }
        }
    }
    let (Some(unit), Some(handler)) = (unit, handler) else {
        return Ok(Err(errors));
    };
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    // Each step's instant: the start of its day, but never before the step
    // before it (received at 09:30 and granted the same day).
    let decided_at = match (notified, row.decided_on) {
        (false, Some(d)) => day_start_from(d, fields.received_at),
        _ => fields.received_at,
    };
    let opened_at = day_start_from(row.opened_on, decided_at);
    let assigned_at = day_start_from(row.assigned_on, opened_at);
    let person = planned.person_action();
    Ok(Ok(Some((
        person,
        (
            planned.plan,
            CasePlan {
                source_ref: key,
                case_type,
                stage,
                possible_life_or_death,
                juvenile,
                unit_id: unit.id.0,
                handler_id: handler.id.0,
                conflict_note,
                decided_at,
                opened_at,
                assigned_at,
                agreement_signed_on: row.agreement_signed_on,
            },
        ),
    ))))
}

/// Grants the imported application and writes its case, assigned and under
/// agreement, dated as the row says; all audited.
#[allow(clippy::too_many_arguments)]
async fn write_case(
    app: &App,
    tx: &mut Tx,
    ctx: &Ctx,
    cx: &crate::applications::Context,
    region: &str,
    a: Application,
    plan: CasePlan,
    row: usize,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let notified = a.channel == Channel::Notified;
    let verdict = crate::applications::assessment_of(&a, region, cx).verdict;
    let granted = legalaid_store::applications::change(
        tx,
        a.id,
        a.version,
        &legalaid_store::applications::Change {
            status: Some(
                a.status
                    .next(Event::Decide(Outcome::Granted))
                    .map_err(conflict)?,
            ),
            decision: Some(legalaid_store::applications::Decision {
                outcome: Outcome::Granted,
                denial_reason: None,
                reason: if notified {
                    "办案机关通知辩护（代理），依法指派，无需审查经济状况（自原系统导入）"
                } else {
                    "原系统已决定给予法律援助（自原系统导入）"
                },
                against_assessment: !notified
                    && verdict != legalaid_domain::assessment::Verdict::Eligible,
                at: plan.decided_at,
                by: None,
            }),
            ..Default::default()
        },
        now,
    )
    .await?;
    audit::record(
        app,
        tx,
        ctx,
        AuditAction::ApplicationDecide,
        a.id,
        Some(&a),
        Some(&granted),
    )
    .await?;
    let number = next_number(tx, local_date(plan.opened_at).year()).await?;
    // Opened on its day: the statistics count the case in the month it opened.
    let opened = store::insert(
        tx,
        &store::NewCase {
            number: &number,
            application_id: a.id.0,
            previous_case_id: None,
            recipient_id: a.applicant_id.0,
            case_type: plan.case_type,
            stage: plan.stage,
            intake_unit_id: a.receiving_unit_id,
            possible_life_or_death: plan.possible_life_or_death,
            juvenile: plan.juvenile,
            opposing_party: &a.opposing_party,
            case_organ: &a.case_organ,
            organ_case_number: &a.case_number,
            assign_from: plan.decided_at,
        },
        plan.opened_at,
    )
    .await?;
    store::set_source_ref(tx, opened.id, &plan.source_ref)
        .await
        .map_err(|e| match e {
            legalaid_store::StoreError::Duplicate(_) => {
                AppError::Conflict(format!("第 {row} 行的案件刚由他人导入，请重新检查后导入"))
            }
            e => e.into(),
        })?;
    // The state through the machine's own steps: assigned, then under agreement.
    let mut after = opened.clone();
    after.status = opened
        .status
        .next(CaseEvent::AssignHandler)
        .and_then(|s| s.next(CaseEvent::SignAgreement))
        .map_err(conflict)?;
    after.handling_unit_id = Some(plan.unit_id);
    after.handler_id = Some(plan.handler_id);
    after.assigned_at = Some(plan.assigned_at);
    after.agreement_signed_on = Some(plan.agreement_signed_on);
    let saved = store::save(tx, &after, now).await?;
    store::add_assignment(
        tx,
        &store::NewAssignment {
            case_id: saved.id.0,
            unit_id: plan.unit_id,
            handler_id: Some(plan.handler_id),
            by: None,
            conflict_note: &plan.conflict_note,
            end_reason: "",
            at: plan.assigned_at,
        },
    )
    .await?;
    let entry = Imported {
        case: &saved,
        source_ref: &plan.source_ref,
        conflict_note: &plan.conflict_note,
    };
    audit::record(
        app,
        tx,
        ctx,
        AuditAction::CaseImport,
        saved.id,
        None::<&()>,
        Some(&entry),
    )
    .await?;
    crate::queues::track(app, tx, Subject::Application(a.id)).await?;
    Ok(())
}

/// An imported case as its audit entry records it: the case as written, the
/// key it was imported under (`cases.source_ref`) and any conflict found.
#[derive(serde::Serialize)]
struct Imported<'a> {
    #[serde(flatten)]
    case: &'a Case,
    source_ref: &'a str,
    conflict_note: &'a str,
}
