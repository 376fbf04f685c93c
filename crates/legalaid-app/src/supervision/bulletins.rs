//! Bulletins (通报, quality-supervision-outreach §5.2): a bureau supervisor
//! generates a bulletin of a region for a period — its figures frozen as a
//! snapshot from the dashboard, the statistics, consultations, review grades,
//! overdue work and open orders — edits the suggested sections (做法, 问题,
//! 要求), and issues it: it takes a number in its document series, never
//! changes again, and the units of the region are told in their inboxes. The
//! bulletin is a document (PDF, DOCX) built from its snapshot.

use super::{can_keep_rules as can_write, can_view, china_start, dashboard};
use crate::outbox::{self, About};
use crate::{App, AppError, AppResult, Ctx, Page, audit, policy};
use chrono::{Datelike, Duration, NaiveDate};
use legalaid_domain::audit::AuditAction;
use legalaid_domain::case::Grade;
use legalaid_domain::document::{DocKind, Document, date_cn};
use legalaid_domain::notice::MessageKind;
use legalaid_domain::placeholder::{Placeholder as P, Values, fill};
use legalaid_domain::supervision::bulletin::{
    self as domain, BulletinStatus, Count, Sections, Snapshot,
};
use legalaid_domain::unit::UnitKind;
use legalaid_domain::visibility::Scope;
use legalaid_domain::{UnitId, local_date};
use legalaid_store::bulletins as store;
pub use legalaid_store::bulletins::{Bulletin, Line};

/// Whether the caller may generate, edit and issue bulletins.
pub fn can_issue(ctx: &Ctx) -> bool {
    can_write(ctx)
}

/// Whether the caller reads bulletins (the nav link): the supervising side, or
/// a unit the bulletins are addressed to.
pub fn sees_bulletins(ctx: &Ctx) -> bool {
    can_view(ctx) || own_region(ctx).is_some()
}

fn own_region(ctx: &Ctx) -> Option<String> {
    ctx.actor
        .as_ref()
        .and_then(|a| a.unit.as_ref())
        .filter(|u| !matches!(u.kind, UnitKind::LawFirm | UnitKind::LegalServiceOffice))
        .map(|u| u.region_code.to_string())
}

/// What the caller sees: drafts and issued bulletins inside their region
/// (supervising side), issued ones of the regions above their unit.
fn sees(ctx: &Ctx, b: &Bulletin) -> bool {
    let within = match policy::scope(ctx) {
        Scope::All => can_view(ctx),
        Scope::Region(r) => can_view(ctx) && b.region_code.starts_with(r.as_str()),
        _ => false,
    };
    within
        || (b.status == BulletinStatus::Issued
            && own_region(ctx).is_some_and(|own| own.starts_with(&b.region_code)))
}

pub async fn get(app: &App, ctx: &Ctx, id: i64) -> AppResult<Bulletin> {
    let mut tx = app.store.read().await?;
    let b = store::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if !sees(ctx, &b) {
        return Err(AppError::NotFound);
    }
    Ok(b)
}

pub async fn list(app: &App, ctx: &Ctx, page: Page) -> AppResult<(Vec<Line>, i64)> {
    let within = match policy::scope(ctx) {
        Scope::All if can_view(ctx) => Some(String::new()),
        Scope::Region(r) if can_view(ctx) => Some(r.to_string()),
        _ => None,
    };
    let own = own_region(ctx).unwrap_or_default();
    if within.is_none() && own.is_empty() {
        return Err(AppError::forbidden());
    }
    let mut tx = app.store.read().await?;
    Ok(store::list(&mut tx, within.as_deref(), &own, page).await?)
}

/// What a new bulletin is asked for.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct NewBulletin {
    /// A region code; default the caller's region.
    #[serde(default)]
    pub region: Option<String>,
    /// The period's first day (default the first day of `as_of`'s month).
    #[serde(default)]
    pub from: Option<NaiveDate>,
    /// The day the figures are as of (default the last day of last month; not
    /// after today).
    #[serde(default)]
    pub as_of: Option<NaiveDate>,
    /// Default "{year}年{month}月法律援助工作通报".
    #[serde(default)]
    pub title: Option<String>,
}

