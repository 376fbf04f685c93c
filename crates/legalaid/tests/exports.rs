//! Lists and exports that go through every row: a CSV export is sent a batch at
//! a time and is never cut at a cap; the inbox and the hearing calendar page.

mod common;

use common::select;
use reqwest::StatusCode;

/// Rows `count` added straight to the audit trail with entity type `bulk`, at
/// sequence numbers from 1,000,000,001, far above where the chain's own
/// numbering will reach in a test.
async fn bulk_audit(app: &common::TestApp, count: i64) {
    app.raw_sql(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}) \
         INSERT INTO audit_log (seq, at, actor_user_id, actor_username, request_id, ip, action, \
         entity_type, entity_id, before_json, after_json, prev_hash, hash) \
         SELECT 1000000000 + i, '2026-01-05 08:00:00+00:00', NULL, 'bulk', 'bulk', '127.0.0.1', 'bulk.test', \
         'bulk', CAST(i AS TEXT), NULL, NULL, 'x', 'x' FROM n"
    ))
    .await
    .expect("bulk audit rows");
}

both!(an_audit_export_holds_every_entry_past_any_cap, |app| {
    // More than the 10,000 the export used to stop at, in many batches.
    bulk_audit(&app, 10_123).await;
    let admin = app.browser("admin").await;
    let (s, page) = admin.get("/audit?entity_type=bulk").await;
    assert_eq!(s, StatusCode::OK);
    // The page counts up to its cap (ADR 0042); the export holds every entry.
    assert!(page.contains("超过 1000 条（只数到此处）"), "{page}");
    let (s, csv) = admin.get("/audit/export.csv?entity_type=bulk").await;
    assert_eq!(s, StatusCode::OK);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 1 + 10_123);
    assert!(lines[0].contains("序号"), "{}", lines[0]);
    // Newest first, each entry once, in order across the batches.
    let seqs: Vec<i64> = lines[1..]
        .iter()
        .map(|l| l.split(',').next().expect("seq").parse().expect("number"))
        .collect();
    assert_eq!(seqs.first(), Some(&1_000_010_123));
    assert_eq!(seqs.last(), Some(&1_000_000_001));
    assert!(seqs.windows(2).all(|w| w[0] == w[1] + 1));

    // Refused before anything is sent to whoever may not read the trail.
    let clerk = app.browser("clerk").await;
    let (s, _) = clerk.get("/audit/export.csv?entity_type=bulk").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
});

both!(the_inbox_pages_through_every_message, |app| {
    let clerk = app.browser("clerk").await;
    let user = app
        .scalar("SELECT id FROM users WHERE username = 'clerk'")
        .await;
    let before = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM messages WHERE user_id = {user} AND channel = 'in_app'"
        ))
        .await;
    app.raw_sql(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 130) \
         INSERT INTO messages (kind, audience, channel, user_id, subject, body, status, next_attempt_at, created_at) \
         SELECT 'progress_recorded', 'unit', 'in_app', {user}, '测试', '第' || CAST(i AS TEXT) || '条', 'sent', \
         '2026-01-05 08:00:00+00:00', '2026-01-05 08:00:00+00:00' FROM n"
    ))
    .await
    .expect("messages");
    let total = before + 130;
    let pages = (total + 49) / 50;
    let (s, first) = clerk.get("/messages").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        first.contains(&format!("第 1 / {pages} 页，共 {total} 条")),
        "{first}"
    );
    let mut seen = 0;
    for p in 1..=pages {
        let (_, html) = clerk.get(&format!("/messages?page={p}")).await;
        seen += select(&html, "tbody tr").len();
    }
    assert_eq!(i64::try_from(seen).expect("count"), total);
});
