use legalaid_domain::FieldError;
use legalaid_store::StoreError;

/// The one application error. The web layer maps each variant to a fixed status:
/// Validation 422, Conflict 409, NotFound 404, Forbidden 403, Unauthenticated 401,
/// TooManyRequests 429, Unavailable 503, Internal 500.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("输入有误")]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    Conflict(String),
    /// A unique key refused the write (409), naming the field where there is one.
    #[error("{message}")]
    Duplicate { field: String, message: String },
    #[error("记录不存在")]
    NotFound,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Unauthenticated(String),
    #[error("尝试次数过多，请{retry_after_secs}秒后再试")]
    TooManyRequests { retry_after_secs: u64 },
    /// A limit of the public portal was reached (429), said in its own words.
    #[error("{message}")]
    Limited {
        message: String,
        retry_after_secs: u64,
    },
    /// Too many requests of a costly kind at once (sign-ins): 503 with Retry-After.
    #[error("登录请求较多，系统繁忙，请{retry_after_secs}秒后再试")]
    Busy { retry_after_secs: u64 },
    #[error("数据库暂时不可用，请稍后再试")]
    Unavailable(String),
    /// Something the server needs is not installed or configured (the message says
    /// what, for the operator and the user alike): 503.
    #[error("{0}")]
    NotAvailable(String),
    /// Details are logged by the web layer, never shown.
    #[error("系统内部错误")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError {
            field: field.to_owned(),
            message: message.into(),
        }])
    }
    pub fn forbidden() -> Self {
        AppError::Forbidden("您没有执行此操作的权限".into())
    }
}

/// The longest written reason or opinion (理由, 意见) a step takes, in characters.
pub const MAX_REASON_CHARS: usize = 4000;

/// Refuses a written reason longer than [`MAX_REASON_CHARS`] (after trimming) as a
/// field error: "`label`不能超过4000字".
pub(crate) fn check_reason_length(field: &str, text: &str, label: &str) -> AppResult<()> {
    if text.trim().chars().count() > MAX_REASON_CHARS {
        return Err(AppError::field(
            field,
            format!("{label}不能超过{MAX_REASON_CHARS}字"),
        ));
    }
    Ok(())
}

/// A written reason the step requires: trimmed, refused when empty (`missing`)
/// or longer than [`MAX_REASON_CHARS`] ("`label`不能超过4000字"), as field errors.
pub(crate) fn required_reason<'a>(
    field: &str,
    text: &'a str,
    missing: &str,
    label: &str,
) -> AppResult<&'a str> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::field(field, missing));
    }
    check_reason_length(field, text, label)?;
    Ok(text)
}

impl From<Vec<FieldError>> for AppError {
    fn from(e: Vec<FieldError>) -> Self {
        AppError::Validation(e)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::VersionConflict => {
                AppError::Conflict("该记录已被他人修改，请刷新后重新编辑".into())
            }
            StoreError::Duplicate(what) => {
                let (field, message) = duplicate(&what);
                AppError::Duplicate {
                    field: field.to_owned(),
                    message: message.to_owned(),
                }
            }
            StoreError::Reference { column, missing } => match (column.is_empty(), missing) {
                (false, true) => AppError::field(&column, "引用的记录不存在"),
                (true, true) => AppError::Validation(vec![FieldError {
                    field: "body".into(),
                    message: "引用的记录不存在".into(),
                }]),
                _ => AppError::Conflict("该记录仍被其他记录引用，不能删除".into()),
            },
            StoreError::NotFound => AppError::NotFound,
            StoreError::Contention => {
                AppError::Conflict("与同时进行的其他操作冲突，未作修改，请重试".into())
            }
            StoreError::Unavailable(m) => AppError::Unavailable(m),
            StoreError::Corrupt(m) | StoreError::Db(m) => AppError::Internal(m),
        }
    }
}

