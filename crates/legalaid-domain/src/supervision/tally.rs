//! Case tallies: what one case contributes to the monthly and daily counts
//! every dashboard reads (ADR 0023, 0029). A case contributes one count per event it has
//! been through, in the China month the event happened, under the unit that
//! took its intake; the subsidy events also carry their amount.
//!
//! The store keeps the tallies in the transaction that writes the case, by
//! adding [`delta`] of the case before and after; a rebuild recomputes them
//! from every case with [`of_case`]. Both use these two functions only, so the
//! incremental and the recomputed figures cannot disagree by construction
//! (and a test proves they agree on real data).

use crate::case::{Case, CaseStatus, CaseType, SubsidyStatus};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

code_enum!(
    /// An event a case is counted at.
    Measure {
        /// 受理: the case was opened (a grant, or a notification accepted).
        Accepted => ("accepted", "受理"),
        /// 指派: a handling unit or handler was assigned.
        Assigned => ("assigned", "指派"),
        /// 结案: the handler submitted the closure, or aid was terminated.
        Concluded => ("concluded", "结案"),
        /// 归档: the center approved the closure and archived the file.
        Archived => ("archived", "归档"),
        /// 应发补贴: the subsidy became due at archiving (amount = approved subsidy).
        SubsidyDue => ("subsidy_due", "应发补贴"),
        /// 补贴发放: the subsidy was paid (amount = paid subsidy).
        SubsidyPaid => ("subsidy_paid", "补贴发放"),
    }
);

/// The cell a count falls in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Key {
    pub unit_id: i64,
    pub year: i32,
    pub month: u32,
    pub case_type: CaseType,
    /// A later stage of a criminal matter (the case has a previous stage).
    pub later_stage: bool,
    pub measure: Measure,
    /// The day of the month of a daily cell; 0 in a monthly cell (the
    /// month's days summed). Last, so a day's cells sort inside their month's.
    pub day: u32,
}

impl Key {
    /// The monthly cell this (daily) cell is summed into.
    pub fn monthly(&self) -> Key {
        Key {
            day: 0,
            ..self.clone()
        }
    }
}

/// A contribution: the cell, a count and an amount in fen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: Key,
    pub count: i64,
    pub amount_fen: i64,
}

/// An event of a case on a China calendar day, with its amount in fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    pub measure: Measure,
    pub day: NaiveDate,
    pub amount_fen: i64,
}

/// The events `case` has been through.
pub fn events(case: &Case) -> Vec<Event> {
    let ev = |measure, day, amount_fen| Event {
        measure,
        day,
        amount_fen,
    };
    let day = crate::local_date;
    let mut out = vec![ev(Measure::Accepted, day(case.created_at), 0)];
    if let Some(t) = case.assigned_at {
        out.push(ev(Measure::Assigned, day(t), 0));
    }
    let concluded = case
        .closure_submitted_at
        .or(if case.status == CaseStatus::Terminated {
            case.terminated_at
        } else {
            None
        });
    if let Some(t) = concluded {
        out.push(ev(Measure::Concluded, day(t), 0));
    }
    if case.status == CaseStatus::Archived
        && let Some(t) = case.closed_at
    {
        out.push(ev(Measure::Archived, day(t), 0));
        let due = matches!(
            case.subsidy_status,
            SubsidyStatus::Payable | SubsidyStatus::Paid | SubsidyStatus::Withheld
        );
        if due {
            out.push(ev(
                Measure::SubsidyDue,
                day(t),
                case.subsidy_fen.unwrap_or(0),
            ));
        }
    }
    if case.subsidy_status == SubsidyStatus::Paid
        && let Some(d) = case.subsidy_paid_on
    {
        out.push(ev(Measure::SubsidyPaid, d, case.subsidy_fen.unwrap_or(0)));
    }
    out
}

/// The entry of one event of `case`.
pub fn entry(case: &Case, e: Event) -> Entry {
    Entry {
        key: Key {
            unit_id: case.intake_unit_id,
            year: e.day.year(),
            month: e.day.month(),
            case_type: case.case_type,
            later_stage: case.previous_case_id.is_some(),
            measure: e.measure,
            day: e.day.day(),
        },
        count: 1,
        amount_fen: e.amount_fen,
    }
}

