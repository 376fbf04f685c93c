//! Surveys of public opinion (社情民意调查) on legal aid: awareness (知晓率) and
//! satisfaction (满意度), quality-supervision-outreach §6.2.
//!
//! An instrument (调查问卷) is data, kept in versions: its questions with their
//! answer types and options, when a question is asked (S2–S6 only after "接受过
//! 法律援助"), and the two rules that turn answers into the rates, each with the
//! definition printed on the report. A campaign binds one version, so changing
//! the questionnaire never changes the meaning of answers already given.
//!
//! The shipped instrument ([`shipped`], `data/surveys/default.json`) is the
//! [DERIVED] instrument of §6.2, built from Changzhou 2021 and Jinan 2013 (T30)
//! and the Zhejiang evaluation items (§2.3); it is marked as an example.

use crate::validation::{FieldError, Validation};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

code_enum!(
    /// How a question is answered.
    QuestionKind {
        Single => ("single", "单选"),
        Multiple => ("multiple", "多选"),
        Text => ("text", "文字"),
        /// The respondent's township or street (乡镇、街道), chosen from the
        /// campaign's townships: the region tree below the organiser's district.
        Township => ("township", "所在乡镇（街道）"),
    }
);

code_enum!(
    /// How an answer reached the system.
    AnswerChannel {
        /// From the public through the campaign's link or QR code, one per code.
        PublicCode => ("public_code", "群众扫码或链接作答"),
        /// Entered by staff from a telephone survey.
        Phone => ("phone", "电话调查录入"),
    }
);

/// One option of a choice question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = SurveyChoice))]
pub struct Choice {
    pub code: String,
    pub label: String,
}

/// Answers to `question` that include one of `any_of` (option codes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = SurveyCondition))]
pub struct Condition {
    pub question: String,
    pub any_of: Vec<String>,
}

/// One question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = SurveyQuestion))]
pub struct Question {
    /// Short and stable (`A1`, `S2`): the CSV column and the answers' key.
    pub code: String,
    pub text: String,
    pub kind: QuestionKind,
    /// The options of a single or multiple choice (none for text and township).
    #[serde(default)]
    pub options: Vec<Choice>,
    #[serde(default)]
    pub required: bool,
    /// Where the item comes from (cited on the instrument's page).
    #[serde(default)]
    pub source: String,
    /// Asked only when an earlier answer meets this condition.
    #[serde(default)]
    pub show_if: Option<Condition>,
}

/// Who counts as aware (知晓): every condition met. The share is taken of the
/// answers that answered every question the rule reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AwarenessRule {
    /// In words, printed on the report.
    pub definition: String,
    pub all_of: Vec<Condition>,
}

/// 满意度: of the ratings given on `questions`, the share in `satisfied`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SatisfactionRule {
    /// In words, printed on the report.
    pub definition: String,
    pub questions: Vec<String>,
    pub satisfied: Vec<String>,
}

/// A questionnaire: the data a version stores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = SurveyInstrument))]
pub struct Instrument {
    pub title: String,
    /// Shown above the questions on the answer page.
    #[serde(default)]
    pub intro: String,
    pub questions: Vec<Question>,
    pub awareness: AwarenessRule,
    pub satisfaction: SatisfactionRule,
}

/// Question code → the answer: option codes, one text, or one township code.
pub type Responses = BTreeMap<String, Vec<String>>;

/// The shipped example instrument (§6.2 [DERIVED]).
pub const SHIPPED: &str = include_str!("../data/surveys/default.json");

