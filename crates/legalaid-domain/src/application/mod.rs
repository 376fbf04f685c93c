//! Applications for legal aid: the codes an application carries, its states and
//! the transitions the law allows, its number, and the deadlines that run on it.

use crate::calendar::{CalendarGap, WorkCalendar};
use crate::deadline::{Due, Pause};
use crate::rules::RuleBook;
use crate::{ApplicationId, CaseId, ObjectionId, PersonId};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

mod input;
pub use input::*;

code_enum!(
    /// How an application reached the system.
    Channel {
        WalkIn => ("walk_in", "来访申请"),
        #[serde(rename = "hotline_12348")]
        Hotline12348 => ("hotline_12348", "12348热线"),
        Online => ("online", "网上申请"),
        Mail => ("mail", "邮寄申请"),
        JudicialOffice => ("judicial_office", "司法所代为接收"),
        Workstation => ("workstation", "工作站代为接收"),
        CustodyForwarded => ("custody_forwarded", "羁押场所转交"),
        Notified => ("notified", "办案机关通知"),
    }
);

code_enum!(
    /// Who notified a criminal case (LAL arts 25, 28, 36).
    NotifyingOrgan {
        Court => ("court", "人民法院"),
        Procuratorate => ("procuratorate", "人民检察院"),
        Police => ("police", "公安机关"),
    }
);

code_enum!(
    /// The seven forms of legal aid service (LAL art 22).
    ServiceForm {
        Consultation => ("consultation", "法律咨询"),
        DocumentDrafting => ("document_drafting", "代拟法律文书"),
        CriminalDefense => ("criminal_defense", "刑事辩护与代理"),
        LitigationRepresentation => ("litigation_representation", "民事、行政、国家赔偿案件诉讼代理及非诉讼代理"),
        DutyLawyer => ("duty_lawyer", "值班律师法律帮助"),
        LaborArbitration => ("labor_arbitration", "劳动争议调解与仲裁代理"),
        Other => ("other", "其他形式"),
    }
);

code_enum!(
    /// The applicant's role in the proceedings.
    ProceduralRole {
        Plaintiff => ("plaintiff", "原告"),
        Defendant => ("defendant", "被告"),
        ThirdParty => ("third_party", "第三人"),
        Applicant => ("applicant", "申请人（仲裁、非诉）"),
        Respondent => ("respondent", "被申请人"),
        Suspect => ("suspect", "犯罪嫌疑人"),
        CriminalDefendant => ("criminal_defendant", "刑事被告人"),
        Victim => ("victim", "被害人"),
        PrivateProsecutor => ("private_prosecutor", "自诉人"),
        CivilPlaintiff => ("civil_plaintiff", "附带民事诉讼原告人"),
        Other => ("other", "其他"),
    }
);

code_enum!(
    /// Where an application stands.
    Status {
        Received => ("received", "审查中"),
        AwaitingSupplement => ("awaiting_supplement", "待补充材料"),
        Proposed => ("proposed", "待审批"),
        Granted => ("granted", "给予法律援助"),
        Denied => ("denied", "不予法律援助"),
        Withdrawn => ("withdrawn", "撤回申请"),
        DeemedWithdrawn => ("deemed_withdrawn", "视为撤回"),
        ObjectionPending => ("objection_pending", "异议审查中"),
    }
);

code_enum!(
    /// The decision on an application.
    Outcome {
        Granted => ("granted", "给予法律援助"),
        Denied => ("denied", "不予法律援助"),
    }
);

code_enum!(
    /// Why aid was denied, as the MoJ report forms count denials (表六 cols
    /// 21–24, 表七 cols 13–16): outside the matters of legal aid, not in economic
    /// hardship, or another reason (the written reasons say which).
    DenialReason {
        OutOfScope => ("out_of_scope", "不属于法律援助事项范围"),
        NotHardship => ("not_hardship", "不符合经济困难标准"),
        Other => ("other", "其他原因"),
    }
);

