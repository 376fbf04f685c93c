//! Follow-up visits to recipients (回访受援人, LAL art 59) and the recipient's
//! evaluation of the handler.
//!
//! The evaluation items are the five of the Zhejiang provincial system's recipient
//! evaluation page, each answered 满意 / 基本满意 / 不满意. Every visit also asks
//! whether the handler asked for or took money or property, which LAL art 20
//! forbids; a yes raises an alert.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

code_enum!(
    /// How the visit was made.
    VisitMode {
        Phone => ("phone", "电话回访"),
        Home => ("home", "上门回访"),
        InPerson => ("in_person", "来访面谈"),
        Letter => ("letter", "信函回访"),
    }
);

code_enum!(
    /// When in the life of the case the visit was made.
    VisitTiming {
        AfterAssignment => ("after_assignment", "指派后"),
        During => ("during", "办理中"),
        AfterClosure => ("after_closure", "结案后"),
    }
);

code_enum!(
    /// Whether the recipient was reached. For visits at home or in person and for
    /// letters, `connected` means the recipient was met (or answered).
    CallOutcome {
        Connected => ("connected", "接通"),
        NoAnswer => ("no_answer", "无人接听"),
        Disconnected => ("disconnected", "停机"),
        EmptyNumber => ("empty_number", "空号"),
        Refused => ("refused", "拒绝回访"),
    }
);

code_enum!(
    /// The three-step scale used by the evaluation, hearing and opinion forms.
    Satisfaction {
        Satisfied => ("satisfied", "满意"),
        BasicallySatisfied => ("basically_satisfied", "基本满意"),
        Dissatisfied => ("dissatisfied", "不满意"),
    }
);

code_enum!(
    /// The five items the recipient evaluates (Zhejiang recipient evaluation page).
    EvaluationItem {
        ServiceAttitude => ("service_attitude", "承办人服务态度"),
        Communication => ("communication", "办案过程中沟通交流情况"),
        RightsProtection => ("rights_protection", "承办人维护合法权益情况"),
        CaseResult => ("case_result", "对案件结果是否满意"),
        Overall => ("overall", "总体评价"),
    }
);

/// The ratings counted as satisfied by default in 满意率: 满意 and 基本满意. This
/// formula is a product default (reports differ); [`figures`] takes the set.
pub const DEFAULT_SATISFIED: &[Satisfaction] =
    &[Satisfaction::Satisfied, Satisfaction::BasicallySatisfied];

/// One item and its rating, as given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingInput {
    #[cfg_attr(feature = "openapi", schema(value_type = EvaluationItem))]
    pub item: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Satisfaction))]
    pub rating: String,
}

/// One item and its rating, validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemRating {
    pub item: EvaluationItem,
    pub rating: Satisfaction,
}

/// What a visit form or API call gives, before validation.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitInput {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true, inline, value_type = VisitMode))]
    pub mode: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true, inline, value_type = VisitTiming))]
    pub timing: String,
    /// Not later than today.
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    pub visited_on: Option<NaiveDate>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true, inline, value_type = CallOutcome))]
    pub outcome: String,
    /// Every item once when the recipient was reached; none otherwise.
    #[serde(default)]
    pub evaluations: Vec<RatingInput>,
    /// The handler asked for money or property.
    #[serde(default)]
    pub fee_asked: bool,
    /// The recipient paid money or gave property to the handler.
    #[serde(default)]
    pub fee_paid: bool,
    /// What was asked or paid; required when either is true.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub fee_detail: String,
    /// The handler attended court or mediation on time (unknown: none).
    #[serde(default)]
    pub on_time: Option<bool>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub notes: String,
}

/// A validated follow-up visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitRecord {
    pub mode: VisitMode,
    pub timing: VisitTiming,
    pub visited_on: NaiveDate,
    pub outcome: CallOutcome,
    /// In the order of [`EvaluationItem::ALL`]; empty when not reached.
    pub evaluations: Vec<ItemRating>,
    pub fee_asked: bool,
    pub fee_paid: bool,
    pub fee_detail: String,
    pub on_time: Option<bool>,
    pub notes: String,
}

