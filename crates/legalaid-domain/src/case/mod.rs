//! Cases: what a granted application or a notification becomes once a handler
//! takes it. A criminal matter is handled per procedural stage, each stage its own
//! case with its own handler, file and subsidy (linked to the stage before it).

use crate::{ApplicationId, CaseId, PersonId};
use serde::{Deserialize, Serialize};

mod closure;
pub use closure::{Adoption, CaseOutcome, Closure, ClosureInput};

code_enum!(
    /// The kind of case, which decides its stages, checklists, outcomes and subsidy.
    CaseType {
        Criminal => ("criminal", "刑事"),
        Civil => ("civil", "民事"),
        Administrative => ("administrative", "行政"),
        NonLitigation => ("non_litigation", "非诉讼"),
    }
);

code_enum!(
    /// The procedural stage a case covers. Criminal cases have one of the five
    /// criminal stages; the others are handled as one piece (`whole`).
    Stage {
        Investigation => ("investigation", "侦查阶段"),
        ProsecutionReview => ("prosecution_review", "审查起诉阶段"),
        Trial => ("trial", "审判阶段（一审）"),
        SecondInstance => ("second_instance", "二审阶段"),
        DeathPenaltyReview => ("death_penalty_review", "死刑复核阶段"),
        Whole => ("whole", "全程"),
    }
);

code_enum!(
    /// Quality grade of a closed case (案卷评查). Until the quality review grades a
    /// case, it stands at 合格 and an authorised user may change it.
    Grade {
        Excellent => ("excellent", "优秀"),
        Good => ("good", "良好"),
        Qualified => ("qualified", "合格"),
        Unqualified => ("unqualified", "不合格"),
    }
);

impl Stage {
    pub const CRIMINAL: [Stage; 5] = [
        Stage::Investigation,
        Stage::ProsecutionReview,
        Stage::Trial,
        Stage::SecondInstance,
        Stage::DeathPenaltyReview,
    ];

    pub fn is_criminal(self) -> bool {
        self != Stage::Whole
    }

    /// The stage that may follow this one in the same criminal matter.
    pub fn next(self) -> Option<Stage> {
        match self {
            Stage::Investigation => Some(Stage::ProsecutionReview),
            Stage::ProsecutionReview => Some(Stage::Trial),
            Stage::Trial => Some(Stage::SecondInstance),
            Stage::SecondInstance => Some(Stage::DeathPenaltyReview),
            Stage::DeathPenaltyReview | Stage::Whole => None,
        }
    }
}

impl CaseType {
    /// Whether a stage belongs to this kind of case.
    pub fn allows(self, stage: Stage) -> bool {
        (self == CaseType::Criminal) == stage.is_criminal()
    }
}

impl Grade {
    /// The grade a case stands at until the quality review grades it.
    pub const DEFAULT: Grade = Grade::Qualified;
}

code_enum!(
    /// Where a case stands.
    CaseStatus {
        AwaitingAssignment => ("awaiting_assignment", "待指派"),
        AwaitingHandler => ("awaiting_handler", "已指派单位，待确定承办人"),
        Assigned => ("assigned", "已指派，待签订委托协议"),
        InProgress => ("in_progress", "承办中"),
        ClosureSubmitted => ("closure_submitted", "已提交结案材料，待审查"),
        Archived => ("archived", "已结案归档"),
        Terminated => ("terminated", "已终止法律援助"),
        ObjectionPending => ("objection_pending", "终止异议审查中"),
    }
);

/// Something that happens to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseEvent {
    /// Assigned to a law firm or legal service office, which then names its handler.
    AssignUnit,
    /// The handler is named (by the center directly, or by the assigned unit).
    AssignHandler,
    /// The entrustment agreement and power of attorney are signed (or the
    /// center's own staff starts work).
    SignAgreement,
    /// An approved replacement of the handler (LAL art 55): a new agreement follows.
    ReplaceHandler,
    /// The handler submits the closure report and materials (LAL art 50).
    SubmitClosure,
    /// The center returns the materials for correction.
    ReturnClosure,
    /// The center accepts the materials: the case is closed and archived.
    ApproveClosure,
    /// The center terminates legal aid on a ground of LAL art 48.
    Terminate,
    /// The recipient objects to the termination (LAL art 49).
    Object,
    /// The bureau upholds the termination.
    UpholdTermination,
    /// The bureau orders a correction: handling resumes in the given state.
    Reinstate(CaseStatus),
}

