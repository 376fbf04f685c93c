//! Consultations (法律咨询, LAL art 22(1)) and the quarterly consultation report
//! (季报 "X年第X季度法律咨询数据统计表", quality-supervision-outreach.md §4.3).
//!
//! The report counts a quarter's consultations by channel (cols 2–7), by the
//! recipient groups of the person (cols 8–17, a person may be in several) and
//! by the matter's type (cols 18–46). Its rules (表内关系): 1 = 2+4+5+6+7,
//! 2 ≥ 3, 1 = 18+28+38. The matter types are data (`consultation_topics`); an
//! economic matter is a civil matter, so col 28 counts col 43 too (a product
//! decision that makes 1 = 18+28+38 hold; to be checked against the official
//! form, §4.3 is [UNCONFIRMED] for the current MoJ set).

use crate::validation::Validation;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

code_enum!(
    /// How the consultation came (§4.3 cols 2–7). `hotline_12348` is a call on
    /// the 12348 line: counted in 来电 and in its 其中12348专线.
    ConsultChannel {
        Phone => ("phone", "来电（非12348）"),
        #[serde(rename = "hotline_12348")]
        Hotline12348 => ("hotline_12348", "12348专线来电"),
        Visit => ("visit", "来访"),
        Letter => ("letter", "来信"),
        Online => ("online", "网络"),
        Other => ("other", "其他"),
    }
);

code_enum!(
    /// The person's groups (§4.3 cols 8–17).
    ConsultGroup {
        Woman => ("woman", "女性"),
        Disabled => ("disabled", "残疾人"),
        Farmer => ("farmer", "农民"),
        MigrantWorker => ("migrant_worker", "农民工"),
        MilitaryFamily => ("military_family", "军人军属"),
        Minor => ("minor", "未成年人"),
        Elderly => ("elderly", "老年人"),
        Foreigner => ("foreigner", "外国籍人"),
        GeneralPoor => ("general_poor", "一般贫困者"),
        Other => ("other", "其他人群"),
    }
);

code_enum!(
    /// The category of a consultation topic (§4.3 cols 18, 28, 38, 43).
    TopicCategory {
        Criminal => ("criminal", "刑事类"),
        Civil => ("civil", "民事类"),
        Administrative => ("administrative", "行政类"),
        Economic => ("economic", "经济类"),
    }
);

code_enum!(
    /// What came of the consultation (§4.4 table 十一 处理方式).
    ConsultOutcome {
        Answered => ("answered", "解答"),
        Drafted => ("drafted", "代书"),
        Referred => ("referred", "引导向其他渠道求助（转交有关部门）"),
        /// Set by the step that turns it into an application, never by hand.
        Applied => ("applied", "在咨询中申请法律援助"),
    }
);

/// A topic of the quarterly report as stored (data, `consultation_topics`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Topic {
    pub code: String,
    pub category: TopicCategory,
    pub label: String,
    /// The report column of the named type; 0 for a category's 其他.
    pub report_column: i32,
}

/// A consultation as a form or the API gives it, before validation.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsultationInput {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true, value_type = ConsultChannel))]
    pub channel: String,
    /// When it was answered; now when absent. Not in the future.
    #[serde(default)]
    pub consulted_at: Option<DateTime<Utc>>,
    /// A registered person, when the person is known to the register.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub person_id: Option<i64>,
    /// Empty for an anonymous consultation.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 50))]
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "^(?:[0-9](?:-?[0-9]){6,15})?$"))]
    pub phone: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<ConsultGroup>))]
    pub groups: Vec<String>,
    /// A topic code of the quarterly report (`GET /api/v1/consultations/topics`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub topic: String,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 2000, pattern = r"\S")
    )]
    pub question: String,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 4000, pattern = r"\S")
    )]
    pub answer: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1440))]
    pub duration_minutes: Option<i64>,
    /// `answered` (default), `drafted` or `referred` (with `referred_to`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<ConsultOutcome>))]
    pub outcome: Option<String>,
    /// The organ or channel the person was referred to.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub referred_to: String,
    /// The staff member who answered (a staff record of the caller's unit);
    /// the caller's own staff record when absent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub staff_id: Option<i64>,
    /// The publicity activity it was taken at, if any.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub activity_id: Option<i64>,
}