/// The shipped instrument, parsed and checked.
pub fn shipped() -> Result<Instrument, String> {
    let i: Instrument =
        serde_json::from_str(SHIPPED).map_err(|e| format!("data/surveys/default.json: {e}"))?;
    i.validate().map_err(|e| {
        e.iter()
            .map(|x| format!("{}: {}", x.field, x.message))
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    Ok(i)
}

const MAX_QUESTIONS: usize = 60;
const MAX_OPTIONS: usize = 30;
/// The longest text answer kept.
pub const MAX_TEXT_ANSWER: usize = 500;

fn is_code(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 24
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

impl Instrument {
    pub fn question(&self, code: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.code == code)
    }

    /// The township question (every valid instrument has exactly one).
    pub fn township_question(&self) -> Option<&Question> {
        self.questions
            .iter()
            .find(|q| q.kind == QuestionKind::Township)
    }

    /// Checks the instrument: what is wrong, by field, in words for its editor.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validation::new();
        v.text("title", &self.title, "问卷名称", 100);
        v.optional_text("intro", &self.intro, "问卷说明", 1000);
        if self.questions.is_empty() {
            v.add("questions", "问卷至少应有一个问题");
        }
        if self.questions.len() > MAX_QUESTIONS {
            v.add("questions", format!("问卷最多{MAX_QUESTIONS}个问题"));
        }
        let mut seen: Vec<&str> = Vec::new();
        for (i, q) in self.questions.iter().enumerate() {
            let f = format!("questions[{i}]");
            let name = if q.code.is_empty() {
                format!("第{}题", i + 1)
            } else {
                format!("第{}题（{}）", i + 1, q.code)
            };
            if !is_code(&q.code) {
                v.add(
                    &format!("{f}.code"),
                    format!("{name}的编号应为1至24位字母、数字、下划线或连字符"),
                );
            } else if seen.contains(&q.code.as_str()) {
                v.add(&format!("{f}.code"), format!("{name}的编号重复"));
            }
            let t = q.text.trim();
            if t.is_empty() {
                v.add(&format!("{f}.text"), format!("请填写{name}的题目"));
            } else if t.chars().count() > 300 {
                v.add(&format!("{f}.text"), format!("{name}的题目不能超过300个字"));
            }
            if q.source.chars().count() > 300 {
                v.add(
                    &format!("{f}.source"),
                    format!("{name}的出处不能超过300个字"),
                );
            }
            match q.kind {
                QuestionKind::Single | QuestionKind::Multiple => {
                    if q.options.len() < 2 {
                        v.add(
                            &format!("{f}.options"),
                            format!("{name}是选择题，至少应有两个选项"),
                        );
                    }
                    if q.options.len() > MAX_OPTIONS {
                        v.add(
                            &format!("{f}.options"),
                            format!("{name}最多{MAX_OPTIONS}个选项"),
                        );
                    }
                    let mut codes: Vec<&str> = Vec::new();
                    for o in &q.options {
                        if !is_code(&o.code) {
                            v.add(
                                &format!("{f}.options"),
                                format!("{name}的选项编号“{}”不正确（1至24位字母、数字、下划线或连字符）", o.code),
                            );
                        } else if codes.contains(&o.code.as_str()) {
                            v.add(
                                &format!("{f}.options"),
                                format!("{name}的选项编号“{}”重复", o.code),
                            );
                        }
                        let l = o.label.trim();
                        if l.is_empty() || l.chars().count() > 100 {
                            v.add(
                                &format!("{f}.options"),
                                format!("{name}的选项“{}”应有1至100个字的文字", o.code),
                            );
                        }
                        codes.push(&o.code);
                    }
                }
                QuestionKind::Text | QuestionKind::Township => {
                    if !q.options.is_empty() {
                        v.add(
                            &format!("{f}.options"),
                            format!("{name}是{}题，不设选项", q.kind.label()),
                        );
                    }
                }
            }
            if let Some(c) = &q.show_if {
                match self.questions[..i].iter().find(|p| p.code == c.question) {
                    None => v.add(
                        &format!("{f}.show_if"),
                        format!(
                            "{name}的显示条件应引用它之前的选择题，未找到“{}”",
                            c.question
                        ),
                    ),
                    Some(p) => check_condition(&mut v, &format!("{f}.show_if"), &name, p, c),
                }
            }
            seen.push(&q.code);
        }
        match self
            .questions
            .iter()
            .filter(|q| q.kind == QuestionKind::Township)
            .count()
        {
            1 => {}
            0 => v.add(
                "questions",
                "问卷应有一道“所在乡镇（街道）”题，结果按乡镇统计",
            ),
            _ => v.add("questions", "问卷只能有一道“所在乡镇（街道）”题"),
        }
        // The rates.
        if self.awareness.definition.trim().is_empty() {
            v.add(
                "awareness.definition",
                "请写明知晓率的计算口径（印在报告上）",
            );
        }
        if self.awareness.all_of.is_empty() {
            v.add("awareness.all_of", "请指定计入知晓的回答");
        }
        for c in &self.awareness.all_of {
            match self.question(&c.question) {
                None => v.add(
                    "awareness.all_of",
                    format!("知晓率引用的问题“{}”不存在", c.question),
                ),
                Some(q) => check_condition(&mut v, "awareness.all_of", "知晓率", q, c),
            }
        }
        if self.satisfaction.definition.trim().is_empty() {
            v.add(
                "satisfaction.definition",
                "请写明满意度的计算口径（印在报告上）",
            );
        }
        if self.satisfaction.questions.is_empty() {
            v.add("satisfaction.questions", "请指定计入满意度的问题");
        }
        if self.satisfaction.satisfied.is_empty() {
            v.add("satisfaction.satisfied", "请指定计为满意的选项");
        }
        for code in &self.satisfaction.questions {
            match self.question(code) {
                Some(q) if q.kind == QuestionKind::Single => {
                    for s in &self.satisfaction.satisfied {
                        if !q.options.iter().any(|o| &o.code == s) {
                            v.add(
                                "satisfaction.satisfied",
                                format!("满意度问题“{code}”没有选项“{s}”"),
                            );
                        }
                    }
                }
                Some(_) => v.add(
                    "satisfaction.questions",
                    format!("满意度问题“{code}”应为单选题"),
                ),
                None => v.add(
                    "satisfaction.questions",
                    format!("满意度引用的问题“{code}”不存在"),
                ),
            }
        }
        v.finish(())
    }

    /// Whether `q` is asked, given the answers so far.
    pub fn shown(&self, q: &Question, r: &Responses) -> bool {
        q.show_if.as_ref().is_none_or(|c| meets(r, c))
    }

    /// Checks one respondent's answers against the instrument; `townships` are
    /// the campaign's township codes. Questions not shown are dropped, empty
    /// answers left out. Errors name the question's code.
    pub fn check(
        &self,
        given: &Responses,
        townships: &[String],
    ) -> Result<Responses, Vec<FieldError>> {
        let mut v = Validation::new();
        for code in given.keys() {
            if self.question(code).is_none() {
                v.add("answers", format!("问卷没有问题“{code}”"));
            }
        }
        let mut out = Responses::new();
        for q in &self.questions {
            if !self.shown(q, &out) {
                continue;
            }
            let vals: Vec<String> = given
                .get(&q.code)
                .map(|x| {
                    x.iter()
                        .map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            let label = format!("第{}题", q.code);
            if vals.is_empty() {
                if q.required {
                    v.add(&q.code, format!("请回答{label}：{}", q.text));
                }
                continue;
            }
            match q.kind {
                QuestionKind::Single | QuestionKind::Multiple => {
                    if q.kind == QuestionKind::Single && vals.len() > 1 {
                        v.add(&q.code, format!("{label}只能选一项"));
                        continue;
                    }
                    let mut chosen: Vec<String> = Vec::new();
                    for x in vals {
                        if !q.options.iter().any(|o| o.code == x) {
                            v.add(&q.code, format!("{label}没有这个选项"));
                        } else if !chosen.contains(&x) {
                            chosen.push(x);
                        }
                    }
                    // In the order of the options.
                    chosen.sort_by_key(|c| q.options.iter().position(|o| &o.code == c));
                    out.insert(q.code.clone(), chosen);
                }
                QuestionKind::Text => {
                    let t = vals.join("\n");
                    if t.chars().count() > MAX_TEXT_ANSWER {
                        v.add(&q.code, format!("{label}不能超过{MAX_TEXT_ANSWER}个字"));
                    } else if !crate::validation::is_storable_text(&t) {
                        v.add(&q.code, crate::validation::CONTROL_CHARACTER_MESSAGE);
                    }
                    out.insert(q.code.clone(), vec![t]);
                }
                QuestionKind::Township => {
                    if vals.len() != 1 || !townships.contains(&vals[0]) {
                        v.add(&q.code, format!("请从列表中选择{label}的乡镇（街道）"));
                    }
                    out.insert(q.code.clone(), vals);
                }
            }
        }
        v.finish(out)
    }

    /// The township an answer gives.
    pub fn township_of<'a>(&self, r: &'a Responses) -> Option<&'a str> {
        let q = self.township_question()?;
        r.get(&q.code).and_then(|v| v.first()).map(String::as_str)
    }

    /// Whether the respondent counts as aware; None when a question the rule
    /// reads was not answered (the answer is outside the base).
    pub fn aware(&self, r: &Responses) -> Option<bool> {
        let mut all = true;
        for c in &self.awareness.all_of {
            if r.get(&c.question).is_none_or(Vec::is_empty) {
                return None;
            }
            all &= meets(r, c);
        }
        Some(all)
    }

    /// (ratings counted satisfied, ratings given) on the satisfaction questions.
    pub fn satisfaction(&self, r: &Responses) -> (u32, u32) {
        let mut sat = 0;
        let mut rated = 0;
        for code in &self.satisfaction.questions {
            if let Some(x) = r.get(code).and_then(|v| v.first()) {
                rated += 1;
                if self.satisfaction.satisfied.contains(x) {
                    sat += 1;
                }
            }
        }
        (sat, rated)
    }
}

fn check_condition(v: &mut Validation, field: &str, name: &str, q: &Question, c: &Condition) {
    if !matches!(q.kind, QuestionKind::Single | QuestionKind::Multiple) {
        v.add(
            field,
            format!("{name}的条件应引用选择题，“{}”不是选择题", q.code),
        );
        return;
    }
    if c.any_of.is_empty() {
        v.add(field, format!("{name}的条件未列出选项"));
    }
    for o in &c.any_of {
        if !q.options.iter().any(|x| &x.code == o) {
            v.add(
                field,
                format!("{name}的条件引用的选项“{o}”不在问题“{}”中", q.code),
            );
        }
    }
}

fn meets(r: &Responses, c: &Condition) -> bool {
    r.get(&c.question)
        .is_some_and(|v| v.iter().any(|x| c.any_of.contains(x)))
}

/// A share as a fraction; none without a base.
pub fn rate(part: u32, base: u32) -> Option<f64> {
    (base > 0).then(|| f64::from(part) / f64::from(base))
}

/// The counts behind the rates, for one group of answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tally {
    /// Answers (the sample size).
    pub answers: u32,
    /// Answers in the awareness base (every question the rule reads answered).
    pub awareness_base: u32,
    pub aware: u32,
    /// Ratings given on the satisfaction questions.
    pub ratings: u32,
    pub satisfied: u32,
}