/// A transition the state does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("案件当前状态（{}）不能进行此操作", .0.label())]
pub struct BadCaseTransition(pub CaseStatus);

impl CaseStatus {
    /// Whether the case is still being handled (deadlines run, handlers act).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            CaseStatus::AwaitingAssignment
                | CaseStatus::AwaitingHandler
                | CaseStatus::Assigned
                | CaseStatus::InProgress
                | CaseStatus::ClosureSubmitted
        )
    }

    /// Whether the case has a handler working on it.
    pub fn has_handler(self) -> bool {
        matches!(
            self,
            CaseStatus::Assigned | CaseStatus::InProgress | CaseStatus::ClosureSubmitted
        )
    }

    pub fn next(self, event: CaseEvent) -> Result<CaseStatus, BadCaseTransition> {
        use CaseStatus::*;
        Ok(match (self, event) {
            (AwaitingAssignment, CaseEvent::AssignUnit) => AwaitingHandler,
            (AwaitingAssignment | AwaitingHandler, CaseEvent::AssignHandler) => Assigned,
            (Assigned, CaseEvent::SignAgreement) => InProgress,
            (Assigned | InProgress, CaseEvent::ReplaceHandler) => Assigned,
            (InProgress, CaseEvent::SubmitClosure) => ClosureSubmitted,
            (ClosureSubmitted, CaseEvent::ReturnClosure) => InProgress,
            (ClosureSubmitted, CaseEvent::ApproveClosure) => Archived,
            (
                AwaitingAssignment | AwaitingHandler | Assigned | InProgress,
                CaseEvent::Terminate,
            ) => Terminated,
            (Terminated, CaseEvent::Object) => ObjectionPending,
            (ObjectionPending, CaseEvent::UpholdTermination) => Terminated,
            (
                ObjectionPending,
                CaseEvent::Reinstate(
                    s @ (AwaitingAssignment | AwaitingHandler | Assigned | InProgress),
                ),
            ) => s,
            (s, _) => return Err(BadCaseTransition(s)),
        })
    }

    /// Where handling resumes when the bureau orders a termination corrected.
    pub fn resumed(has_unit: bool, has_handler: bool, agreement_signed: bool) -> CaseStatus {
        match (has_unit, has_handler, agreement_signed) {
            (_, true, true) => CaseStatus::InProgress,
            (_, true, false) => CaseStatus::Assigned,
            (true, false, _) => CaseStatus::AwaitingHandler,
            (false, false, _) => CaseStatus::AwaitingAssignment,
        }
    }
}

code_enum!(
    /// Who asked for another handler (LAL art 55).
    ReplacementRequester {
        Recipient => ("recipient", "受援人"),
        Handler => ("handler", "承办人"),
    }
);

code_enum!(
    /// Where a request to replace the handler stands.
    ReplacementStatus {
        Pending => ("pending", "待审批"),
        Approved => ("approved", "已批准更换"),
        Refused => ("refused", "不予更换"),
    }
);

code_enum!(
    /// The grounds on which the center must terminate legal aid (LAL art 48).
    TerminationGround {
        Deception => ("deception", "受援人以欺骗或者其他不正当手段获得法律援助"),
        ConcealedFacts => ("concealed_facts", "受援人故意隐瞒与案件有关的重要事实或者提供虚假证据"),
        IllegalUse => ("illegal_use", "受援人利用法律援助从事违法活动"),
        MeansChanged => ("means_changed", "受援人的经济状况发生变化，不再符合法律援助条件"),
        ProceedingsEnded => ("proceedings_ended", "案件终止审理或者已经被撤销"),
        OwnCounsel => ("own_counsel", "受援人自行委托律师或者其他代理人"),
        RecipientRequest => ("recipient_request", "受援人有正当理由要求终止法律援助"),
        OtherByLaw => ("other_by_law", "法律法规规定的其他情形"),
    }
);

