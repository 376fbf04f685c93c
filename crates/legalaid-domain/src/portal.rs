//! The public portal's rules (ADR 0020): who an applicant is (a mobile number
//! proven by a code), how often the public may ask for codes, apply, query and
//! complain (limits as data), which center receives an online application, and
//! what a person is told of their application's progress.
//!
//! Pure: the app layer draws the random codes, counts in the database and reads
//! the clock.

use crate::application::{ApplicationInput, HouseholdInput, Status};
use crate::case::CaseStatus;
use crate::unit::{Unit, UnitKind};
use crate::validation::{FieldError, Validation};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

code_enum!(
    /// What a code proves a phone for.
    Purpose {
        Apply => ("apply", "网上申请"),
        Progress => ("progress", "查询办理进度"),
        Complaint => ("complaint", "投诉"),
    }
);

/// The numbers that bound what the public may do, kept in the settings
/// (`portal_limits`, JSON) so a bureau can tighten them without a release.
/// Defaults follow common practice for SMS codes (6 digits, 10 minutes, 5 tries).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Limits {
    /// A code is good for this many minutes.
    pub code_minutes: i64,
    /// Wrong entries before a code is spent.
    pub code_attempts: i64,
    /// A phone may be sent a new code this many seconds after the last.
    pub resend_seconds: i64,
    /// Codes per phone per hour, and per address per hour.
    pub codes_per_phone_hour: i64,
    pub codes_per_address_hour: i64,
    /// Online applications per phone per day, and per address per day.
    pub applications_per_phone_day: i64,
    pub applications_per_address_day: i64,
    /// Progress look-ups (application number and ID number) per address per hour.
    pub queries_per_address_hour: i64,
    /// Complaints per address per day.
    pub complaints_per_address_day: i64,
    /// Self-checks per address per hour (they store nothing, but cost work).
    pub checks_per_address_hour: i64,
    /// Survey answers (by link or QR code) per address per hour; generous,
    /// because a township's phones often share one carrier address.
    pub survey_answers_per_address_hour: i64,
    /// A proven phone stays proven for this many minutes.
    pub session_minutes: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            code_minutes: 10,
            code_attempts: 5,
            resend_seconds: 60,
            codes_per_phone_hour: 5,
            codes_per_address_hour: 20,
            applications_per_phone_day: 3,
            applications_per_address_day: 10,
            queries_per_address_hour: 30,
            complaints_per_address_day: 5,
            checks_per_address_hour: 120,
            survey_answers_per_address_hour: 100,
            session_minutes: 30,
        }
    }
}

impl Limits {
    /// Every number must be positive.
    pub fn check(&self) -> Result<(), String> {
        let all = [
            self.code_minutes,
            self.code_attempts,
            self.resend_seconds,
            self.codes_per_phone_hour,
            self.codes_per_address_hour,
            self.applications_per_phone_day,
            self.applications_per_address_day,
            self.queries_per_address_hour,
            self.complaints_per_address_day,
            self.checks_per_address_hour,
            self.survey_answers_per_address_hour,
            self.session_minutes,
        ];
        if all.iter().all(|n| *n > 0) {
            Ok(())
        } else {
            Err("公众服务限制的各项数值都须大于0".into())
        }
    }

    /// The limit on `counter`: how many in which window.
    pub fn of(&self, counter: Counter) -> (i64, Duration) {
        let hour = Duration::hours(1);
        let day = Duration::days(1);
        match counter {
            Counter::CodesPerPhone => (self.codes_per_phone_hour, hour),
            Counter::CodesPerAddress => (self.codes_per_address_hour, hour),
            Counter::ApplicationsPerPhone => (self.applications_per_phone_day, day),
            Counter::ApplicationsPerAddress => (self.applications_per_address_day, day),
            Counter::QueriesPerAddress => (self.queries_per_address_hour, hour),
            Counter::ComplaintsPerAddress => (self.complaints_per_address_day, day),
            Counter::ChecksPerAddress => (self.checks_per_address_hour, hour),
            Counter::SurveyAnswersPerAddress => (self.survey_answers_per_address_hour, hour),
        }
    }
}

