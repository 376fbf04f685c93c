//! `/public/apply`: prove the phone, then fill in the application with photos.

use super::*;
use axum::extract::FromRequest;
use legalaid_domain::portal::PortalApplicationInput;

fn apply_fields(info: &portal::Info, i: &PortalApplicationInput) -> Vec<Field> {
    let check = portal::SelfCheckInput {
        matter_code: i.matter_code.clone(),
        township: i.township.clone(),
        means: i.means.clone(),
        members: i.members.clone(),
        monthly_income_yuan: i.monthly_income_yuan.clone(),
        exemption_code: i.exemption_code.clone(),
    };
    let mut fields = vec![
        Field::new("name", "姓名", "text", i.name.clone())
            .required()
            .autocomplete("name"),
        Field::new("id_number", "居民身份证号码", "text", i.id_number.clone())
            .required()
            .hint("18位，最后一位可能是X"),
        Field::new("address", "住址", "text", i.address.clone()).autocomplete("street-address"),
    ];
    fields.extend(check_fields(info, &check));
    let forms = [
        ("", "由法律援助机构确定"),
        ("litigation_representation", "诉讼代理或非诉讼代理"),
        ("labor_arbitration", "劳动争议调解与仲裁代理"),
        ("criminal_defense", "刑事辩护与代理"),
        ("document_drafting", "代拟法律文书"),
    ]
    .iter()
    .map(|(v, l)| ((*v).to_owned(), (*l).to_owned()));
    fields.extend([
        Field::new("service_form", "需要的帮助", "select", "")
            .options(forms, std::slice::from_ref(&i.service_form)),
        Field::new("opposing_party", "对方当事人", "text", i.opposing_party.clone())
            .hint("如欠薪的公司、对方姓名；没有可不填"),
        Field::new("summary", "案情简述", "textarea", i.summary.clone())
            .required()
            .hint("发生了什么、您的请求，500字以内"),
        Field::new(
            "honesty",
            "诚信承诺：本人承诺所填写的家庭人口、收入等经济状况和案件情况真实。如有虚假，愿承担终止法律援助等法律责任（《法律援助法》第四十一条、第四十八条）。",
            "checkbox",
            if i.honesty.is_some() { "true" } else { "" },
        ),
        Field::new(
            "consent",
            "同意个人信息处理：为审查和办理法律援助申请，法律援助机构将处理您填写的身份、联系方式、经济状况和案件情况等个人信息（含敏感个人信息），仅用于法律援助，依法保密（《个人信息保护法》第十三条、第二十九条）。",
            "checkbox",
            if i.consent.is_some() { "true" } else { "" },
        ),
    ]);
    fields
}

fn apply_page(
    s: &AppState,
    parts: &Parts,
    info: &portal::Info,
    proven: &portal::Proven,
    input: &PortalApplicationInput,
    errors: &[FieldError],
) -> Response {
    let mut form = Form::new("/public/apply", "提交申请", apply_fields(info, input));
    form.multipart = true;
    let form = form.with_errors(errors);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Page::new(
        "网上申请法律援助",
        vec![
            Block::Note(format!("已验证手机号码：{}", proven.masked_phone())),
            Block::Text(
                "请如实填写。提交后，法律援助机构将在七个工作日内审查并作出决定，结果以短信告知。"
                    .into(),
            ),
            Block::Form(form),
        ],
    )
    .status(status)
    .respond(s, parts)
}

/// `GET /public/apply`: the phone step, or the form once proven.
pub async fn apply_form(State(s): State<AppState>, req: Request) -> Response {
    let parts = parts_of(req);
    match proven(&s, &parts, Purpose::Apply).await {
        Ok(Some(p)) => {
            let info = match portal::info(&s.app).await {
                Ok(i) => i,
                Err(e) => return failure(&s, &parts, e, "/public/"),
            };
            apply_page(
                &s,
                &parts,
                &info,
                &p,
                &PortalApplicationInput::default(),
                &[],
            )
        }
        Ok(None) => Page::new(
            "网上申请法律援助",
            vec![
                Block::Text("第一步：验证手机号码。申请结果和办理进度将以短信告知该号码。".into()),
                Block::Form(phone_form("/public/apply/code", "")),
                Block::Links(vec![("/public/check".into(), "先做条件自测".into())]),
            ],
        )
        .respond(&s, &parts),
        Err(e) => failure(&s, &parts, e, "/public/"),
    }
}

/// The code step for `purpose`, shared with complaints.
pub(super) async fn send(
    s: &AppState,
    meta: &legalaid_app::RequestMeta,
    req: Request,
    purpose: Purpose,
    title: &str,
    base: &str,
) -> Response {
    let (parts, form) = match read_form::<PhoneForm>(s, req).await {
        Ok(x) => x,
        Err(res) => return res,
    };
    match portal::send_code(&s.app, meta, purpose, &form.phone, None).await {
        Ok(sent) => Page::new(
            title,
            vec![
                Block::Note(format!(
                    "验证码已发送至 {}，{}分钟内有效。",
                    sent.masked_phone, sent.valid_minutes
                )),
                Block::Form(code_form(&format!("{base}/verify"), &form.phone)),
            ],
        )
        .respond(s, &parts),
        Err(AppError::Validation(errs)) => Page::new(
            title,
            vec![Block::Form(
                phone_form(&format!("{base}/code"), &form.phone).with_errors(&errs),
            )],
        )
        .status(StatusCode::UNPROCESSABLE_ENTITY)
        .respond(s, &parts),
        Err(e) => failure(s, &parts, e, base),
    }
}

