//! What hangs off a record, whatever the record: files ([`crate::attachments`]),
//! documents ([`crate::documents`]), messages and objection decisions (here), and running
//! deadlines ([`crate::queues`]) are all reached through a [`Subject`], so that
//! applications and cases share one path for each, and complaints and quality
//! reviews join by adding a variant.

use crate::{App, AppError, AppResult, Ctx, units};
use legalaid_domain::application::{Objection, ObjectionOutcome};
pub use legalaid_domain::record::Subject;
use legalaid_domain::{ObjectionId, UnitId};
use legalaid_store::Tx;
use legalaid_store::messages::Message;

/// Whether the caller may see the record (NotFound when not, so that a guess
/// learns nothing). An application is seen by its receiving unit's line; a case
/// as [`crate::cases::get`] decides (its handler and handling unit too).
pub async fn ensure_visible(app: &App, ctx: &Ctx, subject: Subject) -> AppResult<()> {
    match subject {
        Subject::Application(id) => crate::applications::get(app, ctx, id).await.map(|_| ()),
        Subject::Case(id) => crate::cases::get(app, ctx, id).await.map(|_| ()),
        Subject::Review(id) => crate::quality::reviews::get(app, ctx, id).await.map(|_| ()),
        Subject::Rectification(id) => crate::quality::rectifications::get(app, ctx, id)
            .await
            .map(|_| ()),
        Subject::Complaint(id) => crate::complaints::get(app, ctx, id).await.map(|_| ()),
        Subject::Observation(id) => crate::quality::hearings::get(app, ctx, id)
            .await
            .map(|_| ()),
        Subject::Opinion(id) => crate::quality::opinions::get(app, ctx, id)
            .await
            .map(|_| ()),
        Subject::Visit(id) => crate::quality::visits::get(app, ctx, id).await.map(|_| ()),
        Subject::SupervisionOrder(id) => crate::supervision::orders::get(app, ctx, id)
            .await
            .map(|_| ()),
        Subject::VisitPlan(id) => crate::quality::visits::prefill(app, ctx, None, Some(id.0))
            .await
            .map(|_| ()),
    }
}

/// The bureau decides an objection, to a denial (the application's) or to a
/// termination (the case's), whichever it is.
pub async fn decide_objection(
    app: &App,
    ctx: &Ctx,
    objection_id: ObjectionId,
    version: i64,
    outcome: ObjectionOutcome,
    reason: &str,
) -> AppResult<Objection> {
    let on_case = {
        let mut tx = app.store.read().await?;
        legalaid_store::applications::get_objection(&mut tx, objection_id)
            .await?
            .ok_or(AppError::NotFound)?
            .case_id
            .is_some()
    };
    if on_case {
        crate::cases::decide_objection(app, ctx, objection_id, version, outcome, reason).await
    } else {
        crate::applications::decide_objection(app, ctx, objection_id, version, outcome, reason)
            .await
    }
}

/// The messages about a record, oldest first: for an application everything
/// sent about it (its cases' messages too), for a case those of the case.
pub async fn messages(app: &App, ctx: &Ctx, subject: Subject) -> AppResult<Vec<Message>> {
    let mut tx = app.store.read().await?;
    match subject {
        Subject::Application(id) => {
            application_unit_visible(&mut tx, ctx, id).await?;
            Ok(legalaid_store::messages::of_application(&mut tx, id.0).await?)
        }
        Subject::Case(id) => {
            crate::cases::visible(&mut tx, ctx, id).await?;
            Ok(legalaid_store::messages::of_case(&mut tx, id.0).await?)
        }
        // What is sent about a review is sent about its case (the result to the
        // handler); its readers see those messages.
        Subject::Review(id) => {
            drop(tx);
            let v = crate::quality::reviews::get(app, ctx, id).await?;
            let mut tx = app.store.read().await?;
            Ok(legalaid_store::messages::of_case(&mut tx, v.file.case_id).await?)
        }
        Subject::Rectification(id) => {
            drop(tx);
            let v = crate::quality::rectifications::get(app, ctx, id).await?;
            let mut tx = app.store.read().await?;
            match v.order.case_id {
                Some(c) => Ok(legalaid_store::messages::of_case(&mut tx, c).await?),
                None => Ok(Vec::new()),
            }
        }
        // Nothing is sent about a complaint through the outbox (the reply is
        // recorded as given, by its channel).
        Subject::Complaint(id) => {
            drop(tx);
            crate::complaints::get(app, ctx, id).await?;
            Ok(Vec::new())
        }
        // A fee alert is told to the center's staff, not about the case to its
        // parties; a plan sends nothing.
        Subject::Visit(_) | Subject::VisitPlan(_) => {
            drop(tx);
            ensure_visible(app, ctx, subject).await?;
            Ok(Vec::new())
        }
        // Nothing is sent about an observation or a letter (the letter goes
        // by post); their case's messages are read on the case.
        Subject::Observation(_) | Subject::Opinion(_) | Subject::SupervisionOrder(_) => {
            drop(tx);
            ensure_visible(app, ctx, subject).await?;
            Ok(Vec::new())
        }
    }
}

/// An application's receiving unit is within the caller's sight.
async fn application_unit_visible(
    tx: &mut Tx,
    ctx: &Ctx,
    id: legalaid_domain::ApplicationId,
) -> AppResult<()> {
    let a = legalaid_store::applications::get(tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    units::visible(tx, ctx, UnitId(a.receiving_unit_id))
        .await
        .map(|_| ())
        .map_err(|_| AppError::NotFound)
}