/// The snapshot of `region` for `from..=as_of`, taken now.
async fn snapshot(
    app: &App,
    ctx: &Ctx,
    region: &str,
    from: NaiveDate,
    as_of: NaiveDate,
) -> AppResult<Snapshot> {
    let d = dashboard(
        app,
        ctx,
        Some(region),
        None,
        Some(as_of.year()),
        Some(as_of),
    )
    .await?;
    let line = |l: &super::Line| domain::Line {
        name: l.name.clone(),
        counted: l.progress.counted,
        target: l.progress.target,
        completion: l.progress.completion,
        gap_points: l.progress.gap_points,
        lagging: l.progress.lagging,
        conclusion_rate: l.conclusion_rate,
        archive_rate: l.archive_rate,
        subsidy_rate: l.subsidy_rate,
    };
    let mut lines: Vec<domain::Line> = d.lines.iter().map(line).collect();
    domain::rank(&mut lines);
    let stats = super::statistics::statistics(
        app,
        ctx,
        legalaid_domain::supervision::stats::Dimension::CaseType,
        Some(region),
        Some(from),
        Some(as_of),
    )
    .await?;
    let today = local_date(app.clock.now());
    let mut tx = app.store.read().await?;
    let consultations = store::consultations(&mut tx, region, from, as_of).await?;
    let grades = store::grades(
        &mut tx,
        region,
        china_start(from),
        china_start(as_of + Duration::days(1)),
    )
    .await?;
    let grades = Grade::ALL
        .iter()
        .filter_map(|g| {
            grades
                .iter()
                .find(|(code, _)| code == g.as_str())
                .map(|(_, n)| Count {
                    label: g.label().to_owned(),
                    n: *n,
                })
        })
        .collect();
    let overdue = store::overdue(&mut tx, region, today)
        .await?
        .into_iter()
        .map(|(label, n)| Count { label, n })
        .collect();
    let open_orders = store::open_orders(&mut tx, region).await?;
    Ok(Snapshot {
        year: as_of.year(),
        from,
        as_of,
        region_name: d.total.name.clone(),
        time_percent: d.time.percent().unwrap_or(0.0),
        rule: d.rule.describe(),
        margin_points: d.rule.lag_margin_points,
        total: line(&d.total),
        lines,
        cases_in_period: stats.total.cases,
        amount_recovered_fen: stats.total.amount_fen,
        consultations,
        grades,
        overdue,
        open_orders,
    })
}

/// Generates a draft from the figures of now; the sections are suggested.
pub async fn create(app: &App, ctx: &Ctx, input: &NewBulletin) -> AppResult<Bulletin> {
    policy::require(can_issue(ctx))?;
    let home = super::home_bureau(ctx, "生成通报")?;
    let now = app.clock.now();
    let today = local_date(now);
    let region = match input
        .region
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        Some(r) => r.to_owned(),
        None => home.region_code.to_string(),
    };
    let this_month = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
    let as_of = input.as_of.unwrap_or(this_month - Duration::days(1));
    if as_of > today {
        return Err(AppError::field("as_of", "截至日期不能晚于今天"));
    }
    let from = input.from.unwrap_or_else(|| {
        NaiveDate::from_ymd_opt(as_of.year(), as_of.month(), 1).unwrap_or(as_of)
    });
    if from > as_of {
        return Err(AppError::field("from", "开始日期不能晚于截至日期"));
    }
    if from.year() != as_of.year() {
        return Err(AppError::field("from", "通报期间应在同一年度内"));
    }
    let title = match input
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        Some(t) if t.chars().count() > 100 => {
            return Err(AppError::field("title", "标题不能超过100字"));
        }
        Some(t) => t.to_owned(),
        None => format!("{}年{}月法律援助工作通报", as_of.year(), as_of.month()),
    };
    // The dashboard checks the region against the caller's (404 outside).
    let snap = snapshot(app, ctx, &region, from, as_of).await?;
    let sections = domain::suggested(&snap);
    let mut tx = app.store.write().await?;
    let b = Bulletin {
        id: 0,
        unit_id: home.id.0,
        region_code: region,
        title,
        period_from: from,
        as_of,
        snapshot: snap,
        sections,
        status: BulletinStatus::Draft,
        number: String::new(),
        issued_on: None,
        issued_by: None,
        created_by: ctx.user_id().unwrap_or(0),
        created_at: now,
        version: 1,
    };
    let id = store::insert(&mut tx, &b).await?;
    let saved = store::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::BulletinCreate,
        id,
        None::<&()>,
        Some(
            &serde_json::json!({ "title": saved.title, "region": saved.region_code,
            "from": saved.period_from, "as_of": saved.as_of }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(saved)
}

/// Edits the title and sections of a draft (409 once issued).
pub async fn edit(
    app: &App,
    ctx: &Ctx,
    id: i64,
    version: i64,
    title: &str,
    sections: &Sections,
) -> AppResult<Bulletin> {
    policy::require(can_issue(ctx))?;
    let sections = sections.validate().map_err(AppError::Validation)?;
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 100 {
        return Err(AppError::field("title", "请填写标题（不超过100字）"));
    }
    let mut tx = app.store.write().await?;
    let before = store::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if !sees(ctx, &before) {
        return Err(AppError::NotFound);
    }
    if before.status == BulletinStatus::Issued {
        return Err(AppError::Conflict("通报已印发，不能再修改".into()));
    }
    let after = Bulletin {
        title: title.to_owned(),
        sections,
        version,
        ..before.clone()
    };
    let saved = store::save(&mut tx, &after).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::BulletinEdit,
        id,
        Some(&before.sections),
        Some(&saved.sections),
    )
    .await?;
    tx.commit().await?;
    Ok(saved)
}

