//! Assignment: ranked suggestions, the law's constraints and conflicts, the
//! assignment itself (or the firm naming its lawyer), the agreement, and the
//! replacement of a handler.

use super::*;
use legalaid_domain::CaseId;
use legalaid_domain::audit::AuditAction;
use legalaid_domain::case::{ReplacementRequester, ReplacementStatus};
use legalaid_domain::placeholder::Placeholder as P;

async fn needs_of<'a>(
    tx: &mut Tx,
    c: &'a Case,
    recipient: &'a str,
) -> AppResult<(Needs<'a>, Option<String>)> {
    let a = legalaid_store::applications::get(tx, c.application_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((
        Needs {
            case_type: c.case_type,
            stage: c.stage,
            possible_life_or_death: c.possible_life_or_death,
            juvenile: c.juvenile,
            specialty: assignment::specialty_for(&a.matter_code, c.case_type),
            recipient_name: recipient,
            opposing_party: &c.opposing_party,
            year: 0,
        },
        Some(a.matter_code),
    ))
}

/// Builds the candidates among `staff` (with their units, loads and other matters).
pub(super) async fn candidates(
    tx: &mut Tx,
    staff: Vec<legalaid_domain::staff::Staff>,
    case_id: CaseId,
    year: i32,
) -> AppResult<Vec<Candidate>> {
    let ids: Vec<i64> = staff.iter().map(|s| s.id.0).collect();
    let year_start = NaiveDate::from_ymd_opt(year, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map_or_else(Utc::now, |t| (t - chrono::Duration::hours(8)).and_utc());
    let loads = store::loads(tx, &ids, year_start).await?;
    let others = store::other_matters(tx, &ids, case_id.0).await?;
    let mut unit_cache: std::collections::HashMap<i64, legalaid_domain::unit::Unit> =
        std::collections::HashMap::new();
    let mut out = Vec::new();
    for s in staff {
        let unit = match unit_cache.get(&s.unit_id.0) {
            Some(u) => u.clone(),
            None => {
                let Some(u) = legalaid_store::units::get(tx, s.unit_id).await? else {
                    continue;
                };
                unit_cache.insert(s.unit_id.0, u.clone());
                u
            }
        };
        let load = loads.get(&s.id.0).cloned().unwrap_or_default();
        out.push(Candidate {
            staff_id: s.id.0,
            name: s.name.clone(),
            unit_id: s.unit_id.0,
            unit_name: unit.name.clone(),
            unit_kind: unit.kind,
            kind: s.kind,
            licence_no: s.licence_no.clone(),
            practice_start_year: s.practice_start_year,
            specialties: s.specialties.clone(),
            active: s.active && unit.active,
            open_cases: load.open_cases,
            assigned_this_year: load.assigned_this_year,
            last_assigned_on: load.last_assigned_on.map(local_date),
            other_matters: others
                .iter()
                .filter(|(h, ..)| *h == s.id.0)
                .map(|(_, number, recipient, opposing)| OtherMatter {
                    case_number: number.clone(),
                    recipient_name: recipient.clone(),
                    opposing_party: opposing.clone(),
                })
                .collect(),
            quality: None,
        });
    }
    Ok(out)
}

/// Handlers the center may assign, ranked (eligible first) with their reasons.
pub async fn suggestions(app: &App, ctx: &Ctx, id: CaseId) -> AppResult<Vec<Suggestion>> {
    require(can_manage(ctx) || ctx.actor.as_ref().is_some_and(|a| a.has(Role::Handler)))?;
    let today = local_date(app.clock.now());
    let mut tx = app.store.read().await?;
    let c = visible(&mut tx, ctx, id).await?;
    let recipient = legalaid_store::persons::get(&mut tx, c.recipient_id)
        .await?
        .map(|p| p.name)
        .unwrap_or_default();
    let (mut needs, _) = needs_of(&mut tx, &c, &recipient).await?;
    needs.year = today.year();
    let staff = legalaid_store::staff::all(
        &mut tx,
        &policy::scope(ctx),
        &legalaid_store::staff::StaffFilter::default(),
    )
    .await?;
    // A firm names its own lawyer (its users see only their own staff anyway); a
    // replacement may go to any unit.
    let naming = c.status == CaseStatus::AwaitingHandler;
    let staff: Vec<_> = staff
        .into_iter()
        .filter(|s| !naming || c.handling_unit_id == Some(s.unit_id.0))
        .collect();
    let cands = candidates(&mut tx, staff, c.id, today.year()).await?;
    let cands: Vec<_> = cands
        .into_iter()
        .filter(|c| {
            // Center staff without a lawyer's or legal professional qualification
            // never handle cases: they are left out rather than listed as refused.
            let qualified = c.kind != StaffKind::CenterStaff || !c.licence_no.trim().is_empty();
            matches!(
                c.unit_kind,
                UnitKind::LawFirm | UnitKind::LegalServiceOffice | UnitKind::LegalAidCenter
            ) && c.kind != StaffKind::JudicialOfficer
                && qualified
        })
        .collect();
    // The quality rating of each candidate weighs in, with its reason.
    let ids: Vec<i64> = cands.iter().map(|c| c.staff_id).collect();
    let (ratings, rule) = crate::ratings::of_handlers(&mut tx, &ids, today).await?;
    let cands: Vec<_> = cands
        .into_iter()
        .map(|mut c| {
            c.quality = ratings
                .get(&c.staff_id)
                .map(|r| legalaid_domain::rating::ranking_factor(r, &rule));
            c
        })
        .collect();
    Ok(assignment::rank(&cands, &needs, today))
}

/// Checks a handler for a case: the law's constraints refuse (409 with the
/// reasons); a conflict needs a recorded reason.
async fn check_handler(
    tx: &mut Tx,
    c: &Case,
    staff_id: i64,
    unit_id: i64,
    conflict_reason: &str,
    year: i32,
) -> AppResult<String> {
    let s = legalaid_store::staff::get(tx, StaffId(staff_id))
        .await?
        .ok_or_else(|| AppError::field("handler_id", "承办人不存在"))?;
    if s.unit_id.0 != unit_id {
        return Err(AppError::field("handler_id", "承办人不属于所选承办单位"));
    }
    let recipient = legalaid_store::persons::get(tx, c.recipient_id)
        .await?
        .map(|p| p.name)
        .unwrap_or_default();
    let (mut needs, _) = needs_of(tx, c, &recipient).await?;
    needs.year = year;
    let cand = candidates(tx, vec![s], c.id, year)
        .await?
        .pop()
        .ok_or_else(|| AppError::field("handler_id", "承办人不存在"))?;
    let refusals = assignment::refusals(&cand, &needs);
    if !refusals.is_empty() {
        return Err(AppError::Conflict(format!(
            "不能指派{}：{}",
            cand.name,
            refusals.join("；")
        )));
    }
    crate::error::check_reason_length("conflict_reason", conflict_reason, "确认理由")?;
    let conflicts = assignment::conflicts(&cand, &needs);
    if !conflicts.is_empty() && conflict_reason.trim().is_empty() {
        return Err(AppError::Conflict(format!(
            "利益冲突：{}。如确认不构成冲突，请填写理由后再指派",
            conflicts.join("；")
        )));
    }
    Ok(if conflicts.is_empty() {
        String::new()
    } else {
        format!(
            "{}（确认理由：{}）",
            conflicts.join("；"),
            conflict_reason.trim()
        )
    })
}

/// Assigns a case to a unit, and to a handler when named. A law firm or legal
/// service office that received a case names its handler the same way.
pub async fn assign(app: &App, ctx: &Ctx, id: CaseId, input: &AssignInput) -> AppResult<CaseView> {
    let version = input
        .version
        .ok_or_else(|| AppError::field("version", "缺少版本号"))?;
    let unit_id = input
        .unit_id
        .ok_or_else(|| AppError::field("unit_id", "请选择承办单位"))?;
    let now = app.clock.now();
    let year = local_date(now).year();
    let mut tx = app.store.write().await?;
    let before = visible(&mut tx, ctx, id).await?;
    // The center assigns; the assigned unit only names its own handler.
    let naming =
        before.status == CaseStatus::AwaitingHandler && before.handling_unit_id == Some(unit_id);
    require(CaseAction::Assign.permitted(ctx, &before) && (can_manage(ctx) || naming))?;
    let unit = units::visible(&mut tx, ctx, UnitId(unit_id))
        .await
        .map_err(|_| AppError::field("unit_id", "承办单位不存在"))?;
    if !matches!(
        unit.kind,
        UnitKind::LawFirm | UnitKind::LegalServiceOffice | UnitKind::LegalAidCenter
    ) {
        return Err(AppError::field(
            "unit_id",
            "承办单位应为律师事务所、基层法律服务所或法律援助中心",
        ));
    }
    let mut after = before.clone();
    let note = match input.handler_id {
        Some(h) => {
            let note =
                check_handler(&mut tx, &before, h, unit_id, &input.conflict_reason, year).await?;
            after.status = before
                .status
                .next(CaseEvent::AssignHandler)
                .map_err(conflict)?;
            after.handler_id = Some(h);
            after.assigned_at = Some(now);
            note
        }
        None => {
            if unit.kind == UnitKind::LegalAidCenter {
                return Err(AppError::field(
                    "handler_id",
                    "指派法律援助中心工作人员时须选择承办人",
                ));
            }
            after.status = before
                .status
                .next(CaseEvent::AssignUnit)
                .map_err(conflict)?;
            // The assignment itself is in time when the unit receives it.
            after.assigned_at = Some(now);
            String::new()
        }
    };
    after.handling_unit_id = Some(unit_id);
    after.version = version;
    let saved = store::save(&mut tx, &after, now).await?;
    if naming {
        store::name_handler(&mut tx, id, input.handler_id.unwrap_or_default(), &note).await?;
    } else {
        store::add_assignment(
            &mut tx,
            &store::NewAssignment {
                case_id: id.0,
                unit_id,
                handler_id: input.handler_id,
                by: ctx.user_id(),
                conflict_note: &note,
                end_reason: "",
                at: now,
            },
        )
        .await?;
    }
    let deadline = agreement_deadline(app, &mut tx, now).await?;
    if saved.handler_id.is_some() {
        let extra = [(P::Deadline, deadline)];
        tell(
            &mut tx,
            &saved,
            MessageKind::AssignedRecipient,
            RECIPIENT,
            &extra,
            now,
        )
        .await?;
        tell(
            &mut tx,
            &saved,
            MessageKind::AssignedHandler,
            HANDLER,
            &extra,
            now,
        )
        .await?;
    } else {
        let extra = [
            (P::Deadline, deadline),
            (P::Handler, "（待确定）".to_owned()),
        ];
        tell(
            &mut tx,
            &saved,
            MessageKind::AssignedHandler,
            UNIT,
            &extra,
            now,
        )
        .await?;
    }
    let action = if naming {
        AuditAction::CaseNameHandler
    } else {
        AuditAction::CaseAssign
    };
    finish(app, tx, ctx, action, &before, saved).await
}

/// The agreement deadline (5 days from now) as the messages state it.
async fn agreement_deadline(app: &App, tx: &mut Tx, now: DateTime<Utc>) -> AppResult<String> {
    let f = rules::in_force(app, tx).await?;
    let (rules, cal) = (&f.rules, &f.calendar);
    Ok(match rules.deadline_at("sign_agreement", local_date(now)) {
        Some(r) => match r.due_or_provisional(local_time(now), &[], cal) {
            Ok((d, _)) => date_cn(d.date()),
            Err(_) => String::new(),
        },
        None => String::new(),
    })
}

/// The agreement and power of attorney are signed (Procedural Rules art 27).
pub async fn sign_agreement(
    app: &App,
    ctx: &Ctx,
    id: CaseId,
    version: i64,
    on: Option<NaiveDate>,
) -> AppResult<CaseView> {
    let now = app.clock.now();
    let today = local_date(now);
    let on = on.ok_or_else(|| AppError::field("signed_on", "请填写签订日期"))?;
    if on > today {
        return Err(AppError::field("signed_on", "签订日期不能晚于今天"));
    }
    let mut tx = app.store.write().await?;
    let before = visible(&mut tx, ctx, id).await?;
    require(CaseAction::SignAgreement.permitted(ctx, &before))?;
    if before.assigned_at.is_some_and(|a| on < local_date(a)) {
        return Err(AppError::field("signed_on", "签订日期不能早于指派日期"));
    }
    let mut after = before.clone();
    after.status = before
        .status
        .next(CaseEvent::SignAgreement)
        .map_err(conflict)?;
    after.agreement_signed_on = Some(on);
    after.version = version;
    let saved = store::save(&mut tx, &after, now).await?;
    finish(app, tx, ctx, AuditAction::CaseSignAgreement, &before, saved).await
}

/// A request to replace the handler (LAL art 55), from the recipient or the handler.
pub async fn request_replacement(
    app: &App,
    ctx: &Ctx,
    id: CaseId,
    requested_by: &str,
    reason: &str,
) -> AppResult<CaseView> {
    let Some(by) = ReplacementRequester::parse(requested_by.trim()) else {
        return Err(AppError::field(
            "requested_by",
            "请选择由受援人或承办人提出",
        ));
    };
    let reason = crate::error::required_reason("reason", reason, "请填写更换的理由", "理由")?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let c = visible(&mut tx, ctx, id).await?;
    require(CaseAction::RequestReplacement.permitted(ctx, &c))?;
    if !matches!(c.status, CaseStatus::Assigned | CaseStatus::InProgress) {
        return Err(AppError::Conflict("只有在办案件才能申请更换承办人".into()));
    }
    if store::replacements(&mut tx, id)
        .await?
        .iter()
        .any(|r| r.status == ReplacementStatus::Pending)
    {
        return Err(AppError::Conflict("已有待处理的更换申请".into()));
    }
    let r = store::add_replacement(&mut tx, id, by, reason, ctx.user_id(), now).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::CaseReplacementRequested,
        r.id,
        None::<&()>,
        Some(&r),
    )
    .await?;
    commit_then_view(app, tx, ctx, c).await
}

/// The replacement a complaint's decision asks for (LAL art 55: the recipient may
/// complain and ask for another handler), made in the decision's transaction so
/// that the center's queue shows it. The center decides it as any other request.
/// None, and nothing written, when the case is not being handled or already has
/// a pending request: the complaint's page then leads to the case instead.
pub(crate) async fn request_replacement_for_complaint(
    app: &App,
    tx: &mut Tx,
    ctx: &Ctx,
    id: CaseId,
    reason: &str,
) -> AppResult<Option<i64>> {
    let Some(c) = store::get(tx, id).await? else {
        return Ok(None);
    };
    if !matches!(c.status, CaseStatus::Assigned | CaseStatus::InProgress)
        || store::replacements(tx, id)
            .await?
            .iter()
            .any(|r| r.status == ReplacementStatus::Pending)
    {
        return Ok(None);
    }
    let now = app.clock.now();
    let r = store::add_replacement(
        tx,
        id,
        ReplacementRequester::Recipient,
        reason,
        ctx.user_id(),
        now,
    )
    .await?;
    audit::record(
        app,
        tx,
        ctx,
        AuditAction::CaseReplacementRequested,
        r.id,
        None::<&()>,
        Some(&r),
    )
    .await?;
    crate::queues::track(app, tx, Subject::Case(id)).await?;
    Ok(Some(r.id))
}

/// The center decides a replacement request; approval names the new handler
/// (checked like any assignment) and keeps the history.
pub async fn decide_replacement(
    app: &App,
    ctx: &Ctx,
    id: CaseId,
    request_id: i64,
    approve: bool,
    reason: &str,
    to: &AssignInput,
) -> AppResult<CaseView> {
    require(
        CaseAction::DecideReplacement {
            replacement_id: request_id,
        }
        .by_role(ctx),
    )?;
    let reason = crate::error::required_reason("reason", reason, "请填写审批意见", "审批意见")?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let before = visible(&mut tx, ctx, id).await?;
    if !approve {
        if !store::decide_replacement(&mut tx, request_id, id, false, reason, ctx.user_id(), now)
            .await?
        {
            return Err(AppError::Conflict("该更换申请已处理".into()));
        }
        audit::record(
            app,
            &mut tx,
            ctx,
            AuditAction::CaseReplacementRefused,
            request_id,
            None::<&()>,
            Some(&reason),
        )
        .await?;
        return commit_then_view(app, tx, ctx, before).await;
    }
    let (Some(unit_id), Some(handler_id)) = (to.unit_id, to.handler_id) else {
        return Err(AppError::field(
            "handler_id",
            "批准更换时须选择新的承办单位和承办人",
        ));
    };
    if Some(handler_id) == before.handler_id {
        return Err(AppError::field("handler_id", "新的承办人不能是原承办人"));
    }
    let version = to
        .version
        .ok_or_else(|| AppError::field("version", "缺少版本号"))?;
    units::visible(&mut tx, ctx, UnitId(unit_id))
        .await
        .map_err(|_| AppError::field("unit_id", "承办单位不存在"))?;
    let note = check_handler(
        &mut tx,
        &before,
        handler_id,
        unit_id,
        &to.conflict_reason,
        local_date(now).year(),
    )
    .await?;
    if !store::decide_replacement(&mut tx, request_id, id, true, reason, ctx.user_id(), now).await?
    {
        return Err(AppError::Conflict("该更换申请已处理".into()));
    }
    // The old handler is told before the case moves on.
    tell(
        &mut tx,
        &before,
        MessageKind::HandlerReplaced,
        HANDLER,
        &[],
        now,
    )
    .await?;
    let mut after = before.clone();
    after.status = before
        .status
        .next(CaseEvent::ReplaceHandler)
        .map_err(conflict)?;
    after.handling_unit_id = Some(unit_id);
    after.handler_id = Some(handler_id);
    after.assigned_at = Some(now);
    after.agreement_signed_on = None;
    after.version = version;
    let saved = store::save(&mut tx, &after, now).await?;
    store::add_assignment(
        &mut tx,
        &store::NewAssignment {
            case_id: id.0,
            unit_id,
            handler_id: Some(handler_id),
            by: ctx.user_id(),
            conflict_note: &note,
            end_reason: reason,
            at: now,
        },
    )
    .await?;
    tell(
        &mut tx,
        &saved,
        MessageKind::HandlerReplaced,
        RECIPIENT_AND_UNIT,
        &[],
        now,
    )
    .await?;
    let deadline = agreement_deadline(app, &mut tx, now).await?;
    tell(
        &mut tx,
        &saved,
        MessageKind::AssignedHandler,
        HANDLER,
        &[(P::Deadline, deadline)],
        now,
    )
    .await?;
    finish(
        app,
        tx,
        ctx,
        AuditAction::CaseReplaceHandler,
        &before,
        saved,
    )
    .await
}
