//! Helpers of the tests of long lists (ADRs 0037, 0042, 0043): the columns to
//! copy a row by, a walk through a list by its keyset, and the time order of
//! what it returned.

use super::{Kind, TestApp, select};
use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use serde_json::Value;

/// The columns of `table` but `skip`, as a list (each prefixed with `prefix`).
pub async fn columns(app: &TestApp, table: &str, skip: &[&str], prefix: &str) -> String {
    let skip = skip
        .iter()
        .map(|c| format!("'{c}'"))
        .collect::<Vec<_>>()
        .join(", ");
    app.scalar_text(&match app.kind {
        Kind::Sqlite => format!(
            "SELECT group_concat('{prefix}' || name, ', ') FROM pragma_table_info('{table}') \
             WHERE name NOT IN ({skip})"
        ),
        Kind::Postgres => format!(
            "SELECT string_agg('{prefix}' || column_name, ', ' ORDER BY ordinal_position) \
             FROM information_schema.columns WHERE table_schema = current_schema() \
             AND table_name = '{table}' AND column_name NOT IN ({skip})"
        ),
    })
    .await
}

/// Every row of the list at `path` (which may carry a query) by its keyset,
/// `per_page` at a time. Bounded, so an `after` that is ignored fails the test
/// instead of looping.
pub async fn walk(app: &TestApp, token: &str, path: &str, per_page: i64) -> Vec<Value> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut out = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let url = match &after {
            Some(a) => format!("{path}{sep}per_page={per_page}&after={a}"),
            None => format!("{path}{sep}per_page={per_page}"),
        };
        let (s, page) = app.get_json(&url, Some(token)).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        let items = page["items"].as_array().expect("items").clone();
        assert!(
            i64::try_from(items.len()).expect("len") <= per_page,
            "a page holds at most per_page"
        );
        out.extend(items);
        match page["next"].as_str() {
            Some(n) => after = Some(n.to_owned()),
            None => break,
        }
        assert!(out.len() < 5_000, "the walk ends");
    }
    out
}

/// The (`field`, id) of each item, checked newest first, ties by id, each once.
pub fn in_time_order(items: &[Value], field: &str) -> Vec<(DateTime<Utc>, i64)> {
    let keys: Vec<(DateTime<Utc>, i64)> = items
        .iter()
        .map(|i| {
            let t = i[field].as_str().expect("an instant");
            (
                DateTime::parse_from_rfc3339(t)
                    .expect("an instant")
                    .with_timezone(&Utc),
                i["id"].as_i64().expect("id"),
            )
        })
        .collect();
    assert!(
        keys.windows(2).all(|w| w[0] > w[1]),
        "newest first, ties by id, each once"
    );
    keys
}

/// The page at `path` (as `who` in a browser): its count line, and its next page
/// by the keyset link, which holds 20 rows none of the first page's.
pub async fn pages_by_keyset(app: &TestApp, who: &str, path: &str) {
    let b = app.browser(who).await;
    let (s, html) = b.get(path).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(select(&html, "p.count"), ["超过 1000 条（只数到此处）"]);
    assert_eq!(select(&html, "nav.pager a[rel=next]"), ["下一页"]);
    let href = super::next_link(&html);
    assert!(href.starts_with(&format!("{path}?page=2&after=")), "{href}");
    let first_rows = select(&html, "table tbody tr");
    let (s, html2) = b.get(&href).await;
    assert_eq!(s, StatusCode::OK);
    let second_rows = select(&html2, "table tbody tr");
    assert_eq!(second_rows.len(), 20);
    assert!(second_rows.iter().all(|r| !first_rows.contains(r)));
    assert!(html2.contains("第 2 页"), "{html2}");
}

/// A legal aid center outside the demo's district (金安区, region 341502): rows
/// it holds must stay out of the district's lists.
pub async fn unit_elsewhere(app: &TestApp) -> i64 {
    let admin = app.token("admin").await;
    let (s, region) = app
        .post_json(
            "/api/v1/regions",
            Some(&admin),
            &serde_json::json!({ "code": "341502", "name": "金安区" }),
        )
        .await;
    assert!(
        s.is_success() || region["errors"][0]["field"] == "code",
        "{region}"
    );
    let (s, u) = app
        .post_json(
            "/api/v1/units",
            Some(&admin),
            &serde_json::json!({ "name": "金安区法律援助中心", "kind": "legal_aid_center", "region_code": "341502" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{u}");
    u["id"].as_i64().expect("unit id")
}