/// What the portal counts, per phone or per address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counter {
    CodesPerPhone,
    CodesPerAddress,
    ApplicationsPerPhone,
    ApplicationsPerAddress,
    QueriesPerAddress,
    ComplaintsPerAddress,
    ChecksPerAddress,
    SurveyAnswersPerAddress,
}

impl Counter {
    fn name(self) -> &'static str {
        match self {
            Counter::CodesPerPhone => "code.phone",
            Counter::CodesPerAddress => "code.addr",
            Counter::ApplicationsPerPhone => "apply.phone",
            Counter::ApplicationsPerAddress => "apply.addr",
            Counter::QueriesPerAddress => "query.addr",
            Counter::ComplaintsPerAddress => "complaint.addr",
            Counter::ChecksPerAddress => "check.addr",
            Counter::SurveyAnswersPerAddress => "survey.addr",
        }
    }

    /// The counter's row name for one subject (a keyed hash, never the raw
    /// phone or address).
    pub fn bucket(self, subject_hash: &str) -> String {
        format!("{}:{subject_hash}", self.name())
    }

    /// What the person is told when the limit is reached.
    pub fn refusal(self) -> &'static str {
        match self {
            Counter::CodesPerPhone => "该手机号码获取验证码过于频繁，请一小时后再试",
            Counter::CodesPerAddress => "获取验证码过于频繁，请稍后再试",
            Counter::ApplicationsPerPhone | Counter::ApplicationsPerAddress => {
                "今日网上申请次数已达上限，请明天再试，或拨打12348、到法律援助中心申请"
            }
            Counter::QueriesPerAddress => "查询过于频繁，请稍后再试",
            Counter::ComplaintsPerAddress => "今日投诉次数已达上限，请明天再试，或拨打12348反映",
            Counter::ChecksPerAddress => "自测过于频繁，请稍后再试",
            Counter::SurveyAnswersPerAddress => "提交问卷过于频繁，请稍后再试",
        }
    }
}

/// The start of the fixed window holding `now` (windows start at the epoch, so
/// every instance computes the same one).
pub fn window_start(now: DateTime<Utc>, window: Duration) -> DateTime<Utc> {
    let secs = window.num_seconds().max(1);
    let t = now.timestamp();
    DateTime::from_timestamp(t - t.rem_euclid(secs), 0).unwrap_or(now)
}

/// A mainland mobile number (11 digits starting 13–19), the only kind a code
/// can be sent to. Spaces and hyphens a person types are dropped.
pub fn mobile(raw: &str) -> Result<String, String> {
    let digits: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    let ok = digits.len() == 11
        && digits.chars().all(|c| c.is_ascii_digit())
        && digits.starts_with('1')
        && matches!(digits.as_bytes()[1], b'3'..=b'9');
    if ok {
        Ok(digits)
    } else {
        Err("请输入11位手机号码".into())
    }
}

/// 13812345678 → 138****5678
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 8 {
        return "****".into();
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

/// A code as stored: when it lapses, how often it was mistyped, whether used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCode {
    pub expires_at: DateTime<Utc>,
    pub attempts: i64,
    pub used: bool,
}

/// What an entered code comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeVerdict {
    Accepted,
    /// Wrong; this many tries are left.
    Wrong(i64),
    /// Spent by too many wrong entries, used already, or lapsed: ask for a new one.
    Spent,
}

/// Judges an entry against the latest code sent for the phone and purpose.
pub fn judge_code(code: &StoredCode, matches: bool, now: DateTime<Utc>, l: &Limits) -> CodeVerdict {
    if code.used || now >= code.expires_at || code.attempts >= l.code_attempts {
        return CodeVerdict::Spent;
    }
    if matches {
        CodeVerdict::Accepted
    } else {
        let left = l.code_attempts - code.attempts - 1;
        if left <= 0 {
            CodeVerdict::Spent
        } else {
            CodeVerdict::Wrong(left)
        }
    }
}

impl CodeVerdict {
    pub fn message(self) -> String {
        match self {
            CodeVerdict::Accepted => String::new(),
            CodeVerdict::Wrong(left) => format!("验证码不正确，还可以输入{left}次"),
            CodeVerdict::Spent => "验证码已失效，请重新获取".into(),
        }
    }
}

