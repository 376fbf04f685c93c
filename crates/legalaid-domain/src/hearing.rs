//! Hearing observation (庭审旁听, LAL art 59): a center observer attends a hearing
//! of a legal aid case and rates the handler on a fixed list of dimensions.
//!
//! Bureaus track the observation ratio (旁听庭审比例): observed hearings ÷
//! hearings of legal aid cases.

use crate::StaffId;
use crate::followup::Satisfaction;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

code_enum!(
    /// What the observer rates. Composed from the lists used by Xuanzhou (2019),
    /// Wuhu (2025) and Huozhou (2023): a product list, not a national standard.
    HearingDimension {
        Preparation => ("preparation", "庭前准备"),
        Statement => ("statement", "陈述辩护意见或诉讼请求"),
        CrossExamination => ("cross_examination", "举证质证"),
        Argument => ("argument", "法庭辩论"),
        Conduct => ("conduct", "出庭形象与庭审举止"),
    }
);

code_enum!(
    /// Where an observation stands.
    ObservationStatus {
        Planned => ("planned", "已计划"),
        Recorded => ("recorded", "已记录"),
        Cancelled => ("cancelled", "已取消"),
    }
);

impl ObservationStatus {
    /// Recording the hearing observed: only a planned observation (one recorded
    /// straight away is created as recorded).
    pub fn record(self) -> Result<ObservationStatus, String> {
        match self {
            ObservationStatus::Planned => Ok(ObservationStatus::Recorded),
            ObservationStatus::Recorded => Err("旁听情况已记录".into()),
            ObservationStatus::Cancelled => Err("该旁听计划已取消".into()),
        }
    }

    /// Cancelling a plan (the hearing was postponed, nobody could attend).
    pub fn cancel(self) -> Result<ObservationStatus, String> {
        match self {
            ObservationStatus::Planned => Ok(ObservationStatus::Cancelled),
            ObservationStatus::Recorded => Err("旁听情况已记录，不能取消".into()),
            ObservationStatus::Cancelled => Err("该旁听计划已取消".into()),
        }
    }
}

/// One dimension's rating, as given.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DimensionInput {
    #[cfg_attr(feature = "openapi", schema(value_type = HearingDimension))]
    pub dimension: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Satisfaction))]
    pub rating: String,
    /// An optional score from 1 to 5.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub score: Option<u8>,
}

/// One dimension's rating, validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DimensionRating {
    pub dimension: HearingDimension,
    pub rating: Satisfaction,
    pub score: Option<u8>,
}

/// What an observation form or API call gives, before validation.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ObservationInput {
    /// `planned` (court, date and observer are enough) or `recorded` (every
    /// dimension rated).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true, value_type = ObservationStatus))]
    pub status: String,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 100)
    )]
    pub court: String,
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    pub hearing_date: Option<NaiveDate>,
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, nullable = false, minimum = 1)
    )]
    pub observer_id: Option<i64>,
    #[serde(default)]
    pub ratings: Vec<DimensionInput>,
    /// Problems found (any text calls for rectification).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub issues: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub comment: String,
}

/// A validated observation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Observation {
    pub status: ObservationStatus,
    pub court: String,
    pub hearing_date: NaiveDate,
    pub observer_id: StaffId,
    /// In the order of [`HearingDimension::ALL`].
    pub ratings: Vec<DimensionRating>,
    pub issues: String,
    pub comment: String,
}

impl ObservationInput {
    /// Checks the input; `today` is the local date (a hearing is recorded only
    /// once it has taken place).
    pub fn validate(&self, today: NaiveDate) -> Result<Observation, Vec<crate::FieldError>> {
        let mut v = crate::Validation::new();
        let status = match ObservationStatus::parse(self.status.trim()) {
            Some(s @ (ObservationStatus::Planned | ObservationStatus::Recorded)) => Some(s),
            _ => {
                v.add("status", "请选择“已计划”或“已记录”");
                None
            }
        };
        let court = v.text("court", &self.court, "开庭法院", 100);
        match self.hearing_date {
            None => v.add("hearing_date", "请填写开庭日期"),
            Some(d) if status == Some(ObservationStatus::Recorded) && d > today => {
                v.add("hearing_date", "庭审尚未进行，不能记录旁听情况")
            }
            _ => {}
        }
        match self.observer_id {
            None => v.add("observer_id", "请选择旁听人员"),
            Some(i) if i < 1 => v.add("observer_id", "旁听人员编号不正确"),
            _ => {}
        }
        let mut ratings: Vec<DimensionRating> = Vec::new();
        let mut bad = false;
        for r in &self.ratings {
            let Some(dimension) = HearingDimension::parse(r.dimension.trim()) else {
                v.add("ratings", format!("未知的评价项目：{}", r.dimension.trim()));
                bad = true;
                continue;
            };
            let Some(rating) = Satisfaction::parse(r.rating.trim()) else {
                v.add(
                    "ratings",
                    format!("“{}”应评价为满意、基本满意或不满意", dimension.label()),
                );
                bad = true;
                continue;
            };
            if r.score.is_some_and(|s| !(1..=5).contains(&s)) {
                v.add(
                    "ratings",
                    format!("“{}”的评分应在1至5分之间", dimension.label()),
                );
                bad = true;
            }
            if ratings.iter().any(|x| x.dimension == dimension) {
                v.add("ratings", format!("“{}”重复评价", dimension.label()));
                bad = true;
            }
            ratings.push(DimensionRating {
                dimension,
                rating,
                score: r.score,
            });
        }
        ratings.sort_by_key(|r| r.dimension);
        if status == Some(ObservationStatus::Recorded) && !bad {
            let missing: Vec<&str> = HearingDimension::ALL
                .iter()
                .filter(|d| !ratings.iter().any(|r| r.dimension == **d))
                .map(|d| d.label())
                .collect();
            if !missing.is_empty() {
                v.add(
                    "ratings",
                    format!("记录旁听情况须评价每一项，尚未评价：{}", missing.join("、")),
                );
            }
        }
        let issues = v.optional_text("issues", &self.issues, "发现的问题", 2000);
        let comment = v.optional_text("comment", &self.comment, "总体评价", 2000);
        match (status, self.hearing_date, self.observer_id) {
            (Some(status), Some(hearing_date), Some(observer)) => v.finish(Observation {
                status,
                court,
                hearing_date,
                observer_id: StaffId(observer),
                ratings,
                issues,
                comment,
            }),
            _ => Err(v.errors().to_vec()),
        }
    }
}

