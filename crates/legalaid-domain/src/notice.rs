//! Full-process notification (全流程告知): which messages a step produces, the
//! editable templates they are written from, how a person may be reached, and how
//! often a failed delivery is retried.
//!
//! A use case that changes state renders its messages here and writes them into
//! the outbox in the same transaction; a worker delivers them after the commit
//! (`legalaid-notify` holds the channel adapters). Nothing here sends anything.

use crate::placeholder::{self, Placeholder, Values, fill};
use serde::{Deserialize, Serialize};

code_enum!(
    /// What happened, from the point of view of the person told.
    MessageKind {
        /// LAL art 43(1): the application is received and under review.
        ApplicationAccepted => ("application_accepted", "申请已受理"),
        /// LAL art 43(2): the missing materials are named once; not supplied in
        /// time, the application is deemed withdrawn.
        SupplementNeeded => ("supplement_needed", "需补充材料"),
        DecidedGranted => ("decided_granted", "决定给予法律援助"),
        /// LAL arts 43(1), 49: a denial is told in writing with reasons, and may
        /// be objected to before the justice bureau.
        DecidedDenied => ("decided_denied", "决定不予法律援助"),
        /// LAL art 43(2): materials not supplied in time; the application is
        /// deemed withdrawn, and the applicant may apply again.
        DeemedWithdrawn => ("deemed_withdrawn", "申请视为撤回"),
        /// LAL art 49: the bureau upheld the decision objected to.
        ObjectionUpheld => ("objection_upheld", "异议审查：维持原决定"),
        /// LAL art 49: the bureau ordered the center to correct its decision: the
        /// application is reviewed again, or the terminated aid resumes.
        ObjectionCorrected => ("objection_corrected", "异议审查：责令改正"),
        AssignedRecipient => ("assigned_recipient", "已指派承办人（告知受援人）"),
        AssignedHandler => ("assigned_handler", "收到指派（告知承办人/承办单位）"),
        /// The agreement with the recipient is due (rule `sign_agreement`).
        AgreementDue => ("agreement_due", "委托协议即将到期"),
        HearingUpcoming => ("hearing_upcoming", "开庭提醒"),
        ProgressRecorded => ("progress_recorded", "办理进展"),
        HandlerReplaced => ("handler_replaced", "更换承办人"),
        Closed => ("closed", "已结案"),
        /// LAL arts 48, 49: termination may be objected to like a denial.
        Terminated => ("terminated", "终止法律援助"),
        SubsidyPaid => ("subsidy_paid", "补贴已发放"),
        /// The final grade of a file review (案卷评查结果).
        ReviewResult => ("review_result", "案卷评查结果"),
        /// A rectification order (整改通知).
        RectificationOrdered => ("rectification_ordered", "整改通知"),
        /// A supervision order (督办) to a unit that lags, or its escalation.
        SupervisionOrdered => ("supervision_ordered", "督办通知"),
        /// A bulletin (通报) was issued to the units of a region.
        BulletinIssued => ("bulletin_issued", "工作通报"),
        /// LAL art 20: a follow-up visit found the handler asking for or taking
        /// money or property; told to the center's quality staff and director.
        FeeAlert => ("fee_alert", "违规收费线索"),
        /// The handler's case was honoured in an excellent-case selection
        /// (优秀案例评选); told to the handler and the handling unit.
        ExcellentCase => ("excellent_case", "优秀案例"),
        /// The public portal's code proving a phone (ADR 0020); sent to the
        /// number typed, before any record exists.
        PortalCode => ("portal_code", "验证码"),
        /// After closure, the recipient is asked to evaluate the service through a
        /// one-time link (ADR 0020).
        EvaluationInvite => ("evaluation_invite", "服务评价邀请"),
        /// A lawyer is put on a workstation's duty roster (值班安排, LAL art
        /// 14): told before the duty day.
        DutyRoster => ("duty_roster", "值班安排"),
        /// A staff member or lawyer was enrolled in a training session (培训,
        /// quality-supervision-outreach §6.3); told to them.
        TrainingEnrolled => ("training_enrolled", "培训通知"),
    }
);

