//! A complaint from the portal feeds the complaint procedure (channel
//! `online`): registered for the bureau of the respondent's region, in its queue
//! with the acceptance deadline. A named complaint needs a proven phone (the
//! bureau replies to it); an anonymous one needs none and is counted per address.

use super::{Proven, count, info::units_for_portal};
use crate::{App, AppError, AppResult, RequestMeta};
use legalaid_domain::complaint::ComplaintInput;
use legalaid_domain::portal::Counter;
use legalaid_domain::unit::{Unit, UnitKind};

/// The units the public may complain about: the center, judicial offices,
/// workstations, law firms and legal service offices (a bureau is complained
/// of to the one above it).
pub async fn respondents(app: &App) -> AppResult<Vec<Unit>> {
    let mut units: Vec<Unit> = units_for_portal(app)
        .await?
        .into_iter()
        .filter(|u| u.kind != UnitKind::JusticeBureau)
        .collect();
    units.sort_by(|a, b| (a.kind.as_str(), &a.name).cmp(&(b.kind.as_str(), &b.name)));
    Ok(units)
}

/// The complaint form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ComplaintForm {
    #[serde(default)]
    pub anonymous: Option<String>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub relation: String,
    #[serde(default)]
    pub respondent_unit_id: String,
    /// The person complained about, as the complainant names them.
    #[serde(default)]
    pub respondent_person: String,
    /// The application or case number, if the complainant has one.
    #[serde(default)]
    pub record_number: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub facts: String,
    #[serde(default)]
    pub request: String,
}

/// What the complainant is told.
#[derive(Debug, Clone)]
pub struct Complained {
    pub number: String,
    pub anonymous: bool,
}

pub async fn complain(
    app: &App,
    meta: &RequestMeta,
    proven: Option<&Proven>,
    form: &ComplaintForm,
) -> AppResult<Complained> {
    let anonymous = form.anonymous.is_some();
    if !anonymous && proven.is_none() {
        return Err(AppError::Unauthenticated(
            "实名投诉请先验证手机号码，或选择匿名投诉".into(),
        ));
    }
    let respondent_unit_id = form.respondent_unit_id.trim().parse::<i64>().ok();
    if let Some(u) = respondent_unit_id {
        let allowed = respondents(app).await?;
        if !allowed.iter().any(|x| x.id.0 == u) {
            return Err(AppError::field("respondent_unit_id", "请选择被投诉的单位"));
        }
    }
    let mut facts = form.facts.trim().to_owned();
    let person = form.respondent_person.trim();
    let record = form.record_number.trim();
    if person.chars().count() > 50 {
        return Err(AppError::field(
            "respondent_person",
            "被投诉人员姓名不超过50个字",
        ));
    }
    if record.chars().count() > 50 {
        return Err(AppError::field("record_number", "编号不超过50个字"));
    }
    if !facts.is_empty() {
        if !person.is_empty() {
            facts.push_str(&format!("\n（被投诉人员：{person}）"));
        }
        if !record.is_empty() {
            facts.push_str(&format!("\n（申请或案件编号：{record}）"));
        }
    }
    let input = ComplaintInput {
        channel: "online".into(),
        received_at: Some(app.clock.now()),
        anonymous,
        complainant_name: if anonymous {
            String::new()
        } else {
            form.name.clone()
        },
        complainant_phone: match (anonymous, proven) {
            (false, Some(p)) => p.phone.clone(),
            _ => String::new(),
        },
        relation: (!anonymous).then(|| form.relation.clone()),
        respondent_unit_id,
        category: form.category.clone(),
        facts,
        request: form.request.clone(),
        ..Default::default()
    };
    // Check the form before counting, so a mistyped form does not use up the day.
    input
        .validate(app.clock.now())
        .map_err(AppError::Validation)?;
    let l = super::limits(app).await?;
    count(app, &l, Counter::ComplaintsPerAddress, &meta.ip).await?;
    let v = crate::complaints::register(app, &super::ctx(meta), &input).await?;
    if let Some(p) = proven {
        let mut tx = app.store.write().await?;
        legalaid_store::portal::end_session(&mut tx, &p.token_hash).await?;
        tx.commit().await?;
    }
    Ok(Complained {
        number: v.complaint.number,
        anonymous,
    })
}