/// Issues a draft: its number in the bulletin series, then the units of the
/// region are told. A second issue (or a stale version) is 409.
pub async fn issue(app: &App, ctx: &Ctx, id: i64, version: i64) -> AppResult<Bulletin> {
    policy::require(can_issue(ctx))?;
    let now = app.clock.now();
    let today = local_date(now);
    let before = get(app, ctx, id).await?;
    if before.status == BulletinStatus::Issued {
        return Err(AppError::Conflict("通报已印发".into()));
    }
    if before.version != version {
        return Err(AppError::Conflict(
            "该记录已被他人修改，请刷新后重新操作".into(),
        ));
    }
    // The number is recorded for the bulletin once (a retry reads it back).
    let template = {
        let mut tx = app.store.read().await?;
        legalaid_store::documents::get(&mut tx, DocKind::Bulletin)
            .await?
            .ok_or(AppError::NotFound)?
    };
    let number = crate::numbering::number_of(
        app,
        &template,
        &format!("bulletin:{id}"),
        &format!("通报〔{}〕{id}", today.year()),
        today,
    )
    .await?;
    let units = crate::units::active_all(app).await?;
    let mut tx = app.store.write().await?;
    let after = Bulletin {
        status: BulletinStatus::Issued,
        number: number.clone(),
        issued_on: Some(today),
        issued_by: ctx.user_id(),
        version,
        ..before.clone()
    };
    let saved = store::save(&mut tx, &after).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::BulletinIssue,
        id,
        None::<&()>,
        Some(&serde_json::json!({ "number": number, "issued_on": today })),
    )
    .await?;
    // Every unit of the region that works cases or is supervised.
    for u in units.iter().filter(|u| {
        u.region_code.as_str().starts_with(&saved.region_code)
            && u.id.0 != saved.unit_id
            && !matches!(u.kind, UnitKind::LawFirm | UnitKind::LegalServiceOffice)
    }) {
        let mut v = Values::new();
        v.insert(P::Number, format!("《{}》（{number}）", saved.title));
        v.insert(P::Unit, u.name.clone());
        v.insert(P::Date, date_cn(today));
        v.insert(P::Note, String::new());
        outbox::to_unit(
            &mut tx,
            MessageKind::BulletinIssued,
            u.id.0,
            About::default(),
            v,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(saved)
}

/// The bulletin as a document (a draft says so in its number line).
pub async fn document(app: &App, ctx: &Ctx, id: i64) -> AppResult<(Document, String)> {
    let b = get(app, ctx, id).await?;
    let (template, issuer) = {
        let mut tx = app.store.read().await?;
        let t = legalaid_store::documents::get(&mut tx, DocKind::Bulletin)
            .await?
            .ok_or(AppError::NotFound)?;
        let u = legalaid_store::units::get(&mut tx, UnitId(b.unit_id))
            .await?
            .map(|u| u.name)
            .unwrap_or_default();
        (t, u)
    };
    let body = domain::paragraphs(&b.snapshot, &b.sections).join("\n\n");
    let mut values = Values::new();
    values.insert(P::BulletinTitle, b.title.clone());
    values.insert(P::BulletinBody, body);
    values.insert(P::Institution, issuer.clone());
    let day = b.issued_on.unwrap_or(b.as_of);
    let doc = Document {
        issuer: issuer.clone(),
        title: fill(&template.title, &values),
        number: if b.number.is_empty() {
            "（草稿，未印发）".into()
        } else {
            b.number.clone()
        },
        addressee: fill(&template.addressee, &values),
        paragraphs: legalaid_domain::document::paragraphs(&fill(&template.body, &values)),
        signature: vec![issuer, date_cn(day)],
    };
    let mut tx = app.store.write().await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::DocumentGenerate,
        format!("bulletin/{id}"),
        None::<&()>,
        Some(&serde_json::json!({ "bulletin_id": id })),
    )
    .await?;
    tx.commit().await?;
    let name = if b.number.is_empty() {
        format!("{}-草稿", b.title)
    } else {
        format!("{}-{}", b.title, b.number)
    };
    Ok((doc, name))
}
