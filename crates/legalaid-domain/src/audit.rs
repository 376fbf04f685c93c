//! The audit trail: an append-only, hash-chained log of every change.
//!
//! Each entry's hash covers its own content and the previous entry's hash, so
//! changing, removing or reordering any stored entry breaks every hash after it.
//! Verification recomputes the chain and names the first entry that does not match.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

code_enum!(
    /// Every action the audit trail records, with its name on the audit page. The
    /// code is what the chain stores (never renamed).
    AuditAction {
        UserLogin => ("user.login", "登录"),
        UserLogout => ("user.logout", "退出登录"),
        UserCreate => ("user.create", "新增用户"),
        UserUpdate => ("user.update", "修改用户"),
        UserResetPassword => ("user.reset_password", "重置密码"),
        UserChangePassword => ("user.change_password", "修改密码"),
        AttackSuspected => ("auth.attack_suspected", "疑似针对账号的密码猜测"),
        UnitCreate => ("unit.create", "新增单位"),
        UnitUpdate => ("unit.update", "修改单位"),
        StaffCreate => ("staff.create", "新增工作人员"),
        StaffUpdate => ("staff.update", "修改工作人员"),
        RegionCreate => ("region.create", "新增行政区划"),
        PersonCreate => ("person.create", "登记当事人"),
        PersonUpdate => ("person.update", "修改当事人"),
        PersonContact => ("person.contact", "修改联系方式"),
        PersonLookup => ("person.lookup", "查阅其他单位登记的当事人"),
        PersonRevealIdNumber => ("person.reveal_id_number", "查看完整证件号码"),
        PersonMerge => ("person.merge", "合并重复登记的当事人"),
        PersonUnmerge => ("person.unmerge", "撤销当事人合并"),
        PersonDistinct => ("person.distinct", "确认不是同一人"),
        PersonExport => ("person.export", "导出当事人信息（含完整证件号码）"),
        ApplicationCreate => ("application.create", "受理申请"),
        ApplicationExport => ("application.export", "导出申请信息（含申请人完整证件号码）"),
        ApplicationRequestSupplement => ("application.request_supplement", "补充材料通知"),
        ApplicationSupplementReceived => ("application.supplement_received", "材料补齐"),
        ApplicationPropose => ("application.propose", "提出审查意见"),
        ApplicationDecide => ("application.decide", "作出决定"),
        ApplicationGrantPreEmptively => ("application.grant_pre_emptively", "先行提供法律援助"),
        ApplicationWithdraw => ("application.withdraw", "撤回申请"),
        ApplicationDeemedWithdrawn => ("application.deemed_withdrawn", "视为撤回"),
        ApplicationUpdate => ("application.update", "修改申请"),
        ApplicationObject => ("application.object", "提出异议"),
        ApplicationObjectionDecided => ("application.objection_decided", "异议处理结果"),
        ApplicationVerifyDeclaration => ("application.verify_declaration", "核查诚信承诺"),
        ObjectionCreate => ("objection.create", "登记异议"),
        ObjectionDecide => ("objection.decide", "异议审查决定"),
        AttachmentCreate => ("attachment.create", "上传附件"),
        AttachmentDownload => ("attachment.download", "下载附件"),
        DocumentGenerate => ("document.generate", "生成文书"),
        DocumentTemplateSeed => ("document_template.seed", "导入文书模板"),
        DocumentTemplateUpdate => ("document_template.update", "修改文书模板"),
        MessageTemplateUpdate => ("message_template.update", "修改消息模板"),
        CaseOpen => ("case.open", "立案"),
        CaseImport => ("case.import", "导入案件"),
        CaseOpenNextStage => ("case.open_next_stage", "进入下一诉讼阶段"),
        CaseAssign => ("case.assign", "指派"),
        CaseNameHandler => ("case.name_handler", "确定承办人"),
        CaseSignAgreement => ("case.sign_agreement", "签订委托协议"),
        CaseProgress => ("case.progress", "登记办理进展"),
        CaseHearingScheduled => ("case.hearing_scheduled", "登记开庭"),
        CaseEnded => ("case.ended", "事项办结"),
        CaseSubmitClosure => ("case.submit_closure", "提交结案材料"),
        CaseApproveClosure => ("case.approve_closure", "结案审查通过"),
        CaseReturnClosure => ("case.return_closure", "退回结案材料"),
        CaseClosureReturnedReason => ("case.closure_returned_reason", "结案材料退回理由"),
        CaseGrade => ("case.grade", "评定质量等级"),
        CasePaySubsidy => ("case.pay_subsidy", "发放办案补贴"),
        CaseTerminate => ("case.terminate", "终止法律援助"),
        CaseObject => ("case.object", "对终止提出异议"),
        CaseObjectionDecided => ("case.objection_decided", "终止异议处理结果"),
        CaseReplacementRequested => ("case.replacement_requested", "申请更换承办人"),
        CaseReplacementRefused => ("case.replacement_refused", "不同意更换承办人"),
        CaseReplaceHandler => ("case.replace_handler", "更换承办人"),
        SubsidyScheduleAdd => ("subsidy_schedule.add", "新增补贴标准"),
        TargetSet => ("target.set", "设定目标任务数"),
        SupervisionRuleAdded => ("supervision_rule.add", "新增督导统计口径"),
        SettingsUpdate => ("settings.update", "修改系统设置"),
        RulesSeed => ("rules.seed", "导入规则"),
        RulesAddMatter => ("rules.add_matter", "新增法律援助事项"),
        RulesAddExemption => ("rules.add_exemption", "新增免予核查情形"),
        RulesEndMatter => ("rules.end_matter", "终止法律援助事项"),
        RulesEndExemption => ("rules.end_exemption", "终止免予核查情形"),
        RulesAddHardshipStandard => ("rules.add_hardship_standard", "新增经济困难标准"),
        RulesUpdateDeadline => ("rules.update_deadline", "修改期限规则"),
        CalendarAddYear => ("calendar.add_year", "录入节假日安排"),
        QualitySchemeSave => ("quality_scheme.save", "保存评分标准"),
        QualitySchemeRetire => ("quality_scheme.retire", "停用或恢复评分标准"),
        ExpertCreate => ("expert.create", "新增评查专家"),
        ExpertUpdate => ("expert.update", "修改评查专家"),
        ReviewRoundCreate => ("review_round.create", "新建评查批次"),
        ReviewRoundDraw => ("review_round.draw", "抽取评查案卷"),
        ReviewRoundClose => ("review_round.close", "结束评查批次"),
        ReviewArchiveCheck => ("review.archive_check", "归档审查"),
        ReviewScore => ("review.score", "专家评分"),
        ReviewRecheck => ("review.recheck", "中心负责人复核"),
        ReviewRegrade => ("review.regrade", "整改后重新评定"),
        ReviewRegradeReason => ("review.regrade_reason", "重新评定的整改情况"),
        RatingRuleAdd => ("rating_rule.add", "新增质量评价规则"),
        RectificationIssue => ("rectification.issue", "下达整改通知"),
        RectificationAnswer => ("rectification.answer", "反馈整改情况"),
        RectificationVerify => ("rectification.verify", "核查整改情况"),
        RectificationEscalate => ("rectification.escalate", "整改约谈"),
        SupervisionOrderIssue => ("supervision_order.issue", "下达督办"),
        SupervisionOrderAnswer => ("supervision_order.answer", "反馈督办落实情况"),
        SupervisionOrderClose => ("supervision_order.close", "督办办结"),
        SupervisionOrderReturn => ("supervision_order.return", "督办退回重新落实"),
        SupervisionOrderEscalate => ("supervision_order.escalate", "升级督办"),
        BulletinCreate => ("bulletin.create", "生成通报"),
        BulletinEdit => ("bulletin.edit", "修改通报"),
        BulletinIssue => ("bulletin.issue", "印发通报"),
        EvaluationEntry => ("evaluation.entry", "录入考评数据"),
        ReportFormEntry => ("report_form.entry", "录入统计报表数据"),
        ObservationPlan => ("observation.plan", "计划旁听庭审"),
        ObservationRecord => ("observation.record", "记录旁听情况"),
        ObservationCancel => ("observation.cancel", "取消旁听庭审"),
        OpinionSend => ("opinion.send", "发出征询意见函"),
        OpinionRemind => ("opinion.remind", "催告征询意见回复"),
        OpinionAnswer => ("opinion.answer", "登记征询意见回复"),
        ComplaintRegister => ("complaint.register", "登记投诉"),
        ComplaintAccept => ("complaint.accept", "受理投诉"),
        ComplaintRefuse => ("complaint.refuse", "不予受理投诉"),
        ComplaintExtend => ("complaint.extend", "延长投诉办理期限"),
        ComplaintConclude => ("complaint.conclude", "作出投诉处理决定"),
        ComplaintReply => ("complaint.reply", "答复投诉人"),
        ComplaintRemedy => ("complaint.remedy", "登记投诉人申请复议或者提起诉讼"),
        VisitRecord => ("visit.record", "记录回访"),
        VisitHandleAlert => ("visit.handle_alert", "处理违规收费线索"),
        VisitPlan => ("visit.plan", "制定回访计划"),
        EvaluationInvite => ("evaluation.invite", "发送服务评价链接"),
        EvaluationAnswer => ("evaluation.answer", "受援人网上评价"),
        ExcellentSelectionCreate => ("excellent_selection.create", "新建优秀案例评选"),
        ExcellentSelectionStartJudging => ("excellent_selection.start_judging", "截止推荐并开始评审"),
        ExcellentSelectionPublish => ("excellent_selection.publish", "公布优秀案例评选结果"),
        ExcellentNominate => ("excellent_nomination.create", "推荐参评优秀案例"),
        ExcellentWithdraw => ("excellent_nomination.withdraw", "撤回优秀案例推荐"),
        ExcellentScore => ("excellent_nomination.score", "优秀案例评委评分"),
        // Outreach: consultations, duty lawyers, publicity.
        ConsultationRecord => ("consultation.record", "登记法律咨询"),
        ConsultationToApplication => ("consultation.to_application", "法律咨询转为法律援助申请"),
        DutyRosterAdd => ("duty_roster.add", "安排值班律师"),
        DutyRosterRemove => ("duty_roster.remove", "取消值班安排"),
        DutyHelpRecord => ("duty_help.record", "登记值班律师法律帮助"),
        DutyRateAdd => ("duty_rate.add", "新增值班补贴标准"),
        PublicityActivityRecord => ("publicity.record", "登记宣传活动"),
        PublicityMediaRecord => ("publicity.media", "登记媒体宣传"),
        PublicityPhotoAdd => ("publicity.photo", "上传宣传活动照片"),
        // Surveys and training (issue 11).
        SurveyInstrumentCreate => ("survey_instrument.create", "新增调查问卷版本"),
        SurveyCampaignCreate => ("survey_campaign.create", "新建社情民意调查"),
        SurveyCodesIssue => ("survey_campaign.issue_codes", "生成调查问卷二维码"),
        SurveyAnswerEnter => ("survey_answer.enter", "录入电话调查问卷"),
        TrainingCreate => ("training.create", "登记培训"),
        TrainingEnrol => ("training.enrol", "培训报名"),
        TrainingConfirm => ("training.confirm", "确认培训出勤"),
    }
);

