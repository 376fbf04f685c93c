//! `/public/complaint`: a named complaint after proving the phone, or an
//! anonymous one; either feeds the complaint procedure (channel `online`).

use super::*;
use legalaid_domain::complaint::{ComplainantRelation, ComplaintCategory};

fn complaint_fields(
    units: &[legalaid_domain::unit::Unit],
    f: &portal::ComplaintForm,
    anonymous: bool,
) -> Vec<Field> {
    let mut unit_opts = vec![(String::new(), "请选择".to_owned())];
    unit_opts.extend(units.iter().map(|u| {
        (
            u.id.0.to_string(),
            format!("{}（{}）", u.name, u.kind.label()),
        )
    }));
    let mut fields = Vec::new();
    if anonymous {
        fields.push(Field::new("anonymous", "", "hidden", "1"));
    } else {
        fields.push(Field::new("name", "您的姓名", "text", f.name.clone()).required());
        fields.push(
            Field::new("relation", "您是", "select", "")
                .required()
                .options(
                    ComplainantRelation::ALL
                        .iter()
                        .map(|r| (r.as_str().to_owned(), r.label().to_owned())),
                    std::slice::from_ref(&f.relation),
                ),
        );
    }
    fields.extend([
        Field::new("respondent_unit_id", "被投诉的单位", "select", "")
            .required()
            .options(unit_opts, std::slice::from_ref(&f.respondent_unit_id)),
        Field::new(
            "respondent_person",
            "被投诉的人员（选填）",
            "text",
            f.respondent_person.clone(),
        ),
        Field::new(
            "record_number",
            "申请或案件编号（选填）",
            "text",
            f.record_number.clone(),
        ),
        Field::new("category", "投诉事项", "select", "")
            .required()
            .options(
                ComplaintCategory::ALL
                    .iter()
                    .map(|c| (c.as_str().to_owned(), c.label().to_owned())),
                std::slice::from_ref(&f.category),
            ),
        Field::new("facts", "投诉的事实和理由", "textarea", f.facts.clone()).required(),
        Field::new("request", "您的请求", "textarea", f.request.clone()),
    ]);
    fields
}

pub async fn complaint_page(State(s): State<AppState>, req: Request) -> Response {
    let parts = parts_of(req);
    match proven(&s, &parts, Purpose::Complaint).await {
        Ok(Some(_)) => return super::super::see_other("/public/complaint/form"),
        Ok(None) => {}
        Err(e) => return failure(&s, &parts, e, "/public/"),
    }
    Page::new(
        "投诉",
        vec![
            Block::Text("对法律援助机构、法律援助人员违反规定办理受理审查、指派，懈怠履行或擅自停止履行职责，收取财物等行为，可以投诉。司法行政机关依法受理、调查处理，并将结果告知实名投诉人。".into()),
            Block::Heading("实名投诉".into()),
            Block::Form(phone_form("/public/complaint/code", "")),
            Block::Heading("匿名投诉".into()),
            Block::Text("匿名投诉不留姓名和电话，处理结果无法告知您。".into()),
            Block::Links(vec![("/public/complaint/form?anonymous=1".into(), "匿名投诉".into())]),
        ],
    )
    .respond(&s, &parts)
}

pub async fn complaint_code(State(s): State<AppState>, Meta(meta): Meta, req: Request) -> Response {
    super::apply::send(
        &s,
        &meta,
        req,
        Purpose::Complaint,
        "投诉",
        "/public/complaint",
    )
    .await
}

pub async fn complaint_verify(State(s): State<AppState>, req: Request) -> Response {
    super::apply::check_code(
        &s,
        req,
        Purpose::Complaint,
        "投诉",
        "/public/complaint",
        "/public/complaint/form",
    )
    .await
}

#[derive(serde::Deserialize, Default)]
pub struct Anonymous {
    #[serde(default)]
    anonymous: Option<String>,
}

fn form_page(
    s: &AppState,
    parts: &Parts,
    units: &[legalaid_domain::unit::Unit],
    f: &portal::ComplaintForm,
    proven: Option<&portal::Proven>,
    errors: &[FieldError],
) -> Response {
    let anonymous = proven.is_none();
    let mut blocks = Vec::new();
    if let Some(p) = proven {
        blocks.push(Block::Note(format!("已验证手机号码：{}", p.masked_phone())));
    } else {
        blocks.push(Block::Text(
            "匿名投诉：请尽量写明时间、地点、人员和经过，便于调查。".into(),
        ));
    }
    let form = Form::new(
        "/public/complaint/form",
        "提交投诉",
        complaint_fields(units, f, anonymous),
    )
    .with_errors(errors);
    blocks.push(Block::Form(form));
    Page::new("投诉", blocks)
        .status(if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        })
        .respond(s, parts)
}

pub async fn complaint_form(
    State(s): State<AppState>,
    crate::extract::PageQuery(q): crate::extract::PageQuery<Anonymous>,
    req: Request,
) -> Response {
    let parts = parts_of(req);
    let p = match proven(&s, &parts, Purpose::Complaint).await {
        Ok(p) => p,
        Err(e) => return failure(&s, &parts, e, "/public/complaint"),
    };
    if p.is_none() && q.anonymous.is_none() {
        return super::super::see_other("/public/complaint");
    }
    let units = match portal::respondents(&s.app).await {
        Ok(u) => u,
        Err(e) => return failure(&s, &parts, e, "/public/complaint"),
    };
    form_page(
        &s,
        &parts,
        &units,
        &portal::ComplaintForm::default(),
        p.as_ref(),
        &[],
    )
}

pub async fn complaint_submit(
    State(s): State<AppState>,
    Meta(meta): Meta,
    req: Request,
) -> Response {
    let (parts, f) = match read_form::<portal::ComplaintForm>(&s, req).await {
        Ok(x) => x,
        Err(res) => return res,
    };
    let p = if f.anonymous.is_some() {
        None
    } else {
        match proven(&s, &parts, Purpose::Complaint).await {
            Ok(Some(p)) => Some(p),
            Ok(None) => {
                return failure(
                    &s,
                    &parts,
                    AppError::Unauthenticated("验证已失效，请重新验证手机号码".into()),
                    "/public/complaint",
                );
            }
            Err(e) => return failure(&s, &parts, e, "/public/complaint"),
        }
    };
    match portal::complain(&s.app, &meta, p.as_ref(), &f).await {
        Ok(done) => {
            let mut blocks = vec![Block::Note(format!(
                "投诉已提交，登记编号 {}。",
                done.number
            ))];
            blocks.push(Block::Text(if done.anonymous {
                "司法行政机关将依法调查处理。匿名投诉的处理结果无法告知您。".into()
            } else {
                "司法行政机关将依法决定是否受理并告知您；受理后调查处理，处理结果以短信或书面告知。"
                    .into()
            }));
            blocks.push(Block::Links(vec![("/public/".into(), "返回首页".into())]));
            Page::new("投诉已提交", blocks).respond(&s, &parts)
        }
        Err(AppError::Validation(errs)) => match portal::respondents(&s.app).await {
            Ok(units) => form_page(&s, &parts, &units, &f, p.as_ref(), &errs),
            Err(e) => failure(&s, &parts, e, "/public/complaint"),
        },
        Err(e) => failure(&s, &parts, e, "/public/complaint"),
    }
}