impl TerminationGround {
    /// The item of LAL art 48 (1–8).
    pub fn item(self) -> usize {
        TerminationGround::ALL
            .iter()
            .position(|g| *g == self)
            .map_or(0, |i| i + 1)
    }

    /// The legal basis as cited in the decision.
    pub fn basis(self) -> String {
        const ITEMS: [&str; 8] = ["一", "二", "三", "四", "五", "六", "七", "八"];
        format!(
            "《法律援助法》第四十八条第一款第{}项",
            ITEMS[self.item().saturating_sub(1).min(7)]
        )
    }
}

code_enum!(
    /// What a handler does on a case (recorded as dated progress entries).
    Activity {
        Meeting => ("meeting", "会见（约见）受援人"),
        FamilyContact => ("family_contact", "联系受援人家属"),
        FileReading => ("file_reading", "阅卷"),
        Evidence => ("evidence", "调查取证"),
        Hearing => ("hearing", "出庭"),
        Opinion => ("opinion", "提交书面辩护（代理）意见"),
        Mediation => ("mediation", "参与调解、和解"),
        JudgmentReceived => ("judgment_received", "收到裁判文书（事项办结）"),
        ReportToRecipient => ("report_to_recipient", "向受援人通报办理情况"),
        Other => ("other", "其他工作"),
    }
);

/// The activities a stage of a case calls for (SF/T 0032 §8.5; the civil and
/// administrative standard's duty to meet and to inform), in the order they usually
/// happen. Shown as a checklist; the record of each is a progress entry.
pub fn checklist(t: CaseType, stage: Stage) -> &'static [Activity] {
    use Activity::*;
    match (t, stage) {
        (CaseType::Criminal, Stage::Investigation) => &[Meeting, FamilyContact, Opinion],
        (CaseType::Criminal, Stage::ProsecutionReview) => {
            &[FileReading, Meeting, Evidence, Opinion]
        }
        (CaseType::Criminal, Stage::Trial | Stage::SecondInstance) => &[
            FileReading,
            Meeting,
            Evidence,
            Hearing,
            Opinion,
            JudgmentReceived,
        ],
        (CaseType::Criminal, Stage::DeathPenaltyReview) => {
            &[FileReading, Meeting, Opinion, JudgmentReceived]
        }
        (CaseType::NonLitigation, _) => &[Meeting, Evidence, Mediation, ReportToRecipient],
        _ => &[
            Meeting,
            Evidence,
            Hearing,
            Opinion,
            JudgmentReceived,
            ReportToRecipient,
        ],
    }
}

/// Formats a case number from the configured pattern, e.g.
/// `叶法援〔{year}〕第{seq}号` → `叶法援〔2024〕第86号`.
pub fn format_number(pattern: &str, year: i32, seq: i64) -> String {
    crate::application::format_number(pattern, year, seq)
}

/// The case type a matter suggests (the reviewer may choose another).
pub fn type_for(
    category: crate::rules::MatterCategory,
    form: crate::application::ServiceForm,
) -> CaseType {
    use crate::application::ServiceForm;
    use crate::rules::MatterCategory;
    match (category, form) {
        (MatterCategory::Criminal, _) => CaseType::Criminal,
        (
            _,
            ServiceForm::DocumentDrafting
            | ServiceForm::LaborArbitration
            | ServiceForm::Consultation
            | ServiceForm::Other,
        ) => CaseType::NonLitigation,
        _ => CaseType::Civil,
    }
}

