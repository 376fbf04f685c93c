//! Duty lawyers at the workstations (值班律师, LAL arts 14, 30): the roster
//! (a lawyer on one workstation a day), the legal help they give, and their
//! subsidy by the schedule in force.
//!
//! Who: center reviewers and directors keep every roster of their region; a
//! workstation's own intake clerks keep its roster; bureau supervisors read;
//! a duty lawyer (handler) sees their own roster and help, and records the
//! help they gave on a day they were on duty. Others learn nothing (404).

use super::{own_staff, period};
use crate::policy::{acts_as, require};
use crate::{App, AppError, AppResult, Ctx, Page, audit, outbox, policy};
use chrono::{Datelike, NaiveDate};
use legalaid_domain::audit::AuditAction;
use legalaid_domain::notice::MessageKind;
use legalaid_domain::outreach::duty::{
    DutyDay, DutyMatter, DutyRate, DutyRateInput, DutySubsidy, HelpInput, HelpKind, compute,
    hosts_duty_lawyers,
};
use legalaid_domain::placeholder::Placeholder as P;
use legalaid_domain::role::Role;
use legalaid_domain::staff::StaffKind;
use legalaid_domain::unit::{UnitKind, WorkstationHost};
use legalaid_domain::visibility::Scope;
use legalaid_domain::{DutyHelpId, PersonId, RosterId, StaffId, UnitId, local_date};
use legalaid_store::Tx;
use legalaid_store::outreach::duty as store;
pub use legalaid_store::outreach::duty::{
    Help, HelpFilter, HelpLine, Roster, RosterFilter, RosterLine,
};
use serde::{Deserialize, Serialize};

/// Keeps rosters: center reviewers and directors (their region), and the
/// intake clerks of a workstation (its own).
pub fn can_manage(ctx: &Ctx) -> bool {
    if acts_as(ctx, &[Role::CenterReviewer, Role::CenterDirector]) {
        return true;
    }
    ctx.actor.as_ref().is_some_and(|a| {
        a.has(Role::IntakeClerk)
            && a.unit
                .as_ref()
                .is_some_and(|u| u.kind == UnitKind::Workstation)
    })
}

/// Reads rosters, help and subsidies: managers, bureau supervisors, and duty
/// lawyers (their own).
pub fn can_read(ctx: &Ctx) -> bool {
    can_manage(ctx) || acts_as(ctx, &[Role::BureauSupervisor, Role::Handler])
}

/// Keeps the subsidy schedule: administrators and bureau supervisors.
pub fn can_edit_rates(ctx: &Ctx) -> bool {
    acts_as(ctx, &[Role::BureauSupervisor])
}

/// A duty lawyer who reads only their own records (no manager or supervisor role).
fn lawyer_only(ctx: &Ctx) -> bool {
    !can_manage(ctx) && !acts_as(ctx, &[Role::BureauSupervisor])
}

/// The scope and the lawyer filter the caller reads with: a duty lawyer reads
/// their own rows wherever they were on duty.
fn reading(ctx: &Ctx) -> AppResult<(Scope, Option<i64>)> {
    require(can_read(ctx))?;
    if lawyer_only(ctx) {
        return Ok(match own_staff(ctx) {
            Some(s) => (Scope::All, Some(s)),
            None => (Scope::Nothing, None),
        });
    }
    Ok((policy::scope(ctx), None))
}

/// A workstation that hosts duty lawyers, visible to the caller.
async fn station(tx: &mut Tx, ctx: &Ctx, id: i64) -> AppResult<legalaid_domain::unit::Unit> {
    let u = crate::units::visible(tx, ctx, UnitId(id))
        .await
        .map_err(|_| AppError::field("workstation_id", "工作站不存在"))?;
    if u.kind != UnitKind::Workstation || !hosts_duty_lawyers(u.workstation_host) {
        return Err(AppError::field(
            "workstation_id",
            "值班律师在人民法院、人民检察院、看守所的法律援助工作站值班",
        ));
    }
    Ok(u)
}

/// A roster row as a form or the API gives it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RosterInput {
    #[serde(default)]
    pub workstation_id: Option<i64>,
    #[serde(default)]
    pub duty_date: Option<NaiveDate>,
    #[serde(default)]
    pub staff_id: Option<i64>,
    #[serde(default)]
    pub note: String,
}

