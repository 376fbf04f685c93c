//! The deadline engine: when a legal period that started at a given moment ends.
//!
//! Each rule is data (length, unit, whether a last day on a rest day moves on, its
//! legal source), so that a province or a new text changes configuration, not code.
//! Counting follows the Civil Code unless the rule says otherwise:
//! - art 201: the day of the triggering event is not counted; counting starts the next day;
//! - art 203: a period whose last day is a statutory rest day ends on the first working day after it;
//! - hour periods run from the moment itself and never move.

use crate::calendar::{CalendarGap, WorkCalendar};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

code_enum!(
    PeriodUnit {
        Hours => ("hours", "小时"),
        CalendarDays => ("calendar_days", "日"),
        WorkingDays => ("working_days", "个工作日"),
    }
);

/// A deadline rule, as configured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeadlineRule {
    /// Stable code, e.g. `review_decision`.
    pub code: String,
    /// What must happen, e.g. 作出是否给予法律援助的决定.
    pub label: String,
    pub length: u32,
    pub unit: PeriodUnit,
    /// Civil Code art 203: a last day on a rest day moves to the next working day.
    pub roll_over_rest_days: bool,
    /// The legal source, e.g. 《法律援助法》第四十三条.
    pub source: String,
    /// This version governs the periods that start on or after this day (until a
    /// later version); past periods keep the version they started under.
    #[serde(default = "legal_aid_law_in_force")]
    pub effective_from: NaiveDate,
}

/// The day the Legal Aid Law took effect: the shipped rules govern from it.
pub fn legal_aid_law_in_force() -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, 1, 1).unwrap_or_default()
}

/// When a period ends, in China Standard Time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "at")]
pub enum Due {
    /// Day periods end at the end of this day (24:00).
    EndOfDay(NaiveDate),
    /// Hour periods end at this moment.
    At(NaiveDateTime),
}

impl Due {
    /// The last date on which the act is in time.
    pub fn date(&self) -> NaiveDate {
        match self {
            Due::EndOfDay(d) => *d,
            Due::At(t) => t.date(),
        }
    }

    /// Whether the period has run out at local time `now`.
    pub fn is_past(&self, now: NaiveDateTime) -> bool {
        match self {
            Due::EndOfDay(d) => now.date() > *d,
            Due::At(t) => now > *t,
        }
    }
}

/// A stretch of time during which the clock stood still (e.g. while the applicant
/// supplemented materials): stopped on `stopped`, ran again from the day after `resumed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub stopped: NaiveDate,
    pub resumed: NaiveDate,
}

impl DeadlineRule {
    /// When the period started by an event at local time `start` ends, with the
    /// clock stopped during `pauses`.
    pub fn due(
        &self,
        start: NaiveDateTime,
        pauses: &[Pause],
        cal: &WorkCalendar,
    ) -> Result<Due, CalendarGap> {
        let day0 = start.date();
        match self.unit {
            PeriodUnit::Hours => {
                let paused_hours: i64 = pauses
                    .iter()
                    .map(|p| (p.resumed - p.stopped).num_days().max(0) * 24)
                    .sum();
                Ok(Due::At(
                    start + Duration::hours(i64::from(self.length) + paused_hours),
                ))
            }
            PeriodUnit::CalendarDays => {
                let paused: i64 = pauses
                    .iter()
                    .map(|p| (p.resumed - p.stopped).num_days().max(0))
                    .sum();
                let last = day0 + Duration::days(i64::from(self.length) + paused);
                let last = if self.roll_over_rest_days {
                    cal.workday_on_or_after(last)?
                } else {
                    last
                };
                Ok(Due::EndOfDay(last))
            }
            PeriodUnit::WorkingDays => {
                let mut paused = 0;
                for p in pauses {
                    paused += cal.workdays_between(p.stopped, p.resumed)?;
                }
                Ok(Due::EndOfDay(cal.add_workdays(day0, self.length + paused)?))
            }
        }
    }