/// The first stage a criminal case is handled in, from who notified it.
pub fn first_stage(
    t: CaseType,
    matter_code: &str,
    organ: Option<crate::application::NotifyingOrgan>,
) -> Stage {
    use crate::application::NotifyingOrgan;
    if t != CaseType::Criminal {
        return Stage::Whole;
    }
    if matter_code == "death_penalty_review" {
        return Stage::DeathPenaltyReview;
    }
    match organ {
        Some(NotifyingOrgan::Police) => Stage::Investigation,
        Some(NotifyingOrgan::Procuratorate) => Stage::ProsecutionReview,
        Some(NotifyingOrgan::Court) | None => Stage::Trial,
    }
}

/// A case as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Case {
    pub id: CaseId,
    /// e.g. 叶法援〔2024〕第86号
    pub number: String,
    pub application_id: ApplicationId,
    /// The earlier stage of the same criminal matter, if any.
    pub previous_case_id: Option<CaseId>,
    pub recipient_id: PersonId,
    pub case_type: CaseType,
    pub stage: Stage,
    pub status: CaseStatus,
    /// The unit that took the intake (counted for intake progress).
    pub intake_unit_id: i64,
    /// The unit that handles the case (a law firm, legal service office or the center).
    pub handling_unit_id: Option<i64>,
    pub handler_id: Option<i64>,
    /// The offence may carry life imprisonment or death (LAL art 26).
    pub possible_life_or_death: bool,
    /// A minor is involved (handlers must suit minors).
    pub juvenile: bool,
    pub opposing_party: String,
    pub case_organ: String,
    pub organ_case_number: String,
    /// When the deadline to assign started (the grant decision, or the notification).
    pub assign_from: chrono::DateTime<chrono::Utc>,
    pub assigned_at: Option<chrono::DateTime<chrono::Utc>>,
    pub agreement_signed_on: Option<chrono::NaiveDate>,
    /// The day the matter ended (judgment received, mediation reached, …).
    pub ended_on: Option<chrono::NaiveDate>,
    pub closure_submitted_at: Option<chrono::DateTime<chrono::Utc>>,
    pub closed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub termination_ground: Option<TerminationGround>,
    pub termination_reason: String,
    pub terminated_at: Option<chrono::DateTime<chrono::Utc>>,
    pub grade: Grade,
    /// The closure report, once submitted.
    pub closure: Option<Closure>,
    pub subsidy_status: SubsidyStatus,
    /// The amount approved for payment (fixed when the closure is approved).
    pub subsidy_fen: Option<i64>,
    pub subsidy_paid_on: Option<chrono::NaiveDate>,
    /// The number of the payment voucher (补贴领款凭单).
    pub subsidy_voucher: String,
    /// When the quality reviewer graded the case (before the subsidy is paid).
    pub graded_at: Option<chrono::DateTime<chrono::Utc>>,
    pub version: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

code_enum!(
    /// Where the handler's subsidy stands.
    SubsidyStatus {
        NotDue => ("not_due", "未到发放条件"),
        Payable => ("payable", "待发放"),
        Paid => ("paid", "已发放"),
        Withheld => ("withheld", "暂不发放（待整改）"),
    }
);

/// The facts about a case that decide which deadlines run.
#[derive(Debug, Clone)]
pub struct CaseClock {
    pub status: CaseStatus,
    /// Notified cases count the 3 days from the notification (LAL art 36), the
    /// others from the grant decision (LAL art 43).
    pub notified: bool,
    pub assign_from: chrono::NaiveDateTime,
    pub assigned_at: Option<chrono::NaiveDateTime>,
    pub agreement_signed_on: Option<chrono::NaiveDate>,
    pub ended_on: Option<chrono::NaiveDate>,
    pub closure_submitted_at: Option<chrono::NaiveDateTime>,
    pub objection_received_at: Option<chrono::NaiveDateTime>,
}

