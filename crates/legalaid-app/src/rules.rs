//! The rules in force and the working-day calendar: seeded from the shipped data
//! at first start, read by the intake use cases, maintained by administrators.

use crate::{App, AppError, AppResult, Ctx, audit, policy};
use chrono::{Datelike, NaiveDate};
use legalaid_domain::audit::AuditAction;
use legalaid_domain::calendar::{CalendarDay, SHIPPED_CSV, WorkCalendar};
use legalaid_domain::deadline::{DeadlineRule, PeriodUnit};
use legalaid_domain::rules::{ExemptionRule, HardshipStandard, MatterRule, RuleBook};
use legalaid_domain::{FieldError, Validation};
use legalaid_store::rules as store;
use serde::{Deserialize, Serialize};

/// Stores the shipped rules and calendar on a database that has none. Idempotent.
pub async fn seed(app: &App) -> AppResult<bool> {
    {
        let mut tx = app.store.read().await?;
        if store::is_seeded(&mut tx).await? {
            return Ok(false);
        }
    }
    let book = RuleBook::shipped().map_err(AppError::Internal)?;
    let cal = WorkCalendar::from_csv(SHIPPED_CSV).map_err(AppError::Internal)?;
    let days: Vec<CalendarDay> = SHIPPED_CSV
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut f = l.splitn(3, ',');
            Some(CalendarDay {
                date: NaiveDate::parse_from_str(f.next()?, "%Y-%m-%d").ok()?,
                kind: legalaid_domain::calendar::DayKind::parse(f.next()?)?,
                name: f.next().unwrap_or_default().to_owned(),
            })
        })
        .collect();
    let ctx = Ctx::system("seed");
    let mut tx = app.store.write().await?;
    if store::is_seeded(&mut tx).await? {
        return Ok(false);
    }
    for m in &book.matters {
        store::insert_matter(&mut tx, m).await?;
    }
    for e in &book.exemptions {
        store::insert_exemption(&mut tx, e).await?;
    }
    for s in &book.standards {
        store::insert_standard(&mut tx, s).await?;
    }
    for d in &book.deadlines {
        store::insert_deadline(&mut tx, d).await?;
    }
    for year in cal.years() {
        let of_year: Vec<CalendarDay> = days
            .iter()
            .filter(|d| d.date.year() == year)
            .cloned()
            .collect();
        store::insert_year(
            &mut tx,
            year,
            "国务院办公厅部分节假日安排通知（随系统提供）",
            &of_year,
        )
        .await?;
    }
    let summary = serde_json::json!({
        "matters": book.matters.len(), "exemptions": book.exemptions.len(),
        "hardship_standards": book.standards.len(), "deadline_rules": book.deadlines.len(),
        "calendar_years": cal.years().collect::<Vec<_>>(),
    });
    audit::record(
        app,
        &mut tx,
        &ctx,
        AuditAction::RulesSeed,
        "shipped",
        None::<&()>,
        Some(&summary),
    )
    .await?;
    changed(&mut tx).await?;
    tx.commit().await?;
    Ok(true)
}

pub(crate) use crate::in_force::changed;
pub use crate::in_force::{InForce, in_force};

pub async fn rulebook(app: &App) -> AppResult<RuleBook> {
    let mut tx = app.store.read().await?;
    Ok(in_force(app, &mut tx).await?.rules.as_ref().clone())
}

pub async fn calendar(app: &App) -> AppResult<(WorkCalendar, Vec<CalendarDay>)> {
    let mut tx = app.store.read().await?;
    Ok(store::calendar(&mut tx).await?)
}

/// What the administrators are told about the calendar as of today: the current
/// year missing (always), or the next year missing from the warning day of the
/// settings (1 November by default). `None` when nothing is missing.
pub async fn calendar_warning(app: &App) -> AppResult<Option<String>> {
    let today = legalaid_domain::local_date(app.clock.now());
    let year = today.year();
    let (cal, _) = calendar(app).await?;
    let has = |y: i32| cal.years().any(|c| c == y);
    if !has(year) {
        return Ok(Some(format!(
            "{year}年节假日安排尚未录入：期间跨入{year}年的期限暂按周末推算，标为“暂定”。请尽快录入国务院办公厅发布的{year}年放假安排。"
        )));
    }
    let settings = crate::settings::get(app).await?;
    let from = crate::settings::warning_day(&settings, year);
    if !has(year + 1) && from.is_some_and(|d| today >= d) {
        let next = year + 1;
        return Ok(Some(format!(
            "{next}年节假日安排尚未录入：期间跨入{next}年的期限将暂按周末推算，标为“暂定”。国务院办公厅发布{next}年放假安排后，请及时录入。"
        )));
    }
    Ok(None)
}

