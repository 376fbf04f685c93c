//! Phone answers entered by staff (`/surveys/{id}/answers…`) and the CSV
//! exports of answers and results.

use super::*;

fn answer_fields(i: &Instrument, towns: &[uc::Township], given: &Responses) -> Vec<Field> {
    i.questions
        .iter()
        .map(|q| {
            let chosen = given.get(&q.code).cloned().unwrap_or_default();
            let label = format!("{} {}", q.code, q.text);
            let opts = |first: bool| -> Vec<(String, String)> {
                let list: Vec<(String, String)> = match q.kind {
                    QuestionKind::Township => towns
                        .iter()
                        .map(|t| (t.code.clone(), t.name.clone()))
                        .collect(),
                    _ => q
                        .options
                        .iter()
                        .map(|o| (o.code.clone(), o.label.clone()))
                        .collect(),
                };
                if first {
                    std::iter::once((String::new(), "请选择".to_owned()))
                        .chain(list)
                        .collect()
                } else {
                    list
                }
            };
            let hint = q
                .show_if
                .as_ref()
                .map(|c| format!("仅当第{}题选择相应选项时回答", c.question))
                .unwrap_or_default();
            let f = match q.kind {
                QuestionKind::Single | QuestionKind::Township => {
                    Field::new(q.code.clone(), &label, "select", "").options(opts(true), &chosen)
                }
                QuestionKind::Multiple => Field::new(q.code.clone(), &label, "checkboxes", "")
                    .options(opts(false), &chosen),
                QuestionKind::Text => {
                    Field::new(q.code.clone(), &label, "textarea", chosen.join("\n"))
                }
            };
            let f = f.hint(&hint);
            if q.required && q.show_if.is_none() {
                f.required()
            } else {
                f
            }
        })
        .collect()
}

async fn answer_form(
    s: &AppState,
    page: &PageCtx,
    id: CampaignId,
    given: &Responses,
) -> Result<FormPage, Response> {
    let (v, i) = uc::form(&s.app, &page.ctx, id).await.map_err(page_error)?;
    Ok(FormPage {
        shell: Shell::new(page, "录入电话调查", "/surveys"),
        heading: format!("录入电话调查：{}", v.campaign.title),
        action: format!("/surveys/{id}/answers"),
        submit: "保存答卷".into(),
        cancel: format!("/surveys/{id}"),
        error: None,
        fields: answer_fields(&i, &v.townships, given),
    })
}

pub async fn new_answer(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let id: CampaignId = parse_id(&id)?;
    Ok(answer_form(&s, &page, id, &Responses::new())
        .await?
        .respond(&[]))
}

pub async fn enter(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    let id: CampaignId = parse_id(&id)?;
    let pairs: Vec<(String, String)> = CsrfForm::parse(req, &page.csrf).await?;
    let mut given = Responses::new();
    for (k, v) in pairs {
        if k != "_csrf" {
            given.entry(k).or_default().push(v);
        }
    }
    match uc::enter(&s.app, &page.ctx, id, &given).await {
        Ok(_) => Ok(see_other(&format!("/surveys/{id}"))),
        Err(AppError::Validation(errs)) => {
            Ok(answer_form(&s, &page, id, &given).await?.respond(&errs))
        }
        Err(e) => Err(page_error(e)),
    }
}

// ---------------------------------------------------------------- exports

pub async fn answers_csv(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let id: CampaignId = parse_id(&id)?;
    let header = uc::answers_header(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let app = s.app.clone();
    let ctx = page.ctx.clone();
    crate::html::export::stream_csv(
        &format!("survey-{id}-answers.csv"),
        &header,
        move |cursor: Option<i64>| {
            let app = app.clone();
            let ctx = ctx.clone();
            async move { uc::answers_batch(&app, &ctx, id, cursor.unwrap_or(0)).await }
        },
    )
    .await
    .map_err(page_error)
}

pub async fn results_csv(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let id: CampaignId = parse_id(&id)?;
    let r = uc::results(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    let mut rows = Vec::new();
    let line = |group: &str, x: &ResultRow| {
        vec![
            group.to_owned(),
            x.name.clone(),
            x.target.to_string(),
            x.tally.answers.to_string(),
            x.tally.aware.to_string(),
            x.tally.awareness_base.to_string(),
            percent(x.awareness),
            x.tally.satisfied.to_string(),
            x.tally.ratings.to_string(),
            percent(x.satisfaction),
        ]
    };
    rows.push(line("合计", &r.overall));
    rows.extend(r.by_township.iter().map(|x| line("乡镇（街道）", x)));
    rows.extend(r.by_unit.iter().map(|x| line("单位", x)));
    rows.extend(r.by_channel.iter().map(|x| line("作答方式", x)));
    for d in [&r.awareness_definition, &r.satisfaction_definition] {
        let mut row = vec!["口径".to_owned(), d.clone()];
        row.resize(10, String::new());
        rows.push(row);
    }
    let header = [
        "分组",
        "名称",
        "目标样本",
        "样本量",
        "知晓人数",
        "知晓率基数",
        "知晓率",
        "满意项次",
        "评价项次",
        "满意度",
    ];
    let rows = std::sync::Mutex::new(Some(rows));
    crate::html::export::stream_csv(
        &format!("survey-{id}-results.csv"),
        &header,
        move |_: Option<()>| {
            let batch = rows
                .lock()
                .ok()
                .and_then(|mut r| r.take())
                .unwrap_or_default();
            async move { Ok((batch, None)) }
        },
    )
    .await
    .map_err(page_error)
}
