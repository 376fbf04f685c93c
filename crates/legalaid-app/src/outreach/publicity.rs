//! Publicity (宣传, LAL art 10): a unit records its activities at the venues
//! of 法律八进 and the media items about its work; the figures count them per
//! unit, venue and month, with the consultations taken on the spot.

use super::{home_unit, period};
use crate::policy::{acts_as, require};
use crate::{App, AppError, AppResult, Ctx, Page, audit, policy};
use legalaid_domain::audit::AuditAction;
use legalaid_domain::outreach::publicity::{ActivityInput, MediaInput, MediaKind, Venue};
use legalaid_domain::region::RegionCode;
use legalaid_domain::role::Role;
use legalaid_domain::{ActivityId, UnitId, local_date};
use legalaid_store::Tx;
use legalaid_store::outreach::consultations::{ConsultationLine, Filter as ConsultationFilter};
use legalaid_store::outreach::publicity as store;
pub use legalaid_store::outreach::publicity::{
    Activity, ActivityLine, FigureLine, Filter, Media, MediaFigure, MediaLine, Photo,
};
use serde::Serialize;

/// Records activities and media items: intake clerks and center staff.
pub fn can_record(ctx: &Ctx) -> bool {
    acts_as(
        ctx,
        &[
            Role::IntakeClerk,
            Role::CenterReviewer,
            Role::CenterDirector,
        ],
    )
}

/// Reads them and the figures: those who record, and bureau supervisors.
pub fn can_read(ctx: &Ctx) -> bool {
    can_record(ctx) || acts_as(ctx, &[Role::BureauSupervisor])
}

/// The activity, if the caller sees it (404 otherwise).
pub(crate) async fn visible(tx: &mut Tx, ctx: &Ctx, id: ActivityId) -> AppResult<Activity> {
    let a = store::get(tx, id).await?.ok_or(AppError::NotFound)?;
    let region = RegionCode::parse(&a.region_code).map_err(AppError::Internal)?;
    if !can_read(ctx) || !policy::scope(ctx).covers(UnitId(a.unit_id), &region) {
        return Err(AppError::NotFound);
    }
    Ok(a)
}

/// An activity with its on-site consultations and its media items.
#[derive(Debug, Clone, Serialize)]
pub struct ActivityView {
    #[serde(flatten)]
    pub activity: ActivityLine,
    /// The newest of its consultations the caller sees, at most 200.
    pub consultation_list: Vec<ConsultationLine>,
    /// Whether the caller sees more than `consultation_list` holds.
    pub consultations_more: bool,
    /// The newest of its media items the caller sees, at most 200 …
    pub media: Vec<MediaLine>,
    /// … of this many.
    pub media_total: i64,
    pub photos: Vec<Photo>,
    /// Whether the caller may record consultations, media and photos for it.
    pub can_add: bool,
}

pub async fn get(app: &App, ctx: &Ctx, id: ActivityId) -> AppResult<ActivityView> {
    let mut tx = app.store.read().await?;
    visible(&mut tx, ctx, id).await?;
    let activity = store::line(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let scope = policy::scope(ctx);
    // The newest of its consultations the caller sees, and whether there are
    // more (the page then links to the list of all of them).
    let consultations = legalaid_store::outreach::consultations::list(
        &mut tx,
        &scope,
        &ConsultationFilter {
            activity_id: Some(id.0),
            ..ConsultationFilter::default()
        },
        legalaid_store::capped::At::Page(Page::new(Some(1), Some(Page::MAX_PER_PAGE))),
    )
    .await?;
    let (media, media_total) = store::media(
        &mut tx,
        &scope,
        None,
        None,
        Some(id.0),
        Page::new(Some(1), Some(Page::MAX_PER_PAGE)),
    )
    .await?;
    let photos = store::photos(&mut tx, id).await?;
    let can_add = can_record(ctx)
        && ctx
            .actor
            .as_ref()
            .and_then(|a| a.unit.as_ref())
            .is_some_and(|u| u.id.0 == activity.activity.unit_id);
    Ok(ActivityView {
        activity,
        consultations_more: consultations.has_next,
        consultation_list: consultations.items,
        media,
        media_total,
        photos,
        can_add,
    })
}

/// Adds a photo (JPEG or PNG, at most 10 MB) to an activity of the caller's unit.
pub async fn add_photo(
    app: &App,
    ctx: &Ctx,
    id: ActivityId,
    filename: &str,
    description: &str,
    bytes: Vec<u8>,
) -> AppResult<Photo> {
    {
        let mut tx = app.store.read().await?;
        let a = visible(&mut tx, ctx, id).await?;
        let home = home_unit(ctx)?;
        require(can_record(ctx) && a.unit_id == home.id.0)?;
    }
    let description = description.trim();
    if description.chars().count() > 200 {
        return Err(AppError::field("description", "说明不能超过200个字"));
    }
    let (sha, content_type, size, name) =
        crate::attachments::keep_image(app, filename, bytes).await?;
    let mut tx = app.store.write().await?;
    let p = Photo {
        id: 0,
        activity_id: id.0,
        filename: name,
        content_type: content_type.to_owned(),
        size_bytes: size,
        sha256: sha,
        description: description.to_owned(),
        uploaded_by: ctx.user_id(),
        created_at: app.clock.now(),
    };
    let pid = store::insert_photo(&mut tx, &p).await?;
    let saved = store::photo(&mut tx, pid)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::PublicityPhotoAdd,
        pid,
        None::<&()>,
        Some(&saved),
    )
    .await?;
    tx.commit().await?;
    Ok(saved)
}