/// What each unique key protects: the constraint's name (PostgreSQL) or the
/// columns it lists (SQLite's "UNIQUE constraint failed: table.column"), the field
/// it concerns and the sentence for the user.
const UNIQUE_KEYS: &[(&str, &str, &str, &str)] = &[
    // Supervision (migration 0026).
    (
        "supervision_rules_effective_from_key",
        "supervision_rules.effective_from",
        "effective_from",
        "该日已有一条统计口径，请换一个生效日期",
    ),
    // Outreach (migration 0023).
    (
        "duty_rosters_duty_date_staff_id_key",
        "duty_rosters.duty_date, duty_rosters.staff_id",
        "staff_id",
        "该律师当日已安排在其他工作站值班",
    ),
    (
        "consultations_application",
        "consultations.application_id",
        "application_id",
        "该申请已由另一条咨询转来",
    ),
    (
        "duty_subsidy_rates_host_basis_help_kind_effective_from_key",
        "duty_subsidy_rates.host, duty_subsidy_rates.basis, duty_subsidy_rates.help_kind, duty_subsidy_rates.effective_from",
        "effective_from",
        "该日期已有同一类别的值班补贴标准",
    ),
    // Surveys (issue 11).
    (
        "survey_answers_code_id_key",
        "survey_answers.code_id",
        "code",
        "该问卷已经提交过了，每个二维码（链接）只能填写一次。感谢您的参与！",
    ),
    (
        "survey_campaigns_region_code_title_key",
        "survey_campaigns.region_code, survey_campaigns.title",
        "title",
        "本辖区已有同名的调查",
    ),
    (
        "survey_instruments_code_version_key",
        "survey_instruments.code, survey_instruments.version",
        "code",
        "该问卷的这一版本已由他人保存，请刷新后重试",
    ),
    (
        "excellent_selections_region_code_title_key",
        "excellent_selections.region_code, excellent_selections.title",
        "title",
        "本辖区已有同名的优秀案例评选",
    ),
    (
        "excellent_nominations_open",
        "excellent_nominations.selection_id, excellent_nominations.case_id",
        "case_id",
        "该案件已推荐参加本次评选",
    ),
    (
        "excellent_scores_nomination_id_expert_id_key",
        "excellent_scores.nomination_id, excellent_scores.expert_id",
        "judge_id",
        "该评委已对本案提交评分",
    ),
    (
        "excellent_judges_pkey",
        "excellent_judges.selection_id, excellent_judges.expert_id",
        "judges",
        "评委重复",
    ),
    (
        "excellent_assignments_pkey",
        "excellent_assignments.nomination_id, excellent_assignments.expert_id",
        "judges",
        "该评委已被分配评审本案",
    ),
    (
        "rating_rules_pkey",
        "rating_rules.effective_from",
        "effective_from",
        "该日期已有质量评价规则的版本",
    ),
    (
        "visit_plans_case_id_timing_key",
        "visit_plans.case_id, visit_plans.timing",
        "case_id",
        "该案件已有同一时段的回访计划，请刷新后查看",
    ),
    (
        "opinion_letters_open",
        "opinion_letters.case_id, opinion_letters.organ",
        "organ",
        "该案件已向该机关发出征询意见函，尚未回复",
    ),
    (
        "reviews_round_id_case_id_key",
        "reviews.round_id, reviews.case_id",
        "round_id",
        "该批次已抽取案卷，请刷新后查看",
    ),
    (
        "review_sheets_expert",
        "review_sheets.review_id, review_sheets.expert_id",
        "expert_id",
        "该专家已提交本案卷的评分",
    ),
    (
        "review_assignments_pkey",
        "review_assignments.review_id, review_assignments.expert_id",
        "expert_id",
        "该专家已被指派评查本案卷",
    ),
    (
        "scoring_schemes_code_version_key",
        "scoring_schemes.code, scoring_schemes.version",
        "code",
        "该评分标准已有更新的版本，请刷新后在最新版本上修改",
    ),
    (
        "scoring_schemes_current",
        "scoring_schemes.code",
        "code",
        "该评分标准已有更新的版本，请刷新后在最新版本上修改",
    ),
    (
        "experts_user",
        "experts.user_id",
        "user_id",
        "该账号已登记为评查专家",
    ),
    (
        "experts_staff",
        "experts.staff_id",
        "staff_id",
        "该人员已在专家库中",
    ),
    (
        "cases_first_stage_uq",
        "cases.application_id",
        "application_id",
        "该申请已立案；刑事案件的后续阶段请在案件页面“进入下一阶段”",
    ),
    (
        "cases_next_stage_uq",
        "cases.previous_case_id",
        "previous_case_id",
        "下一阶段已立案",
    ),
    (
        "cases_application_stage_uq",
        "cases.application_id, cases.stage",
        "stage",
        "该申请在此诉讼阶段已立案",
    ),
    (
        "cases_subsidy_voucher_uq",
        "cases.subsidy_voucher",
        "subsidy_voucher",
        "补贴领款凭单编号重复",
    ),
    (
        "cases_number_key",
        "cases.number",
        "number",
        "案件编号重复，请重试",
    ),
    (
        "applications_number_key",
        "applications.number",
        "number",
        "申请编号重复，请重试",
    ),
    (
        "case_assignments_current_uq",
        "case_assignments.case_id",
        "case_id",
        "该案件已有指派，请刷新后查看",
    ),
    (
        "case_replacements_pending_uq",
        "case_replacements.case_id",
        "case_id",
        "该案件已有待审批的更换承办人申请",
    ),
    (
        "objections_pending_application_uq",
        "objections.application_id",
        "application_id",
        "已有尚未处理的异议",
    ),
    (
        "objections_pending_case_uq",
        "objections.case_id",
        "case_id",
        "已有尚未处理的异议",
    ),
    (
        "application_pauses_open_uq",
        "application_pauses.application_id",
        "application_id",
        "已有尚未答复的补充材料通知",
    ),
    (
        "subsidy_entries_key_uq",
        "subsidy_entries.",
        "effective_from",
        "同一生效日期已有相同的补贴标准",
    ),
    (
        "persons_id_number_hash_key",
        "persons.id_number_hash",
        "id_number",
        "该证件号码已登记",
    ),
    (
        "users_username_key",
        "users.username",
        "username",
        "用户名已被使用",
    ),
    ("units_name_key", "units.name", "name", "已有同名单位"),
    ("regions_pkey", "regions.code", "code", "该区划代码已存在"),
    (
        "calendar_years_pkey",
        "calendar_years.year",
        "year",
        "该年度的工作日历已录入",
    ),
    (
        "calendar_days_pkey",
        "calendar_days.day",
        "day",
        "该日期已录入",
    ),
    (
        "matter_rules_code_province_effective_from_key",
        "matter_rules.",
        "effective_from",
        "同一生效日期已有该事项范围规则",
    ),
    (
        "exemption_rules_code_province_effective_from_key",
        "exemption_rules.",
        "effective_from",
        "同一生效日期已有该免予核查情形",
    ),
    (
        "hardship_standards_city_code_effective_from_key",
        "hardship_standards.",
        "effective_from",
        "同一生效日期已有该地经济困难标准",
    ),
    (
        "deadline_rules_pkey",
        "deadline_rules.code",
        "code",
        "该期限规则已存在",
    ),
    (
        "document_templates_pkey",
        "document_templates.kind",
        "kind",
        "该文书模板已存在",
    ),
    (
        "issued_documents_number",
        "issued_documents.kind, issued_documents.number",
        "number_format",
        "该文号已被同类文书使用，请检查文书模板的文号格式（是否含 {year}）",
    ),
    (
        "message_templates_pkey",
        "message_templates.",
        "kind",
        "该消息模板已存在",
    ),
    (
        "targets_pkey",
        "targets.",
        "year",
        "该单位该年度的目标已设定",
    ),
    ("user_roles_pkey", "user_roles.", "roles", "角色重复"),
    (
        "supervision_orders_open",
        "supervision_orders.",
        "indicator",
        "该单位本年度的此项督办尚未办结",
    ),
];

/// The field and sentence for a unique key's refusal (see [`UNIQUE_KEYS`]).
pub(crate) fn duplicate(what: &str) -> (&'static str, &'static str) {
    let by_name = UNIQUE_KEYS.iter().find(|k| what == k.0);
    // SQLite lists the columns; the longest listing that matches is the most precise.
    let by_columns = || {
        UNIQUE_KEYS
            .iter()
            .filter(|k| what.contains(k.1))
            .max_by_key(|k| k.1.len())
    };
    by_name
        .or_else(by_columns)
        .map_or(("", "记录重复，请刷新后查看"), |k| (k.2, k.3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_keys_name_their_field_on_both_backends() {
        assert_eq!(duplicate("cases_first_stage_uq").0, "application_id");
        assert_eq!(
            duplicate("UNIQUE constraint failed: cases.application_id").1,
            duplicate("cases_first_stage_uq").1
        );
        assert_eq!(
            duplicate("UNIQUE constraint failed: cases.application_id, cases.stage").0,
            "stage"
        );
        assert_eq!(
            duplicate("UNIQUE constraint failed: persons.id_number_hash").0,
            "id_number"
        );
        assert_eq!(
            duplicate("something_else_key"),
            ("", "记录重复，请刷新后查看")
        );
    }
}
