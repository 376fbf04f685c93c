//! A campaign's results (知晓率 and 满意度 by township, unit and channel, with
//! sample sizes), counted in Rust a batch at a time, and the answers' CSV rows.

use super::*;

/// One row of the results: a township, a unit or a channel.
#[derive(Debug, Clone, Serialize)]
pub struct ResultRow {
    /// Township code, unit id or channel code.
    pub key: String,
    pub name: String,
    /// The target sample (townships only; 0 without one).
    pub target: u32,
    /// answers ÷ target (townships with a target).
    pub progress: Option<f64>,
    #[serde(flatten)]
    pub tally: Tally,
    pub awareness: Option<f64>,
    pub satisfaction: Option<f64>,
    /// Codes handed out by the unit, and answered (units only).
    pub codes_issued: i64,
    pub codes_answered: i64,
}

fn row(key: String, name: String, t: Tally) -> ResultRow {
    ResultRow {
        key,
        name,
        target: 0,
        progress: None,
        awareness: t.awareness(),
        satisfaction: t.satisfaction(),
        tally: t,
        codes_issued: 0,
        codes_answered: 0,
    }
}

/// A campaign's results with the definitions of its rates.
#[derive(Debug, Clone, Serialize)]
pub struct ResultsView {
    pub campaign: CampaignView,
    pub awareness_definition: String,
    pub satisfaction_definition: String,
    pub overall: ResultRow,
    /// The target sample of all townships.
    pub target: u32,
    pub by_township: Vec<ResultRow>,
    pub by_unit: Vec<ResultRow>,
    pub by_channel: Vec<ResultRow>,
    pub questions: Vec<domain::QuestionCount>,
}

/// Answers read per batch.
const BATCH: i64 = 500;

/// The results, counted over every answer a batch at a time.
pub async fn results(app: &App, ctx: &Ctx, id: CampaignId) -> AppResult<ResultsView> {
    let mut tx = app.store.read().await?;
    let c = visible(&mut tx, ctx, id).await?;
    let inst = load_instrument(&mut tx, InstrumentId(c.instrument_id)).await?;
    let i = &inst.instrument;
    let mut r = Results::new(i);
    let mut after = 0;
    loop {
        let batch = store::answers_after(&mut tx, id, after, BATCH).await?;
        for a in &batch {
            r.add(i, a.unit_id, a.channel, &a.responses.0);
        }
        match batch.last() {
            Some(last) if batch.len() as i64 == BATCH => after = last.id,
            _ => break,
        }
    }
    let counts = store::code_counts(&mut tx, id).await?;
    let towns = townships(&mut tx, &c.region_code).await?;
    let mut unit_names: BTreeMap<i64, String> = counts
        .iter()
        .map(|k| (k.unit_id, k.unit_name.clone()))
        .collect();
    for u in r.by_unit.keys() {
        if !unit_names.contains_key(u) {
            let name = legalaid_store::units::get(&mut tx, UnitId(*u))
                .await?
                .map(|x| x.name)
                .unwrap_or_default();
            unit_names.insert(*u, name);
        }
    }
    let target_of = |code: &str| {
        c.targets
            .0
            .iter()
            .find(|t| t.township == code)
            .map_or(0, |t| t.target)
    };
    let mut by_township: Vec<ResultRow> = towns
        .iter()
        .map(|t| {
            let tally = r.by_township.get(&t.code).copied().unwrap_or_default();
            let mut x = row(t.code.clone(), t.name.clone(), tally);
            x.target = target_of(&t.code);
            x.progress = domain::rate(tally.answers, x.target);
            x
        })
        .collect();
    if let Some(t) = r.by_township.get("") {
        by_township.push(row(String::new(), "未填写".into(), *t));
    }
    let by_unit = unit_names
        .iter()
        .map(|(u, name)| {
            let mut x = row(
                u.to_string(),
                name.clone(),
                r.by_unit.get(u).copied().unwrap_or_default(),
            );
            if let Some(k) = counts.iter().find(|k| k.unit_id == *u) {
                x.codes_issued = k.issued;
                x.codes_answered = k.answered;
            }
            x
        })
        .collect();
    let by_channel = AnswerChannel::ALL
        .iter()
        .map(|ch| {
            row(
                ch.as_str().into(),
                ch.label().into(),
                r.by_channel.get(ch.as_str()).copied().unwrap_or_default(),
            )
        })
        .collect();
    let target: u32 = c.targets.0.iter().map(|t| t.target).sum();
    let mut overall = row("all".into(), "合计".into(), r.overall);
    overall.target = target;
    overall.progress = domain::rate(r.overall.answers, target);
    let campaign = view(app, &mut tx, ctx, c).await?;
    Ok(ResultsView {
        campaign,
        awareness_definition: i.awareness.definition.clone(),
        satisfaction_definition: i.satisfaction.definition.clone(),
        overall,
        target,
        by_township,
        by_unit,
        by_channel,
        questions: r.questions,
    })
}