/// The answer of the public deadline check.
#[derive(Debug, Clone, Serialize)]
pub struct DeadlineCheck {
    pub start: NaiveDate,
    pub length: u32,
    pub unit: PeriodUnit,
    /// The last day on which the act is in time.
    pub due: NaiveDate,
    /// The plain count landed on a rest day and moved to the next working day.
    pub rolled_over: bool,
    /// The period runs into this year, whose holidays are not entered yet: the due
    /// date is provisional (暂定), counted with weekends only.
    pub provisional: Option<i32>,
    pub explanation: String,
}

/// When a period of `length` days that started on `start` ends: calendar days move
/// a last day on a rest day to the next working day (Civil Code art 203); working
/// days skip rest days and count adjusted working days (调休).
pub async fn check_deadline(
    app: &App,
    start: NaiveDate,
    length: u32,
    unit: PeriodUnit,
) -> AppResult<DeadlineCheck> {
    if unit == PeriodUnit::Hours {
        return Err(AppError::field(
            "unit",
            "请使用 calendar（日）或 working（工作日）",
        ));
    }
    if !(1..=366).contains(&length) {
        return Err(AppError::field("days", "天数应在1至366之间"));
    }
    let (cal, _) = calendar(app).await?;
    let rule = DeadlineRule {
        code: "check".into(),
        label: "期限计算".into(),
        length,
        unit,
        roll_over_rest_days: true,
        source: "《民法典》第二百零一条、第二百零三条".into(),
        effective_from: legalaid_domain::deadline::legal_aid_law_in_force(),
    };
    let start_time = start
        .and_hms_opt(12, 0, 0)
        .ok_or_else(|| AppError::field("start", "日期无效"))?;
    let (due, provisional) = rule
        .due_or_provisional(start_time, &[], &cal)
        .map_err(|gap| AppError::field("start", gap.to_string()))?;
    let due = due.date();
    let plain = start + chrono::Duration::days(i64::from(length));
    let rolled_over = unit == PeriodUnit::CalendarDays && due != plain;
    let mut explanation = match unit {
        PeriodUnit::CalendarDays if rolled_over => format!(
            "自{start}的次日起算{length}日，期间届满日{plain}为休息日，顺延至其后第一个工作日{due}（《民法典》第二百零一条、第二百零三条）。"
        ),
        PeriodUnit::CalendarDays => {
            format!("自{start}的次日起算{length}日，于{due}届满（《民法典》第二百零一条）。")
        }
        _ => format!(
            "自{start}的次日起算{length}个工作日（不含法定节假日和休息日，含调休工作日），于{due}届满。"
        ),
    };
    if let Some(year) = provisional {
        explanation.push_str(&format!(
            "{year}年节假日安排尚未录入，暂按周末推算，届满日为暂定日期，录入后以录入的安排为准。"
        ));
    }
    Ok(DeadlineCheck {
        start,
        length,
        unit,
        due,
        rolled_over,
        provisional,
        explanation,
    })
}

/// A new hardship standard for a city from a date on (administrators).
#[derive(Debug, Clone, Deserialize)]
pub struct StandardInput {
    pub city_code: String,
    pub city: String,
    pub effective_from: Option<NaiveDate>,
    pub dibao_monthly_fen: Option<i64>,
    pub multiplier: Option<i64>,
    pub source: String,
    #[serde(default)]
    pub note: String,
}

pub async fn add_standard(app: &App, ctx: &Ctx, i: &StandardInput) -> AppResult<HardshipStandard> {
    policy::ensure_manage_regions(ctx)?;
    let mut v = Validation::new();
    if i.city_code.len() != 4 || !i.city_code.bytes().all(|b| b.is_ascii_digit()) {
        v.add("city_code", "设区的市行政区划代码应为4位数字");
    }
    let city = v.text("city", &i.city, "城市名称", 20);
    let source = v.text("source", &i.source, "依据", 200);
    let note = v.optional_text("note", &i.note, "说明", 200);
    if i.effective_from.is_none() {
        v.add("effective_from", "请填写生效日期");
    }
    if i.dibao_monthly_fen.is_none_or(|f| f <= 0) {
        v.add(
            "dibao_monthly_fen",
            "最低生活保障标准应为正数（单位：分/月）",
        );
    }
    if i.multiplier.is_none_or(|m| !(1..=10).contains(&m)) {
        v.add("multiplier", "倍数应在1至10之间");
    }
    let (Some(effective_from), Some(dibao), Some(multiplier), true) = (
        i.effective_from,
        i.dibao_monthly_fen,
        i.multiplier,
        v.is_empty(),
    ) else {
        return Err(AppError::Validation(v.errors().to_vec()));
    };
    let s = HardshipStandard {
        city_code: i.city_code.clone(),
        city,
        effective_from,
        dibao_monthly_fen: dibao,
        multiplier,
        source,
        note,
    };
    let mut tx = app.store.write().await?;
    store::insert_standard(&mut tx, &s)
        .await
        .map_err(|e| match e {
            legalaid_store::StoreError::Duplicate(_) => {
                AppError::field("effective_from", "该城市在这一日期已有标准")
            }
            e => e.into(),
        })?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::RulesAddHardshipStandard,
        format!("{}@{}", s.city_code, s.effective_from),
        None::<&()>,
        Some(&s),
    )
    .await?;
    changed(&mut tx).await?;
    tx.commit().await?;
    Ok(s)
}