/// The deadlines that apply to a case in its current state.
pub fn deadlines(
    c: &CaseClock,
    rules: &crate::rules::RuleBook,
    cal: &crate::calendar::WorkCalendar,
) -> Result<Vec<crate::application::RunningDeadline>, crate::calendar::CalendarGap> {
    use crate::application::RunningDeadline;
    let mut out = Vec::new();
    // `done`: when the act was done, if it is known (to tell whether in time).
    let mut push = |code: &str,
                    start: chrono::NaiveDateTime,
                    met: bool,
                    done: Option<chrono::NaiveDateTime>| {
        if let Some(rule) = rules.deadline_at(code, start.date()) {
            let (due, provisional) = rule.due_or_provisional(start, &[], cal)?;
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
        Ok::<(), crate::calendar::CalendarGap>(())
    };
    let stopped = matches!(
        c.status,
        CaseStatus::Terminated | CaseStatus::ObjectionPending
    );
    let assign_code = if c.notified {
        "assign_notified"
    } else {
        "assign_after_grant"
    };
    push(
        assign_code,
        c.assign_from,
        c.assigned_at.is_some() || stopped,
        c.assigned_at,
    )?;
    if let Some(at) = c.assigned_at {
        push(
            "sign_agreement",
            at,
            c.agreement_signed_on.is_some() || stopped || c.status == CaseStatus::Archived,
            c.agreement_signed_on.and_then(|d| d.and_hms_opt(12, 0, 0)),
        )?;
    }
    if let Some(end) = c.ended_on {
        push(
            "closure_submission",
            end.and_hms_opt(12, 0, 0).unwrap_or(c.assign_from),
            c.closure_submitted_at.is_some() || stopped,
            c.closure_submitted_at,
        )?;
    }
    if let Some(at) = c.closure_submitted_at {
        push(
            "closure_review",
            at,
            c.status != CaseStatus::ClosureSubmitted,
            None,
        )?;
    }
    if let Some(at) = c.objection_received_at {
        push(
            "objection_review",
            at,
            c.status != CaseStatus::ObjectionPending,
            None,
        )?;
    }
    Ok(out)
}

/// What opening a case may say beyond the application.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenCase {
    /// `criminal`, `civil`, `administrative` or `non_litigation`; default from the matter.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<CaseType>))]
    pub case_type: Option<String>,
    /// For criminal cases; default from the notifying organ. A criminal case takes
    /// one of the criminal stages, any other case `whole`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Stage>))]
    pub stage: Option<String>,
    /// The offence may carry life imprisonment or death (LAL art 26).
    #[serde(default)]
    pub possible_life_or_death: bool,
    /// A minor is involved; default: the recipient was under 18 when applying.
    #[serde(default)]
    pub juvenile: Option<bool>,
}

/// An assignment as the center (or the assigned unit, naming its handler) gives it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssignInput {
    /// A law firm, legal service office or legal aid center.
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, nullable = false, minimum = 1)
    )]
    pub unit_id: Option<i64>,
    /// A staff member of `unit_id`. Empty: a law firm or legal service office names
    /// its own handler later (a legal aid center must name one now).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub handler_id: Option<i64>,
    /// The case's version as read.
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    pub version: Option<i64>,
    /// Required to assign despite a flagged conflict: why it is not one.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 4000))]
    pub conflict_reason: String,
}