impl DenialReason {
    /// The reason the assessment gives, when the decider does not name one:
    /// a matter outside the scope, else an ineligible verdict in scope (the
    /// hardship standard not met), else another reason.
    pub fn from_assessment(a: &crate::assessment::Assessment) -> DenialReason {
        if !a.in_scope {
            DenialReason::OutOfScope
        } else if a.verdict == crate::assessment::Verdict::Ineligible {
            DenialReason::NotHardship
        } else {
            DenialReason::Other
        }
    }
}

code_enum!(
    /// The bureau's decision on an objection (LAL art 49).
    ObjectionOutcome {
        Upheld => ("upheld", "维持原决定"),
        CorrectionOrdered => ("correction_ordered", "责令改正"),
    }
);

code_enum!(
    /// Where an objection stands: awaiting the bureau, or decided.
    ObjectionStatus {
        Pending => ("pending", "审查中"),
        Upheld => ("upheld", "维持原决定"),
        CorrectionOrdered => ("correction_ordered", "责令改正"),
    }
);

impl ObjectionStatus {
    /// The bureau's decision, once taken.
    pub fn outcome(self) -> Option<ObjectionOutcome> {
        match self {
            ObjectionStatus::Pending => None,
            ObjectionStatus::Upheld => Some(ObjectionOutcome::Upheld),
            ObjectionStatus::CorrectionOrdered => Some(ObjectionOutcome::CorrectionOrdered),
        }
    }

    pub fn is_pending(self) -> bool {
        self == ObjectionStatus::Pending
    }
}

impl From<ObjectionOutcome> for ObjectionStatus {
    fn from(o: ObjectionOutcome) -> Self {
        match o {
            ObjectionOutcome::Upheld => ObjectionStatus::Upheld,
            ObjectionOutcome::CorrectionOrdered => ObjectionStatus::CorrectionOrdered,
        }
    }
}

/// Something that happens to an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// One notice listing everything missing (LAL art 43(2)); the review clock stops.
    RequestSupplement,
    /// The materials arrived; the clock runs again.
    SupplementReceived,
    /// A reviewer proposes a decision for the director's approval (two-step review).
    Propose,
    /// The decision, taken directly or on approval of a proposal.
    Decide(Outcome),
    /// Pre-emptive aid (LAL art 44): granted before the procedure is complete (even
    /// while materials are still being supplemented), when a limitation date is fewer
    /// than 7 days away or preservation is urgent.
    GrantPreEmptively,
    /// The director sends a proposal back for further review.
    ReturnProposal,
    Withdraw,
    /// Not supplemented within the period set in the notice.
    DeemWithdrawn,
    /// The applicant objects to a denial (LAL art 49).
    Object,
    DecideObjection(ObjectionOutcome),
}

/// A transition the state does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("当前状态（{}）不能进行此操作", .0.label())]
pub struct BadTransition(pub Status);

impl Status {
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::Received
                | Status::AwaitingSupplement
                | Status::Proposed
                | Status::ObjectionPending
        )
    }

    /// The state after `event`, or an error if the law's procedure does not allow it.
    pub fn next(self, event: Event) -> Result<Status, BadTransition> {
        use Status::*;
        Ok(match (self, event) {
            (Received, Event::RequestSupplement) => AwaitingSupplement,
            (AwaitingSupplement, Event::SupplementReceived) => Received,
            (AwaitingSupplement, Event::DeemWithdrawn) => DeemedWithdrawn,
            (Received, Event::Propose) => Proposed,
            (Proposed, Event::ReturnProposal) => Received,
            (Received | Proposed, Event::Decide(Outcome::Granted)) => Granted,
            (Received | AwaitingSupplement | Proposed, Event::GrantPreEmptively) => Granted,
            (Received | Proposed, Event::Decide(Outcome::Denied)) => Denied,
            (Received | AwaitingSupplement | Proposed, Event::Withdraw) => Withdrawn,
            (Denied, Event::Object) => ObjectionPending,
            (ObjectionPending, Event::DecideObjection(ObjectionOutcome::Upheld)) => Denied,
            // An ordered correction reopens the application for a new decision.
            (ObjectionPending, Event::DecideObjection(ObjectionOutcome::CorrectionOrdered)) => {
                Received
            }
            (s, _) => return Err(BadTransition(s)),
        })
    }
}

