//! Supervision orders (督办, quality-supervision-outreach §5.3): a bureau puts a
//! unit that lags under supervision with the lagging indicator and its data as
//! of the day, a requirement and a deadline; the unit answers with its
//! measures; the bureau closes the order (办结), returns it, or escalates it up
//! the ladder used in Anhui's reports — 督办 → 专项督查 → 约谈 — each step with a
//! new deadline for the unit's answer.

use crate::supervision::{Progress, Ratio};
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

code_enum!(
    /// The indicator a unit is supervised on.
    Indicator {
        /// Completion against 序时进度 (the gap in points below the margin).
        Progress => ("progress", "办案进度（序时进度）"),
        ConclusionRate => ("conclusion_rate", "结案率"),
        ArchiveRate => ("archive_rate", "归档率"),
        SubsidyRate => ("subsidy_rate", "补贴发放率"),
    }
);

code_enum!(
    /// Where an order stands.
    OrderStatus {
        Issued => ("issued", "待落实"),
        Answered => ("answered", "已反馈（待审核）"),
        Returned => ("returned", "退回重新落实"),
        Closed => ("closed", "已办结"),
    }
);

code_enum!(
    /// The step of the escalation ladder the order is on.
    Escalation {
        Order => ("order", "督办"),
        Inspection => ("inspection", "专项督查"),
        Talk => ("talk", "约谈"),
    }
);

/// Something that happens to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderEvent {
    /// The unit reports its measures.
    Answer,
    /// The bureau accepts the answer: the order is closed.
    Close,
    /// The bureau sends the answer back, with what is missing and a new deadline.
    Return,
    /// The bureau moves the order up the ladder, with a new deadline.
    Escalate,
}

impl OrderEvent {
    pub fn label(self) -> &'static str {
        match self {
            OrderEvent::Answer => "反馈落实情况",
            OrderEvent::Close => "审核通过并办结",
            OrderEvent::Return => "退回重新落实",
            OrderEvent::Escalate => "升级督办",
        }
    }
}

/// The longest time an order may give, in days from its issue or its last step
/// (a product default, as for rectification orders).
pub const MAX_DEADLINE_DAYS: i64 = 90;

impl Escalation {
    /// The next step of the ladder, if any.
    pub fn up(self) -> Option<Escalation> {
        match self {
            Escalation::Order => Some(Escalation::Inspection),
            Escalation::Inspection => Some(Escalation::Talk),
            Escalation::Talk => None,
        }
    }
}

impl OrderStatus {
    pub fn is_open(self) -> bool {
        self != OrderStatus::Closed
    }

    /// Whether the unit owes an answer.
    pub fn awaits_unit(self) -> bool {
        matches!(self, OrderStatus::Issued | OrderStatus::Returned)
    }

    /// Whether the unit's answer is overdue on `today`.
    pub fn is_overdue(self, deadline: NaiveDate, today: NaiveDate) -> bool {
        self.awaits_unit() && today > deadline
    }

    /// The state (and ladder step) after `event`, or why not (in Chinese).
    pub fn next(
        self,
        level: Escalation,
        event: OrderEvent,
    ) -> Result<(OrderStatus, Escalation), String> {
        use OrderEvent as E;
        use OrderStatus::*;
        match (self, event) {
            (Issued | Returned, E::Answer) => Ok((Answered, level)),
            (Answered, E::Close) => Ok((Closed, level)),
            (Answered, E::Return) => Ok((Returned, level)),
            (Issued | Returned | Answered, E::Escalate) => match level.up() {
                Some(up) => Ok((Issued, up)),
                None => Err("督办已升级至约谈，不能再升级；请审核单位的落实情况后办结".into()),
            },
            (s, e) => {
                let allowed = match s {
                    Issued | Returned => "此状态下只能反馈落实情况或升级督办",
                    Answered => "此状态下只能审核（办结或退回）或升级督办",
                    Closed => "该督办事项已办结",
                };
                Err(format!(
                    "督办事项当前状态为“{}”，不能{}；{allowed}",
                    s.label(),
                    e.label()
                ))
            }
        }
    }
}

