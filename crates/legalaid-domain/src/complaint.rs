//! Complaints about legal aid (LAL art 56; 《法律援助投诉处理办法》, 司法部令第149号,
//! in force 2025-06-15).
//!
//! The periods of the 2025 text are not confirmed yet. The shipped deadline rules
//! carry those of the 2013 document as local bureaus still apply them: decide on
//! acceptance within 5 working days, conclude within 45 days (extendable), tell the
//! complainant the result within 5 working days of the decision. They are data
//! (`data/rules/deadlines.csv`), so the 2025 text changes configuration, not code.
//!
//! The categories and outcome classes are those counted by the Ministry's annual
//! report form 十三 (投诉处理情况).

use crate::application::RunningDeadline;
use crate::calendar::{CalendarGap, WorkCalendar};
use crate::rules::RuleBook;
use crate::{CaseId, StaffId, UnitId};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

code_enum!(
    /// How the complaint reached the justice bureau (written, oral or other forms).
    ComplaintChannel {
        WalkIn => ("walk_in", "来访"),
        Phone => ("phone", "电话"),
        Letter => ("letter", "信函"),
        Email => ("email", "电子邮件"),
        Online => ("online", "网上投诉"),
        Other => ("other", "其他"),
    }
);

code_enum!(
    /// What the complaint is about: the four categories of report form 十三 (cols 2–5).
    ComplaintCategory {
        IntakeOrAssignment => ("intake_or_assignment", "违反规定办理法律援助受理审查事项或者违反规定指派安排法律援助人员"),
        Neglect => ("neglect", "法律援助人员接受指派或安排后懈怠履行或者擅自停止履行法律援助职责"),
        TakingMoney => ("taking_money", "办理法律援助案件收取财物"),
        Other => ("other", "其他违反法律援助规定的行为"),
    }
);

code_enum!(
    /// How a complaint was decided: the three outcome classes of report form 十三 (cols 6–8).
    ComplaintOutcome {
        Sanctioned => ("sanctioned", "给予行政处罚、行业惩戒、纪律处分"),
        Corrected => ("corrected", "给予批评教育、通报批评、责令限期整改"),
        NotSubstantiated => ("not_substantiated", "投诉事项查证不实或者无法查实，对被投诉人不作处理"),
    }
);

impl ComplaintOutcome {
    /// Whether the complaint was found to be substantiated (the first two classes):
    /// these count against the respondent (quality rating, excellent-case eligibility).
    pub fn upheld(self) -> bool {
        !matches!(self, ComplaintOutcome::NotSubstantiated)
    }
}

code_enum!(
    /// What the center does about the handler after an upheld complaint, besides the
    /// outcome itself. Replacing the handler follows LAL art 55; ordering a
    /// rectification and withholding or reducing the subsidy are the measures
    /// local quality rules use (a product list, not an enumeration of the 2025 text).
    FollowUpAction {
        Rectification => ("rectification", "责令整改"),
        ReplaceHandler => ("replace_handler", "更换法律援助人员"),
        WithholdSubsidy => ("withhold_subsidy", "暂停发放或者扣减补贴"),
    }
);

code_enum!(
    /// What a complainant who disagrees with the decision did (report form 十三, cols 9–10).
    ComplainantRemedy {
        AdministrativeReview => ("administrative_review", "申请行政复议"),
        Lawsuit => ("lawsuit", "提起行政诉讼"),
    }
);

code_enum!(
    /// How the complainant was told the result (LAL art 56: the bureau tells the
    /// complainant promptly).
    ReplyChannel {
        Letter => ("letter", "书面送达"),
        InPerson => ("in_person", "当面告知"),
        Phone => ("phone", "电话告知"),
        Email => ("email", "电子邮件"),
        Other => ("other", "其他方式"),
    }
);

