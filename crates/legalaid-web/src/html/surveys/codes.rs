//! A campaign's one-time codes as printable QR cards (`/surveys/{id}/codes`).

use super::*;

pub struct QrCard {
    pub svg: String,
    pub link: String,
    pub unit: String,
    pub batch: i64,
    pub used: bool,
}

#[derive(Template)]
#[template(path = "survey_codes.html")]
struct CodesPage {
    shell: Shell,
    heading: String,
    title: String,
    actions: Vec<Action>,
    cards: Vec<QrCard>,
    empty: String,
    pager: Option<Pager>,
}

#[derive(Deserialize, Default)]
pub struct CodesQuery {
    batch: Option<String>,
    unanswered: Option<String>,
    page: Option<i64>,
}

/// The address the public reaches this server at, as the request named it.
fn public_base(s: &AppState, req: &axum::http::HeaderMap) -> String {
    let host = req
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or("localhost");
    let scheme = if s.settings.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

pub async fn codes(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    PageQuery(q): PageQuery<CodesQuery>,
    headers: axum::http::HeaderMap,
) -> PageResult {
    let id: CampaignId = parse_id(&id)?;
    let v = uc::get(&s.app, &page.ctx, id).await.map_err(page_error)?;
    let batch = q
        .batch
        .as_deref()
        .and_then(|b| b.trim().parse::<i64>().ok());
    let p = Page::new(q.page, Some(48));
    let unanswered = q.unanswered.as_deref().is_some_and(|u| !u.is_empty());
    let (items, total) = uc::codes(&s.app, &page.ctx, id, batch, unanswered, p)
        .await
        .map_err(page_error)?;
    let base = public_base(&s, &headers);
    let cards = items
        .iter()
        .map(|k| {
            let link = format!("{base}/public/surveys/{}", k.code);
            QrCard {
                svg: charts::qr(&link, 160).unwrap_or_default(),
                link,
                unit: k.unit_name.clone(),
                batch: k.batch,
                used: k.used,
            }
        })
        .collect();
    let query = query_string(&[
        ("batch", batch.map(|b| b.to_string())),
        ("unanswered", unanswered.then(|| "1".to_owned())),
    ]);
    let mut actions = vec![Action {
        href: format!("/surveys/{id}"),
        label: "返回调查".into(),
    }];
    if !unanswered {
        let only = query_string(&[
            ("batch", batch.map(|b| b.to_string())),
            ("unanswered", Some("1".to_owned())),
        ]);
        actions.push(Action {
            href: format!("/surveys/{id}/codes?{only}"),
            label: "只看未作答".into(),
        });
    }
    let out = CodesPage {
        shell: Shell::new(&page, "调查二维码", "/surveys"),
        heading: format!("{}：二维码", v.campaign.title),
        title: v.campaign.title.clone(),
        actions,
        cards,
        empty: "还没有生成二维码。在调查页面“生成二维码”中填写数量后生成。".into(),
        pager: Some(Pager::new(
            &format!("/surveys/{id}/codes"),
            &query,
            p,
            total,
        )),
    };
    Ok(render(&out))
}