    /// As [`DeadlineRule::due`], but a period running into a year whose holidays
    /// are not entered yet gets a provisional date counted with weekends only,
    /// together with that year, so that it is shown (and warned about), not lost.
    pub fn due_or_provisional(
        &self,
        start: NaiveDateTime,
        pauses: &[Pause],
        cal: &WorkCalendar,
    ) -> Result<(Due, Option<i32>), CalendarGap> {
        match self.due(start, pauses, cal) {
            Ok(d) => Ok((d, None)),
            Err(gap) => Ok((
                self.due(start, pauses, &cal.assuming_weekends())?,
                Some(gap.year),
            )),
        }
    }

    /// "7日（《法律援助法》第四十三条）": the period and its legal basis, as users
    /// see it (without the notes kept for maintainers, `rules::basis_for_users`).
    pub fn describe(&self) -> String {
        let basis = crate::rules::basis_for_users(&self.source);
        if basis.is_empty() {
            format!("{}{}", self.length, self.unit.label())
        } else {
            format!("{}{}（{basis}）", self.length, self.unit.label())
        }
    }
}

/// How a running deadline stands today, for lists and warnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state", content = "days")]
pub enum Standing {
    Overdue(i64),
    DueToday,
    /// Due within the warning window (days left).
    DueSoon(i64),
    Running(i64),
}

impl Standing {
    pub fn of(due: Due, today: NaiveDate, warn_days: i64) -> Standing {
        let left = (due.date() - today).num_days();
        match left {
            l if l < 0 => Standing::Overdue(-l),
            0 => Standing::DueToday,
            l if l <= warn_days => Standing::DueSoon(l),
            l => Standing::Running(l),
        }
    }