/// The legal aid center that receives an online application from `township`:
/// the active center of the township's county (the nearest region above the
/// township that has one). Online applications go to the center, which decides
/// (LAL art 38, 43); the township only picks which county's center.
pub fn receiving_center<'a>(township: &str, units: &'a [Unit]) -> Option<&'a Unit> {
    let mut code = township;
    loop {
        if let Some(u) = units.iter().find(|u| {
            u.active && u.kind == UnitKind::LegalAidCenter && u.region_code.as_str() == code
        }) {
            return Some(u);
        }
        code = match code.len() {
            9 => &code[..6],
            6 => &code[..4],
            4 => &code[..2],
            _ => return None,
        };
    }
}

code_enum!(
    /// How an online applicant shows their household means.
    MeansChoice {
        /// 个人诚信承诺: the figures, declared, verified later (LAL art 41).
        Declaration => ("declaration", "个人诚信承诺家庭经济状况"),
        /// A ground that exempts from verification (LAL art 42).
        Exemption => ("exemption", "属于免予核查经济困难状况的人员"),
        /// The matter is not limited by hardship (LAL art 32) or the person does not know.
        NotGiven => ("not_given", "暂不填写（事项不受经济困难条件限制时）"),
    }
);

/// What the online application form gives.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PortalApplicationInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub township: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub matter_code: String,
    #[serde(default)]
    pub service_form: String,
    #[serde(default)]
    pub opposing_party: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub means: String,
    #[serde(default)]
    pub members: String,
    #[serde(default)]
    pub monthly_income_yuan: String,
    #[serde(default)]
    pub exemption_code: String,
    /// 诚信承诺: the person declares that what they said is true.
    #[serde(default)]
    pub honesty: Option<String>,
    /// Consent to the processing of personal data (PIPL art 13–14, 29 for
    /// sensitive data).
    #[serde(default)]
    pub consent: Option<String>,
}

/// How the person showed their means, checked: the choice, the declared
/// household (members and monthly income) or the exemption ground. Problems
/// are added to `v` under the form's field names.
pub fn means(
    v: &mut Validation,
    choice: &str,
    members: &str,
    monthly_income_yuan: &str,
    exemption_code: &str,
) -> (Option<MeansChoice>, Option<HouseholdInput>, Option<String>) {
    let choice = MeansChoice::parse(choice.trim());
    let mut household = None;
    let mut exemption = None;
    match choice {
        None => v.add("means", "请选择经济状况的说明方式"),
        Some(MeansChoice::Declaration) => {
            let members = members
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|m| (1..=30).contains(m));
            if members.is_none() {
                v.add("members", "请填写家庭人口数（1至30人）");
            }
            let income = yuan_to_fen(monthly_income_yuan);
            if income.is_none() {
                v.add(
                    "monthly_income_yuan",
                    "请填写家庭月总收入（元，最多两位小数）",
                );
            }
            if let (Some(members), Some(monthly_income_fen)) = (members, income) {
                household = Some(HouseholdInput {
                    members,
                    monthly_income_fen,
                });
            }
        }
        Some(MeansChoice::Exemption) => {
            if exemption_code.trim().is_empty() {
                v.add("exemption_code", "请选择免予核查的情形");
            } else {
                exemption = Some(exemption_code.trim().to_owned());
            }
        }
        Some(MeansChoice::NotGiven) => {}
    }
    (choice, household, exemption)
}

/// The validated part of an online application that is not the application itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalApplicant {
    pub name: String,
    pub id_number: String,
    pub township: String,
    pub address: String,
}

/// A yuan amount as typed ("2300", "2300.5") into fen.
pub fn yuan_to_fen(raw: &str) -> Option<i64> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
        || !frac.chars().all(|c| c.is_ascii_digit())
        || whole.len() > 9
    {
        return None;
    }
    let w: i64 = whole.parse().ok()?;
    let f: i64 = format!("{frac:0<2}").parse().ok()?;
    Some(w * 100 + f)
}

