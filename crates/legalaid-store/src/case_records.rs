//! What quality management and the complaint procedure keep about one case, by
//! kind and id: its page lists them (each then read through its own module).

use crate::{Result, StoreError, Tx};
use legalaid_domain::CaseId;

/// A kind of record quality management or the complaint procedure keeps about a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseRecordKind {
    Review,
    Rectification,
    Visit,
    Observation,
    Opinion,
    Complaint,
}

impl CaseRecordKind {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "review" => Self::Review,
            "rectification" => Self::Rectification,
            "visit" => Self::Visit,
            "observation" => Self::Observation,
            "opinion" => Self::Opinion,
            "complaint" => Self::Complaint,
            _ => return None,
        })
    }
}

/// Every record about a case, by kind and id, in one query (a case page reads its
/// records each time it is shown): file reviews, rectification orders about the
/// case or one of its reviews, follow-up visits, hearing observations, opinion
/// letters and complaints. Reviews, visits, observations and letters come newest
/// first, orders and complaints oldest first, as their lists gave them before.
/// All of them: a case has a handful.
pub async fn of_case(tx: &mut Tx, case_id: CaseId) -> Result<Vec<(CaseRecordKind, i64)>> {
    const Q: &str = "SELECT kind, id FROM (\
        SELECT 'review' AS kind, 0 AS k, -id AS o, id FROM reviews WHERE case_id = $1 \
        UNION ALL SELECT 'rectification', 1, id, id FROM rectifications \
            WHERE case_id = $1 OR review_id IN (SELECT id FROM reviews WHERE case_id = $1) \
        UNION ALL SELECT 'visit', 2, -id, id FROM visits WHERE case_id = $1 \
        UNION ALL SELECT 'observation', 3, -id, id FROM observations WHERE case_id = $1 \
        UNION ALL SELECT 'opinion', 4, -id, id FROM opinion_letters WHERE case_id = $1 \
        UNION ALL SELECT 'complaint', 5, id, id FROM complaints WHERE case_id = $1\
        ) records ORDER BY k, o";
    let rows: Vec<(String, i64)> =
        on_tx!(tx, c => sqlx::query_as(Q).bind(case_id.0).fetch_all(c).await?);
    rows.into_iter()
        .map(|(kind, id)| {
            CaseRecordKind::parse(&kind)
                .map(|k| (k, id))
                .ok_or_else(|| StoreError::Corrupt(format!("case record kind {kind:?}")))
        })
        .collect()
}