/// The answers CSV's header: the fixed columns, then one per question.
pub async fn answers_header(app: &App, ctx: &Ctx, id: CampaignId) -> AppResult<Vec<String>> {
    let mut tx = app.store.read().await?;
    let c = visible(&mut tx, ctx, id).await?;
    let inst = load_instrument(&mut tx, InstrumentId(c.instrument_id)).await?;
    let mut h: Vec<String> = ["答卷编号", "方式", "乡镇（街道）", "收集单位", "提交时间"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    for q in &inst.instrument.questions {
        h.push(format!("{} {}", q.code, q.text));
    }
    Ok(h)
}

/// One batch of the answers CSV after answer `after`: rows and the cursor.
pub async fn answers_batch(
    app: &App,
    ctx: &Ctx,
    id: CampaignId,
    after: i64,
) -> AppResult<(Vec<Vec<String>>, Option<i64>)> {
    let mut tx = app.store.read().await?;
    let c = visible(&mut tx, ctx, id).await?;
    let inst = load_instrument(&mut tx, InstrumentId(c.instrument_id)).await?;
    let towns: BTreeMap<String, String> = townships(&mut tx, &c.region_code)
        .await?
        .into_iter()
        .map(|t| (t.code, t.name))
        .collect();
    let batch = store::answers_after(&mut tx, id, after, BATCH).await?;
    let mut names: BTreeMap<i64, String> = BTreeMap::new();
    let mut rows = Vec::with_capacity(batch.len());
    for a in &batch {
        if let std::collections::btree_map::Entry::Vacant(e) = names.entry(a.unit_id) {
            let n = legalaid_store::units::get(&mut tx, UnitId(a.unit_id))
                .await?
                .map(|u| u.name)
                .unwrap_or_default();
            e.insert(n);
        }
        let mut r = vec![
            a.id.to_string(),
            a.channel.label().to_owned(),
            towns.get(&a.township_code).cloned().unwrap_or_default(),
            names.get(&a.unit_id).cloned().unwrap_or_default(),
            legalaid_domain::local_time(a.submitted_at)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
        ];
        for q in &inst.instrument.questions {
            let vals = a.responses.0.get(&q.code).cloned().unwrap_or_default();
            let text = match q.kind {
                domain::QuestionKind::Township => vals
                    .iter()
                    .map(|v| towns.get(v).cloned().unwrap_or_else(|| v.clone()))
                    .collect::<Vec<_>>()
                    .join("；"),
                domain::QuestionKind::Text => vals.join(" "),
                _ => vals
                    .iter()
                    .map(|v| {
                        q.options
                            .iter()
                            .find(|o| &o.code == v)
                            .map_or_else(|| v.clone(), |o| o.label.clone())
                    })
                    .collect::<Vec<_>>()
                    .join("；"),
            };
            r.push(text);
        }
        rows.push(r);
    }
    let next = (batch.len() as i64 == BATCH)
        .then(|| batch.last().map(|a| a.id))
        .flatten();
    Ok((rows, next))
}
