//! Rectification orders (整改): a problem found by a quality tool goes back to the
//! unit (and handler) with a requirement and a deadline; the unit reports back
//! (限期反馈), the center or bureau checks, and closes the order (销号), returns it,
//! or escalates to a formal talk (约谈问责), as in Anqing's 2017 整改任务书.

use crate::{StaffId, UnitId};
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

code_enum!(
    /// Which quality tool found the problem.
    RectificationSource {
        FileReview => ("file_review", "案卷评查"),
        Hearing => ("hearing", "庭审旁听"),
        Visit => ("visit", "回访"),
        Complaint => ("complaint", "投诉"),
        Opinion => ("opinion", "司法机关意见"),
        Bulletin => ("bulletin", "通报"),
    }
);

code_enum!(
    /// The kind of problem. The first three are the categories of Anqing's 2017
    /// 整改任务书; the others are product categories for problems in handling a
    /// case (not taken from a published instrument).
    ProblemCategory {
        Informatization => ("informatization", "信息化应用"),
        Funds => ("funds", "经费管理使用"),
        CaseStructure => ("case_structure", "案卷案件结构"),
        Procedure => ("procedure", "办案程序不规范"),
        Documents => ("documents", "法律文书质量问题"),
        Service => ("service", "服务态度和沟通"),
        Fees => ("fees", "违规收取财物"),
        Other => ("other", "其他"),
    }
);

code_enum!(
    /// Where an order stands.
    RectificationStatus {
        Issued => ("issued", "待整改"),
        Answered => ("answered", "已反馈（待核查）"),
        Closed => ("closed", "已整改销号"),
        Reopened => ("reopened", "退回重新整改"),
        Escalated => ("escalated", "约谈"),
    }
);

/// Something that happens to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RectificationEvent {
    /// The unit reports what it did.
    Answer,
    /// The issuer checks the report: done (closed) or not (returned).
    Verify { ok: bool },
    /// The issuer escalates to a formal talk (约谈).
    Escalate,
}

impl RectificationEvent {
    pub fn label(self) -> &'static str {
        match self {
            RectificationEvent::Answer => "反馈整改情况",
            RectificationEvent::Verify { ok: true } => "核查通过并销号",
            RectificationEvent::Verify { ok: false } => "退回重新整改",
            RectificationEvent::Escalate => "约谈",
        }
    }
}

/// The longest time an order may give, in days from its issue: a product default.
pub const MAX_DEADLINE_DAYS: i64 = 90;

impl RectificationStatus {
    /// Whether the order still needs work (the unit's or the issuer's). An escalated
    /// order leaves this process for the formal talk.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            RectificationStatus::Issued
                | RectificationStatus::Answered
                | RectificationStatus::Reopened
        )
    }

    /// The state after `event`, or why not (in Chinese, for the user).
    pub fn next(self, event: RectificationEvent) -> Result<RectificationStatus, String> {
        use RectificationEvent as E;
        use RectificationStatus::*;
        match (self, event) {
            (Issued | Reopened, E::Answer) => Ok(Answered),
            (Answered, E::Verify { ok: true }) => Ok(Closed),
            (Answered, E::Verify { ok: false }) => Ok(Reopened),
            (Issued | Reopened | Answered, E::Escalate) => Ok(Escalated),
            (s, e) => {
                let allowed = match s {
                    Issued | Reopened => "此状态下只能反馈整改情况或约谈",
                    Answered => "此状态下只能核查或约谈",
                    Closed | Escalated => "该整改事项已结束",
                };
                Err(format!(
                    "整改事项当前状态为“{}”，不能{}；{allowed}",
                    s.label(),
                    e.label()
                ))
            }
        }
    }

    /// Whether the unit's answer is overdue on `today`: the order awaits it (issued
    /// or returned) and the deadline has passed.
    pub fn is_overdue(self, deadline: NaiveDate, today: NaiveDate) -> bool {
        matches!(
            self,
            RectificationStatus::Issued | RectificationStatus::Reopened
        ) && today > deadline
    }
}

/// What an order form or API call gives, before validation.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RectificationInput {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true, value_type = RectificationSource))]
    pub source: String,
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, nullable = false, minimum = 1)
    )]
    pub target_unit_id: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub target_staff_id: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true, value_type = ProblemCategory))]
    pub category: String,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 2000)
    )]
    pub problem: String,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 2000)
    )]
    pub requirement: String,
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    pub issued_on: Option<NaiveDate>,
    /// After the issue date, within 90 days of it.
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    pub deadline: Option<NaiveDate>,
}

/// A validated order, ready to store (it starts as `issued`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RectificationFields {
    pub source: RectificationSource,
    pub target_unit_id: UnitId,
    pub target_staff_id: Option<StaffId>,
    pub category: ProblemCategory,
    pub problem: String,
    pub requirement: String,
    pub issued_on: NaiveDate,
    pub deadline: NaiveDate,
}