impl PortalApplicationInput {
    /// Checks the portal's own fields and builds the application as intake
    /// would take it (channel `online`), for the applicant registered or found
    /// later. The application's own checks (matter in force, means) run after.
    pub fn validate(
        &self,
        received_at: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<(PortalApplicant, ApplicationInput), Vec<FieldError>> {
        let mut v = Validation::new();
        let name = v.text("name", &self.name, "姓名", 50);
        let id_number = self.id_number.trim().to_ascii_uppercase();
        // Online, only the resident ID (GB 11643, its check digit verified):
        // other documents are shown at the center.
        if let Err(e) = crate::id_number::ResidentId::parse(&id_number, today) {
            v.add("id_number", e);
        }
        let township = self.township.trim().to_owned();
        if township.len() != 9 || !township.chars().all(|c| c.is_ascii_digit()) {
            v.add("township", "请选择所在乡镇（街道）");
        }
        let address = v.optional_text("address", &self.address, "住址", 200);
        if self.matter_code.trim().is_empty() {
            v.add("matter_code", "请选择申请事项");
        }
        let opposing_party =
            v.optional_text("opposing_party", &self.opposing_party, "对方当事人", 200);
        let summary = v.text("summary", &self.summary, "案情简述", 500);
        let (_, household, exemption_code) = means(
            &mut v,
            &self.means,
            &self.members,
            &self.monthly_income_yuan,
            &self.exemption_code,
        );
        if self.honesty.is_none() {
            v.add("honesty", "请阅读并勾选诚信承诺");
        }
        if self.consent.is_none() {
            v.add("consent", "请阅读并同意个人信息处理规则");
        }
        if !v.is_empty() {
            return Err(v.errors().to_vec());
        }
        let input = ApplicationInput {
            channel: "online".into(),
            received_at: Some(received_at),
            matter_code: self.matter_code.trim().to_owned(),
            service_form: self.service_form.trim().to_owned(),
            opposing_party,
            summary,
            declaration: household,
            exemption_code,
            ..Default::default()
        };
        Ok((
            PortalApplicant {
                name,
                id_number,
                township,
                address,
            },
            input,
        ))
    }
}

/// The recipient's evaluation as the form gives it: the five items of the
/// follow-up form (满意 / 基本满意 / 不满意) and whether money was asked or taken
/// (LAL art 20 forbids it).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EvaluationInput {
    #[serde(default)]
    pub service_attitude: String,
    #[serde(default)]
    pub communication: String,
    #[serde(default)]
    pub rights_protection: String,
    #[serde(default)]
    pub case_result: String,
    #[serde(default)]
    pub overall: String,
    /// `yes` or `no`.
    #[serde(default)]
    pub money_asked: String,
    #[serde(default)]
    pub comment: String,
}

/// A checked evaluation: the ratings in the order of [`EvaluationItem::ALL`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub ratings: Vec<(
        crate::followup::EvaluationItem,
        crate::followup::Satisfaction,
    )>,
    pub money_asked: bool,
    pub comment: String,
}

impl Evaluation {
    pub fn rating(
        &self,
        item: crate::followup::EvaluationItem,
    ) -> Option<crate::followup::Satisfaction> {
        self.ratings
            .iter()
            .find(|(i, _)| *i == item)
            .map(|(_, s)| *s)
    }
}

impl EvaluationInput {
    pub fn value(&self, item: crate::followup::EvaluationItem) -> &str {
        use crate::followup::EvaluationItem as I;
        match item {
            I::ServiceAttitude => &self.service_attitude,
            I::Communication => &self.communication,
            I::RightsProtection => &self.rights_protection,
            I::CaseResult => &self.case_result,
            I::Overall => &self.overall,
        }
    }

    /// Every item must be rated and the money question answered.
    pub fn validate(&self) -> Result<Evaluation, Vec<FieldError>> {
        use crate::followup::{EvaluationItem, Satisfaction};
        let mut v = Validation::new();
        let mut ratings = Vec::new();
        for &item in EvaluationItem::ALL {
            match Satisfaction::parse(self.value(item).trim()) {
                Some(s) => ratings.push((item, s)),
                None => v.add(item.as_str(), format!("请评价“{}”", item.label())),
            }
        }
        let money_asked = match self.money_asked.trim() {
            "yes" => true,
            "no" => false,
            _ => {
                v.add("money_asked", "请回答承办人是否向您收取过费用或财物");
                false
            }
        };
        let comment = v.optional_text("comment", &self.comment, "意见建议", 500);
        if v.is_empty() {
            Ok(Evaluation {
                ratings,
                money_asked,
                comment,
            })
        } else {
            Err(v.errors().to_vec())
        }
    }
}