impl VisitInput {
    /// Checks the input; `today` is the local date (no visit in the future).
    pub fn validate(&self, today: NaiveDate) -> Result<VisitRecord, Vec<crate::FieldError>> {
        let mut v = crate::Validation::new();
        let mode = VisitMode::parse(self.mode.trim());
        if mode.is_none() {
            v.add("mode", "请选择回访方式");
        }
        let timing = VisitTiming::parse(self.timing.trim());
        if timing.is_none() {
            v.add("timing", "请选择回访时段");
        }
        match self.visited_on {
            None => v.add("visited_on", "请填写回访日期"),
            Some(d) if d > today => v.add("visited_on", "回访日期不能晚于今天"),
            _ => {}
        }
        let outcome = CallOutcome::parse(self.outcome.trim());
        if outcome.is_none() {
            v.add("outcome", "请选择回访结果");
        }
        if mode == Some(VisitMode::InPerson)
            && outcome.is_some_and(|o| !matches!(o, CallOutcome::Connected | CallOutcome::Refused))
        {
            v.add("outcome", "来访面谈的回访结果只能是接通或拒绝回访");
        }
        let reached = outcome == Some(CallOutcome::Connected);
        let mut evaluations = Vec::new();
        if reached {
            let mut bad = false;
            for r in &self.evaluations {
                match (
                    EvaluationItem::parse(r.item.trim()),
                    Satisfaction::parse(r.rating.trim()),
                ) {
                    (Some(item), Some(rating)) => {
                        if evaluations.iter().any(|e: &ItemRating| e.item == item) {
                            v.add("evaluations", format!("“{}”重复评价", item.label()));
                            bad = true;
                        }
                        evaluations.push(ItemRating { item, rating });
                    }
                    (None, _) => {
                        v.add("evaluations", format!("未知的评价项目：{}", r.item.trim()));
                        bad = true;
                    }
                    (Some(item), None) => {
                        v.add(
                            "evaluations",
                            format!("“{}”应评价为满意、基本满意或不满意", item.label()),
                        );
                        bad = true;
                    }
                }
            }
            let missing: Vec<&str> = EvaluationItem::ALL
                .iter()
                .filter(|i| !evaluations.iter().any(|e| e.item == **i))
                .map(|i| i.label())
                .collect();
            if !missing.is_empty() && !bad {
                v.add(
                    "evaluations",
                    format!("接通的回访须评价每一项，尚未评价：{}", missing.join("、")),
                );
            }
            evaluations.sort_by_key(|e| e.item);
        } else if outcome.is_some() {
            if !self.evaluations.is_empty() {
                v.add("evaluations", "未接通的回访不能填写评价");
            }
            if self.fee_asked || self.fee_paid {
                v.add("fee_asked", "未接通的回访不能记录收取财物情况");
            }
        }
        let fee_detail = if self.fee_asked || self.fee_paid {
            v.text("fee_detail", &self.fee_detail, "索要或收受财物的情况", 1000)
        } else {
            v.optional_text("fee_detail", &self.fee_detail, "索要或收受财物的情况", 1000)
        };
        let notes = v.optional_text("notes", &self.notes, "回访记录", 2000);
        match (mode, timing, self.visited_on, outcome) {
            (Some(mode), Some(timing), Some(visited_on), Some(outcome)) => v.finish(VisitRecord {
                mode,
                timing,
                visited_on,
                outcome,
                evaluations,
                fee_asked: self.fee_asked,
                fee_paid: self.fee_paid,
                fee_detail,
                on_time: self.on_time,
                notes,
            }),
            _ => Err(v.errors().to_vec()),
        }
    }
}