/// A photo and its content, for those who see its activity.
pub async fn photo(app: &App, ctx: &Ctx, id: i64) -> AppResult<(Photo, Vec<u8>)> {
    let p = {
        let mut tx = app.store.read().await?;
        let p = store::photo(&mut tx, id).await?.ok_or(AppError::NotFound)?;
        visible(&mut tx, ctx, ActivityId(p.activity_id)).await?;
        p
    };
    let bytes = crate::attachments::read_stored(app, &p.sha256).await?;
    Ok((p, bytes))
}

/// The activities the caller sees, latest first.
pub async fn list(
    app: &App,
    ctx: &Ctx,
    filter: &Filter,
    page: Page,
) -> AppResult<(Vec<ActivityLine>, i64)> {
    require(can_read(ctx))?;
    let mut tx = app.store.read().await?;
    Ok(store::list(&mut tx, &policy::scope(ctx), filter, page).await?)
}

/// The 法律八进 venues (with their dates).
pub async fn venues(app: &App, ctx: &Ctx) -> AppResult<Vec<Venue>> {
    require(can_read(ctx))?;
    let mut tx = app.store.read().await?;
    Ok(store::venues(&mut tx).await?)
}

/// Records an activity of the caller's unit.
pub async fn record(app: &App, ctx: &Ctx, input: &ActivityInput) -> AppResult<ActivityView> {
    require(can_record(ctx))?;
    let home = home_unit(ctx)?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let venues = store::venues(&mut tx).await?;
    let v = input
        .validate(&venues, local_date(now))
        .map_err(AppError::Validation)?;
    let a = Activity {
        id: 0,
        unit_id: home.id.0,
        region_code: home.region_code.to_string(),
        held_on: v.held_on,
        title: v.title,
        form: v.form,
        venue_code: v.venue,
        place: v.place,
        staff: v.staff,
        people_reached: v.people_reached,
        materials: v.materials,
        note: v.note,
        created_by: ctx.user_id(),
        created_at: now,
        version: 1,
    };
    let id = store::insert(&mut tx, &a).await?;
    let saved = store::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::PublicityActivityRecord,
        id,
        None::<&()>,
        Some(&saved),
    )
    .await?;
    tx.commit().await?;
    get(app, ctx, id).await
}

/// Records a media item of the caller's unit (about one of its activities, or not).
pub async fn record_media(app: &App, ctx: &Ctx, input: &MediaInput) -> AppResult<MediaLine> {
    require(can_record(ctx))?;
    let home = home_unit(ctx)?;
    let now = app.clock.now();
    let v = input
        .validate(local_date(now))
        .map_err(AppError::Validation)?;
    let mut tx = app.store.write().await?;
    if let Some(a) = v.activity_id {
        let activity = visible(&mut tx, ctx, ActivityId(a))
            .await
            .map_err(|_| AppError::field("activity_id", "宣传活动不存在"))?;
        if activity.unit_id != home.id.0 {
            return Err(AppError::field("activity_id", "只能关联本单位的宣传活动"));
        }
    }
    let m = Media {
        id: 0,
        unit_id: home.id.0,
        region_code: home.region_code.to_string(),
        kind: v.kind,
        published_on: v.published_on,
        outlet: v.outlet,
        title: v.title,
        url: v.url,
        activity_id: v.activity_id,
        created_by: ctx.user_id(),
        created_at: now,
    };
    let id = store::insert_media(&mut tx, &m).await?;
    let saved = store::media_item(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::PublicityMediaRecord,
        id,
        None::<&()>,
        Some(&saved),
    )
    .await?;
    tx.commit().await?;
    Ok(MediaLine {
        media: saved,
        unit_name: home.name,
    })
}

/// Media items the caller sees, latest first.
pub async fn media(
    app: &App,
    ctx: &Ctx,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
    page: Page,
) -> AppResult<(Vec<MediaLine>, i64)> {
    require(can_read(ctx))?;
    let mut tx = app.store.read().await?;
    Ok(store::media(&mut tx, &policy::scope(ctx), from, to, None, page).await?)
}

/// Media items of a kind in the period (MoJ table 一 cols 24–26).
#[derive(Debug, Clone, Serialize)]
pub struct MediaTotal {
    pub kind: MediaKind,
    pub items: i64,
}

/// The figures of a period.
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    /// Per unit, venue and month.
    pub lines: Vec<FigureLine>,
    pub activities: i64,
    pub people_reached: i64,
    pub materials: i64,
    pub consultations: i64,
    /// Per unit, month and kind.
    pub media: Vec<MediaFigure>,
    pub media_totals: Vec<MediaTotal>,
}

/// The figures of `[from, to]` (default: this year to date) in the caller's scope.
pub async fn figures(
    app: &App,
    ctx: &Ctx,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
) -> AppResult<Figures> {
    require(can_read(ctx))?;
    let (from, to) = period(local_date(app.clock.now()), from, to)?;
    let scope = policy::scope(ctx);
    let mut tx = app.store.read().await?;
    let lines = store::figures(&mut tx, &scope, from, to).await?;
    let media = store::media_figures(&mut tx, &scope, from, to).await?;
    let media_totals = MediaKind::ALL
        .iter()
        .map(|k| MediaTotal {
            kind: *k,
            items: media.iter().filter(|m| m.kind == *k).map(|m| m.items).sum(),
        })
        .collect();
    Ok(Figures {
        from,
        to,
        activities: lines.iter().map(|l| l.activities).sum(),
        people_reached: lines.iter().map(|l| l.people_reached).sum(),
        materials: lines.iter().map(|l| l.materials).sum(),
        consultations: lines.iter().map(|l| l.consultations).sum(),
        lines,
        media,
        media_totals,
    })
}