/// Formats an application number from the configured pattern, e.g.
/// `叶法援申〔{year}〕{seq}号` → `叶法援申〔2024〕15号`.
pub fn format_number(pattern: &str, year: i32, seq: i64) -> String {
    pattern
        .replace("{year}", &year.to_string())
        .replace("{seq}", &seq.to_string())
}

/// The facts about an application that decide which deadlines run.
#[derive(Debug, Clone)]
pub struct Clock<'a> {
    pub status: Status,
    pub channel: Channel,
    /// Local (China Standard Time) moment the center received the application or notification.
    pub received_at: NaiveDateTime,
    /// For applications forwarded from custody: when the facility received them (LAL art 39).
    pub custody_received_at: Option<NaiveDateTime>,
    /// Intervals during which the review clock stood still (supplementing).
    pub pauses: &'a [Pause],
    /// The day of the open supplement notice, if any.
    pub supplement_requested_on: Option<NaiveDate>,
    pub decided_at: Option<NaiveDateTime>,
    pub outcome: Option<Outcome>,
    pub objection_received_at: Option<NaiveDateTime>,
}

/// A deadline on an application, computed from a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunningDeadline {
    pub code: String,
    pub label: String,
    pub due: Due,
    /// The rule as a sentence, e.g. "7日（《法律援助法》第四十三条第一款）".
    pub rule: String,
    /// The version of the rule the period runs under (its effective date).
    pub rule_from: chrono::NaiveDate,
    /// Whether the act has been done (the deadline no longer runs).
    pub met: bool,
    /// The act was done, after the period ran out.
    pub late: bool,
    /// The year the period runs into whose holidays are not entered yet: the due
    /// date is provisional, counted with weekends only.
    pub provisional: Option<i32>,
}