impl VisitRecord {
    /// The rating given to an item, if the recipient was reached.
    pub fn rating(&self, item: EvaluationItem) -> Option<Satisfaction> {
        self.evaluations
            .iter()
            .find(|e| e.item == item)
            .map(|e| e.rating)
    }

    /// Whether the visit found the handler asking for or taking money or property
    /// (LAL art 20): it becomes a complaint clue for the bureau.
    pub fn raises_alert(&self) -> bool {
        self.fee_asked || self.fee_paid
    }

    /// The alert shown to the center and the bureau, if the visit raises one.
    pub fn alert_text(&self) -> Option<String> {
        if !self.raises_alert() {
            return None;
        }
        let what = match (self.fee_asked, self.fee_paid) {
            (true, true) => "索要并收受财物",
            (true, false) => "索要财物",
            _ => "收受财物",
        };
        Some(format!(
            "{}{}发现法律援助人员向受援人{what}：{}。《法律援助法》第二十条规定，法律援助人员不得向受援人收取任何财物，请依法调查处理。",
            self.visited_on.format("%Y年%m月%d日"),
            self.mode.label(),
            self.fee_detail
        ))
    }
}

/// The counts of one item's ratings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemCounts {
    pub item: EvaluationItem,
    pub satisfied: u32,
    pub basically_satisfied: u32,
    pub dissatisfied: u32,
}

/// Figures over a set of visits. Rates are fractions (0.94 for 94%), none when
/// nothing was counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitFigures {
    pub attempts: u32,
    pub connected: u32,
    /// 接通率 = connected ÷ attempts.
    pub connect_rate: Option<f64>,
    /// One row per item, in the order of [`EvaluationItem::ALL`].
    pub items: Vec<ItemCounts>,
    /// Visits that answered 总体评价.
    pub overall_answered: u32,
    /// 满意率 = overall ratings in the counted set ÷ `overall_answered`.
    pub satisfaction_rate: Option<f64>,
    /// Visits that raised an alert about money or property.
    pub fee_alerts: u32,
}

fn rate(num: u32, den: u32) -> Option<f64> {
    (den > 0).then(|| f64::from(num) / f64::from(den))
}

/// What the figures count of a visit, with how many visits share it: the store
/// groups visits by these columns in SQL, so that a province's year is never read
/// visit by visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub outcome: CallOutcome,
    /// In the order of [`EvaluationItem::ALL`].
    pub ratings: [Option<Satisfaction>; 5],
    pub alert: bool,
    pub n: u32,
}

impl Tally {
    /// One visit.
    pub fn of(r: &VisitRecord) -> Tally {
        let mut ratings = [None; 5];
        for (slot, item) in ratings.iter_mut().zip(EvaluationItem::ALL) {
            *slot = r.rating(*item);
        }
        Tally {
            outcome: r.outcome,
            ratings,
            alert: r.raises_alert(),
            n: 1,
        }
    }
}

/// Computes the figures of a set of visits; `counted` is the set of overall
/// ratings that count as satisfied (the product default is [`DEFAULT_SATISFIED`]).
pub fn figures(records: &[VisitRecord], counted: &[Satisfaction]) -> VisitFigures {
    let tallies: Vec<Tally> = records.iter().map(Tally::of).collect();
    figures_of_tallies(&tallies, counted)
}

/// As [`figures`], over visits counted by group.
pub fn figures_of_tallies(tallies: &[Tally], counted: &[Satisfaction]) -> VisitFigures {
    const OVERALL: usize = 4;
    let count = |f: &dyn Fn(&Tally) -> bool| {
        tallies
            .iter()
            .filter(|t| f(t))
            .fold(0u32, |acc, t| acc.saturating_add(t.n))
    };
    let attempts = count(&|_| true);
    let connected = count(&|t| t.outcome == CallOutcome::Connected);
    let items = EvaluationItem::ALL
        .iter()
        .enumerate()
        .map(|(i, &item)| ItemCounts {
            item,
            satisfied: count(&|t| t.ratings[i] == Some(Satisfaction::Satisfied)),
            basically_satisfied: count(&|t| t.ratings[i] == Some(Satisfaction::BasicallySatisfied)),
            dissatisfied: count(&|t| t.ratings[i] == Some(Satisfaction::Dissatisfied)),
        })
        .collect();
    let overall_answered = count(&|t| t.ratings[OVERALL].is_some());
    let satisfied = count(&|t| t.ratings[OVERALL].is_some_and(|s| counted.contains(&s)));
    VisitFigures {
        attempts,
        connected,
        connect_rate: rate(connected, attempts),
        items,
        overall_answered,
        satisfaction_rate: rate(satisfied, overall_answered),
        fee_alerts: count(&|t| t.alert),
    }
}

