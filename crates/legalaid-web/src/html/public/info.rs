//! The portal's information pages: what it offers, the guide drawn from the
//! rules in force, and where to go.

use super::*;

/// `/public/`: what the portal offers.
pub async fn home(State(s): State<AppState>, req: Request) -> Response {
    let parts = parts_of(req);
    let info = match portal::info(&s.app).await {
        Ok(i) => i,
        Err(e) => return failure(&s, &parts, e, "/public/"),
    };
    let region = if info.region_name.is_empty() {
        String::new()
    } else {
        format!("{}，", info.region_name)
    };
    Page::new(
        SITE,
        vec![
            Block::Text(format!(
                "{region}经济困难的公民和符合法定条件的其他当事人，可以申请免费的法律援助。在这里可以了解申请条件、自测是否符合条件、网上提交申请、查询办理进度和投诉。"
            )),
            Block::Links(vec![
                ("/public/guide".into(), "服务指南：援助范围、经济困难标准、所需材料".into()),
                ("/public/check".into(), "条件自测：几个问题，马上知道是否符合条件".into()),
                ("/public/apply".into(), "网上申请法律援助".into()),
                ("/public/progress".into(), "查询申请和案件办理进度".into()),
                ("/public/complaint".into(), "投诉".into()),
                ("/public/units".into(), "法律援助机构、司法所和工作站的地址电话".into()),
                ("/public/report".into(), "年度法律援助工作情况（依法公开）".into()),
            ]),
            Block::Note("法律咨询请拨打 12348 公共法律服务热线。".into()),
        ],
    )
    .respond(&s, &parts)
}

/// `/public/guide`: the rules in force, read from the rules data.
pub async fn guide(State(s): State<AppState>, req: Request) -> Response {
    let parts = parts_of(req);
    let info = match portal::info(&s.app).await {
        Ok(i) => i,
        Err(e) => return failure(&s, &parts, e, "/public/"),
    };
    let mut blocks = vec![Block::Text(format!(
        "以下内容为{}现行有效的规定。",
        legalaid_domain::document::date_cn(info.today)
    ))];
    blocks.push(Block::Heading("可以申请法律援助的事项".into()));
    blocks.push(Block::Table(Table {
        head: vec!["事项".into(), "依据".into(), "经济困难条件".into()],
        rows: info
            .matters
            .iter()
            .map(|m| {
                vec![
                    m.label.clone(),
                    legalaid_domain::rules::basis_for_users(&m.basis),
                    m.hardship.label().to_owned(),
                ]
            })
            .collect(),
        empty: "暂无现行有效的事项范围，请拨打12348咨询。".into(),
    }));
    blocks.push(Block::Heading("经济困难标准".into()));
    if info.standards.is_empty() && info.missing_standards.is_empty() {
        blocks.push(Block::Alert(
            "暂未公布经济困难标准，请拨打12348咨询。".into(),
        ));
    }
    for st in &info.standards {
        blocks.push(Block::Facts(vec![
            ("城市".into(), st.city.clone()),
            (
                "标准".into(),
                format!(
                    "家庭人均月收入不高于{}（当地最低生活保障标准{}的{}倍）",
                    legalaid_domain::assessment::yuan(st.threshold_fen()),
                    legalaid_domain::assessment::yuan(st.dibao_monthly_fen),
                    st.multiplier
                ),
            ),
            (
                "施行日期".into(),
                legalaid_domain::document::date_cn(st.effective_from),
            ),
            ("依据".into(), st.source.clone()),
        ]));
    }
    for city in &info.missing_standards {
        blocks.push(Block::Alert(format!(
            "{city}的经济困难标准尚未录入，请拨打12348咨询。"
        )));
    }
    blocks.push(Block::Heading("免予核查经济困难状况的人员".into()));
    blocks.push(Block::List(
        info.exemptions
            .iter()
            .map(|e| {
                format!(
                    "{}（{}）",
                    e.label,
                    legalaid_domain::rules::basis_for_users(&e.basis)
                )
            })
            .collect(),
    ));
    blocks.push(Block::Heading("申请时需要的材料".into()));
    blocks.push(Block::List(
        info.materials.iter().map(|m| (*m).to_owned()).collect(),
    ));
    blocks.push(Block::Heading("怎样申请".into()));
    blocks.push(Block::List(vec![
        "网上申请：在本网站验证手机号码后填写申请，可上传材料照片。".into(),
        "到法律援助中心或所在乡镇（街道）司法所、法律援助工作站当面申请。".into(),
        "拨打12348热线咨询和预约。".into(),
        "被羁押的犯罪嫌疑人、被告人可以通过办案机关或者监管场所转交申请。".into(),
        "法律援助机构自收到申请之日起七个工作日内审查，作出是否给予法律援助的决定（《法律援助法》第四十三条）。".into(),
    ]));
    blocks.push(Block::Links(vec![
        ("/public/check".into(), "条件自测".into()),
        ("/public/apply".into(), "网上申请".into()),
    ]));
    Page::new("服务指南", blocks).respond(&s, &parts)
}

/// `/public/units`: where to go.
pub async fn units(State(s): State<AppState>, req: Request) -> Response {
    let parts = parts_of(req);
    let d = match portal::directory(&s.app).await {
        Ok(d) => d,
        Err(e) => return failure(&s, &parts, e, "/public/"),
    };
    let cards = |units: &[legalaid_domain::unit::Unit]| -> Block {
        Block::Cards(
            units
                .iter()
                .map(|u| Card {
                    title: u.name.clone(),
                    lines: [
                        ("地址", u.address.clone()),
                        ("电话", u.phone.clone()),
                        ("接待时间", u.office_hours.clone()),
                    ]
                    .into_iter()
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(k, v)| format!("{k}：{v}"))
                    .collect(),
                })
                .collect(),
        )
    };
    let mut blocks = Vec::new();
    for (title, list) in [
        ("法律援助中心", &d.centers),
        ("司法所", &d.offices),
        ("法律援助工作站", &d.workstations),
        ("司法局", &d.bureaus),
    ] {
        blocks.push(Block::Heading(title.into()));
        if list.is_empty() {
            blocks.push(Block::Text("暂无".into()));
        } else {
            blocks.push(cards(list));
        }
    }
    Page::new("法律援助机构", blocks).respond(&s, &parts)
}