impl AuditAction {
    /// The name of a stored action code on the audit page; a code no longer known
    /// (none is ever renamed) is shown as stored.
    pub fn label_of(code: &str) -> String {
        AuditAction::parse(code).map_or_else(|| code.to_owned(), |a| a.label().to_owned())
    }
}

/// The hash that the first entry chains to.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit entry, with everything the hash covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// Position in the chain: 1, 2, 3… with no gaps.
    pub seq: i64,
    /// Instants are kept to whole microseconds so that both databases store them exactly.
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub actor_username: String,
    pub request_id: String,
    pub ip: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    /// JSON text of the record before the change (None for creations and reads).
    pub before: Option<String>,
    /// JSON text of the record after the change (None for deletions and reads).
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// The content of an entry before it is placed in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditDraft {
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub actor_username: String,
    pub request_id: String,
    pub ip: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl AuditDraft {
    /// Places the draft after the entry (`prev_seq`, `prev_hash`).
    pub fn chain(self, prev_seq: i64, prev_hash: &str) -> AuditEntry {
        let mut e = AuditEntry {
            seq: prev_seq + 1,
            at: self.at,
            actor_user_id: self.actor_user_id,
            actor_username: self.actor_username,
            request_id: self.request_id,
            ip: self.ip,
            action: self.action,
            entity_type: self.entity_type,
            entity_id: self.entity_id,
            before: self.before,
            after: self.after,
            prev_hash: prev_hash.to_owned(),
            hash: String::new(),
        };
        e.hash = compute_hash(&e);
        e
    }
}