/// Checks a deadline set on `from`: after it, within [`MAX_DEADLINE_DAYS`].
pub fn check_deadline(from: NaiveDate, deadline: Option<NaiveDate>) -> Result<NaiveDate, String> {
    match deadline {
        None => Err("请填写办理期限".into()),
        Some(d) if d <= from => Err("办理期限应晚于今天".into()),
        Some(d) if d > from + Duration::days(MAX_DEADLINE_DAYS) => {
            Err(format!("办理期限不能超过今天起{MAX_DEADLINE_DAYS}日"))
        }
        Some(d) => Ok(d),
    }
}

/// The indicator's data on the day the order was issued (or escalated): what
/// the order names, kept with it so that it reads the same later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = SupervisionOrderFigures))]
pub struct Figures {
    pub year: i32,
    pub as_of: NaiveDate,
    pub indicator: Indicator,
    /// The unit's count (cases counted, or the rate's numerator).
    pub part: i64,
    /// The target, or the rate's denominator.
    pub whole: Option<i64>,
    /// The unit's value in percent.
    pub percent: Option<f64>,
    /// 序时进度 in percent (the progress indicator only).
    pub time_percent: Option<f64>,
    /// The gap to 序时进度 in points (progress), or to the region's value (rates).
    pub gap_points: Option<f64>,
    /// The region the unit is compared with, and its value in percent.
    pub region_name: String,
    pub region_percent: Option<f64>,
    /// The margin below which a unit lags, in points (progress).
    pub margin_points: i32,
    /// Behind on the day: below 序时进度 by more than the margin (decided on
    /// exact integers), or a rate below the region's.
    pub behind: bool,
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_owned(), |p| format!("{p:.1}%"))
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

impl Figures {
    /// The figures of the progress indicator.
    pub fn of_progress(
        year: i32,
        as_of: NaiveDate,
        p: &Progress,
        region_name: &str,
        region: &Progress,
        margin_points: i32,
    ) -> Figures {
        Figures {
            year,
            as_of,
            indicator: Indicator::Progress,
            part: p.counted,
            whole: p.target,
            percent: p.completion,
            time_percent: Some(p.time_percent),
            gap_points: p.gap_points,
            region_name: region_name.to_owned(),
            region_percent: region.completion,
            margin_points,
            behind: p.lagging == Some(true),
        }
    }

    /// The figures of a rate, compared with the region's.
    pub fn of_rate(
        year: i32,
        as_of: NaiveDate,
        indicator: Indicator,
        r: Ratio,
        region_name: &str,
        region: Ratio,
    ) -> Figures {
        let percent = r.percent();
        let region_percent = region.percent();
        // part/whole < rpart/rwhole, on integers.
        let behind = r.whole > 0
            && region.whole > 0
            && i128::from(r.part) * i128::from(region.whole)
                < i128::from(region.part) * i128::from(r.whole);
        Figures {
            year,
            as_of,
            indicator,
            part: r.part,
            whole: Some(r.whole),
            percent,
            time_percent: None,
            gap_points: percent.zip(region_percent).map(|(a, b)| round1(a - b)),
            region_name: region_name.to_owned(),
            region_percent,
            margin_points: 0,
            behind,
        }
    }

