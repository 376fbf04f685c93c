//! The evaluation of the service after closure (`/public/evaluate/{token}`),
//! through the one-time link sent by SMS.

use super::*;

fn evaluation_fields(i: &legalaid_domain::portal::EvaluationInput) -> Vec<Field> {
    use legalaid_domain::followup::{EvaluationItem, Satisfaction};
    let scale = || {
        let mut v = vec![(String::new(), "请选择".to_owned())];
        v.extend(
            Satisfaction::ALL
                .iter()
                .map(|s| (s.as_str().to_owned(), s.label().to_owned())),
        );
        v
    };
    let mut fields: Vec<Field> = EvaluationItem::ALL
        .iter()
        .map(|item| {
            Field::new(item.as_str(), item.label(), "select", "")
                .required()
                .options(scale(), &[i.value(*item).to_owned()])
        })
        .collect();
    fields.push(
        Field::new(
            "money_asked",
            "承办人是否向您索要或收取过费用、财物？",
            "select",
            "",
        )
        .required()
        .options(
            [
                (String::new(), "请选择".to_owned()),
                ("no".to_owned(), "没有".to_owned()),
                ("yes".to_owned(), "有".to_owned()),
            ],
            std::slice::from_ref(&i.money_asked),
        )
        .hint("法律援助是免费的，法律援助人员不得收取任何费用或财物（《法律援助法》第二十条）"),
    );
    fields.push(Field::new(
        "comment",
        "意见建议（选填）",
        "textarea",
        i.comment.clone(),
    ));
    fields
}

/// `/public/evaluate/{token}`: the one-time evaluation link.
pub async fn evaluate_page(
    State(s): State<AppState>,
    axum::extract::Path(token): axum::extract::Path<String>,
    req: Request,
) -> Response {
    let parts = parts_of(req);
    let v = match legalaid_app::evaluations::view(&s.app, &token).await {
        Ok(v) => v,
        Err(e) => return failure(&s, &parts, e, "/public/"),
    };
    let mut facts = vec![("案件编号".to_owned(), v.case_number.clone())];
    if let Some(u) = &v.handling_unit {
        facts.push(("承办单位".into(), u.clone()));
    }
    if let Some(h) = &v.handler {
        facts.push(("承办人".into(), h.clone()));
    }
    let mut blocks = vec![Block::Facts(facts)];
    if v.answered {
        blocks.push(Block::Note("您已经评价过了，感谢您的反馈。".into()));
    } else if v.expired {
        blocks.push(Block::Alert(
            "评价链接已过期。如有意见，请拨打12348或通过投诉页面反映。".into(),
        ));
    } else {
        blocks.push(Block::Text(
            "请对承办人的服务作出评价。评价只能提交一次，仅用于改进法律援助服务。".into(),
        ));
        blocks.push(Block::Form(Form::new(
            &format!("/public/evaluate/{token}"),
            "提交评价",
            evaluation_fields(&Default::default()),
        )));
    }
    Page::new("服务评价", blocks).respond(&s, &parts)
}

pub async fn evaluate(
    State(s): State<AppState>,
    Meta(meta): Meta,
    axum::extract::Path(token): axum::extract::Path<String>,
    req: Request,
) -> Response {
    let (parts, input) = match read_form::<legalaid_domain::portal::EvaluationInput>(&s, req).await
    {
        Ok(x) => x,
        Err(res) => return res,
    };
    match legalaid_app::evaluations::answer(&s.app, &meta, &token, &input).await {
        Ok(_) => Page::new(
            "评价已提交",
            vec![
                Block::Note("感谢您的评价！".into()),
                Block::Links(vec![("/public/".into(), "返回首页".into())]),
            ],
        )
        .respond(&s, &parts),
        Err(AppError::Validation(errs)) => Page::new(
            "服务评价",
            vec![Block::Form(
                Form::new(
                    &format!("/public/evaluate/{token}"),
                    "提交评价",
                    evaluation_fields(&input),
                )
                .with_errors(&errs),
            )],
        )
        .status(StatusCode::UNPROCESSABLE_ENTITY)
        .respond(&s, &parts),
        Err(e) => failure(&s, &parts, e, "/public/"),
    }
}
