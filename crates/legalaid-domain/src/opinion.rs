//! Soliciting the judicial organs' opinions on a handler (征询司法机关意见, LAL
//! art 59). The items and scale follow the Zhejiang system's judge opinion form.

use crate::followup::Satisfaction;
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

code_enum!(
    /// The organ asked.
    OpinionOrgan {
        Court => ("court", "人民法院"),
        Procuratorate => ("procuratorate", "人民检察院"),
        Police => ("police", "公安机关"),
    }
);

code_enum!(
    /// What the organ rates.
    OpinionItem {
        LitigationEtiquette => ("litigation_etiquette", "诉讼礼仪"),
        Professionalism => ("professionalism", "专业素养"),
        Dedication => ("dedication", "敬业精神"),
    }
);

impl OpinionItem {
    /// The points the item covers, as the form lists them.
    pub fn description(self) -> &'static str {
        match self {
            OpinionItem::LitigationEtiquette => "遵守法庭秩序；尊重诉讼参加人；着装得体",
            OpinionItem::Professionalism => {
                "语言表达准确；办案思路清晰；引用法律适当；应对变化恰当"
            }
            OpinionItem::Dedication => "工作态度认真；办案尽职尽责",
        }
    }
}

code_enum!(
    /// Where a request for an opinion stands.
    OpinionStatus {
        Sent => ("sent", "已发函"),
        Answered => ("answered", "已回复"),
        NoAnswer => ("no_answer", "未回复（已催告）"),
    }
);

impl OpinionStatus {
    /// Still waiting for the organ: sent, or reminded without an answer. A case
    /// has at most one open letter per organ kind.
    pub fn is_open(self) -> bool {
        self != OpinionStatus::Answered
    }

    /// A reminder (催告) is sent once, to a letter still unanswered on or after
    /// its reminder day; it stays open and may be answered later.
    pub fn remind(self, due: NaiveDate, today: NaiveDate) -> Result<OpinionStatus, String> {
        match self {
            OpinionStatus::Sent if today >= due => Ok(OpinionStatus::NoAnswer),
            OpinionStatus::Sent => Err(format!("回复期限{due}尚未届满，暂不需要催告")),
            OpinionStatus::NoAnswer => Err("该征询意见函已催告".into()),
            OpinionStatus::Answered => Err("该征询意见函已回复".into()),
        }
    }

    /// The answer is recorded once, before or after a reminder.
    pub fn answer(self) -> Result<OpinionStatus, String> {
        match self {
            OpinionStatus::Sent | OpinionStatus::NoAnswer => Ok(OpinionStatus::Answered),
            OpinionStatus::Answered => Err("该征询意见函已登记回复".into()),
        }
    }
}

/// The days after sending when an unanswered request is reminded, by default. A
/// product default (no rule sets it); [`reminder_due`] takes the number.
pub const DEFAULT_REMINDER_DAYS: u32 = 30;

/// The day an unanswered request is due for a reminder.
pub fn reminder_due(sent_on: NaiveDate, reminder_after_days: u32) -> NaiveDate {
    sent_on + Duration::days(i64::from(reminder_after_days))
}

/// One item's rating, as given.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpinionRatingInput {
    #[cfg_attr(feature = "openapi", schema(value_type = OpinionItem))]
    pub item: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Satisfaction))]
    pub rating: String,
}

/// One item's rating, validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpinionRating {
    pub item: OpinionItem,
    pub rating: Satisfaction,
}

/// The organ's answer, before validation.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpinionAnswerInput {
    /// Every item once.
    #[serde(default)]
    pub ratings: Vec<OpinionRatingInput>,
    /// The judge's (prosecutor's, officer's) opinion in words.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub opinion: String,
}

/// A validated answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpinionAnswer {
    /// In the order of [`OpinionItem::ALL`].
    pub ratings: Vec<OpinionRating>,
    pub opinion: String,
}