impl RectificationInput {
    pub fn validate(&self) -> Result<RectificationFields, Vec<crate::FieldError>> {
        let mut v = crate::Validation::new();
        let source = RectificationSource::parse(self.source.trim());
        if source.is_none() {
            v.add("source", "请选择问题来源");
        }
        match self.target_unit_id {
            None => v.add("target_unit_id", "请选择整改单位"),
            Some(i) if i < 1 => v.add("target_unit_id", "整改单位编号不正确"),
            _ => {}
        }
        if self.target_staff_id.is_some_and(|i| i < 1) {
            v.add("target_staff_id", "整改人员编号不正确");
        }
        let category = ProblemCategory::parse(self.category.trim());
        if category.is_none() {
            v.add("category", "请选择问题类别");
        }
        let problem = v.text("problem", &self.problem, "问题描述", 2000);
        let requirement = v.text("requirement", &self.requirement, "整改要求", 2000);
        if self.issued_on.is_none() {
            v.add("issued_on", "请填写下达日期");
        }
        match (self.issued_on, self.deadline) {
            (_, None) => v.add("deadline", "请填写整改期限"),
            (Some(from), Some(to)) if to <= from => v.add("deadline", "整改期限应晚于下达日期"),
            (Some(from), Some(to)) if to > from + Duration::days(MAX_DEADLINE_DAYS) => v.add(
                "deadline",
                format!("整改期限不能超过下达之日起{MAX_DEADLINE_DAYS}日"),
            ),
            _ => {}
        }
        match (
            source,
            self.target_unit_id,
            category,
            self.issued_on,
            self.deadline,
        ) {
            (Some(source), Some(unit), Some(category), Some(issued_on), Some(deadline)) => v
                .finish(RectificationFields {
                    source,
                    target_unit_id: UnitId(unit),
                    target_staff_id: self.target_staff_id.map(StaffId),
                    category,
                    problem,
                    requirement,
                    issued_on,
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
    use RectificationEvent as E;
    use RectificationStatus::*;

    #[test]
    fn the_order_goes_issued_answered_verified() {
        assert_eq!(Issued.next(E::Answer), Ok(Answered));
        assert_eq!(Answered.next(E::Verify { ok: true }), Ok(Closed));
        assert_eq!(Answered.next(E::Verify { ok: false }), Ok(Reopened));
        assert_eq!(Reopened.next(E::Answer), Ok(Answered));
        for s in [Issued, Reopened, Answered] {
            assert_eq!(s.next(E::Escalate), Ok(Escalated));
        }
        assert_eq!(
            Issued.next(E::Verify { ok: true }),
            Err(
                "整改事项当前状态为“待整改”，不能核查通过并销号；此状态下只能反馈整改情况或约谈"
                    .into()
            )
        );
        assert!(Answered.next(E::Answer).is_err(), "one answer at a time");
        assert!(Closed.next(E::Escalate).is_err());
        assert!(Closed.next(E::Answer).is_err());
        assert!(Escalated.next(E::Answer).is_err());
        assert!(Issued.is_open() && Answered.is_open() && Reopened.is_open());
        assert!(!Closed.is_open() && !Escalated.is_open());
    }

    #[test]
    fn overdue_only_while_the_unit_owes_an_answer() {
        let deadline = d("2025-05-31");
        assert!(
            !Issued.is_overdue(deadline, d("2025-05-31")),
            "the last day"
        );
        assert!(Issued.is_overdue(deadline, d("2025-06-01")));
        assert!(Reopened.is_overdue(deadline, d("2025-06-01")));
        assert!(!Answered.is_overdue(deadline, d("2025-06-01")));
        assert!(!Closed.is_overdue(deadline, d("2025-06-01")));
    }

    fn input() -> RectificationInput {
        RectificationInput {
            source: "file_review".into(),
            target_unit_id: Some(5),
            target_staff_id: None,
            category: "case_structure".into(),
            problem: "结案率极低、归档率、补贴发放率为0".into(),
            requirement: "督促承办人及时通过系统提交结案申请".into(),
            issued_on: Some(d("2025-03-01")),
            deadline: Some(d("2025-04-30")),
        }
    }

    fn fields(e: &[crate::FieldError]) -> Vec<&str> {
        e.iter().map(|x| x.field.as_str()).collect()
    }

    #[test]
    fn an_order_names_unit_problem_requirement_and_a_deadline_within_90_days() {
        let f = input().validate().expect("valid");
        assert_eq!(f.target_unit_id, UnitId(5));
        assert_eq!(f.category, ProblemCategory::CaseStructure);
        let e = RectificationInput::default().validate().expect_err("empty");
        assert_eq!(
            fields(&e),
            [
                "source",
                "target_unit_id",
                "category",
                "problem",
                "requirement",
                "issued_on",
                "deadline"
            ]
        );
        let mut i = input();
        i.deadline = Some(d("2025-03-01"));
        assert_eq!(
            i.validate().expect_err("same day")[0].message,
            "整改期限应晚于下达日期"
        );
        i.deadline = Some(d("2025-05-30"));
        assert!(i.validate().is_ok(), "the 90th day");
        i.deadline = Some(d("2025-05-31"));
        assert_eq!(
            i.validate().expect_err("91 days")[0].message,
            "整改期限不能超过下达之日起90日"
        );
        let mut i = input();
        i.target_staff_id = Some(0);
        assert_eq!(
            fields(&i.validate().expect_err("staff")),
            ["target_staff_id"]
        );
    }
}