/// SHA-256 over an unambiguous encoding (a JSON array) of every field but `hash`.
pub fn compute_hash(e: &AuditEntry) -> String {
    let canonical = serde_json::json!([
        e.seq,
        e.at.to_rfc3339_opts(SecondsFormat::Micros, true),
        e.actor_user_id,
        e.actor_username,
        e.request_id,
        e.ip,
        e.action,
        e.entity_type,
        e.entity_id,
        e.before,
        e.after,
        e.prev_hash,
    ]);
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

/// Why the chain is broken at an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// The entry's content no longer matches its hash: it was edited.
    ContentChanged { seq: i64 },
    /// The entry does not point at its predecessor: one was removed or reordered.
    LinkBroken { seq: i64 },
    /// A sequence number is missing before this entry.
    Gap { expected: i64, found: i64 },
    /// The chain's recorded head does not match its last entry (entries removed at the end).
    HeadMismatch { head_seq: i64, last_seq: i64 },
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::ContentChanged { seq } => write!(
                f,
                "audit entry {seq} was changed after it was written (its hash does not match its content)"
            ),
            Self::LinkBroken { seq } => write!(
                f,
                "audit entry {seq} does not chain to the entry before it (an entry was removed or replaced)"
            ),
            Self::Gap { expected, found } => write!(
                f,
                "audit entry {expected} is missing (the next entry found is {found})"
            ),
            Self::HeadMismatch { head_seq, last_seq } => write!(
                f,
                "the audit chain should end at entry {head_seq} but its last entry is {last_seq} (entries were removed)"
            ),
        }
    }
}

