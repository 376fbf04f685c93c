//! One vocabulary of placeholders for every template: the documents (文书) and
//! the messages of full-process notification (全流程告知) write `{申请人}`,
//! `{编号}`, `{期限}`… with the same names, filled from the same kind of values,
//! and checked by the same rules. Administrators write them in Chinese; the code
//! names them by variant, so a misspelt name cannot compile.

use std::collections::BTreeMap;

code_enum!(
    /// A value a template may ask for: the code is what a template writes between
    /// braces, the label what it stands for.
    Placeholder {
        // Shared by documents and messages.
        Number => ("编号", "申请编号或案件编号"),
        Date => ("日期", "文书的出具日期；消息中为事项发生的日期"),
        Handler => ("承办人", "承办人姓名"),
        HandlerPhone => ("承办人电话", "承办人的工作电话"),
        // Messages.
        Name => ("姓名", "被告知人的姓名（受援人或承办人）"),
        Unit => ("单位", "负责的单位：申请阶段为法律援助机构，指派后为承办单位"),
        Deadline => ("期限", "须在此日期前办理"),
        Progress => ("办理进展", "登记的办理进展"),
        Note => ("说明", "补充说明（完整的句子，可能为空）"),
        Amount => ("金额", "金额（元，两位小数，不带单位）"),
        // Documents of an application.
        Applicant => ("申请人", "申请人姓名"),
        IdNumber => ("证件号码", "申请人的证件号码"),
        ReceivedOn => ("收到日期", "收到申请的日期"),
        Matter => ("申请事项", "申请法律援助的事项"),
        MatterBasis => ("事项依据", "事项范围的法律依据"),
        ServiceForm => ("法律援助形式", "法律援助的形式"),
        SupplementItems => ("补充材料", "需要补充的材料"),
        SupplementDeadline => ("补充期限", "补充材料的期限"),
        DecidedOn => ("决定日期", "作出决定的日期"),
        Reason => ("理由", "决定的理由"),
        ReviewOpinion => ("审查意见", "审查意见"),
        ObjectionReason => ("异议理由", "申请人提出的异议理由"),
        ObjectionDecision => ("异议决定", "司法行政部门对异议的决定"),
        Institution => ("承办机构", "受理申请的法律援助机构"),
        // Documents of a case.
        CaseNumber => ("案件编号", "案件编号"),
        Recipient => ("受援人", "受援人姓名"),
        RecipientPhone => ("受援人电话", "受援人的联系电话"),
        OpposingParty => ("对方当事人", "对方当事人"),
        CaseType => ("案件类型", "案件类型"),
        Stage => ("诉讼阶段", "诉讼阶段"),
        HandlingUnit => ("承办单位", "承办人所在的律师事务所或单位"),
        Licence => ("执业证号", "承办人的执业证号"),
        CaseOrgan => ("办案机关", "办案机关名称"),
        OrganCaseNumber => ("办案机关案号", "办案机关的案号"),
        AssignedOn => ("指派日期", "指派的日期"),
        AgreementDeadline => ("协议期限", "签订委托协议的期限"),
        TerminationGround => ("终止情形", "终止法律援助的情形"),
        TerminationBasis => ("终止依据", "终止的法律依据"),
        TerminationReason => ("终止理由", "终止的事实和理由"),
        Outcome => ("办理结果", "案件的办理结果"),
        EndedOn => ("办结日期", "事项办结的日期"),
        Recovered => ("挽回金额", "为受援人挽回的经济损失"),
        Adoption => ("意见采纳", "辩护或代理意见的采纳情况"),
        WorkLog => ("工作记录", "办理进展的记录"),
        ClosureReport => ("结案报告", "结案报告"),
        Grade => ("质量等级", "案件质量等级"),
        SubsidyItems => ("补贴明细", "补贴的计算明细"),
        SubsidyAmount => ("补贴金额", "补贴金额（元）"),
        SubsidyInWords => ("补贴金额大写", "补贴金额的中文大写"),
        ActingAs => ("担任", "承办人担任的角色（辩护人或代理人）"),
        LetterBasis => ("公函依据", "公函所依据的法律条文"),
        LetterCase => ("公函案件", "公函所涉的案件"),
        VoucherNumber => ("凭单编号", "补贴发放凭单的编号"),
        PaidOn => ("发放日期", "补贴发放的日期"),
        // Documents of a file review.
        ReviewRound => ("评查批次", "案卷评查的批次名称"),
        ReviewScore => ("评查得分", "复核确定的评查得分及满分"),
        ReviewFindings => ("评查意见", "中心负责人的复核意见和专家的评查意见"),
        ReviewEffect => ("评查处理", "评查等级对办案补贴的影响和整改要求"),
        // The rectification notice.
        RectificationTarget => ("整改对象", "被要求整改的单位和承办人"),
        RectificationSource => ("整改来源", "发现问题的途径和记录"),
        RectificationProblem => ("整改问题", "发现的问题"),
        ProblemCategory => ("问题类别", "问题的类别"),
        RectificationRequirement => ("整改要求", "整改的要求"),
        RectificationDeadline => ("整改期限", "整改反馈的期限"),
        // The supervision notice.
        Supervised => ("督办对象", "被督办的单位"),
        SupervisedItem => ("督办事项", "督办的指标"),
        SupervisedFigures => ("督办数据", "下达督办时该指标的数据"),
        SupervisionRequirement => ("督办要求", "督办的要求"),
        SupervisionDeadline => ("督办期限", "反馈落实情况的期限"),
        SupervisionLevel => ("督办方式", "督办、专项督查或约谈"),
        // The bulletin.
        BulletinTitle => ("通报标题", "通报的标题"),
        BulletinBody => ("通报正文", "通报的正文：进度排名、质量和时效、做法、问题和要求"),
        // Documents of a complaint.
        Complainant => ("投诉人", "投诉人姓名（匿名投诉为“投诉人”）"),
        ComplaintNumber => ("投诉编号", "投诉的登记编号"),
        ComplaintReceivedOn => ("投诉日期", "收到投诉的日期"),
        Respondent => ("被投诉人", "被投诉的单位和人员"),
        ComplaintCategory => ("投诉事项", "投诉事项的类别"),
        ComplaintFacts => ("投诉内容", "投诉的事实和理由"),
        ComplaintPeriod => ("办理期限", "办结投诉的期限（依期限规则计算）"),
        ComplaintOutcome => ("处理结果", "投诉处理决定的结果类别"),
        ComplaintConclusion => ("处理意见", "投诉处理决定的调查结论和处理意见"),
        ComplaintMeasures => ("后续措施", "处理决定所定的后续措施"),
        // The opinion letter.
        OpinionOrgan => ("征询机关", "被征询意见的司法机关名称"),
        OpinionItems => ("征询事项", "请司法机关评价的事项及其要点"),
        OpinionReplyBy => ("回复期限", "请司法机关回复的日期"),
        // The public portal's code.
        Code => ("验证码", "公众服务网站发送的短信验证码"),
        CodeValidity => ("有效期", "验证码的有效时间，如“10分钟”"),
        Link => ("链接", "公众服务网站上的一次性评价链接"),
    }
);