/// The follow-up actions as stored: comma-separated codes in the enum's order,
/// each once (the database's CHECK lists exactly these combinations).
pub fn follow_up_codes(actions: &[FollowUpAction]) -> String {
    FollowUpAction::ALL
        .iter()
        .filter(|a| actions.contains(a))
        .map(|a| a.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// The follow-up actions of stored codes; None if a code is unknown.
pub fn parse_follow_up(codes: &str) -> Option<Vec<FollowUpAction>> {
    codes
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(FollowUpAction::parse)
        .collect()
}

code_enum!(
    /// Who complains: applicants, recipients or interested parties.
    ComplainantRelation {
        Applicant => ("applicant", "申请人"),
        Recipient => ("recipient", "受援人"),
        InterestedParty => ("interested_party", "利害关系人"),
        Other => ("other", "其他"),
    }
);

code_enum!(
    /// Where a complaint stands.
    ComplaintStatus {
        Received => ("received", "待受理"),
        Accepted => ("accepted", "调查处理中"),
        Refused => ("refused", "不予受理"),
        Concluded => ("concluded", "已作出处理决定（待答复）"),
        Replied => ("replied", "已答复"),
    }
);

/// Something that happens to a complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ComplaintEvent {
    /// The bureau accepts the complaint.
    Accept,
    /// The bureau decides not to accept it (it tells the complainant why).
    Refuse,
    /// The bureau extends the period to conclude (once; see [`can_extend`]).
    Extend,
    /// The bureau makes its decision.
    Conclude,
    /// The complainant is told the result (LAL art 56).
    Reply,
}

impl ComplaintEvent {
    /// The act, as users name it.
    pub fn label(self) -> &'static str {
        match self {
            ComplaintEvent::Accept => "受理",
            ComplaintEvent::Refuse => "不予受理",
            ComplaintEvent::Extend => "延长办理期限",
            ComplaintEvent::Conclude => "作出处理决定",
            ComplaintEvent::Reply => "答复投诉人",
        }
    }
}

impl ComplaintStatus {
    /// Whether the bureau still has something to do (a deadline runs).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            ComplaintStatus::Received | ComplaintStatus::Accepted | ComplaintStatus::Concluded
        )
    }

    /// The events this state allows.
    pub fn allowed(self) -> &'static [ComplaintEvent] {
        use ComplaintEvent::*;
        match self {
            ComplaintStatus::Received => &[Accept, Refuse],
            ComplaintStatus::Accepted => &[Extend, Conclude],
            ComplaintStatus::Concluded => &[Reply],
            ComplaintStatus::Refused | ComplaintStatus::Replied => &[],
        }
    }

    /// The state after `event`, or why it is refused (in Chinese, for the user).
    /// An extension leaves the state as it is; [`can_extend`] checks that it is the first.
    pub fn next(self, event: ComplaintEvent) -> Result<ComplaintStatus, String> {
        use ComplaintStatus::*;
        match (self, event) {
            (Received, ComplaintEvent::Accept) => Ok(Accepted),
            (Received, ComplaintEvent::Refuse) => Ok(Refused),
            (Accepted, ComplaintEvent::Extend) => Ok(Accepted),
            (Accepted, ComplaintEvent::Conclude) => Ok(Concluded),
            (Concluded, ComplaintEvent::Reply) => Ok(Replied),
            (s, e) => {
                let allowed = s.allowed();
                let can = if allowed.is_empty() {
                    "该投诉已办结，不能再进行操作".to_owned()
                } else {
                    let names: Vec<&str> = allowed.iter().map(|a| a.label()).collect();
                    format!("此状态下只能{}", names.join("或"))
                };
                Err(format!(
                    "投诉当前状态为“{}”，不能{}；{can}",
                    s.label(),
                    e.label()
                ))
            }
        }
    }
}

/// The facts about a complaint that decide which deadlines run (local time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintClock {
    pub status: ComplaintStatus,
    pub received_at: NaiveDateTime,
    pub accepted_at: Option<NaiveDateTime>,
    /// When the bureau decided not to accept (ends the acceptance period too).
    pub refused_at: Option<NaiveDateTime>,
    /// The one extension of the period to conclude: when, and by how many calendar days.
    pub extended: Option<(NaiveDateTime, u32)>,
    pub concluded_at: Option<NaiveDateTime>,
    pub replied_at: Option<NaiveDateTime>,
}

/// Whether the period to conclude may be extended now: only while the complaint is
/// being investigated, and only once.
pub fn can_extend(c: &ComplaintClock) -> Result<(), String> {
    c.status.next(ComplaintEvent::Extend)?;
    if let Some((at, days)) = c.extended {
        return Err(format!(
            "办理期限已于{}延长{days}日，只能延长一次",
            at.format("%Y年%m月%d日")
        ));
    }
    Ok(())
}

/// The extension offered by default, in calendar days: the length of the rule
/// `complaint_extension` governing a complaint accepted on `accepted_on` (a product
/// default until the 2025 text is obtained). The caller may choose another length.
pub fn default_extension_days(rules: &RuleBook, accepted_on: chrono::NaiveDate) -> Option<u32> {
    rules
        .deadline_at("complaint_extension", accepted_on)
        .map(|r| r.length)
}

