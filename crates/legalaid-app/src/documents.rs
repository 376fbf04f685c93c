//! The documents of applications and cases: which ones exist in a record's state, filled from
//! the templates administrators edit, with the jurisdiction's issuer and number.
//! Generating one is recorded in the audit trail (they carry personal data).

use crate::applications::{self, ApplicationView};
use crate::cases::CaseView;
use crate::numbering::number_of;
use crate::records::Subject;
use crate::{App, AppError, AppResult, Ctx, audit, policy};
use chrono::Datelike;
use legalaid_domain::application::{ObjectionOutcome, Outcome, Status};
use legalaid_domain::audit::AuditAction;
use legalaid_domain::case::SubsidyStatus;
use legalaid_domain::document::{
    DocKind, DocTemplate, Document, check_number_format, date_cn, number_subject, paragraphs,
    placeholder_problems, shipped_number_format, shipped_templates,
};
use legalaid_domain::placeholder::Placeholder as P;
use legalaid_domain::placeholder::{Values, fill};
use legalaid_domain::unit::UnitKind;
use legalaid_domain::{ApplicationId, CaseId};
use legalaid_domain::{local_date, local_time};
use legalaid_store::documents as store;

/// Stores the shipped templates that are missing (a new database, or kinds added
/// by an upgrade), and gives templates stored before kinds had their own number
/// series the shipped one; edited templates are kept. Audited; idempotent.
pub async fn seed(app: &App) -> AppResult<bool> {
    let mut tx = app.store.write().await?;
    let formats: Vec<(DocKind, String)> = DocKind::ALL
        .iter()
        .map(|k| (*k, shipped_number_format(*k)))
        .collect();
    let numbered = store::fill_number_formats(&mut tx, &formats).await?;
    let present: Vec<DocKind> = store::list(&mut tx).await?.iter().map(|t| t.kind).collect();
    let missing: Vec<DocTemplate> = shipped_templates()
        .into_iter()
        .filter(|t| !present.contains(&t.kind))
        .collect();
    if missing.is_empty() && numbered == 0 {
        return Ok(false);
    }
    for t in &missing {
        store::insert(&mut tx, t, app.clock.now()).await?;
    }
    audit::record(
        app,
        &mut tx,
        &Ctx::system("seed"),
        AuditAction::DocumentTemplateSeed,
        "shipped",
        None::<&()>,
        Some(&serde_json::json!({
            "templates": missing.iter().map(|t| t.kind.as_str()).collect::<Vec<_>>(),
            "number_formats_filled": numbered,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

pub async fn templates(app: &App, ctx: &Ctx) -> AppResult<Vec<DocTemplate>> {
    policy::ensure_manage_regions(ctx)?;
    let mut tx = app.store.read().await?;
    Ok(store::list(&mut tx).await?)
}

/// What an administrator writes in a document template.
#[derive(Debug, Clone, Copy)]
pub struct TemplateText<'a> {
    pub title: &'a str,
    pub addressee: &'a str,
    pub body: &'a str,
    /// The kind's number series, e.g. `叶法援给〔{year}〕{seq}号`; empty for the
    /// record's number.
    pub number_format: &'a str,
}

/// Edits a template (system administrators); unknown placeholders are refused,
/// so that no `{…}` reaches an issued document.
pub async fn update_template(
    app: &App,
    ctx: &Ctx,
    kind: DocKind,
    version: i64,
    text: &TemplateText<'_>,
) -> AppResult<DocTemplate> {
    policy::ensure_manage_regions(ctx)?;
    let mut v = legalaid_domain::Validation::new();
    let title = v.text("title", text.title, "标题", 50);
    let addressee = v.optional_text("addressee", text.addressee, "称谓", 50);
    let body = v.text("body", text.body, "正文", 8000);
    for (field, value) in [
        ("title", &title),
        ("addressee", &addressee),
        ("body", &body),
    ] {
        for problem in placeholder_problems(value) {
            v.add(field, problem);
        }
    }
    let number_format = text.number_format.trim().to_owned();
    if let Err(e) = check_number_format(&number_format) {
        v.add("number_format", e);
    }
    if !v.is_empty() {
        return Err(AppError::Validation(v.errors().to_vec()));
    }
    let mut tx = app.store.write().await?;
    let before = store::get(&mut tx, kind).await?.ok_or(AppError::NotFound)?;
    let t = DocTemplate {
        kind,
        title,
        addressee,
        body,
        number_format,
        version,
    };
    let after = store::update(&mut tx, &t, version, app.clock.now()).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::DocumentTemplateUpdate,
        kind.as_str(),
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// The documents an application has in its current state.
pub fn available(v: &ApplicationView) -> Vec<DocKind> {
    let a = &v.application;
    let mut out = vec![DocKind::Receipt];
    if a.status == Status::AwaitingSupplement || !a.supplement_items.is_empty() {
        out.push(DocKind::SupplementNotice);
    }
    match a.outcome {
        Some(Outcome::Granted) => out.push(DocKind::GrantDecision),
        Some(Outcome::Denied) => out.push(DocKind::DenialDecision),
        None => {}
    }
    if v.objections.iter().any(|o| !o.status.is_pending()) {
        out.push(DocKind::ObjectionDecision);
    }
    out
}

/// A document that exists for a record in its state.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Available {
    pub kind: DocKind,
    /// The document's name (受理通知书…).
    pub title: &'static str,
    /// `pdf` and `docx`.
    pub formats: [&'static str; 2],
    /// Where the API serves it.
    pub href: String,
}

/// The documents that exist for a record in its current state.
pub async fn of_record(app: &App, ctx: &Ctx, subject: Subject) -> AppResult<Vec<Available>> {
    let (kinds, base) = match subject {
        Subject::Application(id) => (
            available(&applications::get(app, ctx, id).await?),
            format!("/api/v1/applications/{id}/documents"),
        ),
        Subject::Case(id) => (
            case_available(&crate::cases::get(app, ctx, id).await?),
            format!("/api/v1/cases/{id}/documents"),
        ),
        Subject::Review(id) => (
            review_available(&crate::quality::reviews::get(app, ctx, id).await?),
            format!("/api/v1/reviews/{id}/documents"),
        ),
        Subject::Rectification(id) => {
            crate::quality::rectifications::get(app, ctx, id).await?;
            (
                vec![DocKind::RectificationNotice],
                format!("/api/v1/rectifications/{id}/documents"),
            )
        }
        Subject::Complaint(id) => (
            complaint_available(&crate::complaints::get(app, ctx, id).await?),
            format!("/api/v1/complaints/{id}/documents"),
        ),
        Subject::Observation(id) => {
            crate::quality::hearings::get(app, ctx, id).await?;
            (Vec::new(), format!("/api/v1/observations/{id}/documents"))
        }
        Subject::Opinion(id) => {
            crate::quality::opinions::get(app, ctx, id).await?;
            (
                vec![DocKind::OpinionLetter],
                format!("/api/v1/opinions/{id}/documents"),
            )
        }
        Subject::SupervisionOrder(id) => {
            crate::supervision::orders::get(app, ctx, id).await?;
            (
                vec![DocKind::SupervisionNotice],
                format!("/api/v1/supervision/orders/{id}/documents"),
            )
        }
        // No document is printed for a visit yet (the 回访记录 is the record
        // itself); a plan has none.
        Subject::Visit(_) | Subject::VisitPlan(_) => {
            crate::records::ensure_visible(app, ctx, subject).await?;
            (Vec::new(), String::new())
        }
    };
    Ok(kinds
        .into_iter()
        .map(|kind| Available {
            kind,
            title: kind.label(),
            formats: ["pdf", "docx"],
            href: format!("{base}/{}", kind.as_str()),
        })
        .collect())
}

/// Fills the document `kind` of a record for the caller, if it exists in the
/// record's state; the generation is audited.
pub async fn build(
    app: &App,
    ctx: &Ctx,
    subject: Subject,
    kind: DocKind,
) -> AppResult<(Document, String)> {
    match subject {
        Subject::Application(id) => build_for_application(app, ctx, id, kind).await,
        Subject::Case(id) => build_for_case(app, ctx, id, kind).await,
        Subject::Review(id) => build_for_review(app, ctx, id, kind).await,
        Subject::Rectification(id) => build_for_rectification(app, ctx, id, kind).await,
        Subject::Complaint(id) => build_for_complaint(app, ctx, id, kind).await,
        Subject::Opinion(id) => build_for_opinion(app, ctx, id, kind).await,
        Subject::SupervisionOrder(id) => build_for_supervision(app, ctx, id, kind).await,
        Subject::Observation(id) => {
            crate::quality::hearings::get(app, ctx, id).await?;
            Err(AppError::NotFound)
        }
        Subject::Visit(_) | Subject::VisitPlan(_) => {
            crate::records::ensure_visible(app, ctx, subject).await?;
            Err(AppError::NotFound)
        }
    }
}

/// The notices of a complaint: of acceptance once accepted, of refusal once
/// refused, the reply once decided.
pub fn complaint_available(v: &crate::complaints::ComplaintView) -> Vec<DocKind> {
    use legalaid_domain::complaint::ComplaintStatus as S;
    let c = &v.complaint;
    let mut out = Vec::new();
    if c.accepted_at.is_some() {
        out.push(DocKind::ComplaintAcceptance);
    }
    if c.status == S::Refused {
        out.push(DocKind::ComplaintRefusal);
    }
    if matches!(c.status, S::Concluded | S::Replied) {
        out.push(DocKind::ComplaintReply);
    }
    out
}

async fn build_for_complaint(
    app: &App,
    ctx: &Ctx,
    id: legalaid_domain::ComplaintId,
    kind: DocKind,
) -> AppResult<(Document, String)> {
    let v = crate::complaints::get(app, ctx, id).await?;
    if !complaint_available(&v).contains(&kind) {
        return Err(AppError::NotFound);
    }
    let c = &v.complaint;
    let template = {
        let mut tx = app.store.read().await?;
        store::get(&mut tx, kind).await?.ok_or(AppError::NotFound)?
    };
    let dated = match kind {
        DocKind::ComplaintAcceptance => c.accepted_at,
        DocKind::ComplaintRefusal => c.refused_at,
        _ => c.concluded_at,
    };
    let issued_on = local_date(dated.unwrap_or_else(|| app.clock.now()));
    let respondent = match (&v.respondent_unit, &v.respondent_staff) {
        (Some(u), Some(s)) => format!("{u}{s}"),
        (Some(u), None) => u.clone(),
        (None, Some(s)) => s.clone(),
        (None, None) => String::new(),
    };
    // The period to conclude as the deadline engine counts it (the rules data).
    let period = v
        .deadlines
        .iter()
        .find(|d| d.code == "complaint_conclude")
        .map(|d| format!("{}前", date_cn(d.due)))
        .unwrap_or_default();
    let measures = if c.follow_up.is_empty() {
        String::new()
    } else {
        format!(
            "后续措施：{}。",
            c.follow_up
                .iter()
                .map(|a| a.label())
                .collect::<Vec<_>>()
                .join("、")
        )
    };
    let mut values = Values::new();
    values.insert(
        P::Complainant,
        if c.anonymous || c.complainant_name.is_empty() {
            "投诉人".to_owned()
        } else {
            c.complainant_name.clone()
        },
    );
    values.insert(P::ComplaintNumber, c.number.clone());
    values.insert(P::Number, c.number.clone());
    values.insert(P::ComplaintReceivedOn, date_cn(local_date(c.received_at)));
    values.insert(P::Respondent, respondent);
    values.insert(P::ComplaintCategory, c.category.label().to_owned());
    values.insert(P::ComplaintFacts, c.facts.clone());
    values.insert(P::ComplaintPeriod, period);
    values.insert(P::Reason, c.refusal_reason.clone());
    values.insert(
        P::ComplaintOutcome,
        c.outcome.map(|o| o.label().to_owned()).unwrap_or_default(),
    );
    values.insert(P::ComplaintConclusion, c.conclusion.clone());
    values.insert(P::ComplaintMeasures, measures);
    values.insert(P::Date, date_cn(issued_on));
    let bureau_unit = {
        let mut tx = app.store.read().await?;
        legalaid_store::complaints::bureau_for(&mut tx, &c.region_code)
            .await?
            .map_or(c.receiving_unit_id, |(id, _)| id)
    };
    let issuer = crate::units::issuer(app, bureau_unit, UnitKind::JusticeBureau).await?;
    values.insert(P::Institution, issuer.clone());
    let subject = Subject::Complaint(id).key();
    let number = number_of(app, &template, &subject, &c.number, issued_on).await?;
    let doc = Document {
        issuer: issuer.clone(),
        title: fill(&template.title, &values),
        number,
        addressee: fill(&template.addressee, &values),
        paragraphs: paragraphs(&fill(&template.body, &values)),
        signature: vec![issuer, date_cn(issued_on)],
    };
    let mut tx = app.store.write().await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::DocumentGenerate,
        format!("complaint/{id}/{}", kind.as_str()),
        None::<&()>,
        Some(&serde_json::json!({ "complaint_id": id, "kind": kind.as_str() })),
    )
    .await?;
    tx.commit().await?;
    let filename = format!("{}-{}", kind.label(), c.number);
    Ok((doc, filename))
}

async fn build_for_rectification(
    app: &App,
    ctx: &Ctx,
    id: legalaid_domain::RectificationId,
    kind: DocKind,
) -> AppResult<(Document, String)> {
    let v = crate::quality::rectifications::get(app, ctx, id).await?;
    if kind != DocKind::RectificationNotice {
        return Err(AppError::NotFound);
    }
    let template = {
        let mut tx = app.store.read().await?;
        store::get(&mut tx, kind).await?.ok_or(AppError::NotFound)?
    };
    let o = &v.order;
    let record = match &v.case_number {
        Some(n) => format!("{}（{n}）", o.source.label()),
        None => o.source.label().to_owned(),
    };
    let mut values = Values::new();
    values.insert(
        P::RectificationTarget,
        match &v.target_staff {
            Some(s) => format!("{}、{s}", v.target_unit),
            None => v.target_unit.clone(),
        },
    );
    values.insert(P::RectificationSource, record);
    values.insert(P::RectificationProblem, o.problem.clone());
    values.insert(P::ProblemCategory, o.category.label().to_owned());
    values.insert(P::RectificationRequirement, o.requirement.clone());
    values.insert(P::RectificationDeadline, date_cn(o.deadline));
    values.insert(P::Number, v.case_number.clone().unwrap_or_default());
    values.insert(P::Date, date_cn(o.issued_on));
    let issuer = crate::units::issuer(app, o.unit_id, UnitKind::LegalAidCenter).await?;
    values.insert(P::Institution, issuer.clone());
    let subject = Subject::Rectification(id).key();
    let fallback = format!("整改〔{}〕{}", o.issued_on.year(), o.id);
    let number = number_of(app, &template, &subject, &fallback, o.issued_on).await?;
    let doc = Document {
        issuer: issuer.clone(),
        title: fill(&template.title, &values),
        number: number.clone(),
        addressee: fill(&template.addressee, &values),
        paragraphs: paragraphs(&fill(&template.body, &values)),
        signature: vec![issuer, date_cn(o.issued_on)],
    };
    let mut tx = app.store.write().await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::DocumentGenerate,
        format!("rectification/{id}/{}", kind.as_str()),
        None::<&()>,
        Some(&serde_json::json!({ "rectification_id": id, "kind": kind.as_str() })),
    )
    .await?;
    tx.commit().await?;
    Ok((doc, format!("{}-{number}", kind.label())))
}

/// The supervision notice (督办通知书): the unit, the indicator with its data
/// on the day of issue (or of the last escalation), the requirement, the ladder
/// step and the deadline now running. Numbered in its own series when first
/// issued.
async fn build_for_supervision(
    app: &App,
    ctx: &Ctx,
    id: legalaid_domain::SupervisionOrderId,
    kind: DocKind,
) -> AppResult<(Document, String)> {
    let v = crate::supervision::orders::get(app, ctx, id).await?;
    if kind != DocKind::SupervisionNotice {
        return Err(AppError::NotFound);
    }
    let template = {
        let mut tx = app.store.read().await?;
        store::get(&mut tx, kind).await?.ok_or(AppError::NotFound)?
    };
    let o = &v.order;
    let mut values = Values::new();
    values.insert(P::Supervised, v.target_unit.clone());
    values.insert(P::SupervisedItem, o.indicator.label().to_owned());
    values.insert(P::SupervisedFigures, v.figures.sentence());
    values.insert(P::SupervisionRequirement, o.requirement.clone());
    values.insert(P::SupervisionDeadline, date_cn(o.deadline));
    values.insert(P::SupervisionLevel, o.escalation.label().to_owned());
    values.insert(P::Date, date_cn(o.issued_on));
    let issuer = v.issuing_unit.clone();
    values.insert(P::Institution, issuer.clone());
    let subject = Subject::SupervisionOrder(id).key();
    let fallback = format!("督办〔{}〕{}", o.issued_on.year(), o.id);
    let number = number_of(app, &template, &subject, &fallback, o.issued_on).await?;
    let doc = Document {
        issuer: issuer.clone(),
        title: fill(&template.title, &values),
        number: number.clone(),
        addressee: fill(&template.addressee, &values),
        paragraphs: paragraphs(&fill(&template.body, &values)),
        signature: vec![issuer, date_cn(v.figures.as_of.max(o.issued_on))],
    };
    let mut tx = app.store.write().await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::DocumentGenerate,
        format!("supervision_order/{id}/{}", kind.as_str()),
        None::<&()>,
        Some(&serde_json::json!({ "supervision_order_id": id, "kind": kind.as_str() })),
    )
    .await?;
    tx.commit().await?;
    Ok((doc, format!("{}-{number}", kind.label())))
}

/// The opinion letter (征询意见函): the organ, the case, and the three items of
/// the form with their points, each to be rated.
async fn build_for_opinion(
    app: &App,
    ctx: &Ctx,
    id: legalaid_domain::OpinionId,
    kind: DocKind,
) -> AppResult<(Document, String)> {
    use legalaid_domain::opinion::OpinionItem;
    let v = crate::quality::opinions::get(app, ctx, id).await?;
    if kind != DocKind::OpinionLetter {
        return Err(AppError::NotFound);
    }
    let (template, case, recipient) = {
        let mut tx = app.store.read().await?;
        let t = store::get(&mut tx, kind).await?.ok_or(AppError::NotFound)?;
        let c = legalaid_store::cases::get(&mut tx, legalaid_domain::CaseId(v.letter.case_id))
            .await?
            .ok_or(AppError::NotFound)?;
        let p = legalaid_store::persons::get(&mut tx, c.recipient_id).await?;
        (t, c, p.map(|p| p.name).unwrap_or_default())
    };
    let o = &v.letter;
    let numerals = ["一", "二", "三", "四", "五"];
    let items: Vec<String> = OpinionItem::ALL
        .iter()
        .enumerate()
        .map(|(i, item)| {
            format!(
                "{}、{}（{}）：□满意　□基本满意　□不满意",
                numerals.get(i).copied().unwrap_or("·"),
                item.label(),
                item.description()
            )
        })
        .collect();
    let mut values = Values::new();
    values.insert(P::OpinionOrgan, o.organ_name.clone());
    values.insert(P::OpinionItems, items.join("\n\n"));
    values.insert(P::OpinionReplyBy, date_cn(o.reminder_due));
    values.insert(P::CaseNumber, case.number.clone());
    values.insert(P::Number, case.number.clone());
    values.insert(P::Recipient, recipient);
    values.insert(P::Handler, v.handler_name.clone().unwrap_or_default());
    values.insert(
        P::HandlingUnit,
        v.handling_unit_name.clone().unwrap_or_default(),
    );
    values.insert(P::CaseOrgan, case.case_organ.clone());
    values.insert(
        P::OrganCaseNumber,
        if case.organ_case_number.is_empty() {
            "（案号）".to_owned()
        } else {
            case.organ_case_number.clone()
        },
    );
    values.insert(P::CaseType, case.case_type.label().to_owned());
    values.insert(P::Date, date_cn(o.sent_on));
    let issuer = crate::units::issuer(app, o.unit_id, UnitKind::LegalAidCenter).await?;
    values.insert(P::Institution, issuer.clone());
    let subject = Subject::Opinion(id).key();
    let fallback = format!("征〔{}〕{}", o.sent_on.year(), o.id);
    let number = number_of(app, &template, &subject, &fallback, o.sent_on).await?;
    let doc = Document {
        issuer: issuer.clone(),
        title: fill(&template.title, &values),
        number: number.clone(),
        addressee: fill(&template.addressee, &values),
        paragraphs: paragraphs(&fill(&template.body, &values)),
        signature: vec![issuer, date_cn(o.sent_on)],
    };
    let mut tx = app.store.write().await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::DocumentGenerate,
        format!("opinion/{id}/{}", kind.as_str()),
        None::<&()>,
        Some(&serde_json::json!({ "opinion_id": id, "kind": kind.as_str() })),
    )
    .await?;
    tx.commit().await?;
    Ok((doc, format!("{}-{number}", kind.label())))
}

/// The documents of a file review: the result notice once the grade is final.
pub fn review_available(v: &crate::quality::reviews::ReviewView) -> Vec<DocKind> {
    if v.review.final_grade.is_some()
        && v.review.status == legalaid_domain::quality::review::ReviewStatus::Final
    {
        vec![DocKind::ReviewResultNotice]
    } else {
        Vec::new()
    }
}

async fn build_for_review(
    app: &App,
    ctx: &Ctx,
    id: legalaid_domain::ReviewId,
    kind: DocKind,
) -> AppResult<(Document, String)> {
    let v = crate::quality::reviews::get(app, ctx, id).await?;
    if !review_available(&v).contains(&kind) {
        return Err(AppError::NotFound);
    }
    let (template, recipient) = {
        let mut tx = app.store.read().await?;
        let t = store::get(&mut tx, kind).await?.ok_or(AppError::NotFound)?;
        let case = legalaid_store::cases::get(&mut tx, CaseId(v.file.case_id))
            .await?
            .ok_or(AppError::NotFound)?;
        let person = legalaid_store::persons::get(&mut tx, case.recipient_id)
            .await?
            .map(|p| p.name)
            .unwrap_or_default();
        (t, person)
    };
    let final_sheet = v
        .sheets
        .iter()
        .rev()
        .find(|s| s.tier == legalaid_domain::quality::review::Tier::HeadRecheck);
    let grade = v
        .review
        .final_grade
        .unwrap_or(legalaid_domain::case::Grade::Qualified);
    let issued_on = v
        .review
        .final_at
        .map_or_else(|| local_date(app.clock.now()), local_date);
    let mut findings: Vec<String> = final_sheet
        .map(|s| vec![format!("复核意见：{}", s.findings)])
        .unwrap_or_default();
    for s in v
        .sheets
        .iter()
        .filter(|s| s.tier == legalaid_domain::quality::review::Tier::CaseReview)
    {
        findings.push(format!("专家意见：{}", s.findings));
    }
    let deductions: Vec<String> = final_sheet
        .map(|s| {
            s.scores
                .iter()
                .filter(|x| !x.note.is_empty())
                .map(|x| {
                    let title = v
                        .scheme
                        .scheme
                        .items
                        .iter()
                        .find(|i| i.code == x.item)
                        .map(|i| i.title.as_str())
                        .unwrap_or("");
                    format!("第{}项{}：{}", x.item, title, x.note)
                })
                .collect()
        })
        .unwrap_or_default();
    if !deductions.is_empty() {
        findings.push(format!("扣分情况：{}", deductions.join("；")));
    }
    let effect = if legalaid_domain::quality::review::withholds_subsidy(grade) {
        "本案评为不合格，办案补贴暂不发放。请承办人对照评查意见逐项整改，整改完成后由法律援助中心重新评定，评定合格后按等级发放补贴。"
    } else if v.subsidy_note.is_some() {
        "本案办案补贴在评查定级前已发放，评查等级记入承办人质量评价。"
    } else {
        "办案补贴按本评查等级核定发放。"
    };
    let mut values = Values::new();
    values.insert(P::CaseNumber, v.file.number.clone());
    values.insert(P::Number, v.file.number.clone());
    values.insert(P::Recipient, recipient);
    values.insert(P::CaseType, v.file.case_type.clone());
    values.insert(P::Stage, v.file.stage.clone());
    values.insert(P::HandlingUnit, v.file.handling_unit.clone());
    values.insert(P::Handler, v.file.handler.clone());
    values.insert(P::Grade, grade.label().to_owned());
    values.insert(P::ReviewRound, v.round.name.clone());
    values.insert(
        P::ReviewScore,
        format!(
            "{}分（{}，满分{}分）",
            v.review.final_total.unwrap_or(0),
            v.scheme.scheme.method.label(),
            v.scheme.scheme.max_total()
        ),
    );
    values.insert(P::ReviewFindings, findings.join("\n\n"));
    values.insert(P::ReviewEffect, effect.to_owned());
    values.insert(P::Date, date_cn(issued_on));
    let issuer = crate::units::issuer(app, v.round.unit_id, UnitKind::LegalAidCenter).await?;
    values.insert(P::Institution, issuer.clone());
    let subject = Subject::Review(id).key();
    let number = number_of(app, &template, &subject, &v.file.number, issued_on).await?;
    let doc = Document {
        issuer: issuer.clone(),
        title: fill(&template.title, &values),
        number,
        addressee: fill(&template.addressee, &values),
        paragraphs: paragraphs(&fill(&template.body, &values)),
        signature: vec![issuer, date_cn(issued_on)],
    };
    let mut tx = app.store.write().await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::DocumentGenerate,
        format!("review/{id}/{}", kind.as_str()),
        None::<&()>,
        Some(&serde_json::json!({ "review_id": id, "kind": kind.as_str() })),
    )
    .await?;
    tx.commit().await?;
    let filename = format!("{}-{}", kind.label(), v.file.number);
    Ok((doc, filename))
}

