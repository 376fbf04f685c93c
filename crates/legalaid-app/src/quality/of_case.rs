//! What quality management and the complaint procedure hold about one case, for
//! its page: file reviews, rectification orders, follow-up visits, hearing
//! observations, opinion letters and complaints. Each record is listed only when
//! the caller may open it (the same check as its own page), so a handler sees
//! the orders addressed to them but not the complaints about them.

use super::excellent::{self, HonourView, nominations::OpenSelection};
use crate::cases::{self, CaseView};
use crate::{App, AppError, AppResult, Ctx, complaints};
use chrono::NaiveDate;
use legalaid_domain::{
    CaseId, ComplaintId, ObservationId, OpinionId, RectificationId, ReviewId, VisitId, local_date,
};
use legalaid_store::case_records::CaseRecordKind as Kind;
use serde::Serialize;

/// One record about a case, as its page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseRecord {
    /// `review`, `rectification`, `visit`, `observation`, `opinion` or `complaint`.
    pub kind: &'static str,
    /// 案卷评查, 整改通知, 回访, 庭审旁听, 征询意见函, 投诉.
    pub kind_label: &'static str,
    /// When it happened (drawn, issued, visited, heard, sent, received).
    pub date: NaiveDate,
    pub summary: String,
    pub status: String,
    /// Its own page.
    pub href: String,
}

/// Keeps what the caller may open; NotFound and Forbidden mean "not theirs".
fn readable<T>(r: AppResult<T>) -> AppResult<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(AppError::NotFound | AppError::Forbidden(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The records about case `id` the caller may open, newest first. The case
/// itself is checked by the caller (its page).
pub async fn records(app: &App, ctx: &Ctx, id: CaseId) -> AppResult<Vec<CaseRecord>> {
    let refs = {
        let mut tx = app.store.read().await?;
        legalaid_store::case_records::of_case(&mut tx, id).await?
    };
    readable_records(app, ctx, refs).await
}

/// What a case's page shows beside the case: the case's records and honours.
#[derive(Debug, Clone)]
pub struct CasePage {
    pub view: CaseView,
    pub records: Vec<CaseRecord>,
    pub honours: Vec<HonourView>,
    /// The selections the caller may recommend the case to now.
    pub open_selections: Vec<OpenSelection>,
}

/// A case's page: the case through the visibility check ([`cases::get`]), the
/// references of its quality records and its honours, read in one transaction
/// (each transaction is three more round trips to a SQLite connection's thread,
/// ADR 0040); then each record through its own page's check.
pub async fn page(app: &App, ctx: &Ctx, id: CaseId) -> AppResult<CasePage> {
    let (view, refs, honours) = {
        let mut tx = app.store.read().await?;
        let view = cases::get_in(app, &mut tx, ctx, id).await?;
        let refs = legalaid_store::case_records::of_case(&mut tx, id).await?;
        let honours = excellent::honours_in(&mut tx, id).await?;
        (view, refs, honours)
    };
    let records = readable_records(app, ctx, refs).await?;
    let open_selections = excellent::nominations::open_for(app, ctx, &view.case).await?;
    Ok(CasePage {
        view,
        records,
        honours,
        open_selections,
    })
}

async fn readable_records(
    app: &App,
    ctx: &Ctx,
    refs: Vec<(Kind, i64)>,
) -> AppResult<Vec<CaseRecord>> {
    let ids = |kind: Kind| {
        refs.iter()
            .filter(move |(k, _)| *k == kind)
            .map(|(_, i)| *i)
    };
    let mut out = Vec::new();
    for r in ids(Kind::Review) {
        if let Some(v) = readable(super::reviews::get(app, ctx, ReviewId(r)).await)? {
            let grade = v
                .review
                .final_grade
                .map(|g| format!("，评定为{}", g.label()))
                .unwrap_or_default();
            out.push(CaseRecord {
                kind: "review",
                kind_label: "案卷评查",
                date: v.round.drawn_at.map_or(v.round.due_on, local_date),
                summary: format!("{}{grade}", v.round.name),
                status: v.review.status.label().to_owned(),
                href: format!("/reviews/{r}"),
            });
        }
    }
    for o in ids(Kind::Rectification) {
        if let Some(v) = readable(super::rectifications::get(app, ctx, RectificationId(o)).await)? {
            out.push(CaseRecord {
                kind: "rectification",
                kind_label: "整改通知",
                date: v.order.issued_on,
                summary: format!(
                    "{}（{}）：{}，限{}前整改",
                    v.order.category.label(),
                    v.order.source.label(),
                    v.target_staff.clone().unwrap_or(v.target_unit.clone()),
                    v.order.deadline
                ),
                status: v.order.status.label().to_owned(),
                href: format!("/rectifications/{o}"),
            });
        }
    }
    for visit in ids(Kind::Visit) {
        if let Some(v) = readable(super::visits::get(app, ctx, VisitId(visit)).await)? {
            let overall = v
                .visit
                .overall
                .map(|s| format!("，总体评价{}", s.label()))
                .unwrap_or_default();
            let fee = if v.visit.fee_asked || v.visit.fee_paid {
                "，发现违规收费线索"
            } else {
                ""
            };
            out.push(CaseRecord {
                kind: "visit",
                kind_label: "回访",
                date: v.visit.visited_on,
                summary: format!(
                    "{}（{}）{overall}{fee}",
                    v.visit.mode.label(),
                    v.visit.timing.label()
                ),
                status: v.visit.outcome.label().to_owned(),
                href: format!("/visits/{visit}"),
            });
        }
    }
    for o in ids(Kind::Observation) {
        if let Some(v) = readable(super::hearings::get(app, ctx, ObservationId(o)).await)? {
            out.push(CaseRecord {
                kind: "observation",
                kind_label: "庭审旁听",
                date: v.observation.hearing_date,
                summary: format!(
                    "{}，旁听人{}{}",
                    v.observation.court,
                    v.observer_name,
                    if v.observation.needs_rectification {
                        "，需要整改"
                    } else {
                        ""
                    }
                ),
                status: v.observation.status.label().to_owned(),
                href: format!("/hearings/observations/{o}"),
            });
        }
    }
    for o in ids(Kind::Opinion) {
        if let Some(v) = readable(super::opinions::get(app, ctx, OpinionId(o)).await)? {
            out.push(CaseRecord {
                kind: "opinion",
                kind_label: "征询意见函",
                date: v.letter.sent_on,
                summary: format!(
                    "致{}{}",
                    v.letter.organ_name,
                    if v.letter.negative {
                        "，回复意见有负面评价"
                    } else {
                        ""
                    }
                ),
                status: v.letter.status.label().to_owned(),
                href: format!("/opinions/{o}"),
            });
        }
    }
    for c in ids(Kind::Complaint) {
        if let Some(v) = readable(complaints::get(app, ctx, ComplaintId(c)).await)? {
            out.push(CaseRecord {
                kind: "complaint",
                kind_label: "投诉",
                date: local_date(v.complaint.received_at),
                summary: format!("{}：{}", v.complaint.number, v.complaint.category.label()),
                status: v.complaint.status.label().to_owned(),
                href: format!("/complaints/{c}"),
            });
        }
    }
    out.sort_by(|a, b| b.date.cmp(&a.date).then(a.kind.cmp(b.kind)));
    Ok(out)
}