impl Tally {
    pub fn add(&mut self, i: &Instrument, r: &Responses) {
        self.answers += 1;
        if let Some(a) = i.aware(r) {
            self.awareness_base += 1;
            if a {
                self.aware += 1;
            }
        }
        let (s, n) = i.satisfaction(r);
        self.satisfied += s;
        self.ratings += n;
    }
    /// 知晓率.
    pub fn awareness(&self) -> Option<f64> {
        rate(self.aware, self.awareness_base)
    }
    /// 满意度.
    pub fn satisfaction(&self) -> Option<f64> {
        rate(self.satisfied, self.ratings)
    }
}

/// How often each option was chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OptionCount {
    pub code: String,
    pub label: String,
    pub count: u32,
}

/// A choice question's distribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionCount {
    pub code: String,
    pub text: String,
    /// Answers that answered it.
    pub answered: u32,
    pub options: Vec<OptionCount>,
}

/// One campaign's figures, built answer by answer (the caller reads answers in
/// batches, so memory does not grow with the sample).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Results {
    pub overall: Tally,
    /// By township code (an answer without one under "").
    pub by_township: BTreeMap<String, Tally>,
    /// By the unit that collected the answer.
    pub by_unit: BTreeMap<i64, Tally>,
    pub by_channel: BTreeMap<String, Tally>,
    pub questions: Vec<QuestionCount>,
}