code_enum!(
    /// How a message travels.
    Channel {
        Sms => ("sms", "短信"),
        Email => ("email", "电子邮件"),
        /// The outbox row itself, shown in the person's account: nothing to send.
        InApp => ("in_app", "站内消息"),
    }
);

code_enum!(
    /// Who a message is addressed to.
    Audience {
        Recipient => ("recipient", "受援人"),
        Handler => ("handler", "承办人"),
        Unit => ("unit", "承办单位"),
    }
);

code_enum!(
    /// Where an outbox message stands.
    DeliveryStatus {
        Pending => ("pending", "待发送"),
        Sent => ("sent", "已发送"),
        /// Failed temporarily; the worker tries again after [`backoff`].
        Failed => ("failed", "发送失败（将重试）"),
        /// Failed permanently, or [`MAX_ATTEMPTS`] were used up.
        Dead => ("dead", "发送失败（已停止重试）"),
        /// [`route`] found no channel the person may be reached on.
        Skipped => ("skipped", "未发送（无可用渠道）"),
        /// The SMS gateway reported that the message reached the phone.
        Delivered => ("delivered", "已送达"),
        /// The SMS gateway reported that it could not deliver the message.
        Undelivered => ("undelivered", "未送达"),
    }
);

/// The longest SMS template body, counted as written (placeholders by name). With
/// the signature and filled values a message stays within two segments (2 × 67).
pub const SMS_MAX_CHARS: usize = 90;

/// The templates shipped with the system; administrators edit their own copy.
pub const SHIPPED_TEMPLATES: &str = include_str!("../data/messages/templates.csv");

const HEADER: &str = "kind,audience,channel,subject,body";

/// One message template as an administrator edits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pub kind: MessageKind,
    pub audience: Audience,
    pub channel: Channel,
    /// The title in the inbox and the e-mail subject; empty for SMS.
    pub subject: String,
    pub body: String,
}

impl Template {
    /// What is wrong with the template, in words for the editor (empty: fine).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.body.trim().is_empty() {
            out.push("正文不能为空".to_owned());
        }
        if self.channel != Channel::Sms && self.subject.trim().is_empty() {
            out.push("站内消息和电子邮件需要标题".to_owned());
        }
        for text in [&self.subject, &self.body] {
            let found = if self.channel == Channel::Sms {
                placeholder::problems(text, Placeholder::in_sms, "（短信不得包含案情等敏感信息）")
            } else {
                placeholder::problems(text, Placeholder::in_messages, "（消息中不可用）")
            };
            for p in found {
                if !out.contains(&p) {
                    out.push(p);
                }
            }
        }
        if self.channel == Channel::Sms && self.body.chars().count() > SMS_MAX_CHARS {
            out.push(format!("短信正文不能超过{SMS_MAX_CHARS}个字"));
        }
        out
    }
}

/// A message ready to store in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rendered {
    pub subject: String,
    pub body: String,
}

/// The templates in force, at most one per (kind, audience, channel).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Templates {
    items: Vec<Template>,
}

impl Templates {
    /// Reads `kind,audience,channel,subject,body` rows. The body is the last
    /// column, so it may contain commas; no field is quoted. Every problem is
    /// reported with its line number.
    pub fn from_csv(text: &str) -> Result<Templates, String> {
        let mut lines = text.lines().enumerate();
        match lines.next() {
            Some((_, h)) if h.trim_start_matches('\u{feff}').trim() == HEADER => {}
            _ => return Err(format!("line 1: expected the header {HEADER:?}")),
        }
        let mut items: Vec<Template> = Vec::new();
        for (i, line) in lines.filter(|(_, l)| !l.trim().is_empty()) {
            let n = i + 1;
            let f: Vec<&str> = line.splitn(5, ',').map(str::trim).collect();
            let [kind, audience, channel, subject, body] = f[..] else {
                return Err(format!("line {n}: expected 5 fields, found {}", f.len()));
            };
            let t = Template {
                kind: MessageKind::parse(kind)
                    .ok_or_else(|| format!("line {n}: unknown kind {kind:?}"))?,
                audience: Audience::parse(audience)
                    .ok_or_else(|| format!("line {n}: unknown audience {audience:?}"))?,
                channel: Channel::parse(channel)
                    .ok_or_else(|| format!("line {n}: unknown channel {channel:?}"))?,
                subject: subject.to_owned(),
                body: body.to_owned(),
            };
            let problems = t.problems();
            if !problems.is_empty() {
                return Err(format!("line {n}: {}", problems.join("；")));
            }
            if items.iter().any(|o| same_slot(o, &t)) {
                return Err(format!(
                    "line {n}: a second template for {kind}/{audience}/{channel}"
                ));
            }
            items.push(t);
        }
        Ok(Templates { items })
    }