/// The deadlines that apply to an application in its current state.
pub fn deadlines(
    c: &Clock<'_>,
    rules: &RuleBook,
    cal: &WorkCalendar,
) -> Result<Vec<RunningDeadline>, CalendarGap> {
    let mut out = Vec::new();
    // `done`: when the act was done, if it is known (to tell whether in time).
    let mut push = |code: &str,
                    start: NaiveDateTime,
                    pauses: &[Pause],
                    met: bool,
                    done: Option<NaiveDateTime>|
     -> Result<(), CalendarGap> {
        if let Some(rule) = rules.deadline_at(code, start.date()) {
            let (due, provisional) = rule.due_or_provisional(start, pauses, cal)?;
            out.push(RunningDeadline {
                code: rule.code.clone(),
                label: rule.label.clone(),
                due,
                provisional,
                rule: rule.describe(),
                rule_from: rule.effective_from,
                met,
                late: met && done.is_some_and(|t| due.is_past(t)),
            });
        }
        Ok(())
    };
    if let Some(custody) = c.custody_received_at {
        // Met when the center received it: within 24 hours of the facility's receipt,
        // or late (LAL art 39).
        push(
            "custody_forwarding",
            custody,
            &[],
            true,
            Some(c.received_at),
        )?;
    }
    let decided = c.decided_at.is_some() || !c.status.is_open();
    if c.channel == Channel::Notified {
        push("assign_notified", c.received_at, &[], decided, None)?;
    } else {
        push(
            "review_decision",
            c.received_at,
            c.pauses,
            decided && c.status != Status::ObjectionPending,
            c.decided_at,
        )?;
    }
    if c.status == Status::AwaitingSupplement
        && let Some(on) = c.supplement_requested_on
    {
        push(
            "supplement_period",
            on.and_hms_opt(12, 0, 0).unwrap_or(c.received_at),
            &[],
            false,
            None,
        )?;
    }
    if c.outcome == Some(Outcome::Granted)
        && c.channel != Channel::Notified
        && let Some(at) = c.decided_at
    {
        push("assign_after_grant", at, &[], false, None)?;
    }
    if let Some(at) = c.objection_received_at {
        push(
            "objection_review",
            at,
            &[],
            c.status != Status::ObjectionPending,
            None,
        )?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::tests::d;
    use crate::calendar::{SHIPPED_CSV, WorkCalendar};

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("valid")
    }

    #[test]
    fn the_procedure_allows_only_lawful_steps() {
        use Status::*;
        assert_eq!(
            Received.next(Event::RequestSupplement),
            Ok(AwaitingSupplement)
        );
        assert_eq!(
            AwaitingSupplement.next(Event::SupplementReceived),
            Ok(Received)
        );
        assert_eq!(
            AwaitingSupplement.next(Event::DeemWithdrawn),
            Ok(DeemedWithdrawn)
        );
        assert_eq!(Received.next(Event::Decide(Outcome::Granted)), Ok(Granted));
        assert_eq!(Proposed.next(Event::Decide(Outcome::Denied)), Ok(Denied));
        assert_eq!(Denied.next(Event::Object), Ok(ObjectionPending));
        assert_eq!(
            ObjectionPending.next(Event::DecideObjection(ObjectionOutcome::CorrectionOrdered)),
            Ok(Received)
        );
        assert_eq!(
            ObjectionPending.next(Event::DecideObjection(ObjectionOutcome::Upheld)),
            Ok(Denied)
        );
        // And refuses the rest.
        assert!(
            Granted.next(Event::Decide(Outcome::Denied)).is_err(),
            "no second decision"
        );
        assert!(
            Granted.next(Event::Object).is_err(),
            "only a denial can be objected to"
        );
        assert!(
            AwaitingSupplement
                .next(Event::Decide(Outcome::Granted))
                .is_err(),
            "decide on complete materials"
        );
        assert!(Withdrawn.next(Event::SupplementReceived).is_err());
        assert!(
            Received.next(Event::DeemWithdrawn).is_err(),
            "only an unanswered supplement notice"
        );
        for s in Status::ALL {
            for e in [Event::Withdraw, Event::Object] {
                if let Ok(n) = s.next(e) {
                    assert_ne!(*s, n);
                }
            }
        }
    }

    #[test]
    fn numbers_follow_the_pattern() {
        assert_eq!(
            format_number("叶法援申〔{year}〕{seq}号", 2024, 15),
            "叶法援申〔2024〕15号"
        );
    }

    fn clock(status: Status, channel: Channel, received: &str) -> Clock<'static> {
        Clock {
            status,
            channel,
            received_at: at(received),
            custody_received_at: None,
            pauses: &[],
            supplement_requested_on: None,
            decided_at: None,
            outcome: None,
            objection_received_at: None,
        }
    }

    fn cal() -> WorkCalendar {
        WorkCalendar::from_csv(SHIPPED_CSV).expect("calendar")
    }

    #[test]
    fn an_application_under_review_has_seven_days() {
        let r = RuleBook::shipped().expect("rules");
        let ds = deadlines(
            &clock(Status::Received, Channel::WalkIn, "2024-09-26 10:00"),
            &r,
            &cal(),
        )
        .expect("2024");
        assert_eq!(ds.len(), 1);
        assert_eq!(ds[0].code, "review_decision");
        assert_eq!(
            ds[0].due,
            Due::EndOfDay(d("2024-10-08")),
            "rolls over the National Day holiday"
        );
        assert!(!ds[0].met);
    }

    #[test]
    fn notified_cases_have_three_days_to_assign() {
        let r = RuleBook::shipped().expect("rules");
        let ds = deadlines(
            &clock(Status::Received, Channel::Notified, "2024-02-08 16:00"),
            &r,
            &cal(),
        )
        .expect("2024");
        assert_eq!(ds[0].code, "assign_notified");
        assert_eq!(
            ds[0].due,
            Due::EndOfDay(d("2024-02-18")),
            "the 3rd day is in the Spring Festival; rolls to the adjusted Sunday"
        );
    }

    #[test]
    fn the_supplement_pause_and_period() {
        let r = RuleBook::shipped().expect("rules");
        let pauses = [Pause {
            stopped: d("2024-03-04"),
            resumed: d("2024-03-11"),
        }];
        let mut c = clock(Status::Received, Channel::WalkIn, "2024-03-01 09:00");
        c.pauses = &pauses;
        let ds = deadlines(&c, &r, &cal()).expect("2024");
        assert_eq!(
            ds[0].due,
            Due::EndOfDay(d("2024-03-15")),
            "8th + 7 paused days, a Friday"
        );
        let mut c = clock(
            Status::AwaitingSupplement,
            Channel::WalkIn,
            "2024-03-01 09:00",
        );
        c.supplement_requested_on = Some(d("2024-03-04"));
        let ds = deadlines(&c, &r, &cal()).expect("2024");
        let sup = ds
            .iter()
            .find(|x| x.code == "supplement_period")
            .expect("supplement period");
        assert_eq!(
            sup.due,
            Due::EndOfDay(d("2024-03-19")),
            "15 days from the notice"
        );
    }

    #[test]
    fn custody_forwarding_and_after_the_decision() {
        let r = RuleBook::shipped().expect("rules");
        let mut c = clock(
            Status::Granted,
            Channel::CustodyForwarded,
            "2024-05-06 09:00",
        );
        c.custody_received_at = Some(at("2024-05-05 08:30"));
        c.decided_at = Some(at("2024-05-08 15:00"));
        c.outcome = Some(Outcome::Granted);
        let ds = deadlines(&c, &r, &cal()).expect("2024");
        let codes: Vec<&str> = ds.iter().map(|x| x.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "custody_forwarding",
                "review_decision",
                "assign_after_grant"
            ]
        );
        assert_eq!(ds[0].due, Due::At(at("2024-05-06 08:30")), "24 hours");
        assert!(
            ds[0].met && ds[0].late,
            "received at 09:00, half an hour after the 24 hours ran out"
        );
        assert!(ds[1].met && !ds[1].late, "decided within the 7 days");
        c.received_at = at("2024-05-06 08:00");
        let ds = deadlines(&c, &r, &cal()).expect("2024");
        assert!(ds[0].met && !ds[0].late, "forwarded within 24 hours");
        assert_eq!(
            ds[2].due,
            Due::EndOfDay(d("2024-05-11")),
            "3 days; 05-11 is an adjusted working Saturday"
        );
    }
}