async fn build_for_application(
    app: &App,
    ctx: &Ctx,
    application_id: ApplicationId,
    kind: DocKind,
) -> AppResult<(Document, String)> {
    let v = applications::get(app, ctx, application_id).await?;
    if !available(&v).contains(&kind) {
        return Err(AppError::NotFound);
    }
    let template = {
        let mut tx = app.store.read().await?;
        store::get(&mut tx, kind).await?.ok_or(AppError::NotFound)?
    };
    let a = &v.application;
    let objection = v.objections.iter().rev().find(|o| !o.status.is_pending());
    let issued_on = match kind {
        DocKind::Receipt => local_date(a.received_at),
        DocKind::SupplementNotice => a
            .supplement_requested_on
            .unwrap_or_else(|| local_date(a.received_at)),
        DocKind::GrantDecision | DocKind::DenialDecision => a
            .decided_at
            .map_or_else(|| local_date(app.clock.now()), local_date),
        DocKind::ObjectionDecision => objection
            .and_then(|o| o.decided_at)
            .map_or_else(|| local_date(app.clock.now()), local_date),
        // The documents of cases are built by `build_for_case`.
        _ => local_date(app.clock.now()),
    };
    let supplement_due = v
        .deadlines
        .iter()
        .find(|d| d.code == "supplement_period")
        .map(|d| date_cn(d.due))
        .unwrap_or_else(|| "通知载明的期限".into());
    let mut values = Values::new();
    values.insert(P::Applicant, v.applicant.name.clone());
    values.insert(P::IdNumber, v.applicant.id_number_masked.clone());
    values.insert(P::Number, a.number.clone());
    values.insert(P::ReceivedOn, date_cn(local_time(a.received_at).date()));
    values.insert(P::Matter, v.matter_label.clone());
    values.insert(
        P::MatterBasis,
        v.assessment.basis.clone().unwrap_or_default(),
    );
    values.insert(P::ServiceForm, a.service_form.label().to_owned());
    values.insert(P::SupplementItems, a.supplement_items.clone());
    values.insert(P::SupplementDeadline, supplement_due);
    values.insert(
        P::DecidedOn,
        a.decided_at
            .map(|t| date_cn(local_date(t)))
            .unwrap_or_default(),
    );
    values.insert(
        P::Reason,
        if a.decision_reason.is_empty() {
            v.assessment.reasons.join("")
        } else {
            a.decision_reason.clone()
        },
    );
    values.insert(
        P::ReviewOpinion,
        match kind {
            DocKind::ObjectionDecision => objection
                .map(|o| o.decision_reason.clone())
                .unwrap_or_default(),
            _ => v.assessment.reasons.join(""),
        },
    );
    values.insert(
        P::ObjectionReason,
        objection.map(|o| o.reason.clone()).unwrap_or_default(),
    );
    values.insert(
        P::ObjectionDecision,
        match objection.and_then(|o| o.status.outcome()) {
            Some(ObjectionOutcome::Upheld) => {
                "维持原不予法律援助的决定。对本决定不服的，可以依法申请行政复议或者提起行政诉讼。"
                    .into()
            }
            Some(ObjectionOutcome::CorrectionOrdered) => {
                "责令法律援助机构改正，重新审查并作出决定。".into()
            }
            _ => String::new(),
        },
    );
    values.insert(P::Institution, v.receiving_unit.clone());
    values.insert(P::Date, date_cn(issued_on));
    let issuing_kind = if kind == DocKind::ObjectionDecision {
        UnitKind::JusticeBureau
    } else {
        UnitKind::LegalAidCenter
    };
    let issuer = crate::units::issuer(app, a.receiving_unit_id, issuing_kind).await?;
    let subject = number_subject(kind, a.id, objection.map(|o| o.id));
    let number = number_of(app, &template, &subject, &a.number, issued_on).await?;
    let doc = Document {
        issuer: issuer.clone(),
        title: fill(&template.title, &values),
        number,
        addressee: fill(&template.addressee, &values),
        paragraphs: paragraphs(&fill(&template.body, &values)),
        signature: vec![issuer, date_cn(issued_on)],
    };
    let mut tx = app.store.write().await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::DocumentGenerate,
        format!("{application_id}/{}", kind.as_str()),
        None::<&()>,
        Some(&serde_json::json!({ "application_id": application_id, "kind": kind.as_str() })),
    )
    .await?;
    tx.commit().await?;
    let filename = format!("{}-{}", kind.label(), a.number);
    Ok((doc, filename))
}