impl Results {
    pub fn new(i: &Instrument) -> Self {
        Results {
            overall: Tally::default(),
            by_township: BTreeMap::new(),
            by_unit: BTreeMap::new(),
            by_channel: BTreeMap::new(),
            questions: i
                .questions
                .iter()
                .filter(|q| matches!(q.kind, QuestionKind::Single | QuestionKind::Multiple))
                .map(|q| QuestionCount {
                    code: q.code.clone(),
                    text: q.text.clone(),
                    answered: 0,
                    options: q
                        .options
                        .iter()
                        .map(|o| OptionCount {
                            code: o.code.clone(),
                            label: o.label.clone(),
                            count: 0,
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    pub fn add(&mut self, i: &Instrument, unit: i64, channel: AnswerChannel, r: &Responses) {
        self.overall.add(i, r);
        let town = i.township_of(r).unwrap_or_default().to_owned();
        self.by_township.entry(town).or_default().add(i, r);
        self.by_unit.entry(unit).or_default().add(i, r);
        self.by_channel
            .entry(channel.as_str().to_owned())
            .or_default()
            .add(i, r);
        for q in &mut self.questions {
            let Some(chosen) = r.get(&q.code).filter(|v| !v.is_empty()) else {
                continue;
            };
            q.answered += 1;
            for o in &mut q.options {
                if chosen.contains(&o.code) {
                    o.count += 1;
                }
            }
        }
    }
}

/// A campaign's target sample in one township.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Target {
    /// A township code (GB/T 2260, 9 digits) under the organiser's district.
    pub township: String,
    pub target: u32,
}

/// A campaign as a form or the API gives it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignInput {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub title: String,
    /// The instrument version to use.
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, nullable = false, minimum = 1)
    )]
    pub instrument_id: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    pub starts_on: Option<NaiveDate>,
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    pub ends_on: Option<NaiveDate>,
    /// Target sample per township (townships left out have no target).
    #[serde(default)]
    pub targets: Vec<Target>,
}

/// A validated campaign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Campaign {
    pub title: String,
    pub instrument_id: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub targets: Vec<Target>,
}