/// An application as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Application {
    pub id: ApplicationId,
    /// e.g. 叶法援申〔2024〕15号
    pub number: String,
    pub applicant_id: PersonId,
    pub receiving_unit_id: i64,
    pub channel: Channel,
    pub notifying_organ: Option<NotifyingOrgan>,
    pub received_at: chrono::DateTime<chrono::Utc>,
    pub custody_received_at: Option<chrono::DateTime<chrono::Utc>>,
    pub matter_code: String,
    pub service_form: ServiceForm,
    pub procedural_role: Option<ProceduralRole>,
    pub opposing_party: String,
    pub case_organ: String,
    pub case_number: String,
    pub summary: String,
    pub limitation_date: Option<NaiveDate>,
    pub preservation_urgent: bool,
    pub representative_name: String,
    pub representative_relation: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub means: crate::assessment::Means,
    pub income_sources: Vec<IncomeSource>,
    pub assets: String,
    pub verification_method: String,
    pub verification_date: Option<NaiveDate>,
    pub verification_result: String,
    pub false_declaration: bool,
    pub status: Status,
    pub supplement_requested_on: Option<NaiveDate>,
    pub supplement_items: String,
    pub proposed_outcome: Option<Outcome>,
    pub proposal_reason: String,
    pub outcome: Option<Outcome>,
    /// Set with a denial: why, as the report forms count it.
    pub denial_reason: Option<DenialReason>,
    pub decision_reason: String,
    pub against_assessment: bool,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
    pub decided_by: Option<i64>,
    pub version: i64,
}

/// An objection to a denial, decided by the justice bureau (LAL art 49).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Objection {
    pub id: ObjectionId,
    pub application_id: ApplicationId,
    /// Set for an objection to the termination of a case; None for a denial.
    pub case_id: Option<CaseId>,
    pub received_at: chrono::DateTime<chrono::Utc>,
    pub reason: String,
    pub status: ObjectionStatus,
    pub decision_reason: String,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
    pub decided_by: Option<i64>,
    pub version: i64,
}