    /// The shipped defaults.
    pub fn shipped() -> Templates {
        Templates::from_csv(SHIPPED_TEMPLATES).expect("the shipped templates are checked by tests")
    }

    pub fn iter(&self) -> impl Iterator<Item = &Template> {
        self.items.iter()
    }

    /// The template for exactly this slot, without fallback.
    pub fn get(
        &self,
        kind: MessageKind,
        audience: Audience,
        channel: Channel,
    ) -> Option<&Template> {
        self.items
            .iter()
            .find(|t| t.kind == kind && t.audience == audience && t.channel == channel)
    }

    /// Fills the template for (kind, audience, channel). E-mail without its own
    /// template uses the in-app text and title. `None`: nothing to say to this
    /// audience on this channel (the caller writes no message).
    ///
    /// A placeholder without a value stays as written (`{期限}`), as in
    /// documents, so that a gap shows instead of vanishing.
    pub fn render(
        &self,
        kind: MessageKind,
        audience: Audience,
        channel: Channel,
        values: &Values,
    ) -> Option<Rendered> {
        let t = self
            .get(kind, audience, channel)
            .or_else(|| match channel {
                Channel::Email => self.get(kind, audience, Channel::InApp),
                _ => None,
            })?;
        Some(Rendered {
            subject: if channel == Channel::Sms {
                String::new()
            } else {
                fill(&t.subject, values)
            },
            body: fill(&t.body, values),
        })
    }
}

impl Templates {
    /// The templates as stored (administrators' copies); a later duplicate of a
    /// slot replaces the earlier one.
    pub fn from_list(list: Vec<Template>) -> Templates {
        let mut items: Vec<Template> = Vec::new();
        for t in list {
            items.retain(|o| !same_slot(o, &t));
            items.push(t);
        }
        Templates { items }
    }
}

fn same_slot(a: &Template, b: &Template) -> bool {
    a.kind == b.kind && a.audience == b.audience && a.channel == b.channel
}

/// How a person may be reached, as they told us.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPrefs {
    pub phone: Option<String>,
    pub email: Option<String>,
    /// The person asked not to receive text messages.
    pub sms_opt_out: bool,
    /// Contact on the usual phone could endanger the person: e.g. a domestic
    /// violence victim whose phone the abuser reads.
    pub unsafe_usual_phone: bool,
    /// With `unsafe_usual_phone`: the only channel the person named as safe.
    pub safe_channel: Option<Channel>,
    /// The address on `safe_channel` (a phone number or e-mail address; unused for
    /// in-app messages).
    pub safe_contact: Option<String>,
}

/// The channels and addresses to use for one message, in this order:
///
/// 1. in-app when the person has an account (handlers always do); the address is
///    empty, the caller knows the user;
/// 2. SMS to `phone`, unless the person opted out of SMS;
/// 3. e-mail to `email` when given.
///
/// But a person marked `unsafe_usual_phone` is reached **only** on the channel
/// they named (`safe_channel` with `safe_contact`; in-app needs an account), even
/// SMS after an opt-out, because naming that channel for this purpose is the later
/// and more specific choice. Nothing named, or nothing usable: the result is
/// empty and the caller records the message as [`DeliveryStatus::Skipped`], so
/// that staff see it and tell the person another way; we never fall back to the
/// usual phone. Blank addresses count as absent.
pub fn route(prefs: &ContactPrefs, has_account: bool) -> Vec<(Channel, String)> {
    let given = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    if prefs.unsafe_usual_phone {
        return match prefs.safe_channel {
            Some(Channel::InApp) if has_account => vec![(Channel::InApp, String::new())],
            Some(c @ (Channel::Sms | Channel::Email)) => given(&prefs.safe_contact)
                .map(|a| vec![(c, a)])
                .unwrap_or_default(),
            _ => Vec::new(),
        };
    }
    let mut out = Vec::new();
    if has_account {
        out.push((Channel::InApp, String::new()));
    }
    if !prefs.sms_opt_out
        && let Some(p) = given(&prefs.phone)
    {
        out.push((Channel::Sms, p));
    }
    if let Some(e) = given(&prefs.email) {
        out.push((Channel::Email, e));
    }
    out
}

