//! Statistical periods (§4.1): months, half-years and years, with a cut-off day
//! (a month runs from the day after the previous month's cut-off to this
//! month's) and the month a statistical year ends in (Zhejiang: November).

use chrono::NaiveDate;
use serde::Serialize;

/// When the statistical months and years end (settings, §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ReportCalendar))]
pub struct StatCalendar {
    /// None: calendar months; Some(d), 1–28: a month ends on its d-th day.
    pub cutoff_day: Option<u32>,
    /// The month a statistical year ends in, 1–12 (12: a calendar year).
    pub year_end_month: u32,
}

impl Default for StatCalendar {
    fn default() -> Self {
        StatCalendar {
            cutoff_day: None,
            year_end_month: 12,
        }
    }
}

/// The period a set of forms covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Period {
    Month {
        year: i32,
        month: u32,
    },
    /// The first (1) or second (2) half of a statistical year.
    Half {
        year: i32,
        half: u32,
    },
    Year {
        year: i32,
    },
}

/// The month `n` months before (after, when negative) a month.
fn month_back(year: i32, month: u32, n: i32) -> (i32, u32) {
    let i = year * 12 + i32::try_from(month).unwrap_or(1) - 1 - n;
    (
        i.div_euclid(12),
        u32::try_from(i.rem_euclid(12)).unwrap_or(0) + 1,
    )
}

impl StatCalendar {
    pub fn valid(&self) -> bool {
        self.cutoff_day.is_none_or(|d| (1..=28).contains(&d))
            && (1..=12).contains(&self.year_end_month)
    }

    /// The first and last day of a statistical month.
    fn month(&self, year: i32, month: u32) -> Option<(NaiveDate, NaiveDate)> {
        match self.cutoff_day {
            None => {
                let from = NaiveDate::from_ymd_opt(year, month, 1)?;
                let (ny, nm) = month_back(year, month, -1);
                Some((from, NaiveDate::from_ymd_opt(ny, nm, 1)?.pred_opt()?))
            }
            Some(d) => {
                let (py, pm) = month_back(year, month, 1);
                Some((
                    NaiveDate::from_ymd_opt(py, pm, d)?.succ_opt()?,
                    NaiveDate::from_ymd_opt(year, month, d)?,
                ))
            }
        }
    }

    /// The first and last day of a period, or none for a period that is not
    /// one (month 13, half 3, a calendar out of range).
    pub fn days(&self, p: Period) -> Option<(NaiveDate, NaiveDate)> {
        if !self.valid() {
            return None;
        }
        // The last month of the period and how many months it spans.
        let (last, span) = match p {
            Period::Month { year, month } if (1..=12).contains(&month) => ((year, month), 1),
            Period::Year { year } => ((year, self.year_end_month), 12),
            Period::Half { year, half } if half == 1 || half == 2 => {
                let end = month_back(year, self.year_end_month, if half == 1 { 6 } else { 0 });
                (end, 6)
            }
            _ => return None,
        };
        let first = month_back(last.0, last.1, span - 1);
        Some((
            self.month(first.0, first.1)?.0,
            self.month(last.0, last.1)?.1,
        ))
    }

    /// The statistical period of a kind that holds a day: the month, or the
    /// year (its number is the calendar year it ends in).
    pub fn month_of(&self, d: NaiveDate) -> Period {
        use chrono::Datelike;
        let (y, m) = match self.cutoff_day {
            Some(c) if d.day() > c => month_back(d.year(), d.month(), -1),
            _ => (d.year(), d.month()),
        };
        Period::Month { year: y, month: m }
    }

    pub fn year_of(&self, d: NaiveDate) -> Period {
        let Period::Month { year, month } = self.month_of(d) else {
            unreachable!("month_of gives a month")
        };
        Period::Year {
            year: if month > self.year_end_month {
                year + 1
            } else {
                year
            },
        }
    }
}

impl Period {
    /// As the forms' titles say it: `2026年11月`, `2026年上半年`, `2026年度`.
    pub fn title(&self) -> String {
        match self {
            Period::Month { year, month } => format!("{year}年{month}月"),
            Period::Half { year, half } => {
                format!("{year}年{}", if *half == 1 { "上半年" } else { "下半年" })
            }
            Period::Year { year } => format!("{year}年度"),
        }
    }
}
