//! The recipient's evaluation through a one-time link (ADR 0020): when a case is
//! closed, the recipient is texted a link; the link opens the five items of the
//! follow-up form and the money question, answered once. The overall rating
//! feeds the handler's rating like a follow-up visit's; money asked or taken
//! raises the fee alert to the center's quality staff and director.

use crate::outbox::{self, About, Values};
use crate::{App, AppError, AppResult, RequestMeta, audit};
use chrono::Duration;
use legalaid_domain::audit::AuditAction;
use legalaid_domain::case::Case;
use legalaid_domain::notice::MessageKind;
use legalaid_domain::placeholder::Placeholder as P;
use legalaid_domain::portal::{Evaluation, EvaluationInput};
use legalaid_domain::role::Role;
use legalaid_store::Tx;
use legalaid_store::portal as store;

/// How long a link stays open.
pub const VALID_DAYS: i64 = 60;

/// The settings key of the portal's address as the public reaches it (e.g.
/// `https://fayuan.yeji.gov.cn`; the binary writes it at start from
/// `public_url`); links are written relative without it.
pub const BASE_URL_KEY: &str = "portal_base_url";

/// Records the portal's public address (the binary does at start, from its
/// configuration), for the links written from then on.
pub async fn set_base_url(app: &App, url: &str) -> AppResult<()> {
    let mut tx = app.store.write().await?;
    legalaid_store::applications::set_setting(&mut tx, BASE_URL_KEY, url.trim()).await?;
    tx.commit().await?;
    Ok(())
}

/// Writes the closed case's evaluation link and texts it to the recipient, in
/// the closure's transaction. Once per case.
pub(crate) async fn invite(app: &App, tx: &mut Tx, ctx: &crate::Ctx, case: &Case) -> AppResult<()> {
    let now = app.clock.now();
    let secret = crate::auth::random_secret();
    let region = legalaid_store::units::get(tx, legalaid_domain::UnitId(case.intake_unit_id))
        .await?
        .map(|u| u.region_code.as_str().to_owned())
        .unwrap_or_default();
    let written = store::insert_evaluation(
        tx,
        &store::NewEvaluation {
            case_id: case.id.0,
            token_hash: &crate::auth::digest(&secret),
            handling_unit_id: case.handling_unit_id,
            handler_id: case.handler_id,
            region_code: &region,
            expires_at: now + Duration::days(VALID_DAYS),
        },
        now,
    )
    .await?;
    if !written {
        return Ok(());
    }
    audit::record(
        app,
        tx,
        ctx,
        AuditAction::EvaluationInvite,
        case.id,
        None::<&()>,
        Some(&serde_json::json!({ "case_id": case.id.0, "expires_days": VALID_DAYS })),
    )
    .await?;
    let base = legalaid_store::applications::setting(tx, BASE_URL_KEY)
        .await?
        .unwrap_or_default();
    let mut values = Values::new();
    values.insert(P::Number, case.number.clone());
    values.insert(
        P::Link,
        format!(
            "{}/public/evaluate/{secret}",
            base.trim().trim_end_matches('/')
        ),
    );
    outbox::to_person(
        tx,
        MessageKind::EvaluationInvite,
        case.recipient_id,
        About {
            case_id: Some(case.id.0),
            application_id: None,
        },
        values,
        now,
    )
    .await
}

/// What the evaluation page shows: the case and who handled it, and whether the
/// link can still be answered.
#[derive(Debug, Clone)]
pub struct EvaluationView {
    pub case_number: String,
    pub handling_unit: Option<String>,
    pub handler: Option<String>,
    pub answered: bool,
    pub expired: bool,
}

async fn row(app: &App, tx: &mut Tx, secret: &str) -> AppResult<store::EvaluationRow> {
    if secret.len() != 64 || !secret.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let _ = app;
    store::evaluation(tx, &crate::auth::digest(secret))
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn view(app: &App, secret: &str) -> AppResult<EvaluationView> {
    let mut tx = app.store.read().await?;
    let r = row(app, &mut tx, secret).await?;
    let case = legalaid_store::cases::get(&mut tx, legalaid_domain::CaseId(r.case_id))
        .await?
        .ok_or(AppError::NotFound)?;
    let handling_unit = match r.handling_unit_id {
        Some(u) => legalaid_store::units::get(&mut tx, legalaid_domain::UnitId(u))
            .await?
            .map(|u| u.name),
        None => None,
    };
    let handler = match r.handler_id {
        Some(h) => legalaid_store::staff::get(&mut tx, legalaid_domain::StaffId(h))
            .await?
            .map(|s| s.name),
        None => None,
    };
    Ok(EvaluationView {
        case_number: case.number,
        handling_unit,
        handler,
        answered: r.answered_at.is_some(),
        expired: r.expires_at <= app.clock.now(),
    })
}

/// Records the answer, once; money asked or taken alerts the center.
pub async fn answer(
    app: &App,
    meta: &RequestMeta,
    secret: &str,
    input: &EvaluationInput,
) -> AppResult<Evaluation> {
    let e = input.validate().map_err(AppError::Validation)?;
    let now = app.clock.now();
    let on = legalaid_domain::local_date(now);
    let mut tx = app.store.write().await?;
    let r = row(app, &mut tx, secret).await?;
    if r.answered_at.is_some() {
        return Err(AppError::Conflict("您已经评价过了，感谢您的反馈".into()));
    }
    if r.expires_at <= now {
        return Err(AppError::Conflict(
            "评价链接已过期，如有意见请拨打12348或通过投诉页面反映".into(),
        ));
    }
    use legalaid_domain::followup::EvaluationItem as I;
    let code = |i| e.rating(i).map_or("", |s| s.as_str());
    let answered = store::answer_evaluation(
        &mut tx,
        r.id,
        &store::EvaluationAnswer {
            ratings: [
                code(I::ServiceAttitude),
                code(I::Communication),
                code(I::RightsProtection),
                code(I::CaseResult),
                code(I::Overall),
            ],
            money_asked: e.money_asked,
            comment: &e.comment,
            on,
        },
        now,
    )
    .await?;
    if !answered {
        return Err(AppError::Conflict("您已经评价过了，感谢您的反馈".into()));
    }
    let ctx = crate::Ctx::public(meta.clone());
    audit::record(
        app,
        &mut tx,
        &ctx,
        AuditAction::EvaluationAnswer,
        r.case_id,
        None::<&()>,
        Some(&serde_json::json!({
            "case_id": r.case_id,
            "ratings": e.ratings.iter().map(|(i, s)| (i.as_str(), s.as_str())).collect::<std::collections::BTreeMap<_, _>>(),
            "money_asked": e.money_asked,
        })),
    )
    .await?;
    if e.money_asked {
        let units = crate::units::active_all(app).await?;
        if let Some(center) = legalaid_domain::portal::receiving_center(&r.region_code, &units) {
            let case = legalaid_store::cases::get(&mut tx, legalaid_domain::CaseId(r.case_id))
                .await?
                .ok_or(AppError::NotFound)?;
            let mut v = Values::new();
            v.insert(P::Unit, center.name.clone());
            v.insert(P::Number, case.number.clone());
            v.insert(P::Date, legalaid_domain::document::date_cn(on));
            v.insert(
                P::Note,
                "受援人在网上评价中反映承办人索要或收取了费用或财物。".into(),
            );
            outbox::to_unit_roles(
                &mut tx,
                MessageKind::FeeAlert,
                center.id.0,
                &[Role::QualityReviewer, Role::CenterDirector],
                About {
                    case_id: Some(r.case_id),
                    application_id: None,
                },
                v,
                now,
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(e)
}
