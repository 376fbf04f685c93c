//! Training of legal aid staff and lawyers (培训), quality-supervision-outreach
//! §6.3: a session (date, topic, kind, organiser, trainers, hours, materials)
//! and who attended it; the hours per person and year feed the handler's
//! record (Chizhou's "六个一", Lu'an's 案件质量提升培训, MoJ table 一 counts
//! courses and trainee-times).
//!
//! Hours are kept in tenths (3.5 学时 = 35), so sums are exact.

use crate::validation::{FieldError, Validation};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

code_enum!(
    /// The kind of a session, in the words the centers' reports use.
    TrainingKind {
        Business => ("business", "业务培训"),
        Special => ("special", "专题培训"),
        CaseGuidance => ("case_guidance", "案例辅导"),
        PreJob => ("pre_job", "岗前培训"),
        Other => ("other", "其他培训"),
    }
);

code_enum!(
    /// Where one attendee stands.
    AttendanceStatus {
        /// Enrolled (told through the outbox); not yet confirmed.
        Enrolled => ("enrolled", "已报名"),
        /// Attended: the hours count.
        Attended => ("attended", "已参加"),
        Absent => ("absent", "缺席"),
    }
);

/// The longest session.
pub const MAX_TENTHS: i64 = 240;

/// Hours as shown: `3.5`, `2`.
pub fn hours_text(tenths: i64) -> String {
    if tenths % 10 == 0 {
        format!("{}", tenths / 10)
    } else {
        format!("{}.{}", tenths / 10, (tenths % 10).abs())
    }
}

/// Parses hours with at most one decimal (`3`, `3.5`) into tenths, from 0.1
/// to 24 hours.
pub fn parse_hours(raw: &str) -> Result<i64, String> {
    let t = raw.trim();
    let bad = || "学时应为0.1至24之间的数字，最多一位小数（如 3 或 3.5）".to_owned();
    let (whole, frac) = match t.split_once('.') {
        Some((_, "")) => return Err(bad()),
        Some((w, f)) => (w, f),
        None => (t, ""),
    };
    if whole.is_empty()
        || whole.len() > 2
        || frac.len() > 1
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let w: i64 = whole.parse().map_err(|_| bad())?;
    let f: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse().map_err(|_| bad())?
    };
    let tenths = w * 10 + f;
    if !(1..=MAX_TENTHS).contains(&tenths) {
        return Err(bad());
    }
    Ok(tenths)
}

/// A session as a form or the API gives it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInput {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub topic: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true, value_type = TrainingKind))]
    pub kind: String,
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    pub held_on: Option<NaiveDate>,
    /// Hours (学时), e.g. `3.5`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true, example = "3.5"))]
    pub hours: String,
    /// Trainers' names (授课人).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub trainers: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub place: String,
    /// Materials handed out or used (讲义、课件、案例汇编).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub materials: String,
}

/// A validated session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Session {
    pub topic: String,
    pub kind: TrainingKind,
    pub held_on: NaiveDate,
    pub hours_tenths: i64,
    pub trainers: String,
    pub place: String,
    pub materials: String,
}

impl SessionInput {
    pub fn validate(&self) -> Result<Session, Vec<FieldError>> {
        let mut v = Validation::new();
        let topic = v.text("topic", &self.topic, "培训主题", 100);
        let kind = TrainingKind::parse(self.kind.trim());
        if kind.is_none() {
            v.add("kind", "请选择培训类别");
        }
        if self.held_on.is_none() {
            v.add("held_on", "请填写培训日期");
        }
        let hours = match parse_hours(&self.hours) {
            Ok(h) => Some(h),
            Err(m) => {
                v.add("hours", m);
                None
            }
        };
        let trainers = v.optional_text("trainers", &self.trainers, "授课人", 200);
        let place = v.optional_text("place", &self.place, "培训地点", 100);
        let materials = v.optional_text("materials", &self.materials, "培训材料", 1000);
        match (kind, self.held_on, hours) {
            (Some(kind), Some(held_on), Some(hours_tenths)) => v.finish(Session {
                topic,
                kind,
                held_on,
                hours_tenths,
                trainers,
                place,
                materials,
            }),
            _ => Err(v.errors().to_vec()),
        }
    }
}

/// Whether attendance may be confirmed on `today`: not before the session.
pub fn may_confirm(held_on: NaiveDate, today: NaiveDate) -> Result<(), String> {
    if today < held_on {
        Err(format!("培训定于{held_on}举行，举行后再确认出勤"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::tests::d;

    #[test]
    fn hours_have_one_decimal_at_most() {
        assert_eq!(parse_hours("3.5"), Ok(35));
        assert_eq!(parse_hours(" 2 "), Ok(20));
        assert_eq!(parse_hours("0.5"), Ok(5));
        for bad in ["", "0", "3.25", "-1", "25", "abc", "1e3", ".5", "3."] {
            assert!(parse_hours(bad).is_err(), "{bad}");
        }
        assert_eq!(hours_text(35), "3.5");
        assert_eq!(hours_text(20), "2");
    }

    #[test]
    fn a_session_needs_topic_kind_date_and_hours() {
        let s = SessionInput {
            topic: "法律援助案件质量提升培训".into(),
            kind: "business".into(),
            held_on: Some(d("2026-04-10")),
            hours: "3".into(),
            ..SessionInput::default()
        }
        .validate()
        .expect("valid");
        assert_eq!((s.kind, s.hours_tenths), (TrainingKind::Business, 30));
        let e = SessionInput::default().validate().expect_err("empty");
        let fields: Vec<&str> = e.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, ["topic", "kind", "held_on", "hours"]);
        assert!(may_confirm(d("2026-04-10"), d("2026-04-09")).is_err());
        assert!(may_confirm(d("2026-04-10"), d("2026-04-10")).is_ok());
    }
}