/// Incremental verifier, so that a long chain can be checked in pages.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    expected_seq: i64,
    prev_hash: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            expected_seq: 1,
            prev_hash: GENESIS_HASH.to_owned(),
        }
    }
}

impl ChainVerifier {
    /// Checks the next entry in sequence order.
    pub fn check(&mut self, e: &AuditEntry) -> Result<(), ChainBreak> {
        if e.seq != self.expected_seq {
            return Err(ChainBreak::Gap {
                expected: self.expected_seq,
                found: e.seq,
            });
        }
        if compute_hash(e) != e.hash {
            return Err(ChainBreak::ContentChanged { seq: e.seq });
        }
        if e.prev_hash != self.prev_hash {
            return Err(ChainBreak::LinkBroken { seq: e.seq });
        }
        self.expected_seq += 1;
        self.prev_hash.clone_from(&e.hash);
        Ok(())
    }

    /// Ends verification against the recorded head of the chain.
    pub fn finish(&self, head_seq: i64, head_hash: &str) -> Result<i64, ChainBreak> {
        let last_seq = self.expected_seq - 1;
        if head_seq != last_seq || head_hash != self.prev_hash {
            return Err(ChainBreak::HeadMismatch { head_seq, last_seq });
        }
        Ok(last_seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_stable_code_and_a_chinese_name() {
        let mut codes: Vec<&str> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
        for a in AuditAction::ALL {
            let (entity, verb) = a.as_str().split_once('.').expect("entity.verb");
            assert!(!entity.is_empty() && !verb.is_empty(), "{a}");
            assert!(
                a.label().chars().all(|c| !c.is_ascii()),
                "{a}: {}",
                a.label()
            );
            assert_eq!(AuditAction::label_of(a.as_str()), a.label());
        }
        codes.sort_unstable();
        let n = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), n, "codes are unique");
        // A code no longer known is shown as stored.
        assert_eq!(AuditAction::label_of("legacy.thing"), "legacy.thing");
    }
    use chrono::TimeZone;