/// The deadlines that apply to a complaint in its current state:
/// - `complaint_accept` from receipt, met once accepted or refused;
/// - `complaint_conclude` from acceptance, met once concluded. An extension moves
///   the due date: the period's own end (after any move off a rest day) plus the
///   extension's calendar days, again moved off a rest day when the rule moves its
///   last day (Civil Code art 203);
/// - `complaint_reply` from the decision, met once the complainant is told.
pub fn deadlines(
    c: &ComplaintClock,
    rules: &RuleBook,
    cal: &WorkCalendar,
) -> Result<Vec<RunningDeadline>, CalendarGap> {
    let mut out = Vec::new();
    let mut push = |code: &str,
                    start: NaiveDateTime,
                    extra_days: u32,
                    met: bool,
                    done: Option<NaiveDateTime>|
     -> Result<(), CalendarGap> {
        let Some(rule) = rules.deadline_at(code, start.date()) else {
            return Ok(());
        };
        let (mut due, mut provisional) = rule.due_or_provisional(start, &[], cal)?;
        let mut described = rule.describe();
        if extra_days > 0 {
            let last = due.date() + Duration::days(i64::from(extra_days));
            let last = if rule.roll_over_rest_days {
                match cal.workday_on_or_after(last) {
                    Ok(d) => d,
                    Err(gap) => {
                        provisional = provisional.or(Some(gap.year));
                        cal.assuming_weekends().workday_on_or_after(last)?
                    }
                }
            } else {
                last
            };
            due = crate::deadline::Due::EndOfDay(last);
            described = format!("{described}，延长{extra_days}日");
        }
        out.push(RunningDeadline {
            code: rule.code.clone(),
            label: rule.label.clone(),
            due,
            provisional,
            rule: described,
            rule_from: rule.effective_from,
            met,
            late: met && done.is_some_and(|t| due.is_past(t)),
        });
        Ok(())
    };
    use ComplaintStatus::*;
    let decided_at = c.accepted_at.or(c.refused_at);
    push(
        "complaint_accept",
        c.received_at,
        0,
        c.status != Received || decided_at.is_some(),
        decided_at,
    )?;
    if let Some(at) = c.accepted_at
        && c.status != Refused
    {
        push(
            "complaint_conclude",
            at,
            c.extended.map_or(0, |(_, days)| days),
            matches!(c.status, Concluded | Replied) || c.concluded_at.is_some(),
            c.concluded_at,
        )?;
    }
    if let Some(at) = c.concluded_at {
        push(
            "complaint_reply",
            at,
            0,
            c.status == Replied || c.replied_at.is_some(),
            c.replied_at,
        )?;
    }
    Ok(out)
}

/// What an intake form or API call gives for a complaint, before validation.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintInput {
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, inline, value_type = ComplaintChannel)
    )]
    pub channel: String,
    /// When the bureau received it; RFC 3339. Not later than now (5 minutes'
    /// clock difference allowed).
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    pub received_at: Option<DateTime<Utc>>,
    /// The complainant gives no name: name and contact are then not required.
    #[serde(default)]
    pub anonymous: bool,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 50))]
    pub complainant_name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 30))]
    pub complainant_phone: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub complainant_address: String,
    /// Required unless anonymous.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<ComplainantRelation>))]
    pub relation: Option<String>,
    /// The unit complained about (a center, law firm or legal service office).
    /// At least one of the unit and the staff member is required.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub respondent_unit_id: Option<i64>,
    /// The handler or staff member complained about.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub respondent_staff_id: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub case_id: Option<i64>,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, inline, value_type = ComplaintCategory)
    )]
    pub category: String,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 4000, pattern = r"\S")
    )]
    pub facts: String,
    /// What the complainant asks for.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub request: String,
}

/// A validated complaint, ready to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintFields {
    pub channel: ComplaintChannel,
    pub received_at: DateTime<Utc>,
    pub anonymous: bool,
    pub complainant_name: String,
    pub complainant_phone: String,
    pub complainant_address: String,
    pub relation: Option<ComplainantRelation>,
    pub respondent_unit_id: Option<UnitId>,
    pub respondent_staff_id: Option<StaffId>,
    pub case_id: Option<CaseId>,
    pub category: ComplaintCategory,
    pub facts: String,
    pub request: String,
}