/// The values a template is filled with.
pub type Values = BTreeMap<Placeholder, String>;

impl Placeholder {
    /// Used in documents (文书).
    pub fn in_documents(self) -> bool {
        !matches!(
            self,
            Placeholder::Name
                | Placeholder::Unit
                | Placeholder::Deadline
                | Placeholder::Progress
                | Placeholder::Note
                | Placeholder::Amount
                | Placeholder::Code
                | Placeholder::CodeValidity
                | Placeholder::Link
        )
    }

    /// Used in in-app and e-mail messages.
    pub fn in_messages(self) -> bool {
        matches!(
            self,
            Placeholder::Number
                | Placeholder::Date
                | Placeholder::Handler
                | Placeholder::HandlerPhone
                | Placeholder::Name
                | Placeholder::Unit
                | Placeholder::Deadline
                | Placeholder::Progress
                | Placeholder::Note
                | Placeholder::Amount
                | Placeholder::Code
                | Placeholder::CodeValidity
                | Placeholder::Link
        )
    }

    /// Used in text messages. An SMS is read on a phone that others may see and
    /// is kept by the carrier, so it carries only what lets the person recognise
    /// the matter and call back: never ID numbers, addresses or case facts, hence
    /// no free text and no progress.
    pub fn in_sms(self) -> bool {
        self.in_messages() && !matches!(self, Placeholder::Progress | Placeholder::Note)
    }

