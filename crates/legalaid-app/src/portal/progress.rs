//! The progress query: the application's number and the applicant's ID number
//! find it, a code to the applicant's phone proves the person, and the session
//! shows that one application: its status, what comes next and by when, the
//! handling unit and handler with their phones once assigned, and the decision
//! letter to download.

use super::{CodeSent, Proven, count};
use crate::{App, AppError, AppResult, RequestMeta};
use legalaid_domain::application::{Outcome, Status};
use legalaid_domain::case::CaseStatus;
use legalaid_domain::document::DocKind;
use legalaid_domain::portal::{Counter, Purpose, mobile, next_step};
use legalaid_domain::record::Subject;
use legalaid_domain::{ApplicationId, local_date};
use legalaid_store::portal as store;

/// One message for every way the look-up can fail, so that it tells nothing of
/// which numbers exist.
const NOT_FOUND: &str = "申请编号或证件号码不正确，请核对后重新输入";

/// The application with `number` whose applicant holds `id_number`, and the
/// mobile phone its code goes to (the phone proven when applying online, else
/// the one on record).
async fn locate(
    app: &App,
    meta: &RequestMeta,
    number: &str,
    id_number: &str,
) -> AppResult<(i64, String)> {
    let l = super::limits(app).await?;
    count(app, &l, Counter::QueriesPerAddress, &meta.ip).await?;
    let number = number.trim();
    let id_number = id_number.trim().to_ascii_uppercase();
    if number.is_empty() || id_number.is_empty() {
        return Err(AppError::field("number", "请输入申请编号和身份证号码"));
    }
    let mut tx = app.store.read().await?;
    let Some((id, applicant)) = store::application_by_number(&mut tx, number).await? else {
        return Err(AppError::field("number", NOT_FOUND));
    };
    let person = legalaid_store::persons::find_by_hash(&mut tx, &app.cipher.index(&id_number))
        .await?
        .filter(|p| p.id.0 == applicant)
        .ok_or_else(|| AppError::field("number", NOT_FOUND))?;
    let phone = match store::of_application(&mut tx, id).await? {
        Some(p) => app
            .cipher
            .decrypt(&p.phone_enc)
            .map_err(|e| AppError::Internal(format!("portal phone: {e}")))?,
        None => person.phone.clone(),
    };
    let phone = mobile(&phone).map_err(|_| {
        AppError::field(
            "number",
            "该申请没有登记可以接收短信的手机号码，请致电法律援助中心查询",
        )
    })?;
    Ok((id, phone))
}

/// Finds the application and sends the code to its applicant's phone.
pub async fn find(
    app: &App,
    meta: &RequestMeta,
    number: &str,
    id_number: &str,
) -> AppResult<CodeSent> {
    let (id, phone) = locate(app, meta, number, id_number).await?;
    super::send_code(app, meta, Purpose::Progress, &phone, Some(id)).await
}

/// Checks the code sent by [`find`] and opens a session for that application.
pub async fn verify(
    app: &App,
    meta: &RequestMeta,
    number: &str,
    id_number: &str,
    code: &str,
) -> AppResult<super::Opened> {
    let (id, phone) = locate(app, meta, number, id_number).await?;
    super::verify(app, Purpose::Progress, &phone, code, Some(id)).await
}

/// A stage of the matter as the person sees it.
#[derive(Debug, Clone)]
pub struct CaseProgress {
    pub number: String,
    pub status: CaseStatus,
    pub next_step: &'static str,
    pub handling_unit: Option<String>,
    pub handling_unit_phone: Option<String>,
    pub handler: Option<String>,
    pub handler_phone: Option<String>,
    /// Dates and what was done, as recorded by the handler (the activity only).
    pub steps: Vec<(chrono::NaiveDate, String)>,
}

/// What the person sees of their application.
#[derive(Debug, Clone)]
pub struct Progress {
    pub id: ApplicationId,
    pub number: String,
    pub received_on: chrono::NaiveDate,
    pub matter: String,
    pub status: Status,
    pub outcome: Option<Outcome>,
    pub center: String,
    pub center_phone: String,
    pub next_step: &'static str,
    /// The next running deadline: what and when.
    pub due: Option<(String, chrono::NaiveDate)>,
    pub cases: Vec<CaseProgress>,
    /// The decision letter, once decided.
    pub letter: Option<DocKind>,
}

/// The application of a progress session.
pub async fn progress(app: &App, meta: &RequestMeta, proven: &Proven) -> AppResult<Progress> {
    let id = ApplicationId(proven.application_id.ok_or(AppError::NotFound)?);
    let ctx = super::ctx(meta);
    let v = crate::applications::get(app, &ctx, id).await?;
    let center_unit = {
        let mut tx = app.store.read().await?;
        legalaid_store::units::get(
            &mut tx,
            legalaid_domain::UnitId(v.application.receiving_unit_id),
        )
        .await?
    };
    let mut cases = Vec::new();
    for (case_id, _) in &v.cases {
        let c = crate::cases::get(app, &ctx, *case_id).await?;
        let unit_phone = match c.case.handling_unit_id {
            Some(u) => {
                let mut tx = app.store.read().await?;
                legalaid_store::units::get(&mut tx, legalaid_domain::UnitId(u))
                    .await?
                    .map(|u| u.phone)
            }
            None => None,
        };
        cases.push(CaseProgress {
            number: c.case.number.clone(),
            status: c.case.status,
            next_step: next_step(v.application.status, Some(c.case.status)),
            handling_unit: c.handling_unit.clone(),
            handling_unit_phone: unit_phone,
            handler: c.handler_name.clone(),
            handler_phone: c.handler_phone.clone(),
            steps: c
                .progress
                .iter()
                .map(|p| (p.occurred_on, p.activity.label().to_owned()))
                .collect(),
        });
    }
    let letter = match v.application.outcome {
        Some(Outcome::Granted) => Some(DocKind::GrantDecision),
        Some(Outcome::Denied) => Some(DocKind::DenialDecision),
        None => None,
    };
    let due = v
        .deadlines
        .iter()
        .filter(|d| !d.met)
        .min_by_key(|d| d.due)
        .map(|d| (d.label.clone(), d.due));
    let a = &v.application;
    Ok(Progress {
        id,
        number: a.number.clone(),
        received_on: local_date(a.received_at),
        matter: v.matter_label.clone(),
        status: a.status,
        outcome: a.outcome,
        center: center_unit
            .as_ref()
            .map(|u| u.name.clone())
            .unwrap_or_default(),
        center_phone: center_unit.map(|u| u.phone).unwrap_or_default(),
        next_step: next_step(a.status, None),
        due: if cases.is_empty() { due } else { None },
        cases,
        letter,
    })
}

/// The decision letter of the session's application (audited as a document
/// generation by the public).
pub async fn letter(
    app: &App,
    meta: &RequestMeta,
    proven: &Proven,
) -> AppResult<legalaid_domain::document::Document> {
    let p = progress(app, meta, proven).await?;
    let kind = p.letter.ok_or(AppError::NotFound)?;
    let (doc, _) =
        crate::documents::build(app, &super::ctx(meta), Subject::Application(p.id), kind).await?;
    Ok(doc)
}