/// The longest campaign.
pub const MAX_CAMPAIGN_DAYS: i64 = 366;

impl CampaignInput {
    /// Checks the input; `townships` are the codes a target may name.
    pub fn validate(&self, townships: &[String]) -> Result<Campaign, Vec<FieldError>> {
        let mut v = Validation::new();
        let title = v.text("title", &self.title, "调查名称", 100);
        match self.instrument_id {
            Some(i) if i > 0 => {}
            _ => v.add("instrument_id", "请选择调查问卷"),
        }
        match (self.starts_on, self.ends_on) {
            (None, _) => v.add("starts_on", "请填写开始日期"),
            (_, None) => v.add("ends_on", "请填写结束日期"),
            (Some(s), Some(e)) if e < s => v.add("ends_on", "结束日期不能早于开始日期"),
            (Some(s), Some(e)) if (e - s).num_days() > MAX_CAMPAIGN_DAYS => {
                v.add("ends_on", "调查期间不能超过一年")
            }
            _ => {}
        }
        let mut targets: Vec<Target> = Vec::new();
        for t in &self.targets {
            if !townships.contains(&t.township) {
                v.add(
                    "targets",
                    format!("“{}”不是本辖区的乡镇（街道）", t.township),
                );
            } else if targets.iter().any(|x| x.township == t.township) {
                v.add("targets", format!("乡镇（街道）“{}”重复", t.township));
            } else if t.target > 100_000 {
                v.add("targets", "每个乡镇（街道）的目标样本量不能超过100000");
            } else if t.target > 0 {
                targets.push(t.clone());
            }
        }
        match (self.instrument_id, self.starts_on, self.ends_on) {
            (Some(instrument_id), Some(starts_on), Some(ends_on)) => v.finish(Campaign {
                title,
                instrument_id,
                starts_on,
                ends_on,
                targets,
            }),
            _ => Err(v.errors().to_vec()),
        }
    }
}