/// A validated consultation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Consultation {
    pub channel: ConsultChannel,
    pub consulted_at: DateTime<Utc>,
    pub person_id: Option<i64>,
    pub name: String,
    pub phone: String,
    /// Sorted, without repeats.
    pub groups: Vec<ConsultGroup>,
    pub topic: String,
    pub question: String,
    pub answer: String,
    pub duration_minutes: i32,
    pub outcome: ConsultOutcome,
    pub referred_to: String,
    pub staff_id: Option<i64>,
    pub activity_id: Option<i64>,
}

impl ConsultationInput {
    /// Checks the input against the topics in use; `now` is the clock's instant
    /// (a consultation is recorded once answered: five minutes' clock difference
    /// allowed).
    pub fn validate(
        &self,
        topics: &[Topic],
        now: DateTime<Utc>,
    ) -> Result<Consultation, Vec<crate::FieldError>> {
        let mut v = Validation::new();
        let channel = ConsultChannel::parse(self.channel.trim());
        if channel.is_none() {
            v.add(
                "channel",
                "请选择咨询途径（来电、12348专线、来访、来信、网络、其他）",
            );
        }
        let consulted_at = self.consulted_at.unwrap_or(now);
        if consulted_at > now + chrono::Duration::minutes(5) {
            v.add("consulted_at", "咨询时间不能晚于现在");
        }
        let name = v.optional_text("name", &self.name, "咨询人姓名", 50);
        let phone = v.optional_phone("phone", &self.phone);
        let mut groups = Vec::new();
        for g in &self.groups {
            match ConsultGroup::parse(g.trim()) {
                Some(g) if !groups.contains(&g) => groups.push(g),
                Some(_) => {}
                None => v.add("groups", format!("未知的人群类别：{}", g.trim())),
            }
        }
        groups.sort();
        let topic = self.topic.trim().to_owned();
        if topic.is_empty() {
            v.add("topic", "请选择咨询事项类型");
        } else if !topics.iter().any(|t| t.code == topic) {
            v.add("topic", "咨询事项类型不在统计口径中");
        }
        let question = v.text("question", &self.question, "咨询问题摘要", 2000);
        let answer = v.text("answer", &self.answer, "解答意见摘要", 4000);
        let duration = self.duration_minutes.unwrap_or(0);
        if !(0..=1440).contains(&duration) {
            v.add("duration_minutes", "咨询时长应在0至1440分钟之间");
        }
        let outcome = match self.outcome.as_deref().map(str::trim) {
            None | Some("") => Some(ConsultOutcome::Answered),
            Some(o) => match ConsultOutcome::parse(o) {
                Some(ConsultOutcome::Applied) => {
                    v.add("outcome", "转为法律援助申请请使用“转为申请”，不能直接选择");
                    None
                }
                Some(o) => Some(o),
                None => {
                    v.add("outcome", "处理方式应为解答、代书或转交有关部门");
                    None
                }
            },
        };
        let referred_to = v.optional_text("referred_to", &self.referred_to, "转交部门", 100);
        if outcome == Some(ConsultOutcome::Referred) && referred_to.is_empty() {
            v.add("referred_to", "请填写转交或引导前往的部门");
        }
        if self.person_id.is_some_and(|p| p < 1) {
            v.add("person_id", "当事人编号不正确");
        }
        match (channel, outcome) {
            (Some(channel), Some(outcome)) => v.finish(Consultation {
                channel,
                consulted_at,
                person_id: self.person_id,
                name,
                phone,
                groups,
                topic,
                question,
                answer,
                duration_minutes: i32::try_from(duration).unwrap_or(0),
                outcome,
                referred_to: if outcome == ConsultOutcome::Referred {
                    referred_to
                } else {
                    String::new()
                },
                staff_id: self.staff_id,
                activity_id: self.activity_id,
            }),
            _ => Err(v.errors().to_vec()),
        }
    }
}

/// A statistical quarter: 1–4 of a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Quarter {
    pub year: i32,
    pub quarter: u32,
}

impl Quarter {
    /// The quarter a day falls in, by calendar.
    pub fn of(d: NaiveDate) -> Quarter {
        Quarter {
            year: d.year(),
            quarter: (d.month() - 1) / 3 + 1,
        }
    }

