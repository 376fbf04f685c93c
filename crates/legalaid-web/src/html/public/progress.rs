//! `/public/progress`: the application number and ID number, a code to the
//! applicant's phone, then the application's progress and its decision letter.

use super::*;
use legalaid_domain::document::date_cn;

#[derive(serde::Deserialize, Default)]
pub struct QueryForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    code: String,
}

fn query_form(q: &QueryForm) -> Form {
    Form::new(
        "/public/progress/code",
        "获取短信验证码",
        vec![
            Field::new("number", "申请编号", "text", q.number.clone())
                .required()
                .hint("如：法援申〔2026〕12号，见受理短信或受理通知书"),
            Field::new("id_number", "申请人身份证号码", "text", q.id_number.clone()).required(),
        ],
    )
}

fn code_step(q: &QueryForm) -> Form {
    Form::new(
        "/public/progress/verify",
        "查询",
        vec![
            Field::new("number", "", "hidden", q.number.clone()),
            Field::new("id_number", "", "hidden", q.id_number.clone()),
            Field::new("code", "短信验证码", "text", "")
                .required()
                .autocomplete("one-time-code")
                .hint("6位数字"),
        ],
    )
}

pub async fn progress_page(State(s): State<AppState>, req: Request) -> Response {
    let parts = parts_of(req);
    Page::new(
        "查询办理进度",
        vec![
            Block::Text(
                "输入申请编号和申请人身份证号码，验证码将发送到申请时登记的手机号码。".into(),
            ),
            Block::Form(query_form(&QueryForm::default())),
        ],
    )
    .respond(&s, &parts)
}

pub async fn progress_code(State(s): State<AppState>, Meta(meta): Meta, req: Request) -> Response {
    let (parts, q) = match read_form::<QueryForm>(&s, req).await {
        Ok(x) => x,
        Err(res) => return res,
    };
    match portal::find_application(&s.app, &meta, &q.number, &q.id_number).await {
        Ok(sent) => Page::new(
            "查询办理进度",
            vec![
                Block::Note(format!(
                    "验证码已发送至申请时登记的手机 {}，{}分钟内有效。",
                    sent.masked_phone, sent.valid_minutes
                )),
                Block::Form(code_step(&q)),
            ],
        )
        .respond(&s, &parts),
        Err(AppError::Validation(errs)) => Page::new(
            "查询办理进度",
            vec![Block::Form(query_form(&q).with_errors(&errs))],
        )
        .status(StatusCode::UNPROCESSABLE_ENTITY)
        .respond(&s, &parts),
        Err(e) => failure(&s, &parts, e, "/public/progress"),
    }
}

pub async fn progress_verify(
    State(s): State<AppState>,
    Meta(meta): Meta,
    req: Request,
) -> Response {
    let (parts, q) = match read_form::<QueryForm>(&s, req).await {
        Ok(x) => x,
        Err(res) => return res,
    };
    match portal::verify_query(&s.app, &meta, &q.number, &q.id_number, &q.code).await {
        Ok(o) => opened(&s, &o, "/public/progress/view"),
        Err(AppError::Validation(errs)) if errs.iter().any(|e| e.field == "code") => Page::new(
            "查询办理进度",
            vec![
                Block::Form(code_step(&q).with_errors(&errs)),
                Block::Links(vec![("/public/progress".into(), "重新获取验证码".into())]),
            ],
        )
        .status(StatusCode::UNPROCESSABLE_ENTITY)
        .respond(&s, &parts),
        Err(AppError::Validation(errs)) => Page::new(
            "查询办理进度",
            vec![Block::Form(query_form(&q).with_errors(&errs))],
        )
        .status(StatusCode::UNPROCESSABLE_ENTITY)
        .respond(&s, &parts),
        Err(e) => failure(&s, &parts, e, "/public/progress"),
    }
}

async fn session(s: &AppState, parts: &Parts) -> Result<portal::Proven, Response> {
    match proven(s, parts, Purpose::Progress).await {
        Ok(Some(p)) => Ok(p),
        Ok(None) => Err(super::super::see_other("/public/progress")),
        Err(e) => Err(failure(s, parts, e, "/public/progress")),
    }
}

pub async fn progress_view(State(s): State<AppState>, Meta(meta): Meta, req: Request) -> Response {
    let parts = parts_of(req);
    let p = match session(&s, &parts).await {
        Ok(p) => p,
        Err(res) => return res,
    };
    let v = match portal::progress(&s.app, &meta, &p).await {
        Ok(v) => v,
        Err(e) => return failure(&s, &parts, e, "/public/progress"),
    };
    let mut facts = vec![
        ("申请编号".to_owned(), v.number.clone()),
        ("申请日期".to_owned(), date_cn(v.received_on)),
        ("申请事项".to_owned(), v.matter.clone()),
        ("状态".to_owned(), v.status.label().to_owned()),
        ("法律援助机构".to_owned(), v.center.clone()),
        ("机构电话".to_owned(), v.center_phone.clone()),
    ];
    if let Some((what, due)) = &v.due {
        facts.push(("办理期限".into(), format!("{what}：{}前", date_cn(*due))));
    }
    let mut blocks = vec![
        Block::Facts(facts),
        Block::Note(format!("下一步：{}", v.next_step)),
    ];
    if v.letter.is_some() {
        blocks.push(Block::Links(vec![(
            "/public/progress/letter".into(),
            "下载决定书（PDF）".into(),
        )]));
    }
    for c in &v.cases {
        blocks.push(Block::Heading(format!("案件 {}", c.number)));
        let mut rows = vec![("状态".to_owned(), c.status.label().to_owned())];
        if let Some(u) = &c.handling_unit {
            rows.push(("承办单位".into(), u.clone()));
        }
        if let Some(p) = c.handling_unit_phone.as_ref().filter(|p| !p.is_empty()) {
            rows.push(("单位电话".into(), p.clone()));
        }
        if let Some(h) = &c.handler {
            rows.push(("承办人".into(), h.clone()));
        }
        if let Some(p) = c.handler_phone.as_ref().filter(|p| !p.is_empty()) {
            rows.push(("承办人电话".into(), p.clone()));
        }
        blocks.push(Block::Facts(rows));
        blocks.push(Block::Note(format!("下一步：{}", c.next_step)));
        if !c.steps.is_empty() {
            blocks.push(Block::Table(Table {
                head: vec!["日期".into(), "办理进展".into()],
                rows: c
                    .steps
                    .iter()
                    .map(|(d, a)| vec![date_cn(*d), a.clone()])
                    .collect(),
                empty: String::new(),
            }));
        }
    }
    blocks.push(Block::Links(vec![(
        "/public/complaint".into(),
        "对办理有意见？投诉".into(),
    )]));
    Page::new("办理进度", blocks).respond(&s, &parts)
}

pub async fn progress_letter(
    State(s): State<AppState>,
    Meta(meta): Meta,
    req: Request,
) -> Response {
    let parts = parts_of(req);
    let p = match session(&s, &parts).await {
        Ok(p) => p,
        Err(res) => return res,
    };
    let doc = match portal::letter(&s.app, &meta, &p).await {
        Ok(d) => d,
        Err(e) => return failure(&s, &parts, e, "/public/progress/view"),
    };
    let name = doc.title.clone();
    match crate::documents::respond(doc, &name, "pdf").await {
        Ok(res) => res,
        Err(e) => failure(&s, &parts, e, "/public/progress/view"),
    }
}
