//! The survey instruments (`/surveys/instruments…`): versions as data.

use super::*;

pub async fn instruments(State(s): State<AppState>, page: PageCtx) -> PageResult {
    let items = uc::instruments(&s.app, &page.ctx)
        .await
        .map_err(page_error)?;
    let mut v = SurveyPage::new(Shell::new(&page, "调查问卷", "/surveys"), "调查问卷".into());
    v.actions.push(Action {
        href: "/surveys".into(),
        label: "调查活动".into(),
    });
    v.blocks.push(Block {
        title: "问卷版本".into(),
        headers: vec!["问卷", "代码", "版本", "题数", "说明"],
        rows: items
            .iter()
            .map(|i| Row {
                class: "",
                cells: vec![
                    Cell::link(
                        i.stored.title.clone(),
                        format!("/surveys/instruments/{}", i.stored.id),
                    ),
                    Cell::text(i.stored.code.clone()),
                    Cell::text(i.stored.version.to_string()),
                    Cell::text(i.instrument.questions.len().to_string()),
                    Cell::text(if i.stored.example {
                        "示例".to_owned()
                    } else {
                        or_dash(&i.stored.source)
                    }),
                ],
            })
            .collect(),
        empty: "还没有调查问卷。系统启动时会装入示例问卷。".into(),
    });
    Ok(render(&v))
}

pub async fn instrument(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let id: InstrumentId = parse_id(&id)?;
    let i = uc::instrument(&s.app, &page.ctx, id)
        .await
        .map_err(page_error)?;
    let mut v = SurveyPage::new(
        Shell::new(&page, &i.stored.title, "/surveys"),
        format!("{}（第{}版）", i.stored.title, i.stored.version),
    );
    if i.stored.example {
        v.badge = "示例".into();
    }
    if uc::can_keep_instruments(&page.ctx) {
        v.actions.push(Action {
            href: format!("/surveys/instruments/new?from={}", i.stored.id),
            label: "修订为新版本".into(),
        });
    }
    let mut facts = Panel::new("问卷");
    facts.facts = vec![
        Fact::new("代码", i.stored.code.clone()),
        Fact::new("版本", i.stored.version.to_string()),
        Fact::new("保存时间", china(i.stored.created_at)),
        Fact::new("来源", or_dash(&i.stored.source)),
    ];
    facts.note = i.instrument.intro.clone();
    v.panels.push(facts);
    let mut defs = Panel::new("计算口径");
    defs.lists.push(crate::html::panels::SentenceList {
        title: "知晓率与满意度".into(),
        items: vec![
            i.instrument.awareness.definition.clone(),
            i.instrument.satisfaction.definition.clone(),
        ],
    });
    v.panels.push(defs);
    v.blocks.push(Block {
        title: "题目".into(),
        headers: vec!["编号", "题目", "题型", "选项", "出处"],
        rows: i
            .instrument
            .questions
            .iter()
            .map(|q| Row {
                class: "",
                cells: vec![
                    Cell::text(q.code.clone()),
                    Cell::text(format!(
                        "{}{}",
                        q.text,
                        q.show_if
                            .as_ref()
                            .map(|c| format!(
                                "（第{}题为{}时回答）",
                                c.question,
                                c.any_of.join("、")
                            ))
                            .unwrap_or_default()
                    )),
                    Cell::text(q.kind.label()),
                    Cell::text(
                        q.options
                            .iter()
                            .map(|o| o.label.as_str())
                            .collect::<Vec<_>>()
                            .join("／"),
                    ),
                    Cell::text(or_dash(&q.source)),
                ],
            })
            .collect(),
        empty: String::new(),
    });
    Ok(render(&v))
}

#[derive(Deserialize, Default)]
pub struct NewInstrumentQuery {
    from: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
pub struct InstrumentForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    body: String,
}

fn instrument_form(page: &PageCtx, f: &InstrumentForm) -> FormPage {
    FormPage {
        shell: Shell::new(page, "修订调查问卷", "/surveys"),
        heading: "保存调查问卷的新版本".into(),
        action: "/surveys/instruments".into(),
        submit: "保存新版本".into(),
        cancel: "/surveys/instruments".into(),
        error: None,
        fields: vec![
            Field::new("code", "问卷代码", "text", f.code.clone())
                .required()
                .hint("同一代码保存为下一版本；新代码从第1版开始"),
            Field::new("source", "来源与修订说明", "text", f.source.clone()),
            Field::new("body", "问卷内容（JSON）", "textarea", f.body.clone())
                .required()
                .hint("题目 questions（code、text、kind：single/multiple/text/township、options、required、source、show_if），知晓率 awareness 和满意度 satisfaction 的口径与计算规则"),
        ],
    }
}

pub async fn new_instrument(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<NewInstrumentQuery>,
) -> PageResult {
    if !uc::can_keep_instruments(&page.ctx) {
        return Err(page_error(AppError::forbidden()));
    }
    let mut f = InstrumentForm::default();
    if let Some(from) = q.from.as_deref().filter(|x| !x.is_empty()) {
        let i = uc::instrument(&s.app, &page.ctx, parse_id(from)?)
            .await
            .map_err(page_error)?;
        f.code = i.stored.code.clone();
        f.body = serde_json::to_string_pretty(&i.instrument).unwrap_or_default();
    }
    Ok(instrument_form(&page, &f).respond(&[]))
}

pub async fn create_instrument(
    State(s): State<AppState>,
    page: PageCtx,
    req: Request,
) -> PageResult {
    let f: InstrumentForm = CsrfForm::parse(req, &page.csrf).await?;
    let parsed: Result<Instrument, _> = serde_json::from_str(&f.body);
    let r = match parsed {
        Ok(instrument) => {
            let input = uc::InstrumentInput {
                code: f.code.clone(),
                source: f.source.clone(),
                instrument,
            };
            uc::create_instrument(&s.app, &page.ctx, &input).await
        }
        Err(e) => Err(AppError::field(
            "body",
            format!("问卷内容不是有效的问卷 JSON：{e}"),
        )),
    };
    match r {
        Ok(v) => Ok(see_other(&format!("/surveys/instruments/{}", v.stored.id))),
        Err(AppError::Validation(errs)) => {
            // Faults inside the instrument name their place (questions[3].options):
            // shown on the body field, each with its place.
            let errs: Vec<FieldError> = errs
                .into_iter()
                .map(|e| match e.field.as_str() {
                    "code" | "source" | "body" => e,
                    other => FieldError {
                        field: "body".into(),
                        message: format!("{other}：{}", e.message),
                    },
                })
                .collect();
            Ok(instrument_form(&page, &f).respond(&errs))
        }
        Err(e) => Err(page_error(e)),
    }
}