    fn draft(n: i64) -> AuditDraft {
        AuditDraft {
            at: Utc
                .with_ymd_and_hms(2024, 3, 1, 8, 0, 0)
                .single()
                .expect("valid date")
                + chrono::Duration::microseconds(n),
            actor_user_id: Some(1),
            actor_username: "admin".into(),
            request_id: format!("req-{n}"),
            ip: "127.0.0.1".into(),
            action: "unit.update".into(),
            entity_type: "unit".into(),
            entity_id: "7".into(),
            before: Some(r#"{"name":"旧"}"#.into()),
            after: Some(r#"{"name":"新"}"#.into()),
        }
    }

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut out: Vec<AuditEntry> = Vec::new();
        for i in 0..n {
            let (seq, hash) = out
                .last()
                .map_or((0, GENESIS_HASH.to_owned()), |e| (e.seq, e.hash.clone()));
            out.push(draft(i).chain(seq, &hash));
        }
        out
    }

    fn verify(entries: &[AuditEntry], head: (i64, &str)) -> Result<i64, ChainBreak> {
        let mut v = ChainVerifier::default();
        for e in entries {
            v.check(e)?;
        }
        v.finish(head.0, head.1)
    }

    #[test]
    fn intact_chain_verifies() {
        let c = chain(5);
        let last = c.last().expect("non-empty");
        assert_eq!(verify(&c, (5, &last.hash)), Ok(5));
        assert_eq!(verify(&[], (0, GENESIS_HASH)), Ok(0));
    }

    #[test]
    fn edited_entry_is_named() {
        let mut c = chain(5);
        let head = c[4].hash.clone();
        c[2].after = Some(r#"{"name":"篡改"}"#.into());
        assert_eq!(
            verify(&c, (5, &head)),
            Err(ChainBreak::ContentChanged { seq: 3 })
        );
    }

    #[test]
    fn rehashed_edit_breaks_the_next_link() {
        let mut c = chain(5);
        let head = c[4].hash.clone();
        c[2].ip = "10.0.0.1".into();
        c[2].hash = compute_hash(&c[2]);
        assert_eq!(
            verify(&c, (5, &head)),
            Err(ChainBreak::LinkBroken { seq: 4 })
        );
    }

    #[test]
    fn removed_entries_are_found() {
        let mut c = chain(5);
        let head = c[4].hash.clone();
        c.remove(1);
        assert_eq!(
            verify(&c, (5, &head)),
            Err(ChainBreak::Gap {
                expected: 2,
                found: 3
            })
        );
        let mut c = chain(5);
        c.pop();
        assert_eq!(
            verify(&c, (5, &head)),
            Err(ChainBreak::HeadMismatch {
                head_seq: 5,
                last_seq: 4
            })
        );
    }
}