impl ComplaintInput {
    /// Checks the input against `now` (nothing received in the future). Every
    /// problem is reported, by field.
    pub fn validate(&self, now: DateTime<Utc>) -> Result<ComplaintFields, Vec<crate::FieldError>> {
        let mut v = crate::Validation::new();
        let channel = ComplaintChannel::parse(self.channel.trim());
        if channel.is_none() {
            v.add("channel", "请选择投诉方式");
        }
        match self.received_at {
            None => v.add("received_at", "请填写收到投诉的时间"),
            Some(t) if t > now + Duration::minutes(5) => {
                v.add("received_at", "收到投诉的时间不能晚于现在")
            }
            _ => {}
        }
        let name = v.optional_text("complainant_name", &self.complainant_name, "投诉人姓名", 50);
        let phone = v.optional_phone("complainant_phone", &self.complainant_phone);
        let address = v.optional_text(
            "complainant_address",
            &self.complainant_address,
            "投诉人地址",
            200,
        );
        let relation = match self
            .relation
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(r) => {
                let p = ComplainantRelation::parse(r);
                if p.is_none() {
                    v.add("relation", "投诉人身份应为申请人、受援人、利害关系人或其他");
                }
                p
            }
            None => None,
        };
        if !self.anonymous {
            if name.is_empty() {
                v.add(
                    "complainant_name",
                    "请填写投诉人姓名（匿名投诉请勾选“匿名”）",
                );
            }
            if phone.is_empty() && address.is_empty() {
                v.add("complainant_phone", "请填写投诉人的联系电话或者通讯地址");
            }
            if relation.is_none() && self.relation.as_deref().is_none_or(|r| r.trim().is_empty()) {
                v.add("relation", "请选择投诉人身份");
            }
        }
        let positive = |id: Option<i64>, field: &str, v: &mut crate::Validation| {
            if id.is_some_and(|i| i < 1) {
                v.add(field, "编号不正确");
            }
        };
        positive(self.respondent_unit_id, "respondent_unit_id", &mut v);
        positive(self.respondent_staff_id, "respondent_staff_id", &mut v);
        positive(self.case_id, "case_id", &mut v);
        if self.respondent_unit_id.is_none() && self.respondent_staff_id.is_none() {
            v.add(
                "respondent_unit_id",
                "请选择被投诉的法律援助机构、律师事务所、基层法律服务所或者法律援助人员",
            );
        }
        let category = ComplaintCategory::parse(self.category.trim());
        if category.is_none() {
            v.add("category", "请选择投诉事项类别");
        }
        let facts = v.text("facts", &self.facts, "投诉的事实和理由", 4000);
        let request = v.optional_text("request", &self.request, "投诉请求", 1000);
        match (channel, self.received_at, category) {
            (Some(channel), Some(received_at), Some(category)) => v.finish(ComplaintFields {
                channel,
                received_at,
                anonymous: self.anonymous,
                complainant_name: name,
                complainant_phone: phone,
                complainant_address: address,
                relation,
                respondent_unit_id: self.respondent_unit_id.map(UnitId),
                respondent_staff_id: self.respondent_staff_id.map(StaffId),
                case_id: self.case_id.map(CaseId),
                category,
                facts,
                request,
            }),
            _ => Err(v.errors().to_vec()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::SHIPPED_CSV;
    use crate::calendar::tests::{cal_2024, d};
    use crate::deadline::Due;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("valid")
    }

    fn utc(s: &str) -> DateTime<Utc> {
        at(s).and_utc()
    }

    #[test]
    fn follow_up_actions_are_stored_in_one_order() {
        use FollowUpAction::*;
        assert_eq!(
            follow_up_codes(&[WithholdSubsidy, Rectification, WithholdSubsidy]),
            "rectification,withhold_subsidy"
        );
        assert_eq!(follow_up_codes(&[]), "");
        assert_eq!(
            parse_follow_up("replace_handler,withhold_subsidy"),
            Some(vec![ReplaceHandler, WithholdSubsidy])
        );
        assert_eq!(parse_follow_up(""), Some(vec![]));
        assert_eq!(parse_follow_up("fine"), None);
    }

    #[test]
    fn outcomes_upheld_are_the_first_two() {
        assert!(ComplaintOutcome::Sanctioned.upheld());
        assert!(ComplaintOutcome::Corrected.upheld());
        assert!(!ComplaintOutcome::NotSubstantiated.upheld());
    }

    #[test]
    fn the_procedure_allows_only_its_steps() {
        use ComplaintEvent::*;
        use ComplaintStatus::*;
        assert_eq!(Received.next(Accept), Ok(Accepted));
        assert_eq!(Received.next(Refuse), Ok(Refused));
        assert_eq!(Accepted.next(Extend), Ok(Accepted));
        assert_eq!(Accepted.next(Conclude), Ok(Concluded));
        assert_eq!(Concluded.next(Reply), Ok(Replied));
        assert_eq!(
            Received.next(Conclude),
            Err("投诉当前状态为“待受理”，不能作出处理决定；此状态下只能受理或不予受理".into())
        );
        assert_eq!(
            Replied.next(Reply),
            Err("投诉当前状态为“已答复”，不能答复投诉人；该投诉已办结，不能再进行操作".into())
        );
        assert!(Received.next(Extend).is_err(), "extend only once accepted");
        assert!(Concluded.next(Extend).is_err());
        assert!(Refused.next(Accept).is_err());
        // Every allowed event is accepted, every other refused.
        for s in ComplaintStatus::ALL {
            for e in [Accept, Refuse, Extend, Conclude, Reply] {
                assert_eq!(s.next(e).is_ok(), s.allowed().contains(&e), "{s:?} {e:?}");
            }
        }
        assert!(Received.is_open() && Accepted.is_open() && Concluded.is_open());
        assert!(!Refused.is_open() && !Replied.is_open());
    }

    fn clock(status: ComplaintStatus) -> ComplaintClock {
        ComplaintClock {
            status,
            received_at: at("2024-09-27 11:00"),
            accepted_at: None,
            refused_at: None,
            extended: None,
            concluded_at: None,
            replied_at: None,
        }
    }

    #[test]
    fn an_extension_is_allowed_once_and_only_during_investigation() {
        let mut c = clock(ComplaintStatus::Received);
        assert!(can_extend(&c).is_err());
        c.status = ComplaintStatus::Accepted;
        assert_eq!(can_extend(&c), Ok(()));
        c.extended = Some((at("2024-11-01 09:00"), 30));
        assert_eq!(
            can_extend(&c),
            Err("办理期限已于2024年11月01日延长30日，只能延长一次".into())
        );
    }

    #[test]
    fn the_default_extension_is_the_rule_length() {
        let r = RuleBook::shipped().expect("rules");
        assert_eq!(default_extension_days(&r, d("2024-10-08")), Some(30));
        assert_eq!(
            default_extension_days(&RuleBook::default(), d("2024-10-08")),
            None
        );
    }

    #[test]
    fn acceptance_conclusion_extension_and_reply() {
        let r = RuleBook::shipped().expect("rules");
        let cal = WorkCalendar::from_csv(SHIPPED_CSV).expect("calendar");
        // Received Friday 2024-09-27: 5 working days → 2024-10-10 (National Day).
        let c = clock(ComplaintStatus::Received);
        let ds = deadlines(&c, &r, &cal).expect("2024");
        assert_eq!(ds.len(), 1);
        assert_eq!(ds[0].code, "complaint_accept");
        assert_eq!(ds[0].due, Due::EndOfDay(d("2024-10-10")));
        assert!(!ds[0].met);
        // Accepted late, on 2024-10-11: 45 days → Monday 2024-11-25.
        let mut c = clock(ComplaintStatus::Accepted);
        c.accepted_at = Some(at("2024-10-11 09:00"));
        let ds = deadlines(&c, &r, &cal).expect("2024");
        assert!(ds[0].met && ds[0].late);
        assert_eq!(ds[1].code, "complaint_conclude");
        assert_eq!(ds[1].due, Due::EndOfDay(d("2024-11-25")));
        assert!(!ds[1].met);
        // Extended by 30 days: 11-25 + 30 = Wednesday 2024-12-25.
        c.extended = Some((at("2024-11-20 10:00"), 30));
        let ds = deadlines(&c, &r, &cal).expect("2024");
        assert_eq!(ds[1].due, Due::EndOfDay(d("2024-12-25")));
        assert!(ds[1].rule.ends_with("，延长30日"), "{}", ds[1].rule);
        // An extension ending on a rest day moves: 11-25 + 27 = Sunday 2024-12-22
        // → Monday 2024-12-23.
        c.extended = Some((at("2024-11-20 10:00"), 27));
        let ds = deadlines(&c, &r, &cal).expect("2024");
        assert_eq!(ds[1].due, Due::EndOfDay(d("2024-12-23")));
        // Concluded on 2024-12-20 (a Friday): reply within 5 working days → 12-27.
        c.status = ComplaintStatus::Concluded;
        c.concluded_at = Some(at("2024-12-20 16:00"));
        let ds = deadlines(&c, &r, &cal).expect("2024");
        let codes: Vec<&str> = ds.iter().map(|x| x.code.as_str()).collect();
        assert_eq!(
            codes,
            ["complaint_accept", "complaint_conclude", "complaint_reply"]
        );
        assert!(ds[1].met && !ds[1].late);
        assert_eq!(ds[2].due, Due::EndOfDay(d("2024-12-27")));
        assert!(!ds[2].met);
        c.status = ComplaintStatus::Replied;
        c.replied_at = Some(at("2024-12-30 09:00"));
        let ds = deadlines(&c, &r, &cal).expect("2024");
        assert!(ds[2].met && ds[2].late, "replied after the 5 working days");
    }

    #[test]
    fn a_refused_complaint_has_only_the_acceptance_deadline() {
        let r = RuleBook::shipped().expect("rules");
        let mut c = clock(ComplaintStatus::Refused);
        c.refused_at = Some(at("2024-09-30 10:00"));
        let ds = deadlines(&c, &r, &cal_2024()).expect("2024");
        assert_eq!(ds.len(), 1);
        assert!(ds[0].met && !ds[0].late);
    }

    fn input() -> ComplaintInput {
        ComplaintInput {
            channel: "phone".into(),
            received_at: Some(utc("2025-07-01 02:00")),
            anonymous: false,
            complainant_name: " 王某 ".into(),
            complainant_phone: "13912345678".into(),
            complainant_address: String::new(),
            relation: Some("recipient".into()),
            respondent_unit_id: None,
            respondent_staff_id: Some(7),
            case_id: Some(12),
            category: "taking_money".into(),
            facts: "承办律师要求受援人支付差旅费五百元。".into(),
            request: "退还费用".into(),
        }
    }

    fn fields(e: &[crate::FieldError]) -> Vec<&str> {
        e.iter().map(|x| x.field.as_str()).collect()
    }

    #[test]
    fn a_complete_complaint_validates() {
        let f = input().validate(utc("2025-07-01 03:00")).expect("valid");
        assert_eq!(f.complainant_name, "王某");
        assert_eq!(f.category, ComplaintCategory::TakingMoney);
        assert_eq!(f.respondent_staff_id, Some(StaffId(7)));
        assert_eq!(f.relation, Some(ComplainantRelation::Recipient));
    }

    #[test]
    fn every_problem_is_reported_by_field() {
        let now = utc("2025-07-01 03:00");
        let bad = ComplaintInput {
            received_at: Some(utc("2025-07-01 03:06")),
            ..ComplaintInput::default()
        };
        let e = bad.validate(now).expect_err("empty");
        assert_eq!(
            fields(&e),
            [
                "channel",
                "received_at",
                "complainant_name",
                "complainant_phone",
                "relation",
                "respondent_unit_id",
                "category",
                "facts"
            ]
        );
        assert_eq!(e[1].message, "收到投诉的时间不能晚于现在");
        // Within the 5 minutes' slack it is fine.
        let mut ok = input();
        ok.received_at = Some(utc("2025-07-01 03:04"));
        assert!(ok.validate(now).is_ok());
        // Too long facts.
        let mut long = input();
        long.facts = "长".repeat(4001);
        assert_eq!(fields(&long.validate(now).expect_err("long")), ["facts"]);
        // An address is enough contact; a bad phone is not.
        let mut c = input();
        c.complainant_phone = String::new();
        c.complainant_address = "叶集区史河街道".into();
        assert!(c.validate(now).is_ok());
        c.complainant_phone = "123".into();
        assert_eq!(
            fields(&c.validate(now).expect_err("phone")),
            ["complainant_phone"]
        );
        let mut r = input();
        r.relation = Some("neighbour".into());
        assert_eq!(
            fields(&r.validate(now).expect_err("relation")),
            ["relation"]
        );
    }

    #[test]
    fn an_anonymous_complaint_needs_no_name_or_contact() {
        let mut a = input();
        a.anonymous = true;
        a.complainant_name = String::new();
        a.complainant_phone = String::new();
        a.relation = None;
        let f = a.validate(utc("2025-07-01 03:00")).expect("anonymous");
        assert!(f.anonymous && f.relation.is_none());
        a.anonymous = false;
        assert_eq!(
            fields(&a.validate(utc("2025-07-01 03:00")).expect_err("named")),
            ["complainant_name", "complainant_phone", "relation"]
        );
    }
}