    /// The figures in a sentence, for the order, its notice and its page:
    /// counts beside every percentage.
    pub fn sentence(&self) -> String {
        let day = crate::document::date_cn(self.as_of);
        let whole = self.whole.map_or_else(|| "—".to_owned(), |w| w.to_string());
        match self.indicator {
            Indicator::Progress => {
                let gap = match self.gap_points {
                    Some(g) if g < 0.0 => format!("落后序时进度{:.1}个百分点", -g),
                    Some(g) => format!("超序时进度{g:.1}个百分点"),
                    None => "未下达目标任务".to_owned(),
                };
                format!(
                    "截至{day}，{year}年办案 {} / {whole} 件，完成年度目标任务的{}，序时进度{}，{gap}；{}完成{}。",
                    self.part,
                    pct(self.percent),
                    pct(self.time_percent),
                    self.region_name,
                    pct(self.region_percent),
                    year = self.year,
                )
            }
            i => {
                let gap = match self.gap_points {
                    Some(g) if g < 0.0 => format!("低于{}{:.1}个百分点", self.region_name, -g),
                    Some(g) => format!("高于{}{g:.1}个百分点", self.region_name),
                    None => String::new(),
                };
                format!(
                    "截至{day}，{year}年{} {} / {whole}（{}），{}为{}{}{gap}。",
                    i.label(),
                    self.part,
                    pct(self.percent),
                    self.region_name,
                    pct(self.region_percent),
                    if gap.is_empty() { "" } else { "，" },
                    year = self.year,
                )
            }
        }
    }
}

/// What an order form or API call gives, before validation.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = SupervisionOrderInput))]
pub struct OrderInput {
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, nullable = false, minimum = 1)
    )]
    pub target_unit_id: Option<i64>,
    /// The year whose figures are supervised (default the current year).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 2000, maximum = 2100))]
    pub year: Option<i32>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true, value_type = Indicator))]
    pub indicator: String,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 2000)
    )]
    pub requirement: String,
    /// After today, within 90 days.
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    pub deadline: Option<NaiveDate>,
}

/// A validated order, ready to have its figures computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderFields {
    pub target_unit_id: i64,
    pub year: i32,
    pub indicator: Indicator,
    pub requirement: String,
    pub deadline: NaiveDate,
}