impl OpinionAnswerInput {
    pub fn validate(&self) -> Result<OpinionAnswer, Vec<crate::FieldError>> {
        let mut v = crate::Validation::new();
        let mut ratings: Vec<OpinionRating> = Vec::new();
        let mut bad = false;
        for r in &self.ratings {
            match (
                OpinionItem::parse(r.item.trim()),
                Satisfaction::parse(r.rating.trim()),
            ) {
                (Some(item), Some(rating)) => {
                    if ratings.iter().any(|x| x.item == item) {
                        v.add("ratings", format!("“{}”重复评价", item.label()));
                        bad = true;
                    }
                    ratings.push(OpinionRating { item, rating });
                }
                (None, _) => {
                    v.add("ratings", format!("未知的评价项目：{}", r.item.trim()));
                    bad = true;
                }
                (Some(item), None) => {
                    v.add(
                        "ratings",
                        format!("“{}”应评价为满意、基本满意或不满意", item.label()),
                    );
                    bad = true;
                }
            }
        }
        ratings.sort_by_key(|r| r.item);
        let missing: Vec<&str> = OpinionItem::ALL
            .iter()
            .filter(|i| !ratings.iter().any(|r| r.item == **i))
            .map(|i| i.label())
            .collect();
        if !missing.is_empty() && !bad {
            v.add(
                "ratings",
                format!("请评价每一项，尚未评价：{}", missing.join("、")),
            );
        }
        let opinion = v.optional_text("opinion", &self.opinion, "意见", 2000);
        v.finish(OpinionAnswer { ratings, opinion })
    }
}

impl OpinionAnswer {
    /// Whether the organ was dissatisfied with any item (it calls for follow-up).
    pub fn is_negative(&self) -> bool {
        self.ratings
            .iter()
            .any(|r| r.rating == Satisfaction::Dissatisfied)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::tests::d;

    fn input(ratings: [&str; 3]) -> OpinionAnswerInput {
        OpinionAnswerInput {
            ratings: OpinionItem::ALL
                .iter()
                .zip(ratings)
                .map(|(i, r)| OpinionRatingInput {
                    item: i.as_str().into(),
                    rating: r.into(),
                })
                .collect(),
            opinion: "辩护意见条理清楚。".into(),
        }
    }

    #[test]
    fn every_item_is_rated() {
        let a = input(["satisfied", "basically_satisfied", "satisfied"])
            .validate()
            .expect("valid");
        assert_eq!(a.ratings.len(), 3);
        assert!(!a.is_negative());
        let mut i = input(["satisfied", "satisfied", "satisfied"]);
        i.ratings.remove(1);
        let e = i.validate().expect_err("missing");
        assert_eq!(e[0].field, "ratings");
        assert_eq!(e[0].message, "请评价每一项，尚未评价：专业素养");
        let mut i = input(["satisfied", "satisfied", "satisfied"]);
        i.ratings[2].item = "professionalism".into();
        assert!(
            i.validate().expect_err("dup")[0]
                .message
                .contains("重复评价")
        );
        let mut i = input(["satisfied", "satisfied", "satisfied"]);
        i.opinion = "意".repeat(2001);
        assert_eq!(i.validate().expect_err("long")[0].field, "opinion");
    }

    #[test]
    fn any_dissatisfied_item_is_negative() {
        let a = input(["satisfied", "dissatisfied", "satisfied"])
            .validate()
            .expect("valid");
        assert!(a.is_negative());
    }

    #[test]
    fn items_describe_their_points() {
        assert!(
            OpinionItem::Professionalism
                .description()
                .contains("引用法律适当")
        );
        assert!(
            OpinionItem::LitigationEtiquette
                .description()
                .contains("着装得体")
        );
    }

    #[test]
    fn a_letter_is_reminded_once_when_due_and_answered_once() {
        use OpinionStatus as S;
        let due = d("2025-02-14");
        assert!(S::Sent.remind(due, d("2025-02-13")).is_err());
        assert_eq!(S::Sent.remind(due, due), Ok(S::NoAnswer));
        assert!(S::NoAnswer.remind(due, d("2025-03-01")).is_err());
        assert_eq!(S::NoAnswer.answer(), Ok(S::Answered));
        assert_eq!(S::Sent.answer(), Ok(S::Answered));
        assert!(S::Answered.answer().is_err());
        assert!(S::NoAnswer.is_open() && !S::Answered.is_open());
    }

    #[test]
    fn a_reminder_after_the_chosen_days() {
        assert_eq!(
            reminder_due(d("2025-01-15"), DEFAULT_REMINDER_DAYS),
            d("2025-02-14")
        );
        assert_eq!(reminder_due(d("2025-01-15"), 0), d("2025-01-15"));
    }
}
