//! Survey instruments: versions kept as data, the shipped example seeded.

use super::*;

/// An instrument version with its questions.
#[derive(Debug, Clone, Serialize)]
pub struct InstrumentView {
    #[serde(flatten)]
    pub stored: StoredInstrument,
    pub instrument: Instrument,
}

fn parse_instrument(s: StoredInstrument) -> AppResult<InstrumentView> {
    let instrument: Instrument = serde_json::from_str(&s.body)
        .map_err(|e| AppError::Internal(format!("stored instrument {}: {e}", s.id)))?;
    Ok(InstrumentView {
        stored: s,
        instrument,
    })
}

pub(super) async fn load_instrument(tx: &mut Tx, id: InstrumentId) -> AppResult<InstrumentView> {
    parse_instrument(store::instrument(tx, id).await?.ok_or(AppError::NotFound)?)
}

/// Every instrument version, newest first by code.
pub async fn instruments(app: &App, ctx: &Ctx) -> AppResult<Vec<InstrumentView>> {
    policy::require(can_enter(ctx))?;
    let mut tx = app.store.read().await?;
    store::instruments(&mut tx)
        .await?
        .into_iter()
        .map(parse_instrument)
        .collect()
}

pub async fn instrument(app: &App, ctx: &Ctx, id: InstrumentId) -> AppResult<InstrumentView> {
    if !can_enter(ctx) {
        return Err(AppError::NotFound);
    }
    let mut tx = app.store.read().await?;
    load_instrument(&mut tx, id).await
}

/// A new instrument version as the editor or the API gives it.
#[derive(Debug, Clone, Deserialize)]
pub struct InstrumentInput {
    /// The instrument's code: a new code starts at version 1, a known one gets
    /// its next version.
    pub code: String,
    #[serde(default)]
    pub source: String,
    pub instrument: Instrument,
}

/// Saves a new version of an instrument (versions never change).
pub async fn create_instrument(
    app: &App,
    ctx: &Ctx,
    input: &InstrumentInput,
) -> AppResult<InstrumentView> {
    policy::require(can_keep_instruments(ctx))?;
    let code = input.code.trim();
    let mut errors = Vec::new();
    if code.is_empty()
        || code.len() > 40
        || !code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        errors.push(legalaid_domain::FieldError {
            field: "code".into(),
            message: "问卷代码应为1至40位字母、数字、下划线或连字符".into(),
        });
    }
    if input.source.chars().count() > 500 {
        errors.push(legalaid_domain::FieldError {
            field: "source".into(),
            message: "来源说明不能超过500个字".into(),
        });
    }
    if let Err(e) = input.instrument.validate() {
        errors.extend(e);
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let body =
        serde_json::to_string(&input.instrument).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut tx = app.store.write().await?;
    let version = store::last_version(&mut tx, code).await? + 1;
    let id = store::insert_instrument(
        &mut tx,
        code,
        version,
        input.instrument.title.trim(),
        &body,
        false,
        input.source.trim(),
        ctx.user_id(),
        app.clock.now(),
    )
    .await?;
    let saved = load_instrument(&mut tx, id).await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::SurveyInstrumentCreate,
        id,
        None::<&()>,
        Some(&saved),
    )
    .await?;
    tx.commit().await?;
    Ok(saved)
}

/// Stores the shipped example instrument when no version of it is stored. Idempotent.
pub async fn seed(app: &App) -> AppResult<bool> {
    let i = domain::shipped().map_err(AppError::Internal)?;
    let body = serde_json::to_string(&i).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut tx = app.store.write().await?;
    if store::last_version(&mut tx, SHIPPED_CODE).await? > 0 {
        return Ok(false);
    }
    store::insert_instrument(
        &mut tx,
        SHIPPED_CODE,
        1,
        &i.title,
        &body,
        true,
        "示例：据 quality-supervision-outreach §6.2 [DERIVED] 调查问卷（常州2021、济南2013，T30；浙江受援人评价五项，§2.3）编制，使用前请按本地情况核实修改",
        None,
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}