    pub fn label(&self) -> String {
        match self {
            Standing::Overdue(d) => format!("已超期{d}日"),
            Standing::DueToday => "今日到期".into(),
            Standing::DueSoon(d) | Standing::Running(d) => format!("剩余{d}日"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::tests::{cal_2024, d};

    fn rule(length: u32, unit: PeriodUnit, roll: bool) -> DeadlineRule {
        DeadlineRule {
            code: "t".into(),
            label: "测试".into(),
            length,
            unit,
            roll_over_rest_days: roll,
            source: "测试".into(),
            effective_from: legal_aid_law_in_force(),
        }
    }

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("valid")
    }

    #[test]
    fn a_period_into_a_year_without_holidays_gets_a_provisional_date_not_an_error() {
        // The calendar covers 2024 only. 30 days from 2024-12-20 end on Sunday
        // 2025-01-19: without the 2025 holidays that rolls over to Monday the 20th,
        // counted with weekends only and marked as provisional for 2025.
        let r = rule(30, PeriodUnit::CalendarDays, true);
        assert_eq!(
            r.due(at("2024-12-20 10:00"), &[], &cal_2024()),
            Err(CalendarGap { year: 2025 })
        );
        assert_eq!(
            r.due_or_provisional(at("2024-12-20 10:00"), &[], &cal_2024()),
            Ok((Due::EndOfDay(d("2025-01-20")), Some(2025)))
        );
        // Within the covered year nothing is provisional.
        assert_eq!(
            r.due_or_provisional(at("2024-08-05 10:00"), &[], &cal_2024())
                .map(|(_, p)| p),
            Ok(None)
        );
        // Working days count Monday to Friday in the missing year.
        let w = rule(3, PeriodUnit::WorkingDays, false);
        assert_eq!(
            w.due_or_provisional(at("2024-12-31 10:00"), &[], &cal_2024()),
            Ok((Due::EndOfDay(d("2025-01-03")), Some(2025)))
        );
    }

    #[test]
    fn seven_days_to_decide_start_the_next_day() {
        // LAL art 43: received Monday 2024-08-05 → the 7th day is Monday 2024-08-12.
        let r = rule(7, PeriodUnit::CalendarDays, true);
        assert_eq!(
            r.due(at("2024-08-05 16:30"), &[], &cal_2024()),
            Ok(Due::EndOfDay(d("2024-08-12")))
        );
    }

    #[test]
    fn a_last_day_on_a_rest_day_moves_to_the_next_working_day() {
        // Received Thursday 2024-09-26: the 7th day, 2024-10-03, is in the National Day
        // holiday, so the period ends on the first working day after it, 2024-10-08.
        let r = rule(7, PeriodUnit::CalendarDays, true);
        assert_eq!(
            r.due(at("2024-09-26 09:00"), &[], &cal_2024()),
            Ok(Due::EndOfDay(d("2024-10-08")))
        );
        // Without rollover it stays on the holiday.
        let r = rule(7, PeriodUnit::CalendarDays, false);
        assert_eq!(
            r.due(at("2024-09-26 09:00"), &[], &cal_2024()),
            Ok(Due::EndOfDay(d("2024-10-03")))
        );
        // An adjusted working Saturday (2024-10-12) is a working day: no move.
        let r = rule(3, PeriodUnit::CalendarDays, true);
        assert_eq!(
            r.due(at("2024-10-09 10:00"), &[], &cal_2024()),
            Ok(Due::EndOfDay(d("2024-10-12")))
        );
    }

    #[test]
    fn twenty_four_hours_run_from_the_moment() {
        // LAL art 39: forwarding within 24 hours; never moved for rest days.
        let r = rule(24, PeriodUnit::Hours, false);
        assert_eq!(
            r.due(at("2024-10-01 10:15"), &[], &cal_2024()),
            Ok(Due::At(at("2024-10-02 10:15")))
        );
    }

    #[test]
    fn working_day_periods_skip_holidays() {
        // Complaints: accepted within 5 working days. Received Friday 2024-09-27:
        // Sun 29 (adjusted), Mon 30, then Oct 8, 9, 10.
        let r = rule(5, PeriodUnit::WorkingDays, true);
        assert_eq!(
            r.due(at("2024-09-27 11:00"), &[], &cal_2024()),
            Ok(Due::EndOfDay(d("2024-10-10")))
        );
    }

    #[test]
    fn a_pause_extends_the_period_by_its_length() {
        // Received 2024-03-01, supplement notice 2024-03-03, materials back 2024-03-10:
        // 2 days used before the pause, 5 after → 2024-03-15.
        let r = rule(7, PeriodUnit::CalendarDays, true);
        let pause = Pause {
            stopped: d("2024-03-03"),
            resumed: d("2024-03-10"),
        };
        assert_eq!(
            r.due(at("2024-03-01 09:00"), &[pause], &cal_2024()),
            Ok(Due::EndOfDay(d("2024-03-15")))
        );
    }

    #[test]
    fn no_calendar_no_answer() {
        let r = rule(7, PeriodUnit::CalendarDays, true);
        assert_eq!(
            r.due(at("2025-03-01 09:00"), &[], &cal_2024()),
            Err(CalendarGap { year: 2025 })
        );
    }

    #[test]
    fn calendar_day_periods_always_end_on_or_after_the_plain_count() {
        // A property over every start day of 2024 and lengths 1..=10.
        let c = cal_2024();
        let mut start = d("2024-01-01");
        while start < d("2024-12-15") {
            for len in 1..=10 {
                let due = rule(len, PeriodUnit::CalendarDays, true)
                    .due(start.and_hms_opt(9, 0, 0).expect("time"), &[], &c)
                    .expect("in 2024");
                let plain = start + Duration::days(i64::from(len));
                assert!(
                    due.date() >= plain && c.is_workday(due.date()) == Ok(true),
                    "{start} + {len} → {due:?}"
                );
                assert!(
                    (due.date() - plain).num_days() <= 9,
                    "no longer than the longest holiday"
                );
            }
            start += Duration::days(1);
        }
    }

    #[test]
    fn standing() {
        let due = Due::EndOfDay(d("2024-08-12"));
        assert_eq!(Standing::of(due, d("2024-08-13"), 2), Standing::Overdue(1));
        assert_eq!(Standing::of(due, d("2024-08-12"), 2), Standing::DueToday);
        assert_eq!(Standing::of(due, d("2024-08-10"), 2), Standing::DueSoon(2));
        assert_eq!(Standing::of(due, d("2024-08-01"), 2), Standing::Running(11));
        assert!(due.is_past(at("2024-08-13 00:00")));
        assert!(!due.is_past(at("2024-08-12 23:59")));
    }
}
