//! The annual public report (`/public/report`, LAL art 58).

use super::*;

#[derive(serde::Deserialize, Default)]
pub struct YearQuery {
    #[serde(default)]
    year: Option<String>,
}

/// `/public/report`: the annual public report (LAL art 58).
pub async fn report(
    State(s): State<AppState>,
    crate::extract::PageQuery(q): crate::extract::PageQuery<YearQuery>,
    req: Request,
) -> Response {
    use legalaid_domain::assessment::yuan;
    let parts = parts_of(req);
    let year = match q.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        None => None,
        Some(y) => match y.parse::<i32>() {
            Ok(y) => Some(y),
            Err(_) => {
                return failure(&s, &parts, AppError::NotFound, "/public/report");
            }
        },
    };
    let r = match portal::report(&s.app, year).await {
        Ok(r) => r,
        Err(e) => return failure(&s, &parts, e, "/public/report"),
    };
    let f = &r.figures;
    let title = format!("{}{}年度法律援助工作情况", r.region_name, r.year);
    let mut blocks = vec![Block::Links(
        r.years
            .iter()
            .filter(|y| **y != r.year)
            .map(|y| (format!("/public/report?year={y}"), format!("{y}年度")))
            .collect(),
    )];
    if !r.complete {
        blocks.push(Block::Note(format!(
            "本年度尚未结束，以下为截至{}的数据。",
            legalaid_domain::document::date_cn(r.as_of)
        )));
    }
    let empty = f.applications == 0
        && f.cases_by_type.is_empty()
        && f.subsidies_paid == 0
        && f.grades.is_empty()
        && f.complaints == 0
        && f.consultations == 0
        && f.duty_help == 0
        && f.publicity_activities == 0;
    if empty {
        blocks.push(Block::Alert(format!(
            "系统中没有{}年度的法律援助记录。",
            r.year
        )));
    }
    blocks.push(Block::Heading("申请与审查".into()));
    blocks.push(Block::Facts(vec![
        ("收到申请".into(), format!("{}件", f.applications)),
        ("决定给予法律援助".into(), format!("{}件", f.granted)),
        ("决定不予法律援助".into(), format!("{}件", f.denied)),
    ]));
    blocks.push(Block::Heading("案件".into()));
    let mut rows: Vec<Vec<String>> = f
        .cases_by_type
        .iter()
        .map(|(t, n)| {
            let label = legalaid_domain::case::CaseType::parse(t)
                .map_or_else(|| t.clone(), |c| c.label().to_owned());
            vec![label, n.to_string()]
        })
        .collect();
    let opened: i64 = f.cases_by_type.iter().map(|(_, n)| n).sum();
    if !rows.is_empty() {
        rows.push(vec!["合计".into(), opened.to_string()]);
    }
    blocks.push(Block::Table(Table {
        head: vec!["新收案件类型".into(), "件数".into()],
        rows,
        empty: "本年度没有新收案件。".into(),
    }));
    blocks.push(Block::Facts(vec![(
        "结案归档".into(),
        format!("{}件", f.closed),
    )]));
    blocks.push(Block::Heading(
        "法律咨询、值班律师法律帮助和普法宣传".into(),
    ));
    blocks.push(Block::Facts(vec![
        ("解答法律咨询".into(), format!("{}人次", f.consultations)),
        (
            "值班律师提供法律帮助".into(),
            format!("{}人次（值班{}天）", f.duty_help, f.duty_days),
        ),
        (
            "开展法律援助宣传".into(),
            format!("{}场，受众{}人次", f.publicity_activities, f.people_reached),
        ),
    ]));
    blocks.push(Block::Heading("经费".into()));
    blocks.push(Block::Facts(vec![
        ("发放办案补贴".into(), format!("{}件", f.subsidies_paid)),
        ("补贴金额".into(), yuan(f.subsidies_fen)),
    ]));
    blocks.push(Block::Heading("案件质量".into()));
    let reviewed: i64 = f.grades.iter().map(|(_, n)| n).sum();
    blocks.push(Block::Table(Table {
        head: vec!["评查等级".into(), "件数".into(), "占比".into()],
        rows: f
            .grades
            .iter()
            .map(|(g, n)| {
                let label = legalaid_domain::case::Grade::parse(g)
                    .map_or_else(|| g.clone(), |x| x.label().to_owned());
                let share = if reviewed > 0 {
                    format!("{:.1}%", (*n as f64) * 100.0 / (reviewed as f64))
                } else {
                    String::new()
                };
                vec![label, n.to_string(), share]
            })
            .collect(),
        empty: "本年度没有完成的案卷评查。".into(),
    }));
    blocks.push(Block::Heading("投诉".into()));
    blocks.push(Block::Facts(vec![
        ("收到投诉".into(), format!("{}件", f.complaints)),
        (
            "查证属实并处理".into(),
            format!("{}件", f.complaints_upheld),
        ),
    ]));
    blocks.push(Block::Text(
        "依照《法律援助法》第五十八条向社会公布。数据由法律援助综合管理信息系统按记录统计。".into(),
    ));
    Page::new(&title, blocks).respond(&s, &parts)
}