/// Whether a campaign takes answers on `today`.
pub fn open_on(starts_on: NaiveDate, ends_on: NaiveDate, today: NaiveDate) -> Result<(), String> {
    if today < starts_on {
        Err(format!("本次调查自{starts_on}开始，请届时再填写"))
    } else if today > ends_on {
        Err(format!("本次调查已于{ends_on}结束，感谢您的关注"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::tests::d;

    fn r(pairs: &[(&str, &[&str])]) -> Responses {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.iter().map(|s| (*s).to_owned()).collect()))
            .collect()
    }

    fn towns() -> Vec<String> {
        vec!["341504001".into(), "341504002".into()]
    }

    #[test]
    fn the_shipped_instrument_is_valid_and_cites_its_sources() {
        let i = shipped().expect("valid");
        assert!(i.questions.len() >= 15);
        assert!(i.township_question().is_some());
        for q in &i.questions {
            assert!(!q.source.is_empty(), "{} cites a source", q.code);
        }
        assert!(i.awareness.definition.contains("知晓率"));
        assert!(i.satisfaction.definition.contains("满意度"));
    }

    #[test]
    fn a_bad_instrument_is_refused_with_its_faults_named() {
        let mut i = shipped().expect("valid");
        i.title = String::new();
        i.questions[1].options.truncate(1);
        i.questions[2].code = i.questions[1].code.clone();
        i.questions.retain(|q| q.kind != QuestionKind::Township);
        i.awareness.all_of[0].any_of.push("nope".into());
        i.satisfaction.questions.push("Z9".into());
        let e = i.validate().expect_err("refused");
        let fields: Vec<&str> = e.iter().map(|x| x.field.as_str()).collect();
        assert!(fields.contains(&"title"), "{e:?}");
        assert!(fields.iter().any(|f| f.ends_with(".options")), "{e:?}");
        assert!(fields.iter().any(|f| f.ends_with(".code")), "{e:?}");
        assert!(e.iter().any(|x| x.message.contains("所在乡镇")), "{e:?}");
        assert!(
            e.iter()
                .any(|x| x.field == "awareness.all_of" && x.message.contains("nope"))
        );
        assert!(e.iter().any(|x| x.message.contains("Z9")));
    }

    #[test]
    fn answers_are_checked_and_hidden_questions_dropped() {
        let i = shipped().expect("valid");
        let ok = i
            .check(
                &r(&[
                    ("D1", &["341504001"]),
                    ("A1", &["fairly"]),
                    ("A2", &["free"]),
                    ("S1", &["no"]),
                    ("S2", &["satisfied"]),
                ]),
                &towns(),
            )
            .expect("valid");
        assert!(!ok.contains_key("S2"), "S2 is asked only of recipients");
        let e = i
            .check(
                &r(&[
                    ("D1", &["341502001"]),
                    ("A1", &["fairly", "very"]),
                    ("Q9", &["x"]),
                ]),
                &towns(),
            )
            .expect_err("invalid");
        let fields: Vec<&str> = e.iter().map(|x| x.field.as_str()).collect();
        assert!(fields.contains(&"D1") && fields.contains(&"A1") && fields.contains(&"answers"));
    }

    #[test]
    fn awareness_and_satisfaction_follow_their_definitions() {
        let i = shipped().expect("valid");
        let mut t = Tally::default();
        // Four respondents: three have heard of legal aid; one recipient rates
        // five items, four of them satisfied or basically satisfied.
        t.add(&i, &r(&[("A1", &["never"])]));
        t.add(&i, &r(&[("A1", &["heard"])]));
        t.add(&i, &r(&[("A1", &["very"])]));
        t.add(
            &i,
            &r(&[
                ("A1", &["fairly"]),
                ("S1", &["yes"]),
                ("S2", &["satisfied"]),
                ("S3", &["basic"]),
                ("S4", &["satisfied"]),
                ("S5", &["dissatisfied"]),
                ("S6", &["satisfied"]),
            ]),
        );
        t.add(&i, &r(&[("D1", &["341504001"])]));
        assert_eq!(t.answers, 5);
        assert_eq!((t.aware, t.awareness_base), (3, 4));
        assert_eq!(t.awareness(), Some(0.75));
        assert_eq!((t.satisfied, t.ratings), (4, 5));
        assert_eq!(t.satisfaction(), Some(0.8));
        assert_eq!(Tally::default().awareness(), None);
    }

    #[test]
    fn a_campaign_needs_a_period_and_known_townships() {
        let ok = CampaignInput {
            title: "2026年法律援助知晓率调查".into(),
            instrument_id: Some(1),
            starts_on: Some(d("2026-03-01")),
            ends_on: Some(d("2026-05-31")),
            targets: vec![Target {
                township: "341504001".into(),
                target: 50,
            }],
        };
        assert_eq!(ok.validate(&towns()).expect("ok").targets.len(), 1);
        let bad = CampaignInput {
            ends_on: Some(d("2026-02-01")),
            targets: vec![Target {
                township: "341502001".into(),
                target: 5,
            }],
            ..ok.clone()
        };
        let e = bad.validate(&towns()).expect_err("bad");
        let fields: Vec<&str> = e.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, ["ends_on", "targets"]);
        assert!(open_on(d("2026-03-01"), d("2026-05-31"), d("2026-02-28")).is_err());
        assert!(open_on(d("2026-03-01"), d("2026-05-31"), d("2026-05-31")).is_ok());
    }
}