/// What `case` contributes, one entry per event it has been through.
pub fn of_case(case: &Case) -> Vec<Entry> {
    events(case).into_iter().map(|e| entry(case, e)).collect()
}

/// The entries of the events of `case` on the days `from..=to`.
pub fn between(case: &Case, from: NaiveDate, to: NaiveDate) -> Vec<Entry> {
    events(case)
        .into_iter()
        .filter(|e| from <= e.day && e.day <= to)
        .map(|e| entry(case, e))
        .collect()
}

/// What changes when `before` (none for a new case) becomes `after`: the
/// entries of `after` minus those of `before`, cells that cancel left out.
pub fn delta(before: Option<&Case>, after: &Case) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    let mut add = |e: Entry, sign: i64| match out.iter_mut().find(|x| x.key == e.key) {
        Some(x) => {
            x.count += sign * e.count;
            x.amount_fen += sign * e.amount_fen;
        }
        None => out.push(Entry {
            key: e.key,
            count: sign * e.count,
            amount_fen: sign * e.amount_fen,
        }),
    };
    for e in before.map(of_case).unwrap_or_default() {
        add(e, -1);
    }
    for e in of_case(after) {
        add(e, 1);
    }
    out.retain(|e| e.count != 0 || e.amount_fen != 0);
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out
}

/// Daily entries summed into their monthly cells (in key order, cells that
/// cancel left out).
pub fn monthly(entries: &[Entry]) -> Vec<Entry> {
    summed(entries.iter().map(|e| Entry {
        key: e.key.monthly(),
        count: e.count,
        amount_fen: e.amount_fen,
    }))
}

/// An accumulator of entries by cell (for a rebuild and its check).
#[derive(Debug, Default, Clone)]
pub struct Cells(std::collections::BTreeMap<Key, (i64, i64)>);

impl Cells {
    pub fn add(&mut self, e: &Entry) {
        let v = self.0.entry(e.key.clone()).or_default();
        v.0 += e.count;
        v.1 += e.amount_fen;
    }

    /// How many cells are held.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The cells held, in key order, those that cancel left out; empties
    /// the accumulator.
    pub fn drain(&mut self) -> Vec<Entry> {
        std::mem::take(&mut self.0)
            .into_iter()
            .filter(|(_, (n, a))| *n != 0 || *a != 0)
            .map(|(key, (count, amount_fen))| Entry {
                key,
                count,
                amount_fen,
            })
            .collect()
    }
}