    /// How a template writes it: `{申请人}`.
    pub fn written(self) -> String {
        format!("{{{}}}", self.as_str())
    }

    /// The placeholders of documents, in the order shown to editors.
    pub fn for_documents() -> Vec<Placeholder> {
        Self::ALL
            .iter()
            .copied()
            .filter(|p| p.in_documents())
            .collect()
    }

    /// The placeholders of in-app and e-mail messages.
    pub fn for_messages() -> Vec<Placeholder> {
        Self::ALL
            .iter()
            .copied()
            .filter(|p| p.in_messages())
            .collect()
    }

    /// The placeholders of text messages.
    pub fn for_sms() -> Vec<Placeholder> {
        Self::ALL.iter().copied().filter(|p| p.in_sms()).collect()
    }
}

/// The names written between braces in `text`, in order of appearance, or a
/// message if a brace is not closed.
pub fn names_in(text: &str) -> Result<Vec<&str>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let end = after
            .find('}')
            .filter(|&end| !after[..end].contains('{'))
            .ok_or_else(|| "占位符缺少右花括号 }".to_owned())?;
        out.push(&after[..end]);
        rest = &after[end + 1..];
    }
    Ok(out)
}

/// What is wrong with the placeholders of `text` for a template whose allowed
/// placeholders are those for which `allowed` is true: unknown names, names not
/// allowed there (`why_not` says why), an unclosed brace. Each problem once.
pub fn problems(text: &str, allowed: fn(Placeholder) -> bool, why_not: &str) -> Vec<String> {
    let names = match names_in(text) {
        Ok(names) => names,
        Err(e) => return vec![e],
    };
    let mut out: Vec<String> = Vec::new();
    for name in names {
        let p = match Placeholder::parse(name) {
            Some(p) if allowed(p) => continue,
            Some(_) => format!("不能使用占位符 {{{name}}}{why_not}"),
            None => format!("未知的占位符 {{{name}}}"),
        };
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

/// Fills `{名称}` placeholders from `values`; a name without a value (or not a
/// placeholder at all) is left as written, so that a gap shows on the page
/// instead of vanishing.
pub fn fill(text: &str, values: &Values) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let value = after
            .find('}')
            .and_then(|end| Some((end, values.get(&Placeholder::parse(&after[..end])?)?)));
        match value {
            Some((end, v)) => {
                out.push_str(v);
                rest = &after[end + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_each_is_used_somewhere() {
        let mut codes: Vec<&str> = Placeholder::ALL.iter().map(|p| p.as_str()).collect();
        codes.sort_unstable();
        let n = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), n, "two placeholders share a name");
        for p in Placeholder::ALL {
            assert!(p.in_documents() || p.in_messages(), "{p:?} is used nowhere");
            assert!(!p.in_sms() || p.in_messages(), "{p:?}");
        }
        assert!(Placeholder::Number.in_documents() && Placeholder::Number.in_sms());
        assert!(!Placeholder::Note.in_sms() && Placeholder::Note.in_messages());
        assert!(
            !Placeholder::IdNumber.in_messages(),
            "ID numbers never go out in a message"
        );
    }

    #[test]
    fn filling_leaves_gaps_and_typos_visible() {
        let mut v = Values::new();
        v.insert(Placeholder::Applicant, "李秀英".into());
        v.insert(Placeholder::Number, "叶法援申〔2024〕15号".into());
        assert_eq!(
            fill("{申请人}：{编号}，{期限}{申请人x}{", &v),
            "李秀英：叶法援申〔2024〕15号，{期限}{申请人x}{"
        );
    }

    #[test]
    fn problems_name_what_is_wrong_once() {
        assert!(problems("{姓名}{编号}", Placeholder::in_sms, "").is_empty());
        assert_eq!(
            problems(
                "{说明}{说明}{名字}",
                Placeholder::in_sms,
                "（短信不含案情）"
            ),
            vec![
                "不能使用占位符 {说明}（短信不含案情）".to_owned(),
                "未知的占位符 {名字}".to_owned()
            ]
        );
        assert_eq!(
            problems("{编号", Placeholder::in_documents, ""),
            vec!["占位符缺少右花括号 }".to_owned()]
        );
    }
}