/// How many times the worker tries a message before marking it dead.
pub const MAX_ATTEMPTS: u32 = 8;

/// The wait before retry number `attempt + 1` after `attempt` failures counted
/// from 0: 30 s doubling each time, at most one hour. With [`MAX_ATTEMPTS`] a
/// message is given up about an hour after its first try.
pub fn backoff(attempt: u32) -> chrono::Duration {
    let secs = 30i64.saturating_mul(1i64 << attempt.min(20));
    chrono::Duration::seconds(secs.min(3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> Values {
        use Placeholder as P;
        [
            (P::Name, "李秀英"),
            (P::Number, "叶法援申〔2024〕15号"),
            (P::Unit, "六安市叶集区法律援助中心"),
            (P::Handler, "王建国"),
            (P::HandlerPhone, "13800000000"),
            (P::Date, "2024年6月1日"),
            (P::Deadline, "2024年6月16日"),
            (P::Progress, "一审已开庭"),
            (P::Note, "请于开庭前提交证据。"),
            (P::Amount, "1200.00"),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.to_owned()))
        .collect()
    }

    #[test]
    fn every_kind_tells_someone_by_sms_and_in_app() {
        let t = Templates::shipped();
        for &kind in MessageKind::ALL {
            let audiences: Vec<_> = Audience::ALL
                .iter()
                .filter(|&&a| t.get(kind, a, Channel::Sms).is_some())
                .collect();
            // A fee alert is about the handler and goes to the center's own
            // staff only (the unit audience), as a supervision order goes to
            // the supervised unit's staff; every other kind reaches the
            // recipient or the handler.
            let reaches = if matches!(
                kind,
                MessageKind::FeeAlert
                    | MessageKind::SupervisionOrdered
                    | MessageKind::BulletinIssued
            ) {
                audiences == [&Audience::Unit]
            } else {
                audiences
                    .iter()
                    .any(|&&a| a == Audience::Recipient || a == Audience::Handler)
            };
            assert!(reaches, "{kind}");
            for &a in Audience::ALL {
                assert_eq!(
                    t.get(kind, a, Channel::Sms).is_some(),
                    t.get(kind, a, Channel::InApp).is_some(),
                    "{kind}/{a}: SMS and in-app come in pairs"
                );
            }
        }
    }

    #[test]
    fn recipients_hear_of_every_step_of_their_own() {
        let t = Templates::shipped();
        use MessageKind::*;
        for kind in [
            ApplicationAccepted,
            SupplementNeeded,
            DecidedGranted,
            DecidedDenied,
            DeemedWithdrawn,
            ObjectionUpheld,
            ObjectionCorrected,
            AssignedRecipient,
            HearingUpcoming,
            ProgressRecorded,
            HandlerReplaced,
            Closed,
            Terminated,
        ] {
            assert!(
                t.get(kind, Audience::Recipient, Channel::Sms).is_some(),
                "{kind}"
            );
        }
        assert!(
            t.get(SubsidyPaid, Audience::Recipient, Channel::Sms)
                .is_none()
        );
    }

    #[test]
    fn denial_and_termination_name_the_objection_route() {
        // LAL art 49: both decisions may be objected to before the justice bureau.
        let t = Templates::shipped();
        for kind in [MessageKind::DecidedDenied, MessageKind::Terminated] {
            for ch in [Channel::Sms, Channel::InApp] {
                let r = t
                    .render(kind, Audience::Recipient, ch, &values())
                    .expect("shipped");
                assert!(r.body.contains("司法行政部门"), "{kind}/{ch}");
            }
        }
    }

    #[test]
    fn rendering_fills_values_and_email_falls_back_to_in_app() {
        let t = Templates::shipped();
        let v = values();
        let sms = t
            .render(
                MessageKind::AssignedRecipient,
                Audience::Recipient,
                Channel::Sms,
                &v,
            )
            .expect("shipped");
        assert_eq!(sms.subject, "");
        assert!(sms.body.starts_with("李秀英，您好"));
        assert!(sms.body.contains("王建国") && sms.body.contains("13800000000"));
        assert!(!sms.body.contains('{'));

        let in_app = t
            .render(
                MessageKind::AssignedRecipient,
                Audience::Recipient,
                Channel::InApp,
                &v,
            )
            .expect("shipped");
        let email = t
            .render(
                MessageKind::AssignedRecipient,
                Audience::Recipient,
                Channel::Email,
                &v,
            )
            .expect("falls back");
        assert_eq!(email, in_app);
        assert_eq!(email.subject, "已指派承办人");

        assert_eq!(
            t.render(
                MessageKind::SubsidyPaid,
                Audience::Recipient,
                Channel::Sms,
                &v
            ),
            None
        );
    }

    #[test]
    fn an_email_template_of_its_own_wins_and_gaps_stay_visible() {
        let t = Templates::from_csv(
            "kind,audience,channel,subject,body\n\
             closed,recipient,in_app,已结案,站内{姓名}\n\
             closed,recipient,email,结案通知 {编号},邮件{姓名}，{日期}\n",
        )
        .expect("valid");
        let mut v = Values::new();
        v.insert(Placeholder::Name, "张三".to_owned());
        v.insert(Placeholder::Number, "叶法援〔2024〕3号".to_owned());
        let r = t
            .render(MessageKind::Closed, Audience::Recipient, Channel::Email, &v)
            .expect("own template");
        assert_eq!(r.subject, "结案通知 叶法援〔2024〕3号");
        assert_eq!(r.body, "邮件张三，{日期}", "the body may contain commas");
    }

    #[test]
    fn shipped_sms_are_short_and_carry_nothing_sensitive() {
        let t = Templates::shipped();
        let v = values();
        let mut n = 0;
        for tpl in t.iter().filter(|x| x.channel == Channel::Sms) {
            n += 1;
            assert_eq!(tpl.problems(), Vec::<String>::new(), "{tpl:?}");
            let r = t
                .render(tpl.kind, tpl.audience, Channel::Sms, &v)
                .expect("exists");
            // With a signature such as 【叶集区法律援助中心】 (12 chars): two segments.
            let len = r.body.chars().count() + 12;
            assert!(len <= 134, "{}/{}: {len} chars", tpl.kind, tpl.audience);
            for sensitive in ["身份证", "住址", "案情", "请于开庭前提交证据"] {
                assert!(!r.body.contains(sensitive), "{}: {sensitive}", tpl.kind);
            }
        }
        assert!(n >= MessageKind::ALL.len());
    }

    #[test]
    fn csv_problems_are_reported_with_line_numbers() {
        let h = "kind,audience,channel,subject,body\n";
        let err = |body: &str| Templates::from_csv(&format!("{h}{body}")).expect_err("invalid");
        assert_eq!(
            err("\nclosed,recipient,sms,,{姓名}{name}"),
            "line 3: 未知的占位符 {name}"
        );
        assert!(
            err("closed,recipient,sms,,{说明}").starts_with("line 2: 不能使用占位符 {说明}（短信")
        );
        assert_eq!(
            err("closed,recipient,in_app,,正文"),
            "line 2: 站内消息和电子邮件需要标题"
        );
        assert_eq!(
            err("closed,recipient,sms,,{name"),
            "line 2: 占位符缺少右花括号 }"
        );
        assert_eq!(
            err("opened,recipient,sms,,x"),
            "line 2: unknown kind \"opened\""
        );
        assert_eq!(
            err("closed,recipient,fax,,x"),
            "line 2: unknown channel \"fax\""
        );
        assert_eq!(
            err("closed,recipient,sms"),
            "line 2: expected 5 fields, found 3"
        );
        assert_eq!(
            err("closed,recipient,sms,,a\nclosed,recipient,sms,,b"),
            "line 3: a second template for closed/recipient/sms"
        );
        assert!(err(&format!("closed,recipient,sms,,{}", "字".repeat(91))).contains("90"));
        assert!(
            Templates::from_csv("kind,body\n")
                .expect_err("wrong header")
                .starts_with("line 1:")
        );
        assert_eq!(
            Templates::from_csv(&format!("\u{feff}{h}"))
                .expect("BOM and no rows are fine")
                .iter()
                .count(),
            0
        );
    }

    fn prefs() -> ContactPrefs {
        ContactPrefs {
            phone: Some("13900000000".into()),
            email: Some("li@example.cn".into()),
            ..ContactPrefs::default()
        }
    }

    #[test]
    fn a_handler_is_reached_in_app_by_sms_and_by_email() {
        assert_eq!(
            route(&prefs(), true),
            vec![
                (Channel::InApp, String::new()),
                (Channel::Sms, "13900000000".into()),
                (Channel::Email, "li@example.cn".into()),
            ]
        );
    }

    #[test]
    fn an_opt_out_stops_sms_only() {
        let p = ContactPrefs {
            sms_opt_out: true,
            ..prefs()
        };
        assert_eq!(
            route(&p, false),
            vec![(Channel::Email, "li@example.cn".into())]
        );
        let nothing = ContactPrefs {
            sms_opt_out: true,
            email: Some("  ".into()),
            ..prefs()
        };
        assert_eq!(route(&nothing, false), vec![]);
    }

    #[test]
    fn a_domestic_violence_victim_is_reached_only_on_the_named_channel() {
        let victim = ContactPrefs {
            unsafe_usual_phone: true,
            safe_channel: Some(Channel::Sms),
            safe_contact: Some(" 13700000000 ".into()),
            sms_opt_out: true,
            ..prefs()
        };
        assert_eq!(
            route(&victim, true),
            vec![(Channel::Sms, "13700000000".into())],
            "never the usual phone, the e-mail or the account"
        );
        let by_mail = ContactPrefs {
            safe_channel: Some(Channel::Email),
            safe_contact: Some("safe@example.cn".into()),
            ..victim.clone()
        };
        assert_eq!(
            route(&by_mail, false),
            vec![(Channel::Email, "safe@example.cn".into())]
        );
        let in_app = ContactPrefs {
            safe_channel: Some(Channel::InApp),
            safe_contact: None,
            ..victim.clone()
        };
        assert_eq!(route(&in_app, true), vec![(Channel::InApp, String::new())]);
        assert_eq!(route(&in_app, false), vec![], "no account: skipped");
    }

    #[test]
    fn an_unsafe_phone_without_a_named_channel_reaches_no_one() {
        let none_named = ContactPrefs {
            unsafe_usual_phone: true,
            ..prefs()
        };
        assert_eq!(route(&none_named, true), vec![]);
        let no_address = ContactPrefs {
            unsafe_usual_phone: true,
            safe_channel: Some(Channel::Sms),
            safe_contact: Some(String::new()),
            ..prefs()
        };
        assert_eq!(route(&no_address, false), vec![]);
    }

    #[test]
    fn backoff_doubles_from_thirty_seconds_up_to_an_hour() {
        let s = |a| backoff(a).num_seconds();
        assert_eq!((s(0), s(1), s(2), s(6)), (30, 60, 120, 1920));
        assert_eq!(s(7), 3600);
        assert_eq!(s(u32::MAX), 3600);
        let total: i64 = (0..MAX_ATTEMPTS - 1).map(s).sum();
        assert!(
            (3600..=7200).contains(&total),
            "given up after about an hour: {total}"
        );
    }

    #[test]
    fn codes_round_trip() {
        for &k in MessageKind::ALL {
            assert_eq!(MessageKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(MessageKind::ALL.len(), 26);
        assert_eq!(Channel::parse("in_app"), Some(Channel::InApp));
        assert_eq!(DeliveryStatus::Skipped.label(), "未发送（无可用渠道）");
        assert_eq!(Audience::Unit.label(), "承办单位");
    }
}