    /// The days the quarter's report counts. §4.1: the Zhejiang form counts
    /// "上季度末月21日起至本季度末月20日止"; places differ, so the cut-off day
    /// is a setting: `None` counts the calendar quarter, `Some(20)` the
    /// Zhejiang period (the 21st of the month before the quarter to the 20th of
    /// its last month).
    pub fn period(self, cutoff_day: Option<u32>) -> Option<(NaiveDate, NaiveDate)> {
        if !(1..=4).contains(&self.quarter) {
            return None;
        }
        let first_month = (self.quarter - 1) * 3 + 1;
        let last_month = first_month + 2;
        match cutoff_day {
            None => {
                let from = NaiveDate::from_ymd_opt(self.year, first_month, 1)?;
                let to = if last_month == 12 {
                    NaiveDate::from_ymd_opt(self.year, 12, 31)?
                } else {
                    NaiveDate::from_ymd_opt(self.year, last_month + 1, 1)?.pred_opt()?
                };
                Some((from, to))
            }
            Some(day) if (1..=28).contains(&day) => {
                let to = NaiveDate::from_ymd_opt(self.year, last_month, day)?;
                let (py, pm) = if first_month == 1 {
                    (self.year - 1, 12)
                } else {
                    (self.year, first_month - 1)
                };
                let from = NaiveDate::from_ymd_opt(py, pm, day)?.succ_opt()?;
                Some((from, to))
            }
            Some(_) => None,
        }
    }
}

/// One column of the report: its number, its name and the count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportColumn {
    pub column: u32,
    pub label: String,
    pub count: i64,
}

/// One of the report's rules and whether it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportCheck {
    /// As printed on the form, e.g. `1 = 2+4+5+6+7`.
    pub rule: String,
    pub left: i64,
    pub right: i64,
    pub holds: bool,
}

/// The counts a report is made from (grouped counts from the store).
#[derive(Debug, Clone, Default)]
pub struct Counts {
    pub by_channel: Vec<(ConsultChannel, i64)>,
    pub by_group: Vec<(ConsultGroup, i64)>,
    /// Per topic code.
    pub by_topic: Vec<(String, i64)>,
}

/// The quarterly report: the §4.3 columns and its rules.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuarterReport {
    pub total: i64,
    pub columns: Vec<ReportColumn>,
    pub checks: Vec<ReportCheck>,
}

/// The first of each category's two local columns (§4.3: 47–54, in the order
/// 刑事, 民事, 行政, 经济).
pub const LOCAL_COLUMNS: [(TopicCategory, u32); 4] = [
    (TopicCategory::Criminal, 47),
    (TopicCategory::Civil, 49),
    (TopicCategory::Administrative, 51),
    (TopicCategory::Economic, 53),
];