/// What a person is told comes next for their application or case.
pub fn next_step(status: Status, case: Option<CaseStatus>) -> &'static str {
    if let Some(c) = case {
        return match c {
            CaseStatus::AwaitingAssignment | CaseStatus::AwaitingHandler => {
                "法律援助机构正在指派承办人，指派后将短信告知承办人姓名和联系方式"
            }
            CaseStatus::Assigned => "请与承办人联系，签订委托协议",
            CaseStatus::InProgress => "承办人正在办理，如有疑问请联系承办人",
            CaseStatus::ClosureSubmitted => "承办人已提交结案材料，法律援助机构正在审查",
            CaseStatus::Archived => "案件已办结。欢迎对承办人的服务进行评价",
            CaseStatus::Terminated => "法律援助已终止；对终止决定有异议的，可以向司法行政部门提出",
            CaseStatus::ObjectionPending => "司法行政部门正在审查您的异议",
        };
    }
    match status {
        Status::Received => "法律援助机构正在审查，将在收到申请之日起七个工作日内作出决定",
        Status::AwaitingSupplement => "请按补充材料通知在期限内补充材料，逾期未补充的视为撤回申请",
        Status::Proposed => "审查意见已提出，正在审批",
        Status::Granted => "已决定给予法律援助，正在指派承办人",
        Status::Denied => {
            "已决定不予法律援助；有异议的，可以自收到决定之日起十五日内向司法行政部门提出"
        }
        Status::Withdrawn | Status::DeemedWithdrawn => "申请已撤回；符合条件的，可以重新申请",
        Status::ObjectionPending => "司法行政部门正在审查您的异议",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::UnitId;
    use crate::region::RegionCode;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("time")
            .with_timezone(&Utc)
    }

    #[test]
    fn mobiles_only() {
        assert_eq!(mobile("138 1234-5678").as_deref(), Ok("13812345678"));
        assert!(mobile("0564-6123456").is_err());
        assert!(mobile("12812345678").is_err());
        assert!(mobile("1381234567").is_err());
        assert_eq!(mask_phone("13812345678"), "138****5678");
    }

    #[test]
    fn windows_are_the_same_on_every_instance() {
        let w = Duration::hours(1);
        assert_eq!(
            window_start(at("2026-12-05T10:59:59Z"), w),
            at("2026-12-05T10:00:00Z")
        );
        assert_eq!(
            window_start(at("2026-12-05T11:00:00Z"), w),
            at("2026-12-05T11:00:00Z")
        );
    }

    #[test]
    fn a_code_allows_a_few_wrong_entries_then_is_spent() {
        let l = Limits::default();
        let now = at("2026-12-05T10:00:00Z");
        let mut c = StoredCode {
            expires_at: now + Duration::minutes(10),
            attempts: 0,
            used: false,
        };
        assert_eq!(judge_code(&c, false, now, &l), CodeVerdict::Wrong(4));
        c.attempts = 3;
        assert_eq!(judge_code(&c, false, now, &l), CodeVerdict::Wrong(1));
        c.attempts = 4;
        assert_eq!(judge_code(&c, false, now, &l), CodeVerdict::Spent);
        c.attempts = 4;
        assert_eq!(judge_code(&c, true, now, &l), CodeVerdict::Accepted);
        c.attempts = 5;
        assert_eq!(judge_code(&c, true, now, &l), CodeVerdict::Spent);
        c.attempts = 0;
        assert_eq!(
            judge_code(&c, true, now + Duration::minutes(10), &l),
            CodeVerdict::Spent
        );
        c.used = true;
        assert_eq!(judge_code(&c, true, now, &l), CodeVerdict::Spent);
    }

    fn unit(id: i64, kind: UnitKind, region: &str, active: bool) -> Unit {
        Unit {
            id: UnitId(id),
            name: format!("单位{id}"),
            kind,
            workstation_host: None,
            region_code: RegionCode::parse(region).expect("region"),
            address: String::new(),
            contact_person: String::new(),
            phone: String::new(),
            office_hours: String::new(),
            active,
            version: 1,
        }
    }

    #[test]
    fn the_county_center_receives_a_townships_application() {
        let units = [
            unit(1, UnitKind::JudicialOffice, "341504100", true),
            unit(2, UnitKind::LegalAidCenter, "341504", true),
            unit(3, UnitKind::LegalAidCenter, "341502", true),
            unit(4, UnitKind::LegalAidCenter, "341503", false),
        ];
        assert_eq!(
            receiving_center("341504100", &units).map(|u| u.id.0),
            Some(2)
        );
        assert_eq!(
            receiving_center("341502001", &units).map(|u| u.id.0),
            Some(3)
        );
        // An inactive center receives nothing; no center above: none.
        assert_eq!(receiving_center("341503001", &units).map(|u| u.id.0), None);
    }

    #[test]
    fn an_evaluation_rates_every_item_and_answers_the_money_question() {
        let mut e = EvaluationInput {
            service_attitude: "satisfied".into(),
            communication: "basically_satisfied".into(),
            rights_protection: "satisfied".into(),
            case_result: "dissatisfied".into(),
            overall: "satisfied".into(),
            money_asked: "no".into(),
            comment: String::new(),
        };
        let ok = e.validate().expect("valid");
        assert_eq!(ok.ratings.len(), 5);
        assert!(!ok.money_asked);
        assert_eq!(
            ok.rating(crate::followup::EvaluationItem::CaseResult),
            Some(crate::followup::Satisfaction::Dissatisfied)
        );
        e.overall = String::new();
        e.money_asked = "maybe".into();
        let errs = e.validate().expect_err("invalid");
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["overall", "money_asked"]);
    }

    #[test]
    fn amounts_in_yuan() {
        assert_eq!(yuan_to_fen("2300"), Some(230_000));
        assert_eq!(yuan_to_fen("2300.5"), Some(230_050));
        assert_eq!(yuan_to_fen("0.05"), Some(5));
        assert_eq!(yuan_to_fen("-1"), None);
        assert_eq!(yuan_to_fen("1.234"), None);
        assert_eq!(yuan_to_fen("abc"), None);
        assert_eq!(yuan_to_fen(""), None);
    }

    fn form() -> PortalApplicationInput {
        PortalApplicationInput {
            name: "李四".into(),
            id_number: "34150419800101001X".into(),
            township: "341504100".into(),
            matter_code: "labor_remuneration".into(),
            summary: "工地拖欠工资三个月".into(),
            means: "declaration".into(),
            members: "3".into(),
            monthly_income_yuan: "2400".into(),
            honesty: Some("on".into()),
            consent: Some("on".into()),
            ..Default::default()
        }
    }

    #[test]
    fn an_online_application_needs_the_declaration_and_the_consent() {
        let now = at("2026-12-05T02:00:00Z");
        let today = NaiveDate::from_ymd_opt(2026, 12, 5).expect("date");
        let mut f = form();
        f.id_number = format!(
            "34150419800101001{}",
            crate::id_number::check_char("34150419800101001").expect("check")
        );
        let (who, app) = f.validate(now, today).expect("valid");
        assert_eq!(who.township, "341504100");
        assert_eq!(app.channel, "online");
        assert_eq!(
            app.declaration,
            Some(HouseholdInput {
                members: 3,
                monthly_income_fen: 240_000
            })
        );
        f.honesty = None;
        f.consent = None;
        f.id_number = "341504198001010011".into();
        f.members = "0".into();
        let e = f.validate(now, today).expect_err("invalid");
        let fields: Vec<_> = e.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"honesty"), "{fields:?}");
        assert!(fields.contains(&"consent"), "{fields:?}");
        assert!(fields.contains(&"id_number"), "{fields:?}");
        assert!(fields.contains(&"members"), "{fields:?}");
    }
}