/// Entries summed per cell (for a rebuild, and for the tests).
pub fn summed(entries: impl IntoIterator<Item = Entry>) -> Vec<Entry> {
    let mut cells = Cells::default();
    for e in entries {
        cells.add(&e);
    }
    cells.drain()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{Grade, Stage};
    use crate::{ApplicationId, CaseId, PersonId};
    use chrono::{DateTime, Utc};

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("instant")
            .with_timezone(&Utc)
    }

    fn case() -> Case {
        Case {
            id: CaseId(1),
            number: "叶法援〔2026〕第1号".into(),
            application_id: ApplicationId(1),
            previous_case_id: None,
            recipient_id: PersonId(1),
            case_type: CaseType::Civil,
            stage: Stage::Whole,
            status: CaseStatus::AwaitingAssignment,
            intake_unit_id: 7,
            handling_unit_id: None,
            handler_id: None,
            possible_life_or_death: false,
            juvenile: false,
            opposing_party: String::new(),
            case_organ: String::new(),
            organ_case_number: String::new(),
            // 2026-01-31 23:30 in China: counted in January, not in February.
            assign_from: at("2026-01-31T15:30:00Z"),
            assigned_at: None,
            agreement_signed_on: None,
            ended_on: None,
            closure_submitted_at: None,
            closed_at: None,
            termination_ground: None,
            termination_reason: String::new(),
            terminated_at: None,
            grade: Grade::Qualified,
            closure: None,
            subsidy_status: SubsidyStatus::NotDue,
            subsidy_fen: None,
            subsidy_paid_on: None,
            subsidy_voucher: String::new(),
            graded_at: None,
            version: 1,
            created_at: at("2026-01-31T15:30:00Z"),
        }
    }

    fn cells(e: &[Entry]) -> Vec<(Measure, u32, i64, i64)> {
        e.iter()
            .map(|e| (e.key.measure, e.key.month, e.count, e.amount_fen))
            .collect()
    }

    #[test]
    fn a_case_is_counted_at_each_event_in_its_china_month() {
        let mut c = case();
        assert_eq!(cells(&of_case(&c)), [(Measure::Accepted, 1, 1, 0)]);
        c.assigned_at = Some(at("2026-02-02T01:00:00Z"));
        c.status = CaseStatus::InProgress;
        c.closure_submitted_at = Some(at("2026-05-10T02:00:00Z"));
        c.status = CaseStatus::Archived;
        c.closed_at = Some(at("2026-05-20T02:00:00Z"));
        c.subsidy_status = SubsidyStatus::Paid;
        c.subsidy_fen = Some(150_000);
        c.subsidy_paid_on = NaiveDate::from_ymd_opt(2026, 6, 3);
        assert_eq!(
            cells(&of_case(&c)),
            [
                (Measure::Accepted, 1, 1, 0),
                (Measure::Assigned, 2, 1, 0),
                (Measure::Concluded, 5, 1, 0),
                (Measure::Archived, 5, 1, 0),
                (Measure::SubsidyDue, 5, 1, 150_000),
                (Measure::SubsidyPaid, 6, 1, 150_000),
            ]
        );
    }

    #[test]
    fn a_daily_cell_is_its_china_day_and_sums_into_its_month() {
        let mut c = case();
        c.assigned_at = Some(at("2026-01-31T16:30:00Z")); // 1 February, 00:30 in China
        let mut other = case();
        other.created_at = at("2026-01-05T02:00:00Z");
        let days: Vec<_> = of_case(&c)
            .into_iter()
            .chain(of_case(&other))
            .map(|e| (e.key.measure, e.key.month, e.key.day))
            .collect();
        assert_eq!(
            days,
            [
                (Measure::Accepted, 1, 31),
                (Measure::Assigned, 2, 1),
                (Measure::Accepted, 1, 5)
            ]
        );
        let all: Vec<Entry> = of_case(&c).into_iter().chain(of_case(&other)).collect();
        let months: Vec<_> = monthly(&all)
            .into_iter()
            .map(|e| (e.key.measure, e.key.month, e.key.day, e.count))
            .collect();
        assert_eq!(
            months,
            [(Measure::Accepted, 1, 0, 2), (Measure::Assigned, 2, 0, 1)]
        );
    }

    #[test]
    fn a_termination_concludes_and_a_later_stage_is_marked() {
        let mut c = case();
        c.case_type = CaseType::Criminal;
        c.stage = Stage::Trial;
        c.previous_case_id = Some(CaseId(9));
        c.status = CaseStatus::Terminated;
        c.terminated_at = Some(at("2026-03-01T02:00:00Z"));
        let e = of_case(&c);
        assert!(e.iter().all(|e| e.key.later_stage));
        assert_eq!(
            cells(&e),
            [(Measure::Accepted, 1, 1, 0), (Measure::Concluded, 3, 1, 0)]
        );
        // An objection to the termination pending: not concluded until decided.
        c.status = CaseStatus::ObjectionPending;
        assert_eq!(cells(&of_case(&c)), [(Measure::Accepted, 1, 1, 0)]);
    }

    #[test]
    fn the_delta_moves_what_changed_and_nothing_else() {
        let before = case();
        assert_eq!(cells(&delta(None, &before)), [(Measure::Accepted, 1, 1, 0)]);
        let mut after = before.clone();
        after.assigned_at = Some(at("2026-02-02T01:00:00Z"));
        assert_eq!(
            cells(&delta(Some(&before), &after)),
            [(Measure::Assigned, 2, 1, 0)]
        );
        // A replacement assigned in March moves the count from February to March.
        let mut again = after.clone();
        again.assigned_at = Some(at("2026-03-05T01:00:00Z"));
        assert_eq!(
            cells(&delta(Some(&after), &again)),
            [(Measure::Assigned, 2, -1, 0), (Measure::Assigned, 3, 1, 0)]
        );
        assert!(delta(Some(&again), &again).is_empty());
        // Summing every delta along the way gives the final case's entries.
        let steps = [None, Some(&before), Some(&after)];
        let afters = [&before, &after, &again];
        let all = steps.iter().zip(afters).flat_map(|(b, a)| delta(*b, a));
        assert_eq!(summed(all), summed(of_case(&again)));
    }
}
