//! The working-day calendar: weekends, public holidays and adjusted working days
//! (调休), loaded as data for each year from the State Council's annual notice.
//! A date in a year with no data is an error, never a guess.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

code_enum!(
    /// A day that differs from the Monday-to-Friday pattern.
    DayKind {
        Holiday => ("holiday", "法定节假日"),
        Workday => ("workday", "调休工作日"),
    }
);

/// One row of calendar data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    pub date: NaiveDate,
    pub kind: DayKind,
    /// The holiday's name, e.g. 春节.
    pub name: String,
}

/// A date outside the years the calendar has data for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("工作日历缺少{year}年的节假日安排，请管理员录入国务院办公厅发布的当年放假通知后再计算期限")]
pub struct CalendarGap {
    pub year: i32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    years: BTreeSet<i32>,
    days: BTreeMap<NaiveDate, DayKind>,
}

impl WorkCalendar {
    /// A calendar covering `years`, with the given special days.
    pub fn new(
        years: impl IntoIterator<Item = i32>,
        days: impl IntoIterator<Item = CalendarDay>,
    ) -> Self {
        Self {
            years: years.into_iter().collect(),
            days: days.into_iter().map(|d| (d.date, d.kind)).collect(),
        }
    }

    /// Reads `date,kind,name` lines (the first line is a header) and covers every
    /// year that appears in them.
    pub fn from_csv(text: &str) -> Result<Self, String> {
        let mut days = Vec::new();
        for (i, line) in text
            .lines()
            .enumerate()
            .skip(1)
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let mut parts = line.splitn(3, ',');
            let (Some(d), Some(k)) = (parts.next(), parts.next()) else {
                return Err(format!("calendar line {}: expected date,kind,name", i + 1));
            };
            let date = NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                .map_err(|e| format!("calendar line {}: {e}", i + 1))?;
            let kind = DayKind::parse(k.trim())
                .ok_or_else(|| format!("calendar line {}: unknown kind {k:?}", i + 1))?;
            days.push(CalendarDay {
                date,
                kind,
                name: parts.next().unwrap_or_default().trim().to_owned(),
            });
        }
        let years: Vec<i32> = days.iter().map(|d| d.date.year()).collect();
        Ok(Self::new(years, days))
    }

    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.iter().copied()
    }

    /// Whether `date` is a working day.
    pub fn is_workday(&self, date: NaiveDate) -> Result<bool, CalendarGap> {
        if !self.years.contains(&date.year()) {
            return Err(CalendarGap { year: date.year() });
        }
        Ok(match self.days.get(&date) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
        })
    }

    /// `date` itself if it is a working day, else the next working day.
    pub fn workday_on_or_after(&self, mut date: NaiveDate) -> Result<NaiveDate, CalendarGap> {
        while !self.is_workday(date)? {
            date = date.succ_opt().ok_or(CalendarGap { year: date.year() })?;
        }
        Ok(date)
    }

    /// The `n`th working day after `date` (the start day itself is not counted).
    pub fn add_workdays(&self, mut date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarGap> {
        let mut left = n;
        while left > 0 {
            date = date.succ_opt().ok_or(CalendarGap { year: date.year() })?;
            if self.is_workday(date)? {
                left -= 1;
            }
        }
        Ok(date)
    }

    /// Working days in the half-open interval (`from`, `to`].
    pub fn workdays_between(&self, from: NaiveDate, to: NaiveDate) -> Result<u32, CalendarGap> {
        let mut n = 0;
        let mut d = from;
        while d < to {
            d = d.succ_opt().ok_or(CalendarGap { year: d.year() })?;
            if self.is_workday(d)? {
                n += 1;
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("valid date")
    }

    /// The 2024 arrangement (国办发明电〔2023〕7号), the part the tests use.
    pub(crate) fn cal_2024() -> WorkCalendar {
        WorkCalendar::from_csv(
            "date,kind,name\n2024-02-04,workday,春节\n2024-02-10,holiday,春节\n2024-02-11,holiday,春节\n2024-02-12,holiday,春节\n\
             2024-02-13,holiday,春节\n2024-02-14,holiday,春节\n2024-02-15,holiday,春节\n2024-02-16,holiday,春节\n2024-02-17,holiday,春节\n\
             2024-02-18,workday,春节\n2024-09-29,workday,国庆节\n2024-10-01,holiday,国庆节\n2024-10-02,holiday,国庆节\n2024-10-03,holiday,国庆节\n\
             2024-10-04,holiday,国庆节\n2024-10-05,holiday,国庆节\n2024-10-06,holiday,国庆节\n2024-10-07,holiday,国庆节\n2024-10-12,workday,国庆节\n",
        )
        .expect("valid csv")
    }

    #[test]
    fn weekends_holidays_and_adjusted_workdays() {
        let c = cal_2024();
        assert_eq!(c.is_workday(d("2024-08-05")), Ok(true), "a Monday");
        assert_eq!(c.is_workday(d("2024-08-10")), Ok(false), "a Saturday");
        assert_eq!(
            c.is_workday(d("2024-02-12")),
            Ok(false),
            "Spring Festival Monday"
        );
        assert_eq!(
            c.is_workday(d("2024-02-18")),
            Ok(true),
            "an adjusted working Sunday"
        );
        assert_eq!(
            c.is_workday(d("2025-01-02")),
            Err(CalendarGap { year: 2025 })
        );
    }

    #[test]
    fn counting_working_days() {
        let c = cal_2024();
        // Friday 2024-02-09: the next working day is the adjusted Sunday 2024-02-18.
        assert_eq!(c.add_workdays(d("2024-02-09"), 1), Ok(d("2024-02-18")));
        assert_eq!(
            c.add_workdays(d("2024-09-27"), 2),
            Ok(d("2024-09-30")),
            "Fri → Sun 29 (work) → Mon 30"
        );
        assert_eq!(c.workday_on_or_after(d("2024-10-01")), Ok(d("2024-10-08")));
        assert_eq!(
            c.workdays_between(d("2024-09-30"), d("2024-10-12")),
            Ok(5),
            "Oct 8–11 and the adjusted Saturday 12"
        );
    }

    #[test]
    fn the_shipped_calendar_matches_the_state_council_notices() {
        let c = WorkCalendar::from_csv(include_str!("../../../data/calendar/cn-work-calendar.csv"))
            .expect("valid data");
        assert_eq!(c.years().collect::<Vec<_>>(), [2023, 2024, 2025, 2026]);
        for (date, workday) in [
            ("2023-01-28", true),  // Saturday worked for the Spring Festival
            ("2023-06-22", false), // Dragon Boat Festival
            ("2023-10-06", false),
            ("2024-02-04", true), // Sunday worked
            ("2024-04-05", false),
            ("2024-05-11", true),
            ("2025-01-26", true),
            ("2025-02-04", false),
            ("2025-10-08", false),
            ("2025-10-11", true),
            ("2026-01-02", false),
            ("2026-01-04", true),
            ("2026-02-23", false),
            ("2026-09-20", true),
            ("2026-10-10", true),
            ("2026-11-30", true), // an ordinary Monday
        ] {
            assert_eq!(c.is_workday(d(date)), Ok(workday), "{date}");
        }
    }

    #[test]
    fn bad_csv_is_reported() {
        assert!(WorkCalendar::from_csv("date,kind,name\n2024-13-01,holiday,x\n").is_err());
        assert!(WorkCalendar::from_csv("date,kind,name\n2024-01-01,party,x\n").is_err());
    }
}