/// A progress entry as the handler records it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgressInput {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true, value_type = Activity))]
    pub activity: String,
    /// When the work was done: not after today nor before the case was assigned.
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    pub occurred_on: Option<chrono::NaiveDate>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 4000))]
    pub note: String,
    /// For a scheduled hearing: when it starts (RFC 3339, later than now) and where.
    #[serde(default)]
    pub hearing_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub hearing_place: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::tests::d;
    use crate::calendar::{SHIPPED_CSV, WorkCalendar};
    use crate::deadline::Due;
    use crate::rules::RuleBook;

    fn at(s: &str) -> chrono::NaiveDateTime {
        chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("valid")
    }

    #[test]
    fn the_case_moves_only_as_the_procedure_allows() {
        use CaseStatus::*;
        assert_eq!(
            AwaitingAssignment.next(CaseEvent::AssignUnit),
            Ok(AwaitingHandler)
        );
        assert_eq!(AwaitingHandler.next(CaseEvent::AssignHandler), Ok(Assigned));
        assert_eq!(
            AwaitingAssignment.next(CaseEvent::AssignHandler),
            Ok(Assigned)
        );
        assert_eq!(Assigned.next(CaseEvent::SignAgreement), Ok(InProgress));
        assert_eq!(InProgress.next(CaseEvent::ReplaceHandler), Ok(Assigned));
        assert_eq!(
            InProgress.next(CaseEvent::SubmitClosure),
            Ok(ClosureSubmitted)
        );
        assert_eq!(
            ClosureSubmitted.next(CaseEvent::ReturnClosure),
            Ok(InProgress)
        );
        assert_eq!(
            ClosureSubmitted.next(CaseEvent::ApproveClosure),
            Ok(Archived)
        );
        assert_eq!(InProgress.next(CaseEvent::Terminate), Ok(Terminated));
        assert_eq!(Terminated.next(CaseEvent::Object), Ok(ObjectionPending));
        assert_eq!(
            ObjectionPending.next(CaseEvent::UpholdTermination),
            Ok(Terminated)
        );
        assert_eq!(
            ObjectionPending.next(CaseEvent::Reinstate(InProgress)),
            Ok(InProgress)
        );
        // And refuses the rest.
        assert!(
            Assigned.next(CaseEvent::SubmitClosure).is_err(),
            "no agreement yet"
        );
        assert!(
            Archived.next(CaseEvent::Terminate).is_err(),
            "closed cases stay closed"
        );
        assert!(ClosureSubmitted.next(CaseEvent::Terminate).is_err());
        assert!(
            InProgress.next(CaseEvent::Object).is_err(),
            "only a termination"
        );
        assert!(AwaitingAssignment.next(CaseEvent::SignAgreement).is_err());
        assert!(
            ObjectionPending
                .next(CaseEvent::Reinstate(Archived))
                .is_err(),
            "a correction resumes handling, never closes"
        );
        for s in CaseStatus::ALL {
            assert!(s.next(CaseEvent::AssignHandler).is_err() || s.is_open());
        }
    }

    #[test]
    fn a_corrected_termination_resumes_where_handling_stood() {
        assert_eq!(
            CaseStatus::resumed(true, true, true),
            CaseStatus::InProgress
        );
        assert_eq!(CaseStatus::resumed(true, true, false), CaseStatus::Assigned);
        assert_eq!(
            CaseStatus::resumed(true, false, false),
            CaseStatus::AwaitingHandler
        );
        assert_eq!(
            CaseStatus::resumed(false, false, false),
            CaseStatus::AwaitingAssignment
        );
    }

    #[test]
    fn termination_grounds_cite_their_item() {
        assert_eq!(
            TerminationGround::ALL.len(),
            8,
            "LAL art 48 has eight items"
        );
        assert_eq!(TerminationGround::Deception.item(), 1);
        assert_eq!(
            TerminationGround::OwnCounsel.basis(),
            "《法律援助法》第四十八条第一款第六项"
        );
        assert_eq!(TerminationGround::OtherByLaw.item(), 8);
    }

    #[test]
    fn outcomes_and_stages_fit_the_case_type() {
        assert!(CaseOutcome::for_type(CaseType::Criminal).contains(&CaseOutcome::Acquitted));
        assert!(!CaseOutcome::for_type(CaseType::Civil).contains(&CaseOutcome::Acquitted));
        assert!(!CaseOutcome::for_type(CaseType::Criminal).contains(&CaseOutcome::Mediation));
        for t in CaseType::ALL {
            assert!(!CaseOutcome::for_type(*t).is_empty());
            for s in Stage::ALL {
                if t.allows(*s) {
                    assert!(!checklist(*t, *s).is_empty());
                }
            }
        }
        assert!(CaseType::Criminal.allows(Stage::Trial));
        assert!(!CaseType::Civil.allows(Stage::Trial));
        assert!(CaseType::Civil.allows(Stage::Whole));
        assert_eq!(Stage::Investigation.next(), Some(Stage::ProsecutionReview));
        assert_eq!(Stage::Whole.next(), None);
    }

    #[test]
    fn the_first_stage_follows_the_notifying_organ() {
        use crate::application::NotifyingOrgan;
        assert_eq!(
            first_stage(
                CaseType::Criminal,
                "criminal_defense_notified",
                Some(NotifyingOrgan::Police)
            ),
            Stage::Investigation
        );
        assert_eq!(
            first_stage(
                CaseType::Criminal,
                "criminal_defense_notified",
                Some(NotifyingOrgan::Procuratorate)
            ),
            Stage::ProsecutionReview
        );
        assert_eq!(
            first_stage(
                CaseType::Criminal,
                "death_penalty_review",
                Some(NotifyingOrgan::Court)
            ),
            Stage::DeathPenaltyReview
        );
        assert_eq!(
            first_stage(CaseType::Civil, "injury_work", None),
            Stage::Whole
        );
    }

    #[test]
    fn case_numbers_follow_the_pattern() {
        assert_eq!(
            format_number("叶法援〔{year}〕第{seq}号", 2024, 86),
            "叶法援〔2024〕第86号"
        );
    }

    fn clock(status: CaseStatus, notified: bool, from: &str) -> CaseClock {
        CaseClock {
            status,
            notified,
            assign_from: at(from),
            assigned_at: None,
            agreement_signed_on: None,
            ended_on: None,
            closure_submitted_at: None,
            objection_received_at: None,
        }
    }

    #[test]
    fn assignment_agreement_and_closure_deadlines() {
        let r = RuleBook::shipped().expect("rules");
        let cal = WorkCalendar::from_csv(SHIPPED_CSV).expect("calendar");
        // Granted on Thursday 2024-09-26: 3 days runs into the National Day holiday.
        let c = clock(CaseStatus::AwaitingAssignment, false, "2024-09-26 10:00");
        let ds = deadlines(&c, &r, &cal).expect("2024");
        assert_eq!(ds.len(), 1);
        assert_eq!(ds[0].code, "assign_after_grant");
        assert_eq!(
            ds[0].due,
            Due::EndOfDay(d("2024-09-29")),
            "an adjusted working Sunday"
        );
        assert!(!ds[0].met);
        // Notified: its own rule.
        let c = clock(CaseStatus::AwaitingAssignment, true, "2024-05-06 09:00");
        assert_eq!(
            deadlines(&c, &r, &cal).expect("2024")[0].code,
            "assign_notified"
        );
        // Assigned: 5 days to sign the agreement.
        let mut c = clock(CaseStatus::Assigned, false, "2024-05-06 09:00");
        c.assigned_at = Some(at("2024-05-07 15:00"));
        let ds = deadlines(&c, &r, &cal).expect("2024");
        assert!(ds[0].met);
        assert_eq!(ds[1].code, "sign_agreement");
        assert_eq!(
            ds[1].due,
            Due::EndOfDay(d("2024-05-13")),
            "05-12 is a Sunday"
        );
        // Ended: 30 days to submit; submitted: 30 days to review.
        c.status = CaseStatus::ClosureSubmitted;
        c.agreement_signed_on = Some(d("2024-05-09"));
        c.ended_on = Some(d("2024-08-01"));
        c.closure_submitted_at = Some(at("2024-08-20 10:00"));
        let ds = deadlines(&c, &r, &cal).expect("2024");
        let codes: Vec<&str> = ds.iter().map(|x| x.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "assign_after_grant",
                "sign_agreement",
                "closure_submission",
                "closure_review"
            ]
        );
        assert!(ds[2].met);
        assert_eq!(
            ds[2].due,
            Due::EndOfDay(d("2024-09-02")),
            "08-31 is a Saturday"
        );
        assert!(!ds[3].met);
        assert_eq!(ds[3].due, Due::EndOfDay(d("2024-09-19")));
    }
}