code_enum!(
    /// Where a planned visit stands.
    VisitPlanStatus {
        Planned => ("planned", "待回访"),
        Done => ("done", "已回访"),
        Cancelled => ("cancelled", "已取消"),
    }
);

/// The days after closure within which a planned visit is due when the rule
/// `followup_visit` (`data/rules/deadlines.csv`) is missing: a product default
/// (no statute sets it; LAL art 59 names the visit, not its time).
pub const DEFAULT_PLAN_DAYS: u32 = 30;

impl CallOutcome {
    /// Whether an attempt with this outcome completes a planned visit: the
    /// recipient was reached or refused, or the number is dead. Only an
    /// unanswered call leaves the plan open to be tried again.
    pub fn completes_plan(self) -> bool {
        self != CallOutcome::NoAnswer
    }
}

/// Whether a closed case falls in a visit plan's share: reproducible, so that the
/// same seed (e.g. the plan's number) always draws the same cases, and anyone can
/// check the draw. The key is the first 8 bytes (big-endian) of
/// SHA-256(`"{seed}:{case_id}"`); the case is selected when `key % 10000` is below
/// `share_percent × 100`. 0 selects none, 100 or more selects all.
pub fn plan_share_selects(seed: &str, case_id: i64, share_percent: u32) -> bool {
    let digest = Sha256::digest(format!("{seed}:{case_id}").as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    let key = u64::from_be_bytes(first);
    key % 10_000 < u64::from(share_percent) * 100
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::tests::d;

    fn all_rated(rating: &str) -> Vec<RatingInput> {
        EvaluationItem::ALL
            .iter()
            .map(|i| RatingInput {
                item: i.as_str().into(),
                rating: rating.into(),
            })
            .collect()
    }

    fn input() -> VisitInput {
        VisitInput {
            mode: "phone".into(),
            timing: "after_closure".into(),
            visited_on: Some(d("2025-03-10")),
            outcome: "connected".into(),
            evaluations: all_rated("satisfied"),
            on_time: Some(true),
            ..VisitInput::default()
        }
    }

    fn fields(e: &[crate::FieldError]) -> Vec<&str> {
        e.iter().map(|x| x.field.as_str()).collect()
    }

    #[test]
    fn a_connected_visit_answers_every_item() {
        let r = input().validate(d("2025-03-10")).expect("valid");
        assert_eq!(r.evaluations.len(), 5);
        assert_eq!(
            r.rating(EvaluationItem::Overall),
            Some(Satisfaction::Satisfied)
        );
        let mut i = input();
        i.evaluations.pop();
        let e = i.validate(d("2025-03-10")).expect_err("missing");
        assert_eq!(fields(&e), ["evaluations"]);
        assert_eq!(e[0].message, "接通的回访须评价每一项，尚未评价：总体评价");
        let mut i = input();
        i.evaluations[4].item = "communication".into();
        assert!(
            i.validate(d("2025-03-10")).expect_err("dup")[0]
                .message
                .contains("重复评价")
        );
        let mut i = input();
        i.evaluations[0].rating = "great".into();
        assert_eq!(
            fields(&i.validate(d("2025-03-10")).expect_err("rating")),
            ["evaluations"]
        );
    }

    #[test]
    fn an_unreached_recipient_gives_no_evaluation() {
        let mut i = input();
        i.outcome = "empty_number".into();
        assert_eq!(
            fields(&i.validate(d("2025-03-10")).expect_err("rated")),
            ["evaluations"]
        );
        i.evaluations.clear();
        let r = i.validate(d("2025-03-10")).expect("valid");
        assert!(r.evaluations.is_empty() && !r.raises_alert());
        i.fee_paid = true;
        i.fee_detail = "差旅费".into();
        assert_eq!(
            fields(&i.validate(d("2025-03-10")).expect_err("fee")),
            ["fee_asked"]
        );
    }

    #[test]
    fn visits_in_person_are_met_or_refused() {
        let mut i = input();
        i.mode = "in_person".into();
        assert!(i.validate(d("2025-03-10")).is_ok());
        i.outcome = "no_answer".into();
        i.evaluations.clear();
        assert_eq!(
            fields(&i.validate(d("2025-03-10")).expect_err("in person")),
            ["outcome"]
        );
    }

    #[test]
    fn required_fields_and_dates() {
        let e = VisitInput::default()
            .validate(d("2025-03-10"))
            .expect_err("empty");
        assert_eq!(fields(&e), ["mode", "timing", "visited_on", "outcome"]);
        let e = input().validate(d("2025-03-09")).expect_err("future");
        assert_eq!(e[0].message, "回访日期不能晚于今天");
        let mut i = input();
        i.notes = "记".repeat(2001);
        assert_eq!(
            fields(&i.validate(d("2025-03-10")).expect_err("notes")),
            ["notes"]
        );
    }

    #[test]
    fn money_asked_or_taken_raises_an_alert_citing_article_20() {
        let mut i = input();
        i.fee_asked = true;
        assert_eq!(
            fields(&i.validate(d("2025-03-10")).expect_err("detail")),
            ["fee_detail"]
        );
        i.fee_detail = "承办律师索要差旅费500元".into();
        let r = i.validate(d("2025-03-10")).expect("valid");
        assert!(r.raises_alert());
        assert_eq!(
            r.alert_text().as_deref(),
            Some(
                "2025年03月10日电话回访发现法律援助人员向受援人索要财物：承办律师索要差旅费500元。《法律援助法》第二十条规定，法律援助人员不得向受援人收取任何财物，请依法调查处理。"
            )
        );
        let clean = input().validate(d("2025-03-10")).expect("valid");
        assert!(!clean.raises_alert() && clean.alert_text().is_none());
    }

    fn record(outcome: CallOutcome, overall: Option<Satisfaction>) -> VisitRecord {
        VisitRecord {
            mode: VisitMode::Phone,
            timing: VisitTiming::AfterClosure,
            visited_on: d("2025-03-10"),
            outcome,
            evaluations: overall
                .map(|s| {
                    vec![
                        ItemRating {
                            item: EvaluationItem::ServiceAttitude,
                            rating: Satisfaction::Satisfied,
                        },
                        ItemRating {
                            item: EvaluationItem::Overall,
                            rating: s,
                        },
                    ]
                })
                .unwrap_or_default(),
            fee_asked: false,
            fee_paid: false,
            fee_detail: String::new(),
            on_time: None,
            notes: String::new(),
        }
    }

    #[test]
    fn figures_of_the_tancheng_sample() {
        // 50 visits: 47 connected, 2 disconnected, 1 empty number → 接通率 94%.
        let mut rs: Vec<VisitRecord> = (0..47)
            .map(|i| {
                let s = match i {
                    0..40 => Satisfaction::Satisfied,
                    40..45 => Satisfaction::BasicallySatisfied,
                    _ => Satisfaction::Dissatisfied,
                };
                record(CallOutcome::Connected, Some(s))
            })
            .collect();
        rs.push(record(CallOutcome::Disconnected, None));
        rs.push(record(CallOutcome::Disconnected, None));
        rs.push(record(CallOutcome::EmptyNumber, None));
        rs[3].fee_paid = true;
        let f = figures(&rs, DEFAULT_SATISFIED);
        assert_eq!((f.attempts, f.connected), (50, 47));
        assert_eq!(f.connect_rate, Some(0.94));
        assert_eq!(f.overall_answered, 47);
        assert_eq!(f.satisfaction_rate, Some(45.0 / 47.0));
        let overall = f.items[4];
        assert_eq!(overall.item, EvaluationItem::Overall);
        assert_eq!(
            (
                overall.satisfied,
                overall.basically_satisfied,
                overall.dissatisfied
            ),
            (40, 5, 2)
        );
        assert_eq!(f.items[0].satisfied, 47);
        assert_eq!(f.items[1].satisfied, 0, "not asked in these records");
        assert_eq!(f.fee_alerts, 1);
        // Counting only 满意: 40 of 47.
        let strict = figures(&rs, &[Satisfaction::Satisfied]);
        assert_eq!(strict.satisfaction_rate, Some(40.0 / 47.0));
    }

    #[test]
    fn grouped_counts_give_the_same_figures() {
        let mut rs = vec![
            record(CallOutcome::Connected, Some(Satisfaction::Satisfied)),
            record(CallOutcome::Connected, Some(Satisfaction::Satisfied)),
            record(CallOutcome::Connected, Some(Satisfaction::Dissatisfied)),
            record(CallOutcome::NoAnswer, None),
        ];
        rs[2].fee_asked = true;
        let one = Tally::of(&rs[0]);
        let grouped = [Tally { n: 2, ..one }, Tally::of(&rs[2]), Tally::of(&rs[3])];
        let f = figures_of_tallies(&grouped, DEFAULT_SATISFIED);
        assert_eq!(f, figures(&rs, DEFAULT_SATISFIED));
        assert_eq!((f.attempts, f.connected, f.fee_alerts), (4, 3, 1));
        assert_eq!(f.connect_rate, Some(0.75));
        assert_eq!(f.satisfaction_rate, Some(2.0 / 3.0));
    }

    #[test]
    fn only_an_unanswered_call_leaves_a_plan_open() {
        assert!(!CallOutcome::NoAnswer.completes_plan());
        for o in [
            CallOutcome::Connected,
            CallOutcome::Refused,
            CallOutcome::Disconnected,
            CallOutcome::EmptyNumber,
        ] {
            assert!(o.completes_plan(), "{o}");
        }
    }

    #[test]
    fn no_visits_no_rates() {
        let f = figures(&[], DEFAULT_SATISFIED);
        assert_eq!((f.connect_rate, f.satisfaction_rate), (None, None));
        let f = figures(&[record(CallOutcome::NoAnswer, None)], DEFAULT_SATISFIED);
        assert_eq!(f.connect_rate, Some(0.0));
        assert_eq!(f.satisfaction_rate, None);
    }

    #[test]
    fn a_plan_share_is_reproducible_and_about_right() {
        for share in [10, 25, 50] {
            let n = (1..=10_000)
                .filter(|id| plan_share_selects("回访计划2025-1", *id, share))
                .count();
            let expected = share as usize * 100;
            assert!(
                n.abs_diff(expected) <= 200,
                "{share}%: {n} of 10000 selected"
            );
        }
        let a: Vec<i64> = (1..=500)
            .filter(|id| plan_share_selects("seed", *id, 30))
            .collect();
        let b: Vec<i64> = (1..=500)
            .filter(|id| plan_share_selects("seed", *id, 30))
            .collect();
        assert_eq!(a, b, "deterministic");
        let c: Vec<i64> = (1..=500)
            .filter(|id| plan_share_selects("other seed", *id, 30))
            .collect();
        assert_ne!(a, c, "another seed draws other cases");
        assert!((1..=1000).all(|id| !plan_share_selects("seed", id, 0)));
        assert!((1..=1000).all(|id| plan_share_selects("seed", id, 100)));
    }
}