/// Puts a lawyer on a workstation's roster for a day, and tells the lawyer of a
/// day to come (in-app and SMS, through the outbox) in the same transaction. A lawyer is
/// on one workstation a day: 409 when already on duty that day, here or
/// elsewhere (the unique pair settles two schedulers at once).
pub async fn add(app: &App, ctx: &Ctx, input: &RosterInput) -> AppResult<RosterLine> {
    require(can_manage(ctx))?;
    let now = app.clock.now();
    let mut errors = Vec::new();
    if input.workstation_id.is_none() {
        errors.push(legalaid_domain::FieldError {
            field: "workstation_id".into(),
            message: "请选择工作站".into(),
        });
    }
    if input.duty_date.is_none() {
        errors.push(legalaid_domain::FieldError {
            field: "duty_date".into(),
            message: "请填写值班日期".into(),
        });
    }
    if input.staff_id.is_none() {
        errors.push(legalaid_domain::FieldError {
            field: "staff_id".into(),
            message: "请选择值班律师".into(),
        });
    }
    let note = input.note.trim();
    if note.chars().count() > 200 {
        errors.push(legalaid_domain::FieldError {
            field: "note".into(),
            message: "备注不能超过200个字".into(),
        });
    }
    let (Some(ws), Some(day), Some(staff_id)) =
        (input.workstation_id, input.duty_date, input.staff_id)
    else {
        return Err(AppError::Validation(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let mut tx = app.store.write().await?;
    let unit = station(&mut tx, ctx, ws).await?;
    let staff = legalaid_store::staff::get(&mut tx, StaffId(staff_id))
        .await?
        .filter(|s| s.active && s.kind == StaffKind::Lawyer)
        .ok_or_else(|| AppError::field("staff_id", "值班律师应为在职的执业律师"))?;
    if let Some(other) = store::on_duty(&mut tx, staff_id, day).await? {
        let place = legalaid_store::units::get(&mut tx, UnitId(other.workstation_id))
            .await?
            .map(|u| u.name)
            .unwrap_or_default();
        return Err(AppError::Duplicate {
            field: "staff_id".into(),
            message: format!("{}当日已安排在{place}值班", staff.name),
        });
    }
    let r = Roster {
        id: 0,
        workstation_id: ws,
        region_code: unit.region_code.to_string(),
        duty_date: day,
        staff_id,
        note: note.to_owned(),
        reminded_at: None,
        created_by: ctx.user_id(),
        created_at: now,
    };
    let id = store::insert_roster(&mut tx, &r).await?;
    let saved = store::roster(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::DutyRosterAdd,
        id,
        None::<&()>,
        Some(&saved),
    )
    .await?;
    // Told when put on a day to come; the reminder of the day before is this
    // message when the day is tomorrow, else the job's (`remind_tomorrow`). A
    // roster written on the day (or after, to complete the record) tells no one.
    let today = local_date(now);
    if day > today {
        tell(&mut tx, staff_id, &unit.name, day, "", now).await?;
        if day == today + chrono::Duration::days(1) {
            store::mark_reminded(&mut tx, id, now).await?;
        }
    }
    tx.commit().await?;
    Ok(RosterLine {
        roster: store::roster(&mut app.store.read().await?, id)
            .await?
            .ok_or(AppError::NotFound)?,
        workstation_name: unit.name,
        host: unit.workstation_host,
        staff_name: staff.name,
    })
}

/// The lawyer's message about a duty day (in-app and SMS, through the outbox).
async fn tell(
    tx: &mut Tx,
    staff_id: i64,
    station: &str,
    day: NaiveDate,
    note: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    let mut v = outbox::Values::new();
    v.insert(P::Unit, station.to_owned());
    v.insert(P::Date, legalaid_domain::document::date_cn(day));
    v.insert(P::Note, note.to_owned());
    outbox::to_staff(
        tx,
        MessageKind::DutyRoster,
        staff_id,
        outbox::About::default(),
        v,
        now,
    )
    .await
}

/// Reminds the lawyers on duty tomorrow who were not reminded yet (the
/// background job; idempotent: each row is marked in the transaction that
/// writes its message, and a row another instance marked first is skipped).
/// Answers how many were reminded.
pub async fn remind_tomorrow(app: &App) -> AppResult<u64> {
    const BATCH: i64 = 200;
    let now = app.clock.now();
    let tomorrow = local_date(now) + chrono::Duration::days(1);
    let mut sent = 0;
    loop {
        let mut tx = app.store.write().await?;
        let due = store::due_reminders(&mut tx, tomorrow, BATCH).await?;
        for r in &due {
            if store::mark_reminded(&mut tx, RosterId(r.roster.id), now).await? {
                tell(
                    &mut tx,
                    r.roster.staff_id,
                    &r.workstation_name,
                    tomorrow,
                    "明天即为您的值班日。",
                    now,
                )
                .await?;
                sent += 1;
            }
        }
        tx.commit().await?;
        if i64::try_from(due.len()).unwrap_or(0) < BATCH {
            return Ok(sent);
        }
    }
}

/// Takes a lawyer off the roster; not once help of that day is recorded (409).
pub async fn remove(app: &App, ctx: &Ctx, id: RosterId) -> AppResult<()> {
    require(can_manage(ctx))?;
    let mut tx = app.store.write().await?;
    let r = store::roster(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    crate::units::visible(&mut tx, ctx, UnitId(r.workstation_id)).await?;
    store::delete_roster(&mut tx, id)
        .await
        .map_err(|e| match e {
            legalaid_store::StoreError::Reference { .. } => {
                AppError::Conflict("该值班日已登记法律帮助，不能取消值班安排".into())
            }
            e => e.into(),
        })?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::DutyRosterRemove,
        id,
        Some(&r),
        None::<&()>,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Roster rows by day; a duty lawyer's own only.
pub async fn roster(
    app: &App,
    ctx: &Ctx,
    filter: &RosterFilter,
    page: Page,
) -> AppResult<(Vec<RosterLine>, i64)> {
    let (scope, mine) = reading(ctx)?;
    let mut f = filter.clone();
    if mine.is_some() {
        f.staff_id = mine;
    }
    let mut tx = app.store.read().await?;
    Ok(store::rosters(&mut tx, &scope, &f, page).await?)
}

/// Records legal help given by a lawyer on duty at the workstation that day
/// (422 otherwise). A duty lawyer records their own help; managers record any
/// lawyer's at the stations they keep.
pub async fn record_help(app: &App, ctx: &Ctx, input: &HelpInput) -> AppResult<HelpLine> {
    require(can_manage(ctx) || acts_as(ctx, &[Role::Handler]))?;
    let now = app.clock.now();
    let v = input
        .validate(local_date(now))
        .map_err(AppError::Validation)?;
    let me = own_staff(ctx);
    let staff_id = v
        .staff_id
        .or(me)
        .ok_or_else(|| AppError::field("staff_id", "请选择值班律师"))?;
    let manager = can_manage(ctx);
    if !manager && Some(staff_id) != me {
        return Err(AppError::forbidden());
    }
    let mut tx = app.store.write().await?;
    let unit = if manager {
        station(&mut tx, ctx, v.workstation_id).await?
    } else {
        legalaid_store::units::get(&mut tx, UnitId(v.workstation_id))
            .await?
            .ok_or_else(|| AppError::field("workstation_id", "工作站不存在"))?
    };
    let roster = store::on_duty(&mut tx, staff_id, v.helped_on)
        .await?
        .filter(|r| r.workstation_id == v.workstation_id)
        .ok_or_else(|| AppError::field("helped_on", "该律师当日未在本工作站值班，请先安排值班"))?;
    if let Some(p) = v.person_id {
        let person = legalaid_store::persons::get(&mut tx, PersonId(p)).await?;
        let ok = match &person {
            Some(x) => crate::persons::reachable(&mut tx, ctx, x).await?,
            None => false,
        };
        if !ok {
            return Err(AppError::field("person_id", "当事人不存在"));
        }
    }
    let h = Help {
        id: 0,
        roster_id: roster.id,
        workstation_id: v.workstation_id,
        region_code: unit.region_code.to_string(),
        helped_on: v.helped_on,
        staff_id,
        kind: v.kind,
        person_id: v.person_id,
        person_name: v.person_name.clone(),
        person_role: v.person_role,
        organ_name: v.organ_name.clone(),
        organ_case_number: v.organ_case_number.clone(),
        summary: v.summary.clone(),
        created_by: ctx.user_id(),
        created_at: now,
        version: 1,
    };
    let id = store::insert_help(&mut tx, &h).await?;
    let saved = store::help(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::DutyHelpRecord,
        id,
        None::<&()>,
        Some(&saved),
    )
    .await?;
    tx.commit().await?;
    get_help(app, ctx, id).await
}

/// One help record: its station's readers, and its lawyer.
pub async fn get_help(app: &App, ctx: &Ctx, id: DutyHelpId) -> AppResult<HelpLine> {
    let (scope, mine) = reading(ctx).map_err(|_| AppError::NotFound)?;
    let mut tx = app.store.read().await?;
    let h = store::help(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let unit = legalaid_store::units::get(&mut tx, UnitId(h.workstation_id))
        .await?
        .ok_or(AppError::NotFound)?;
    let ok = match mine {
        Some(s) => s == h.staff_id,
        None => scope.covers(unit.id, &unit.region_code),
    };
    if !ok {
        return Err(AppError::NotFound);
    }
    let staff_name = legalaid_store::staff::get(&mut tx, StaffId(h.staff_id))
        .await?
        .map(|s| s.name)
        .unwrap_or_default();
    Ok(HelpLine {
        help: h,
        workstation_name: unit.name,
        host: unit.workstation_host,
        staff_name,
    })
}

/// Help records latest first; a duty lawyer's own only.
pub async fn helps(
    app: &App,
    ctx: &Ctx,
    filter: &HelpFilter,
    page: Page,
) -> AppResult<(Vec<HelpLine>, i64)> {
    let (scope, mine) = reading(ctx)?;
    let mut f = filter.clone();
    if mine.is_some() {
        f.staff_id = mine;
    }
    let mut tx = app.store.read().await?;
    Ok(store::helps(&mut tx, &scope, &f, page).await?)
}

/// The duty subsidy schedule.
pub async fn rates(app: &App, ctx: &Ctx) -> AppResult<Vec<DutyRate>> {
    require(can_read(ctx))?;
    let mut tx = app.store.read().await?;
    Ok(store::rates(&mut tx).await?)
}

/// Adds a row to the schedule (a new rate from a date; the old row is ended
/// by its own `effective_to` or overtaken by the later start).
pub async fn add_rate(app: &App, ctx: &Ctx, input: &DutyRateInput) -> AppResult<Vec<DutyRate>> {
    require(can_edit_rates(ctx))?;
    let r = input.validate().map_err(AppError::Validation)?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    store::insert_rate(&mut tx, &r, now).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::DutyRateAdd,
        format!("{}:{}:{}", r.host, r.basis, r.effective_from),
        None::<&()>,
        Some(&r),
    )
    .await?;
    tx.commit().await?;
    rates(app, ctx).await
}

/// A lawyer's duty subsidy in a month.
#[derive(Debug, Clone, Serialize)]
pub struct LawyerMonth {
    pub staff_id: i64,
    pub staff_name: String,
    /// `YYYY-MM`.
    pub month: String,
    #[serde(flatten)]
    pub subsidy: DutySubsidy,
}

/// The subsidies of a period.
#[derive(Debug, Clone, Serialize)]
pub struct Subsidies {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub lines: Vec<LawyerMonth>,
    pub total_fen: i64,
}

fn host(code: Option<String>) -> Option<WorkstationHost> {
    code.and_then(|c| WorkstationHost::parse(&c))
}

fn month(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

/// The duty subsidy per lawyer and month of `[from, to]` (default: this year
/// to date), computed from the roster, the help records and the schedule in
/// force on each day; a duty lawyer sees their own.
pub async fn subsidies(
    app: &App,
    ctx: &Ctx,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    workstation_id: Option<i64>,
) -> AppResult<Subsidies> {
    let (scope, mine) = reading(ctx)?;
    let (from, to) = period(local_date(app.clock.now()), from, to)?;
    let mut tx = app.store.read().await?;
    let rates = store::rates(&mut tx).await?;
    let days = store::duty_days(
        &mut tx,
        &scope,
        &RosterFilter {
            workstation_id,
            staff_id: mine,
            from: Some(from),
            to: Some(to),
        },
    )
    .await?;
    let matters = store::matters(
        &mut tx,
        &scope,
        &HelpFilter {
            workstation_id,
            staff_id: mine,
            kind: None,
            from: Some(from),
            to: Some(to),
        },
    )
    .await?;
    // (lawyer, month) → days and matters.
    let mut groups: std::collections::BTreeMap<(i64, String), (Vec<DutyDay>, Vec<DutyMatter>)> =
        std::collections::BTreeMap::new();
    for (staff, day, h) in days {
        if let Some(host) = host(h) {
            groups
                .entry((staff, month(day)))
                .or_default()
                .0
                .push(DutyDay { day, host });
        }
    }
    for (staff, day, h, kind) in matters {
        if let (Some(host), Some(kind)) = (host(h), HelpKind::parse(&kind)) {
            groups
                .entry((staff, month(day)))
                .or_default()
                .1
                .push(DutyMatter { day, host, kind });
        }
    }
    let mut names: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
    let mut lines = Vec::new();
    for ((staff, m), (d, k)) in groups {
        if let std::collections::hash_map::Entry::Vacant(e) = names.entry(staff) {
            let n = legalaid_store::staff::get(&mut tx, StaffId(staff))
                .await?
                .map(|s| s.name)
                .unwrap_or_default();
            e.insert(n);
        }
        lines.push(LawyerMonth {
            staff_id: staff,
            staff_name: names.get(&staff).cloned().unwrap_or_default(),
            month: m,
            subsidy: compute(&d, &k, &rates),
        });
    }
    lines.sort_by(|a, b| a.month.cmp(&b.month).then(a.staff_name.cmp(&b.staff_name)));
    let total_fen = lines.iter().map(|l| l.subsidy.total_fen).sum();
    Ok(Subsidies {
        from,
        to,
        lines,
        total_fen,
    })
}

/// The workstations whose rosters the caller keeps (the roster form's choice).
pub async fn stations(app: &App, ctx: &Ctx) -> AppResult<Vec<legalaid_domain::unit::Unit>> {
    require(can_read(ctx))?;
    Ok(crate::units::all_visible(app, ctx)
        .await?
        .into_iter()
        .filter(|u| u.kind == UnitKind::Workstation && hosts_duty_lawyers(u.workstation_host))
        .collect())
}