/// Enters a year's holiday arrangement: `text` is the State Council notice as
/// published, or one day per line (`legalaid_domain::holiday_notice`).
pub async fn add_calendar_year(
    app: &App,
    ctx: &Ctx,
    year: i32,
    source: &str,
    text: &str,
) -> AppResult<usize> {
    policy::ensure_manage_regions(ctx)?;
    let mut errs: Vec<FieldError> = Vec::new();
    if !(2000..=2100).contains(&year) {
        errs.push(FieldError {
            field: "year".into(),
            message: "年份应在2000至2100之间".into(),
        });
    }
    if source.trim().is_empty() {
        errs.push(FieldError {
            field: "source".into(),
            message: "请填写依据（如国务院办公厅通知的文号）".into(),
        });
    }
    let days = match legalaid_domain::holiday_notice::parse(year, text) {
        Ok(days) => days,
        Err(lines) => {
            let mut message = lines
                .iter()
                .take(10)
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("；");
            if lines.len() > 10 {
                message.push_str(&format!("；另有{}行有误", lines.len() - 10));
            }
            errs.push(FieldError {
                field: "days".into(),
                message,
            });
            Vec::new()
        }
    };
    if !errs.is_empty() {
        return Err(AppError::Validation(errs));
    }
    let mut tx = app.store.write().await?;
    if store::has_year(&mut tx, year).await? {
        return Err(AppError::field(
            "year",
            format!("{year}年的节假日安排已录入"),
        ));
    }
    store::insert_year(&mut tx, year, source.trim(), &days).await?;
    // The provisional dates in the year are counted again, now with its holidays.
    crate::queues::recount_provisional(&mut tx, year).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::CalendarAddYear,
        year,
        None::<&()>,
        Some(&serde_json::json!({ "source": source.trim(), "days": days.len() })),
    )
    .await?;
    changed(&mut tx).await?;
    tx.commit().await?;
    crate::queues::track_pending(app).await?;
    Ok(days.len())
}

/// The day after today (China time): the earliest a new rule version may take effect.
pub fn tomorrow(app: &App) -> NaiveDate {
    let today = legalaid_domain::local_date(app.clock.now());
    today.succ_opt().unwrap_or(today)
}

/// Changes a deadline rule (system administrators): a new version of its length,
/// unit, rollover and source, governing the periods that start on or after its
/// effective date, which is tomorrow or later; running periods keep their version,
/// and with it their due dates. A version not yet in effect may be corrected.
pub async fn update_deadline(app: &App, ctx: &Ctx, d: &DeadlineRule) -> AppResult<DeadlineRule> {
    policy::ensure_manage_regions(ctx)?;
    let mut v = Validation::new();
    let label = v.text("label", &d.label, "事项", 100);
    let source = v.text("source", &d.source, "依据", 200);
    if !(1..=366).contains(&d.length) {
        v.add("length", "期限长度应在1至366之间");
    }
    let today = legalaid_domain::local_date(app.clock.now());
    if d.effective_from <= today {
        v.add(
            "effective_from",
            "生效日期应晚于今天：已经开始计算的期间仍按原规则计算",
        );
    }
    if !v.is_empty() {
        return Err(AppError::Validation(v.errors().to_vec()));
    }
    let book = rulebook(app).await?;
    let before = book
        .deadline_at(&d.code, d.effective_from)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let after = DeadlineRule {
        label,
        source,
        ..d.clone()
    };
    let mut tx = app.store.write().await?;
    store::put_deadline_version(&mut tx, &after).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::RulesUpdateDeadline,
        &after.code,
        Some(&before),
        Some(&after),
    )
    .await?;
    changed(&mut tx).await?;
    tx.commit().await?;
    Ok(after)
}