impl Observation {
    /// Whether the observation calls for a rectification order: a dimension rated
    /// 不满意, or problems written down.
    pub fn needs_rectification(&self) -> bool {
        !self.issues.trim().is_empty()
            || self
                .ratings
                .iter()
                .any(|r| r.rating == Satisfaction::Dissatisfied)
    }
}

/// The observation ratio (旁听庭审比例) as a fraction: observed ÷ hearings; none
/// when there were no hearings.
pub fn ratio(observed: u32, hearings: u32) -> Option<f64> {
    (hearings > 0).then(|| f64::from(observed) / f64::from(hearings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::tests::d;

    fn rated(rating: &str) -> Vec<DimensionInput> {
        HearingDimension::ALL
            .iter()
            .rev()
            .map(|x| DimensionInput {
                dimension: x.as_str().into(),
                rating: rating.into(),
                score: Some(4),
            })
            .collect()
    }

    fn input(status: &str) -> ObservationInput {
        ObservationInput {
            status: status.into(),
            court: "六安市叶集区人民法院".into(),
            hearing_date: Some(d("2025-04-02")),
            observer_id: Some(3),
            ..ObservationInput::default()
        }
    }

    fn fields(e: &[crate::FieldError]) -> Vec<&str> {
        e.iter().map(|x| x.field.as_str()).collect()
    }

    #[test]
    fn a_planned_observation_needs_court_date_and_observer() {
        let o = input("planned").validate(d("2025-03-01")).expect("planned");
        assert_eq!(o.status, ObservationStatus::Planned);
        assert!(o.ratings.is_empty() && !o.needs_rectification());
        let e = ObservationInput {
            status: "planned".into(),
            ..ObservationInput::default()
        }
        .validate(d("2025-03-01"))
        .expect_err("empty");
        assert_eq!(fields(&e), ["court", "hearing_date", "observer_id"]);
        let e = input("cancelled")
            .validate(d("2025-03-01"))
            .expect_err("status");
        assert_eq!(fields(&e), ["status"]);
    }

    #[test]
    fn recording_rates_every_dimension_after_the_hearing() {
        let mut i = input("recorded");
        i.ratings = rated("satisfied");
        let o = i.validate(d("2025-04-02")).expect("recorded");
        assert_eq!(o.ratings.len(), 5);
        assert_eq!(
            o.ratings[0].dimension,
            HearingDimension::Preparation,
            "sorted"
        );
        assert!(!o.needs_rectification());
        assert_eq!(
            fields(&i.validate(d("2025-04-01")).expect_err("before")),
            ["hearing_date"]
        );
        i.ratings.remove(0);
        let e = i.validate(d("2025-04-02")).expect_err("missing");
        assert_eq!(
            e[0].message,
            "记录旁听情况须评价每一项，尚未评价：出庭形象与庭审举止"
        );
        let mut i = input("recorded");
        i.ratings = rated("satisfied");
        i.ratings[1].score = Some(6);
        i.ratings[2].rating = "ok".into();
        assert_eq!(
            fields(&i.validate(d("2025-04-02")).expect_err("bad")),
            ["ratings", "ratings"]
        );
    }

    #[test]
    fn dissatisfaction_or_issues_call_for_rectification() {
        let mut i = input("recorded");
        i.ratings = rated("basically_satisfied");
        assert!(
            !i.validate(d("2025-04-02"))
                .expect("ok")
                .needs_rectification()
        );
        i.ratings[3].rating = "dissatisfied".into();
        assert!(
            i.validate(d("2025-04-02"))
                .expect("ok")
                .needs_rectification()
        );
        let mut i = input("recorded");
        i.ratings = rated("satisfied");
        i.issues = "未按时到庭".into();
        assert!(
            i.validate(d("2025-04-02"))
                .expect("ok")
                .needs_rectification()
        );
    }

    #[test]
    fn only_a_plan_is_recorded_or_cancelled() {
        use ObservationStatus as S;
        assert_eq!(S::Planned.record(), Ok(S::Recorded));
        assert_eq!(S::Planned.cancel(), Ok(S::Cancelled));
        assert!(S::Recorded.record().is_err() && S::Recorded.cancel().is_err());
        assert!(S::Cancelled.record().is_err() && S::Cancelled.cancel().is_err());
    }

    #[test]
    fn the_observation_ratio() {
        assert_eq!(ratio(3, 12), Some(0.25));
        assert_eq!(ratio(0, 0), None);
    }
}