/// Builds the report's columns from the grouped counts and the topics (§4.3).
pub fn report(counts: &Counts, topics: &[Topic]) -> QuarterReport {
    let ch = |c: ConsultChannel| {
        counts
            .by_channel
            .iter()
            .filter(|x| x.0 == c)
            .map(|x| x.1)
            .sum::<i64>()
    };
    let total: i64 = counts.by_channel.iter().map(|x| x.1).sum();
    let mut columns = vec![ReportColumn {
        column: 1,
        label: "咨询总计".into(),
        count: total,
    }];
    let calls = ch(ConsultChannel::Phone) + ch(ConsultChannel::Hotline12348);
    for (n, label, count) in [
        (2, "来电", calls),
        (3, "其中“12348”专线来电", ch(ConsultChannel::Hotline12348)),
        (4, "来访", ch(ConsultChannel::Visit)),
        (5, "来信", ch(ConsultChannel::Letter)),
        (6, "网络", ch(ConsultChannel::Online)),
        (7, "其他", ch(ConsultChannel::Other)),
    ] {
        columns.push(ReportColumn {
            column: n,
            label: label.into(),
            count,
        });
    }
    for (i, g) in ConsultGroup::ALL.iter().enumerate() {
        columns.push(ReportColumn {
            column: 8 + u32::try_from(i).unwrap_or(0),
            label: g.label().into(),
            count: counts
                .by_group
                .iter()
                .filter(|x| x.0 == *g)
                .map(|x| x.1)
                .sum(),
        });
    }
    let of_topic = |code: &str| {
        counts
            .by_topic
            .iter()
            .filter(|x| x.0 == code)
            .map(|x| x.1)
            .sum::<i64>()
    };
    let in_category = |cat: TopicCategory| {
        topics
            .iter()
            .filter(|t| t.category == cat)
            .map(|t| of_topic(&t.code))
            .sum::<i64>()
    };
    let criminal = in_category(TopicCategory::Criminal);
    let economic = in_category(TopicCategory::Economic);
    let civil = in_category(TopicCategory::Civil) + economic;
    let administrative = in_category(TopicCategory::Administrative);
    for (n, label, count, cat) in [
        (18, "刑事类咨询合计", criminal, TopicCategory::Criminal),
        (28, "民事类咨询合计", civil, TopicCategory::Civil),
        (
            38,
            "行政类咨询合计",
            administrative,
            TopicCategory::Administrative,
        ),
        (43, "经济类咨询合计", economic, TopicCategory::Economic),
    ] {
        columns.push(ReportColumn {
            column: n,
            label: label.into(),
            count,
        });
        let mut named: Vec<&Topic> = topics
            .iter()
            .filter(|t| t.category == cat && t.report_column > 0 && t.report_column < 47)
            .collect();
        named.sort_by_key(|t| t.report_column);
        for t in named {
            columns.push(ReportColumn {
                column: u32::try_from(t.report_column).unwrap_or(0),
                label: t.label.clone(),
                count: of_topic(&t.code),
            });
        }
    }
    // 47–54: two locally named types per category (the center names them: a
    // topic whose column is in its category's pair). A slot nobody named is
    // shown, empty, so the form keeps its shape.
    for (cat, first) in LOCAL_COLUMNS {
        for n in [first, first + 1] {
            let local = topics.iter().find(|t| {
                t.category == cat && u32::try_from(t.report_column).is_ok_and(|c| c == n)
            });
            columns.push(match local {
                Some(t) => ReportColumn {
                    column: n,
                    label: t.label.clone(),
                    count: of_topic(&t.code),
                },
                None => ReportColumn {
                    column: n,
                    label: format!("本地典型咨询类型（{}，未设置）", cat.label()),
                    count: 0,
                },
            });
        }
    }
    columns.sort_by_key(|c| c.column);
    let col = |n: u32| {
        columns
            .iter()
            .find(|c| c.column == n)
            .map_or(0, |c| c.count)
    };
    let check = |rule: &str, left: i64, right: i64, holds: bool| ReportCheck {
        rule: rule.into(),
        left,
        right,
        holds,
    };
    let by_way = col(2) + col(4) + col(5) + col(6) + col(7);
    let by_kind = col(18) + col(28) + col(38);
    let checks = vec![
        check("1 = 2+4+5+6+7", col(1), by_way, col(1) == by_way),
        check("2 ≥ 3", col(2), col(3), col(2) >= col(3)),
        check("1 = 18+28+38", col(1), by_kind, col(1) == by_kind),
    ];
    QuarterReport {
        total,
        columns,
        checks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::tests::d;

    fn topics() -> Vec<Topic> {
        let t = |code: &str, category, label: &str, report_column| Topic {
            code: code.into(),
            category,
            label: label.into(),
            report_column,
        };
        vec![
            t("theft", TopicCategory::Criminal, "盗窃", 24),
            t("other_criminal", TopicCategory::Criminal, "其他刑事", 0),
            t("wages", TopicCategory::Civil, "劳动报酬", 32),
            t(
                "social_insurance",
                TopicCategory::Administrative,
                "社会保险待遇",
                40,
            ),
            t("private_lending", TopicCategory::Economic, "民间借贷", 44),
        ]
    }

    fn input() -> ConsultationInput {
        ConsultationInput {
            channel: "hotline_12348".into(),
            topic: "wages".into(),
            question: "老板拖欠三个月工资怎么办？".into(),
            answer: "可向劳动监察投诉或申请劳动仲裁，符合条件可申请法律援助。".into(),
            duration_minutes: Some(12),
            groups: vec!["migrant_worker".into(), "farmer".into(), "farmer".into()],
            ..ConsultationInput::default()
        }
    }

    fn now() -> DateTime<Utc> {
        d("2026-04-02")
            .and_hms_opt(2, 0, 0)
            .expect("time")
            .and_utc()
    }

    #[test]
    fn an_anonymous_hotline_call_is_enough() {
        let c = input().validate(&topics(), now()).expect("valid");
        assert_eq!(c.channel, ConsultChannel::Hotline12348);
        assert_eq!(c.outcome, ConsultOutcome::Answered);
        assert_eq!(
            c.groups,
            [ConsultGroup::Farmer, ConsultGroup::MigrantWorker]
        );
        assert_eq!(c.consulted_at, now());
        assert!(c.name.is_empty() && c.person_id.is_none());
    }

    #[test]
    fn every_problem_is_named() {
        let i = ConsultationInput {
            channel: "fax".into(),
            topic: "alchemy".into(),
            phone: "12".into(),
            groups: vec!["aliens".into()],
            duration_minutes: Some(-1),
            outcome: Some("referred".into()),
            consulted_at: Some(now() + chrono::Duration::hours(1)),
            ..ConsultationInput::default()
        };
        let e = i.validate(&topics(), now()).expect_err("invalid");
        let fields: Vec<&str> = e.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "channel",
                "consulted_at",
                "phone",
                "groups",
                "topic",
                "question",
                "answer",
                "duration_minutes",
                "referred_to"
            ]
        );
        let mut i = input();
        i.outcome = Some("applied".into());
        assert_eq!(
            i.validate(&topics(), now()).expect_err("applied")[0].field,
            "outcome"
        );
    }

    #[test]
    fn quarters_by_calendar_or_by_cut_off_day() {
        let q = Quarter::of(d("2026-05-09"));
        assert_eq!(
            q,
            Quarter {
                year: 2026,
                quarter: 2
            }
        );
        assert_eq!(q.period(None), Some((d("2026-04-01"), d("2026-06-30"))));
        assert_eq!(
            Quarter {
                year: 2026,
                quarter: 4
            }
            .period(None),
            Some((d("2026-10-01"), d("2026-12-31")))
        );
        // §4.1: from the 21st of the month before to the 20th of the last month.
        assert_eq!(
            Quarter {
                year: 2026,
                quarter: 1
            }
            .period(Some(20)),
            Some((d("2025-12-21"), d("2026-03-20")))
        );
        assert_eq!(
            Quarter {
                year: 2026,
                quarter: 5
            }
            .period(None),
            None
        );
        assert_eq!(q.period(Some(31)), None);
    }

    fn t_local(code: &str, category: TopicCategory, label: &str, column: i32) -> Topic {
        Topic {
            code: code.into(),
            category,
            label: label.into(),
            report_column: column,
        }
    }

    #[test]
    fn the_report_columns_and_its_rules() {
        let counts = Counts {
            by_channel: vec![
                (ConsultChannel::Phone, 3),
                (ConsultChannel::Hotline12348, 5),
                (ConsultChannel::Visit, 4),
                (ConsultChannel::Online, 1),
            ],
            by_group: vec![(ConsultGroup::Woman, 6), (ConsultGroup::MigrantWorker, 2)],
            by_topic: vec![
                ("theft".into(), 2),
                ("other_criminal".into(), 1),
                ("wages".into(), 6),
                ("private_lending".into(), 2),
                ("social_insurance".into(), 2),
            ],
        };
        let r = report(&counts, &topics());
        let col = |n: u32| r.columns.iter().find(|c| c.column == n).map(|c| c.count);
        assert_eq!(r.total, 13);
        assert_eq!(
            (col(1), col(2), col(3), col(4)),
            (Some(13), Some(8), Some(5), Some(4))
        );
        assert_eq!((col(8), col(11)), (Some(6), Some(2)));
        assert_eq!(
            (col(18), col(24), col(28), col(32)),
            (Some(3), Some(2), Some(8), Some(6))
        );
        assert_eq!((col(38), col(43), col(44)), (Some(2), Some(2), Some(2)));
        assert!(r.checks.iter().all(|c| c.holds), "{:?}", r.checks);
        // The eight local columns are there, empty and named as unset; the
        // columns run in order.
        assert!((47..=54).all(|n| col(n) == Some(0)));
        assert!(r.columns.windows(2).all(|w| w[0].column < w[1].column));
        // A center's local type in its category's pair is counted there (and in
        // the category's total); one in another category's pair is not.
        let mut local = topics();
        local.push(t_local("tenancy", TopicCategory::Civil, "房屋租赁", 49));
        local.push(t_local("misfiled", TopicCategory::Criminal, "错位", 51));
        let mut more = counts.clone();
        more.by_topic.push(("tenancy".into(), 3));
        more.by_channel.push((ConsultChannel::Visit, 3));
        let r = report(&more, &local);
        let col = |n: u32| r.columns.iter().find(|c| c.column == n);
        assert_eq!(
            col(49).map(|c| (c.label.as_str(), c.count)),
            Some(("房屋租赁", 3))
        );
        assert_eq!(col(28).map(|c| c.count), Some(11));
        assert!(col(51).is_some_and(|c| c.label.contains("未设置")));
        assert!(r.checks.iter().all(|c| c.holds), "{:?}", r.checks);
        // A topic outside the categories' totals breaks 1 = 18+28+38.
        let mut few = topics();
        few.retain(|t| t.code != "wages");
        let r = report(&counts, &few);
        let broken: Vec<&str> = r
            .checks
            .iter()
            .filter(|c| !c.holds)
            .map(|c| c.rule.as_str())
            .collect();
        assert_eq!(broken, ["1 = 18+28+38"]);
    }
}