fn check_code(v: &mut Validation, code: &str) -> String {
    let c = code.trim().to_owned();
    if c.is_empty()
        || c.len() > 50
        || !c
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        v.add(
            "code",
            "代码应为小写字母、数字和下划线（如 labor_remuneration）",
        );
    }
    c
}

fn check_province(v: &mut Validation, p: &Option<String>) -> Option<String> {
    let p = p.as_deref().map(str::trim).filter(|p| !p.is_empty())?;
    if p.len() != 2 || !p.bytes().all(|b| b.is_ascii_digit()) {
        v.add("province", "省级行政区划代码应为2位数字（全国适用的留空）");
    }
    Some(p.to_owned())
}

/// Adds a matter to the scope from a date on (a new version of an existing code
/// supersedes the old one from its date). System administrators.
pub async fn add_matter(app: &App, ctx: &Ctx, m: &MatterRule) -> AppResult<MatterRule> {
    policy::ensure_manage_regions(ctx)?;
    let mut v = Validation::new();
    let code = check_code(&mut v, &m.code);
    let label = v.text("label", &m.label, "事项", 100);
    let basis = v.text("basis", &m.basis, "依据", 200);
    let province = check_province(&mut v, &m.province);
    if m.effective_to.is_some_and(|t| t < m.effective_from) {
        v.add("effective_to", "失效日期不能早于生效日期");
    }
    if !v.is_empty() {
        return Err(AppError::Validation(v.errors().to_vec()));
    }
    let rule = MatterRule {
        code,
        label,
        basis,
        province,
        ..m.clone()
    };
    let mut tx = app.store.write().await?;
    store::insert_matter(&mut tx, &rule)
        .await
        .map_err(|e| match e {
            legalaid_store::StoreError::Duplicate(_) => {
                AppError::field("effective_from", "该事项在这一日期已有规定")
            }
            e => e.into(),
        })?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::RulesAddMatter,
        &rule.code,
        None::<&()>,
        Some(&rule),
    )
    .await?;
    changed(&mut tx).await?;
    tx.commit().await?;
    Ok(rule)
}

pub async fn add_exemption(app: &App, ctx: &Ctx, e: &ExemptionRule) -> AppResult<ExemptionRule> {
    policy::ensure_manage_regions(ctx)?;
    let mut v = Validation::new();
    let code = check_code(&mut v, &e.code);
    let label = v.text("label", &e.label, "情形", 100);
    let basis = v.text("basis", &e.basis, "依据", 200);
    let province = check_province(&mut v, &e.province);
    if e.effective_to.is_some_and(|t| t < e.effective_from) {
        v.add("effective_to", "失效日期不能早于生效日期");
    }
    if !v.is_empty() {
        return Err(AppError::Validation(v.errors().to_vec()));
    }
    let rule = ExemptionRule {
        code,
        label,
        basis,
        province,
        ..e.clone()
    };
    let mut tx = app.store.write().await?;
    store::insert_exemption(&mut tx, &rule)
        .await
        .map_err(|e| match e {
            legalaid_store::StoreError::Duplicate(_) => {
                AppError::field("effective_from", "该情形在这一日期已有规定")
            }
            e => e.into(),
        })?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::RulesAddExemption,
        &rule.code,
        None::<&()>,
        Some(&rule),
    )
    .await?;
    changed(&mut tx).await?;
    tx.commit().await?;
    Ok(rule)
}

/// Ends a matter (`kind` = matter) or an exemption (`kind` = exemption) on a date.
pub async fn end_rule(
    app: &App,
    ctx: &Ctx,
    kind: &str,
    code: &str,
    province: Option<&str>,
    on: NaiveDate,
) -> AppResult<u64> {
    policy::ensure_manage_regions(ctx)?;
    let mut tx = app.store.write().await?;
    let (n, action) = match kind {
        "matter" => (
            store::end_matter(&mut tx, code, province, on).await?,
            AuditAction::RulesEndMatter,
        ),
        "exemption" => (
            store::end_exemption(&mut tx, code, province, on).await?,
            AuditAction::RulesEndExemption,
        ),
        _ => return Err(AppError::NotFound),
    };
    if n == 0 {
        return Err(AppError::NotFound);
    }
    audit::record(
        app,
        &mut tx,
        ctx,
        action,
        code,
        None::<&()>,
        Some(&serde_json::json!({ "province": province, "effective_to": on })),
    )
    .await?;
    changed(&mut tx).await?;
    tx.commit().await?;
    Ok(n)
}