/// The documents a case has in its current state.
pub fn case_available(v: &CaseView) -> Vec<DocKind> {
    let c = &v.case;
    let mut out = Vec::new();
    if c.handling_unit_id.is_some() {
        out.push(DocKind::AssignmentNotice);
        if c.handler_id.is_some() && !c.case_organ.trim().is_empty() {
            out.push(DocKind::OfficialLetter);
        }
    }
    if c.termination_ground.is_some() {
        out.push(DocKind::TerminationDecision);
    }
    if c.closure.is_some() {
        out.push(DocKind::ClosureReport);
    }
    if matches!(
        c.subsidy_status,
        SubsidyStatus::Payable | SubsidyStatus::Paid
    ) {
        out.push(DocKind::SubsidyVoucher);
    }
    out
}

async fn build_for_case(
    app: &App,
    ctx: &Ctx,
    case_id: CaseId,
    kind: DocKind,
) -> AppResult<(Document, String)> {
    let v = crate::cases::get(app, ctx, case_id).await?;
    if !case_available(&v).contains(&kind) {
        return Err(AppError::NotFound);
    }
    let c = &v.case;
    let (template, application, licence) = {
        let mut tx = app.store.read().await?;
        let t = store::get(&mut tx, kind).await?.ok_or(AppError::NotFound)?;
        let a = legalaid_store::applications::get(&mut tx, c.application_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let licence = match c.handler_id {
            Some(h) => legalaid_store::staff::get(&mut tx, legalaid_domain::StaffId(h))
                .await?
                .map(|s| s.licence_no)
                .unwrap_or_default(),
            None => String::new(),
        };
        (t, a, licence)
    };
    let assigned_on = c.assigned_at.map(local_date);
    let agreement_due = v
        .deadlines
        .iter()
        .find(|d| d.code == "sign_agreement")
        .map(|d| date_cn(d.due))
        .unwrap_or_default();
    let issued_on = match kind {
        DocKind::AssignmentNotice | DocKind::OfficialLetter => assigned_on,
        DocKind::TerminationDecision => c.terminated_at.map(local_date),
        DocKind::ClosureReport => c.closure_submitted_at.map(local_date),
        DocKind::SubsidyVoucher => c.subsidy_paid_on.or(c.closed_at.map(local_date)),
        _ => None,
    }
    .unwrap_or_else(|| local_date(app.clock.now()));
    let work = v
        .progress
        .iter()
        .map(|p| {
            let label = p.activity.label();
            if p.note.is_empty() {
                format!("{}，{}", date_cn(p.occurred_on), label)
            } else {
                format!("{}，{}：{}", date_cn(p.occurred_on), label, p.note)
            }
        })
        .collect::<Vec<_>>()
        .join("；");
    let subsidy_lines = v
        .subsidy
        .computation
        .as_ref()
        .map(|comp| {
            comp.lines
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("；")
        })
        .unwrap_or_else(|| v.subsidy.note.clone());
    let mut values = Values::new();
    values.insert(P::CaseNumber, c.number.clone());
    values.insert(P::Number, c.number.clone());
    values.insert(P::Recipient, v.recipient.name.clone());
    values.insert(P::Applicant, v.recipient.name.clone());
    values.insert(P::RecipientPhone, v.recipient.phone.clone());
    values.insert(P::IdNumber, v.recipient.id_number_masked.clone());
    values.insert(P::OpposingParty, or_none(&c.opposing_party));
    values.insert(P::Matter, v.matter_label.clone());
    values.insert(P::CaseType, c.case_type.label().to_owned());
    values.insert(P::Stage, c.stage.label().to_owned());
    values.insert(P::HandlingUnit, v.handling_unit.clone().unwrap_or_default());
    values.insert(P::Handler, v.handler_name.clone().unwrap_or_default());
    values.insert(P::Licence, or_none(&licence));
    values.insert(P::HandlerPhone, v.handler_phone.clone().unwrap_or_default());
    values.insert(P::CaseOrgan, or_none(&c.case_organ));
    values.insert(P::OrganCaseNumber, or_none(&c.organ_case_number));
    // The letter names the organ's case by its number, or by the recipient when the
    // organ has given none yet; the capacity and the article follow the case.
    values.insert(
        P::LetterCase,
        if c.organ_case_number.trim().is_empty() {
            format!("{}所涉案件", v.recipient.name)
        } else {
            format!("{}案件", c.organ_case_number.trim())
        },
    );
    let (capacity, basis) = legalaid_domain::document::letter_capacity(
        c.case_type,
        application.procedural_role,
        application.channel == legalaid_domain::application::Channel::Notified,
    );
    values.insert(P::ActingAs, capacity.to_owned());
    values.insert(P::LetterBasis, basis.to_owned());
    values.insert(
        P::DecidedOn,
        application
            .decided_at
            .map(|t| date_cn(local_date(t)))
            .unwrap_or_default(),
    );
    values.insert(P::AssignedOn, assigned_on.map(date_cn).unwrap_or_default());
    values.insert(P::AgreementDeadline, agreement_due);
    values.insert(
        P::TerminationGround,
        c.termination_ground
            .map(|g| g.label().to_owned())
            .unwrap_or_default(),
    );
    values.insert(
        P::TerminationBasis,
        c.termination_ground.map(|g| g.basis()).unwrap_or_default(),
    );
    values.insert(P::TerminationReason, c.termination_reason.clone());
    if let Some(cl) = &c.closure {
        values.insert(P::Outcome, cl.outcome.label().to_owned());
        values.insert(P::EndedOn, date_cn(cl.ended_on));
        values.insert(P::Recovered, legalaid_domain::subsidy::yuan(cl.amount_fen));
        values.insert(P::Adoption, cl.adoption.label().to_owned());
        values.insert(P::ClosureReport, cl.report.clone());
    }
    values.insert(
        P::WorkLog,
        if work.is_empty() {
            "（未登记）".into()
        } else {
            work
        },
    );
    values.insert(P::Grade, c.grade.label().to_owned());
    values.insert(P::SubsidyItems, subsidy_lines);
    values.insert(
        P::SubsidyAmount,
        legalaid_domain::subsidy::yuan(v.subsidy.amount_fen.unwrap_or(0)),
    );
    values.insert(
        P::SubsidyInWords,
        legalaid_domain::document::amount_in_capitals(v.subsidy.amount_fen.unwrap_or(0)),
    );
    values.insert(P::VoucherNumber, or_none(&c.subsidy_voucher));
    values.insert(
        P::PaidOn,
        c.subsidy_paid_on
            .map(date_cn)
            .unwrap_or_else(|| "（待发放）".into()),
    );
    values.insert(P::Institution, v.intake_unit.clone());
    values.insert(P::Date, date_cn(issued_on));
    let issuer = crate::units::issuer(app, c.intake_unit_id, UnitKind::LegalAidCenter).await?;
    // The closure report is the handler's, addressed to the center.
    values.insert(P::Institution, issuer.clone());
    let signature = if kind == DocKind::ClosureReport {
        vec![
            format!(
                "{} {}",
                v.handling_unit.clone().unwrap_or_default(),
                v.handler_name.clone().unwrap_or_default()
            ),
            date_cn(issued_on),
        ]
    } else {
        vec![issuer.clone(), date_cn(issued_on)]
    };
    let subject = format!("case:{}", c.id);
    let number = number_of(app, &template, &subject, &c.number, issued_on).await?;
    let doc = Document {
        issuer: issuer.clone(),
        title: fill(&template.title, &values),
        number,
        addressee: fill(&template.addressee, &values),
        paragraphs: paragraphs(&fill(&template.body, &values)),
        signature,
    };
    let mut tx = app.store.write().await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::DocumentGenerate,
        format!("case/{case_id}/{}", kind.as_str()),
        None::<&()>,
        Some(&serde_json::json!({ "case_id": case_id, "kind": kind.as_str() })),
    )
    .await?;
    tx.commit().await?;
    let filename = format!("{}-{}", kind.label(), c.number);
    Ok((doc, filename))
}

fn or_none(s: &str) -> String {
    if s.trim().is_empty() {
        "无".into()
    } else {
        s.to_owned()
    }
}