/// The verify step for `purpose`: on success a session and on to `to`.
pub(super) async fn check_code(
    s: &AppState,
    req: Request,
    purpose: Purpose,
    title: &str,
    base: &str,
    to: &str,
) -> Response {
    let (parts, form) = match read_form::<PhoneForm>(s, req).await {
        Ok(x) => x,
        Err(res) => return res,
    };
    match portal::verify(&s.app, purpose, &form.phone, &form.code, None).await {
        Ok(o) => opened(s, &o, to),
        Err(AppError::Validation(errs)) => Page::new(
            title,
            vec![
                Block::Form(code_form(&format!("{base}/verify"), &form.phone).with_errors(&errs)),
                Block::Links(vec![(base.to_owned(), "重新获取验证码".into())]),
            ],
        )
        .status(StatusCode::UNPROCESSABLE_ENTITY)
        .respond(s, &parts),
        Err(e) => failure(s, &parts, e, base),
    }
}

pub async fn apply_code(State(s): State<AppState>, Meta(meta): Meta, req: Request) -> Response {
    send(
        &s,
        &meta,
        req,
        Purpose::Apply,
        "网上申请法律援助",
        "/public/apply",
    )
    .await
}

pub async fn apply_verify(State(s): State<AppState>, req: Request) -> Response {
    check_code(
        &s,
        req,
        Purpose::Apply,
        "网上申请法律援助",
        "/public/apply",
        "/public/apply",
    )
    .await
}

/// Reads the multipart application: its fields, its token and its photos.
async fn read_application(
    req: Request,
) -> Result<(PortalApplicationInput, String, Vec<portal::Photo>), String> {
    let mut m = axum::extract::Multipart::from_request(req, &())
        .await
        .map_err(|_| "表单格式不正确".to_owned())?;
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut photos = Vec::new();
    let mut csrf = String::new();
    while let Some(field) = m
        .next_field()
        .await
        .map_err(|_| "上传的内容过大或不完整（材料照片合计不超过10MB）".to_owned())?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "photos" {
            let filename = field.file_name().unwrap_or_default().to_owned();
            let bytes = field
                .bytes()
                .await
                .map_err(|_| "上传的内容过大或不完整（材料照片合计不超过10MB）".to_owned())?;
            if filename.is_empty() && bytes.is_empty() {
                continue;
            }
            photos.push(portal::Photo {
                filename,
                bytes: bytes.to_vec(),
            });
            continue;
        }
        let text = field
            .text()
            .await
            .map_err(|_| "表单内容不正确".to_owned())?;
        if name == "_csrf" {
            csrf = text;
        } else {
            pairs.push((name, text));
        }
    }
    let encoded = serde_html_form::to_string(&pairs).map_err(|_| "表单内容不正确".to_owned())?;
    let input: PortalApplicationInput =
        serde_html_form::from_str(&encoded).map_err(|_| "表单内容不正确".to_owned())?;
    Ok((input, csrf, photos))
}

/// `POST /public/apply`: the application.
pub async fn apply_submit(State(s): State<AppState>, Meta(meta): Meta, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let refused = match proven(&s, &parts, Purpose::Apply).await {
        Ok(Some(p)) => Ok(p),
        Ok(None) => Err(AppError::Unauthenticated(
            "验证已失效，请重新验证手机号码".into(),
        )),
        Err(e) => Err(e),
    };
    let p = match refused {
        Ok(p) => p,
        Err(e) => {
            // The photos still coming are read before this page is sent
            // (`middleware::read_refused_bodies`).
            drop(body);
            return failure(&s, &parts, e, "/public/apply");
        }
    };
    let req = Request::from_parts(parts.clone(), body);
    let (input, csrf, photos) = match read_application(req).await {
        Ok(x) => x,
        Err(m) => {
            return failure(&s, &parts, AppError::field("photos", m), "/public/apply");
        }
    };
    if !csrf_ok(&parts, &csrf) {
        return expired(&s, &parts);
    }
    match portal::apply(&s.app, &meta, &p, &input, photos).await {
        Ok(done) => {
            let mut facts = vec![
                ("申请编号".into(), done.number.clone()),
                ("受理机构".into(), done.center.clone()),
                ("电话".into(), done.center_phone.clone()),
                ("地址".into(), done.center_address.clone()),
            ];
            if let Some(d) = done.decide_by {
                facts.push((
                    "作出决定的期限".into(),
                    legalaid_domain::document::date_cn(d),
                ));
            }
            Page::new(
                "申请已提交",
                vec![
                    Block::Note(format!(
                        "您的法律援助申请已提交，申请编号 {}，已短信发送至 {}。",
                        done.number,
                        p.masked_phone()
                    )),
                    Block::Facts(facts),
                    Block::Text("请记下申请编号。法律援助机构审查时可能通知您补充材料；可凭申请编号和身份证号码查询进度。".into()),
                    Block::Links(vec![("/public/progress".into(), "查询进度".into())]),
                ],
            )
            .respond(&s, &parts)
        }
        Err(AppError::Validation(errs)) => match portal::info(&s.app).await {
            Ok(info) => apply_page(&s, &parts, &info, &p, &input, &errs),
            Err(e) => failure(&s, &parts, e, "/public/apply"),
        },
        Err(e) => failure(&s, &parts, e, "/public/apply"),
    }
}
