//! The eligibility self-check (`/public/check`): the assessment engine's answer
//! with its reasons; nothing stored. Its questions open the application form.

use super::*;

fn matter_options(info: &portal::Info) -> Vec<(String, String)> {
    let mut v = vec![(String::new(), "请选择".to_owned())];
    v.extend(
        info.matters
            .iter()
            .map(|m| (m.code.clone(), m.label.clone())),
    );
    v.push(("not_listed".into(), "以上都不是".into()));
    v
}

fn township_options(info: &portal::Info) -> Vec<(String, String)> {
    let mut v = vec![(String::new(), "请选择".to_owned())];
    v.extend(
        info.townships
            .iter()
            .map(|r| (r.code.as_str().to_owned(), r.name.clone())),
    );
    v
}

fn exemption_options(info: &portal::Info) -> Vec<(String, String)> {
    let mut v = vec![(String::new(), "（不属于）".to_owned())];
    v.extend(
        info.exemptions
            .iter()
            .map(|e| (e.code.clone(), e.label.clone())),
    );
    v
}

fn means_options() -> Vec<(String, String)> {
    MeansChoice::ALL
        .iter()
        .map(|m| (m.as_str().to_owned(), m.label().to_owned()))
        .collect()
}

/// The self-check's questions (also the first part of the application form).
pub(super) fn check_fields(info: &portal::Info, i: &portal::SelfCheckInput) -> Vec<Field> {
    vec![
        Field::new("township", "您所在的乡镇（街道）", "select", "")
            .required()
            .options(township_options(info), std::slice::from_ref(&i.township)),
        Field::new("matter_code", "您遇到的法律事项", "select", "")
            .required()
            .options(matter_options(info), std::slice::from_ref(&i.matter_code)),
        Field::new("means", "经济状况", "select", "")
            .required()
            .options(means_options(), std::slice::from_ref(&i.means)),
        Field::new(
            "members",
            "家庭人口数（含本人）",
            "number",
            i.members.clone(),
        )
        .hint("选择“个人诚信承诺”时填写"),
        Field::new(
            "monthly_income_yuan",
            "家庭月总收入（元）",
            "number",
            i.monthly_income_yuan.clone(),
        )
        .hint("全家每月的工资、养老金、经营和务农收入等合计"),
        Field::new("exemption_code", "免予核查的情形", "select", "")
            .options(
                exemption_options(info),
                std::slice::from_ref(&i.exemption_code),
            )
            .hint("选择“属于免予核查经济困难状况的人员”时填写"),
    ]
}

/// `/public/check`: the questions.
pub async fn check_page(State(s): State<AppState>, req: Request) -> Response {
    let parts = parts_of(req);
    let info = match portal::info(&s.app).await {
        Ok(i) => i,
        Err(e) => return failure(&s, &parts, e, "/public/"),
    };
    let fields = check_fields(&info, &portal::SelfCheckInput::default());
    Page::new(
        "条件自测",
        vec![
            Block::Text("回答几个问题，系统按现行规定判断您是否符合法律援助条件。自测不保存任何信息，结果仅供参考，以法律援助机构的审查决定为准。".into()),
            Block::Form(Form::new("/public/check", "查看结果", fields)),
        ],
    )
    .respond(&s, &parts)
}

/// `POST /public/check`: the engine's answer with its reasons.
pub async fn check(State(s): State<AppState>, Meta(meta): Meta, req: Request) -> Response {
    let (parts, input) = match read_form::<portal::SelfCheckInput>(&s, req).await {
        Ok(x) => x,
        Err(res) => return res,
    };
    let info = match portal::info(&s.app).await {
        Ok(i) => i,
        Err(e) => return failure(&s, &parts, e, "/public/check"),
    };
    match portal::self_check(&s.app, &meta, &input).await {
        Ok(r) => {
            let a = &r.assessment;
            let mut blocks = vec![match a.verdict {
                legalaid_domain::assessment::Verdict::Eligible => {
                    Block::Note(format!("自测结果：{}", a.verdict.label()))
                }
                _ => Block::Alert(format!("自测结果：{}", a.verdict.label())),
            }];
            blocks.push(Block::Heading("理由".into()));
            blocks.push(Block::List(a.reasons.clone()));
            if !a.missing.is_empty() {
                blocks.push(Block::Heading("还需要的信息".into()));
                blocks.push(Block::List(a.missing.clone()));
            }
            if let Some(c) = &r.center {
                blocks.push(Block::Facts(vec![
                    ("受理机构".into(), c.name.clone()),
                    ("地址".into(), c.address.clone()),
                    ("电话".into(), c.phone.clone()),
                ]));
            }
            blocks.push(Block::Text(
                "自测结果仅供参考。是否给予法律援助，由法律援助机构依法审查决定。".into(),
            ));
            blocks.push(Block::Links(vec![
                ("/public/apply".into(), "网上申请".into()),
                ("/public/check".into(), "重新自测".into()),
            ]));
            Page::new("自测结果", blocks).respond(&s, &parts)
        }
        Err(AppError::Validation(errs)) => {
            let form = Form::new("/public/check", "查看结果", check_fields(&info, &input))
                .with_errors(&errs);
            Page::new("条件自测", vec![Block::Form(form)])
                .status(StatusCode::UNPROCESSABLE_ENTITY)
                .respond(&s, &parts)
        }
        Err(e) => failure(&s, &parts, e, "/public/check"),
    }
}