impl OrderInput {
    /// Validates the input as of `today` (the issue day).
    pub fn validate(&self, today: NaiveDate) -> Result<OrderFields, Vec<crate::FieldError>> {
        use chrono::Datelike;
        let mut v = crate::Validation::new();
        match self.target_unit_id {
            None => v.add("target_unit_id", "请选择督办单位"),
            Some(i) if i < 1 => v.add("target_unit_id", "督办单位编号不正确"),
            _ => {}
        }
        let year = self.year.unwrap_or(today.year());
        if !(2000..=today.year()).contains(&year) {
            v.add("year", "年份应在2000年至今年之间");
        }
        let indicator = Indicator::parse(self.indicator.trim());
        if indicator.is_none() {
            v.add("indicator", "请选择督办事项");
        }
        let requirement = v.text("requirement", &self.requirement, "督办要求", 2000);
        let deadline = match check_deadline(today, self.deadline) {
            Ok(d) => Some(d),
            Err(e) => {
                v.add("deadline", e);
                None
            }
        };
        match (self.target_unit_id, indicator, deadline) {
            (Some(unit), Some(indicator), Some(deadline)) => v.finish(OrderFields {
                target_unit_id: unit,
                year,
                indicator,
                requirement,
                deadline,
            }),
            _ => Err(v.errors().to_vec()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::tests::d;
    use Escalation as L;
    use OrderEvent as E;
    use OrderStatus::*;

    #[test]
    fn an_order_is_answered_then_closed_or_returned() {
        assert_eq!(Issued.next(L::Order, E::Answer), Ok((Answered, L::Order)));
        assert_eq!(Answered.next(L::Order, E::Close), Ok((Closed, L::Order)));
        assert_eq!(Answered.next(L::Order, E::Return), Ok((Returned, L::Order)));
        assert_eq!(Returned.next(L::Order, E::Answer), Ok((Answered, L::Order)));
        assert!(Issued.next(L::Order, E::Close).is_err(), "nothing to check");
        assert!(Answered.next(L::Order, E::Answer).is_err());
        for e in [E::Answer, E::Close, E::Return, E::Escalate] {
            assert_eq!(
                Closed.next(L::Order, e).expect_err("closed"),
                format!(
                    "督办事项当前状态为“已办结”，不能{}；该督办事项已办结",
                    e.label()
                )
            );
        }
    }

    #[test]
    fn escalation_climbs_the_ladder_and_stops_at_the_talk() {
        assert_eq!(
            Answered.next(L::Order, E::Escalate),
            Ok((Issued, L::Inspection))
        );
        assert_eq!(
            Issued.next(L::Inspection, E::Escalate),
            Ok((Issued, L::Talk))
        );
        assert!(Issued.next(L::Talk, E::Escalate).is_err());
        // After the talk the unit still answers and the bureau closes.
        assert_eq!(Issued.next(L::Talk, E::Answer), Ok((Answered, L::Talk)));
        assert_eq!(Answered.next(L::Talk, E::Close), Ok((Closed, L::Talk)));
    }

    #[test]
    fn overdue_only_while_the_unit_owes_an_answer() {
        let dl = d("2026-12-15");
        assert!(!Issued.is_overdue(dl, d("2026-12-15")));
        assert!(Issued.is_overdue(dl, d("2026-12-16")));
        assert!(Returned.is_overdue(dl, d("2026-12-16")));
        assert!(!Answered.is_overdue(dl, d("2026-12-16")));
        assert!(!Closed.is_overdue(dl, d("2027-01-16")));
    }

    #[test]
    fn deadlines_are_after_today_and_within_ninety_days() {
        let today = d("2026-12-04");
        assert!(check_deadline(today, None).is_err());
        assert!(check_deadline(today, Some(today)).is_err());
        assert_eq!(
            check_deadline(today, Some(d("2027-03-04"))),
            Ok(d("2027-03-04"))
        );
        assert!(check_deadline(today, Some(d("2027-03-05"))).is_err());
    }

    #[test]
    fn input_is_checked_field_by_field() {
        let today = d("2026-12-04");
        let errs = OrderInput::default().validate(today).expect_err("empty");
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["target_unit_id", "indicator", "requirement", "deadline"]
        );
        let ok = OrderInput {
            target_unit_id: Some(3),
            year: None,
            indicator: "progress".into(),
            requirement: " 倒排工期 ".into(),
            deadline: Some(d("2026-12-20")),
        }
        .validate(today)
        .expect("valid");
        assert_eq!(ok.year, 2026);
        assert_eq!(ok.requirement, "倒排工期");
        let future = OrderInput {
            year: Some(2027),
            ..OrderInput::default()
        };
        let errs = future.validate(today).expect_err("a future year");
        assert!(errs.iter().any(|e| e.field == "year"));
    }

    #[test]
    fn figures_read_as_a_sentence_with_counts_beside_percentages() {
        use crate::supervision::{Share, progress};
        // Month basis, end of November: 11/12 = 91.7%.
        let time = Share { num: 11, den: 12 };
        let unit = progress(6, Some(10), time, -5);
        let region = progress(240, Some(260), time, -5);
        let f = Figures::of_progress(2026, d("2026-11-30"), &unit, "叶集区", &region, -5);
        assert!(f.behind);
        assert_eq!(
            f.sentence(),
            "截至2026年11月30日，2026年办案 6 / 10 件，完成年度目标任务的60.0%，序时进度91.7%，\
             落后序时进度31.7个百分点；叶集区完成92.3%。"
        );
        let r = Figures::of_rate(
            2026,
            d("2026-11-30"),
            Indicator::ConclusionRate,
            Ratio { part: 2, whole: 8 },
            "叶集区",
            Ratio {
                part: 150,
                whole: 200,
            },
        );
        assert!(r.behind);
        assert_eq!(
            r.sentence(),
            "截至2026年11月30日，2026年结案率 2 / 8（25.0%），叶集区为75.0%，低于叶集区50.0个百分点。"
        );
        // A rate without a denominator has no value and is not behind.
        let none = Figures::of_rate(
            2026,
            d("2026-11-30"),
            Indicator::ArchiveRate,
            Ratio { part: 0, whole: 0 },
            "叶集区",
            Ratio { part: 1, whole: 2 },
        );
        assert!(!none.behind);
    }
}
