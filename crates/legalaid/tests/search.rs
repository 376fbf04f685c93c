//! Full-text search (issue 13, ADR 0031): a word of the facts finds the case,
//! the last four digits of a phone find the person; only what the caller may
//! read; the index follows every change in the same transaction, on every
//! instance at once; a rebuild writes the same entries.

mod common;

use common::{TestApp, case_with_demo_lawyer, granted_wage_claim, resident_id, select};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn search(app: &TestApp, token: &str, q: &str) -> Value {
    let (s, v) = app
        .get_json(
            &format!("/api/v1/search?q={}&per_page=200", common::urlenc(q)),
            Some(token),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{q}: {v}");
    v
}

/// The (kind, id) of every hit.
fn hits(v: &Value) -> Vec<(String, i64)> {
    v["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|h| {
            (
                h["kind"].as_str().expect("kind").to_owned(),
                h["id"].as_i64().expect("id"),
            )
        })
        .collect()
}

fn has(v: &Value, kind: &str, id: i64) -> bool {
    hits(v).contains(&(kind.to_owned(), id))
}

/// The marked words of a hit's snippet and title.
fn marked(v: &Value, kind: &str, id: i64) -> Vec<String> {
    let h = v["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|h| h["kind"] == kind && h["id"] == id)
        .unwrap_or_else(|| panic!("{kind} {id} in {v}"));
    ["title", "snippet"]
        .iter()
        .flat_map(|f| h[*f].as_array().cloned().unwrap_or_default())
        .filter(|p| p["mark"] == true)
        .map(|p| p["text"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// A person registered by the demo clerk (史河街道司法所).
async fn person(app: &TestApp, name: &str, id17: &str, phone: &str) -> Value {
    let clerk = app.token("clerk").await;
    let (s, p) = app
        .post_json(
            "/api/v1/persons",
            Some(&clerk),
            &json!({ "name": name, "id_type": "resident_id", "id_number": resident_id(id17),
                     "phone": phone, "address": "叶集区史河街道滨河路18号" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    p
}

both!(
    a_word_of_the_facts_finds_the_case_and_four_digits_the_person,
    |app| {
        let p = person(&app, "诸葛明月", "34150419800101123", "13700009527").await;
        let pid = p["id"].as_i64().expect("id");
        let application = granted_wage_claim(&app, pid, "叶集某矿业有限公司").await;
        let case = case_with_demo_lawyer(&app, application).await;
        let cid = case["id"].as_i64().expect("case id");

        let clerk = app.token("clerk").await;
        let v = search(&app, &clerk, "工资").await;
        assert!(has(&v, "case", cid), "{v}");
        assert!(has(&v, "application", application), "{v}");
        assert!(marked(&v, "case", cid).contains(&"工资".to_owned()));
        assert_eq!(v["terms"], json!(["工资"]));
        // The phrase as the facts put it, the opposing party, the name.
        for q in ["拖欠工资", "矿业", "诸葛明月"] {
            assert!(has(&search(&app, &clerk, q).await, "case", cid), "{q}");
        }
        // Every word must occur: a word the case lacks leaves it out.
        assert!(!has(&search(&app, &clerk, "工资 离婚").await, "case", cid));
        let v = search(&app, &clerk, "9527").await;
        assert!(has(&v, "person", pid), "{v}");
        assert!(marked(&v, "person", pid).contains(&"9527".to_owned()));
        assert!(has(
            &search(&app, &clerk, "13700009527").await,
            "person",
            pid
        ));

        // The handling firm's lawyer finds the case, another firm's never does.
        let lawyer = app.token("lawyer").await;
        assert!(has(&search(&app, &lawyer, "诸葛明月").await, "case", cid));
        let other_firm = app.token("lawyer2").await;
        let v = search(&app, &other_firm, "诸葛明月").await;
        assert!(hits(&v).is_empty(), "another firm finds nothing: {v}");
        assert_eq!(v["total"], 0, "and counts nothing: {v}");
        // The supervisor's three (person, application, case), counted on a page
        // past them too.
        let supervisor = app.token("supervisor").await;
        let (s, v) = app
            .get_json(
                &format!(
                    "/api/v1/search?q={}&page=2&per_page=2",
                    common::urlenc("诸葛明月")
                ),
                Some(&supervisor),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!((v["total"].clone(), hits(&v).len()), (json!(3), 1), "{v}");
        let (_, v) = app
            .get_json(
                &format!(
                    "/api/v1/search?q={}&page=9&per_page=2",
                    common::urlenc("诸葛明月")
                ),
                Some(&supervisor),
            )
            .await;
        assert_eq!((v["total"].clone(), hits(&v).len()), (json!(3), 0), "{v}");
        // Another judicial office does not find this office's person by phone.
        let pinggang = app.token("clerk_pinggang").await;
        assert!(!has(&search(&app, &pinggang, "9527").await, "person", pid));
        // The bureau sees its district.
        let v = search(&app, &supervisor, "诸葛明月").await;
        for (k, id) in [("person", pid), ("application", application), ("case", cid)] {
            assert!(has(&v, k, id), "{k} {id}: {v}");
        }
        // Only one kind.
        let (s, v) = app
            .get_json(
                &format!(
                    "/api/v1/search?q={}&kind=person",
                    common::urlenc("诸葛明月")
                ),
                Some(&supervisor),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(hits(&v), vec![("person".to_owned(), pid)]);
    }
);

both!(the_index_follows_every_change_at_once, |app| {
    let p = person(&app, "欧阳晓岚", "34150419810202123", "13800001357").await;
    let pid = p["id"].as_i64().expect("id");
    let application = granted_wage_claim(&app, pid, "叶集某纺织有限公司").await;
    let case = case_with_demo_lawyer(&app, application).await;
    let cid = case["id"].as_i64().expect("case id");
    let lawyer = app.token("lawyer").await;
    let supervisor = app.token("supervisor").await;

    // A progress note's words, found by the next request.
    let today =
        legalaid_domain::local_date(legalaid_app::Clock::now(app.clock.as_ref())).to_string();
    let (s, c) = app
        .post_json(
            &format!("/api/v1/cases/{cid}/progress"),
            Some(&lawyer),
            &json!({ "activity": "meeting", "occurred_on": today, "note": "调取考勤记录与银行流水。" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let v = search(&app, &supervisor, "考勤记录").await;
    assert!(has(&v, "case", cid), "{v}");

    // A second instance on the same database finds the same at once.
    let twin = app.twin().await;
    let res = app
        .http
        .get(twin.url(&format!("/api/v1/search?q={}", common::urlenc("考勤记录"))))
        .bearer_auth(&supervisor)
        .send()
        .await
        .expect("twin");
    assert_eq!(res.status(), StatusCode::OK);
    let v: Value = res.json().await.expect("json");
    assert!(has(&v, "case", cid), "{v}");

    // A new name: the person, their application and case are found by it, not by the old.
    let clerk = app.token("clerk").await;
    let (s, q) = app
        .put_json(
            &format!("/api/v1/persons/{pid}"),
            Some(&clerk),
            &json!({ "version": p["version"], "name": "欧阳晓澜", "id_type": "resident_id",
                     "id_number": resident_id("34150419810202123"), "phone": "13800002468" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{q}");
    let v = search(&app, &supervisor, "欧阳晓澜").await;
    for (k, id) in [("person", pid), ("application", application), ("case", cid)] {
        assert!(has(&v, k, id), "{k} {id}: {v}");
    }
    assert!(hits(&search(&app, &supervisor, "欧阳晓岚").await).is_empty());
    assert!(!has(
        &search(&app, &supervisor, "1357").await,
        "person",
        pid
    ));
    assert!(has(&search(&app, &supervisor, "2468").await, "person", pid));

    // Nothing waits in the queue after a commit.
    assert_eq!(app.scalar("SELECT COUNT(*) FROM search_queue").await, 0);
});

both!(
    rows_written_outside_are_indexed_by_the_job_and_a_rebuild_changes_nothing,
    |app| {
        let p = person(&app, "上官云舒", "34150419820303123", "13600002222").await;
        let application =
            granted_wage_claim(&app, p["id"].as_i64().expect("id"), "叶集某建材公司").await;
        case_with_demo_lawyer(&app, application).await;
        // A bulk load that bypasses the application: queued by the triggers.
        let unit = app.unit_id("叶集区史河街道司法所").await;
        app.raw_sql(&format!(
            "INSERT INTO persons (name, id_type, id_number_enc, id_number_hash, id_number_masked, phone, unit_id, \
             version, created_at, updated_at) VALUES ('司马青云', 'resident_id', 'v1:x', 'hash-search-test', \
             '341504********0000', '13900004321', {unit}, 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')"
        ))
        .await
        .expect("insert");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM search_queue").await, 1);
        let supervisor = app.token("supervisor").await;
        assert!(hits(&search(&app, &supervisor, "司马青云").await).is_empty());
        let done = legalaid_app::search::drain(&app.app, None)
            .await
            .expect("drain");
        assert_eq!(done, 1);
        assert_eq!(hits(&search(&app, &supervisor, "4321").await).len(), 1);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM search_queue").await, 0);

        // A rebuild writes what the transactions wrote.
        let snapshot = "SELECT COUNT(*) FROM search_entries";
        let n = app.scalar(snapshot).await;
        let r = legalaid_app::search::rebuild(&app.app)
            .await
            .expect("rebuild");
        assert_eq!(
            (r.persons + r.applications + r.cases + r.consultations + r.complaints) as i64,
            n
        );
        assert_eq!(app.scalar(snapshot).await, n);
        // Nothing was rewritten: every entry already said what the rebuild says
        // (an unchanged entry is not written, so the FTS rows stay as they were).
        let v = search(&app, &supervisor, "工资").await;
        assert!(v["total"].as_i64().unwrap_or_default() > 0, "{v}");
    }
);

both!(
    bad_queries_are_named_and_complaints_stay_with_their_readers,
    |app| {
        let supervisor = app.token("supervisor").await;
        for (q, why) in [
            ("", "empty"),
            ("%20%20", "blank"),
            (&"工".repeat(101)[..], "too long"),
        ] {
            let (s, e) = app
                .get_json(&format!("/api/v1/search?q={q}"), Some(&supervisor))
                .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{why}: {e}");
            assert_eq!(e["errors"][0]["field"], "q", "{why}: {e}");
        }
        let (s, e) = app
            .get_json("/api/v1/search?q=a&kind=letters", Some(&supervisor))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        let (s, _) = app.get_json("/api/v1/search?q=a", None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);

        // Complaints: the bureau finds them; a lawyer (who reads none) never does,
        // nor does the unit a complaint is about.
        let clerk = app.token("clerk").await;
        let center = app.unit_id("六安市叶集区法律援助中心").await;
        let (lawyer_staff, _) = common::lawyer_staff(&app).await;
        let mut ids = Vec::new();
        for respondent in [
            json!({ "respondent_staff_id": lawyer_staff }),
            json!({ "respondent_unit_id": center }),
        ] {
            let mut body = json!({ "channel": "walk_in", "received_at": common::now_rfc3339(&app),
            "complainant_name": "投诉人乙", "complainant_phone": "13955501234", "relation": "recipient",
            "category": "neglect", "facts": "承办人员迟迟不予答复，态度敷衍塞责。", "request": "依法处理" });
            if let (Some(b), Some(r)) = (body.as_object_mut(), respondent.as_object()) {
                b.extend(r.clone());
            }
            let (s, c) = app
                .post_json("/api/v1/complaints", Some(&clerk), &body)
                .await;
            assert_eq!(s, StatusCode::CREATED, "{c}");
            ids.push(c["complaint"]["id"].as_i64().expect("id"));
        }
        let v = search(&app, &supervisor, "敷衍塞责").await;
        for id in &ids {
            assert!(has(&v, "complaint", *id), "{v}");
        }
        let lawyer = app.token("lawyer").await;
        assert!(hits(&search(&app, &lawyer, "敷衍塞责").await).is_empty());
        let quality = app.token("quality").await;
        let v = search(&app, &quality, "敷衍塞责").await;
        assert!(
            !has(&v, "complaint", ids[1]),
            "not about the center to the center: {v}"
        );
        // The complainant's phone is not in a complaint's entry.
        assert!(!has(
            &search(&app, &supervisor, "1234").await,
            "complaint",
            ids[0]
        ));
    }
);

both!(the_search_box_is_on_every_staff_page, |app| {
    let p = person(&app, "东方明珠", "34150419830404123", "13500003333").await;
    granted_wage_claim(&app, p["id"].as_i64().expect("id"), "叶集某物流公司").await;
    let b = app.browser("clerk").await;
    let (s, home) = b.get("/").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        select(&home, "form.site-search input[name=q]").len(),
        1,
        "the search box"
    );
    let (s, html) = b
        .get(&format!("/search?q={}", common::urlenc("工资")))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(!select(&html, "ol.hits li").is_empty(), "{html}");
    assert!(select(&html, "mark").iter().any(|m| m == "工资"));
    // Nothing found, and a bad query, said on the page.
    let (_, html) = b
        .get(&format!("/search?q={}", common::urlenc("量子纠缠")))
        .await;
    assert!(html.contains("没有找到"), "{html}");
    let (s, html) = b.get(&format!("/search?q={}", "工".repeat(101))).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(select(&html, "p.error").len(), 1, "{html}");
    let (_, html) = b.get("/search").await;
    assert!(select(&html, "ol.hits").is_empty());
});

both!(
    the_newest_thousand_are_ranked_and_every_match_is_reached,
    |app| {
        // ADR 0047: of the newest 1,000 matches, those with the word in their
        // title come first (newer first), then the others; past the thousand,
        // newest first. Pages neither repeat nor skip a match across the border.
        let unit = app
            .scalar("SELECT unit_id FROM users WHERE username = 'clerk'")
            .await;
        app.raw_sql(&format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1010) \
             INSERT INTO search_entries (kind, record_id, unit_a, title, body, tokens) \
             SELECT 'person', 900000 + i, {unit}, \
               CASE WHEN i % 100 = 0 THEN '深页' || i ELSE '名' || i END, '深页', '深页' FROM n"
        ))
        .await
        .expect("entries");
        let clerk = app.token("clerk").await;
        let mut seen = Vec::new();
        for page in 1..=8 {
            let (s, v) = app
                .get_json(
                    &format!(
                        "/api/v1/search?q={}&per_page=150&page={page}",
                        common::urlenc("深页")
                    ),
                    Some(&clerk),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{v}");
            assert_eq!(v["total"], 1000, "counted to the cap: {v}");
            assert_eq!(v["more_than"], 1000, "{v}");
            let ids: Vec<i64> = hits(&v).iter().map(|(_, id)| id - 900000).collect();
            if page == 1 {
                let titled: Vec<i64> = (1..=10).rev().map(|k| k * 100).collect();
                assert_eq!(ids[..10], titled[..], "title hits first, newer first");
                assert_eq!(ids[10..13], [1010, 1009, 1008], "then the newest");
            }
            if page == 7 {
                // The last 100 ranked (the oldest of the thousand), then the ten
                // matches past the thousand.
                assert_eq!(ids.len(), 110, "{ids:?}");
                assert_eq!(ids[100..], [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
            }
            seen.extend(ids);
        }
        let mut all = seen.clone();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), seen.len(), "no match twice");
        assert_eq!(all, (1..=1010).collect::<Vec<_>>(), "every match once");
    }
);

both!(
    a_word_common_among_the_newest_is_found_in_older_entries_too,
    |app| {
        // ADR 0047: on PostgreSQL a word held by 5% of the newest thousand entries
        // is looked for by walking the newest entries; when they hold fewer than
        // the count's thousand, the search reads the index, and so finds a match
        // older than anything the walk reads. SQLite reads its index either way.
        let unit = app
            .scalar("SELECT unit_id FROM users WHERE username = 'clerk'")
            .await;
        let entry = |record: i64| format!("'person', {record}, {unit}, '近页0', '近页', '近页'");
        let old = match app.kind {
            common::Kind::Postgres => format!(
                "INSERT INTO search_entries (id, kind, record_id, unit_a, title, body, tokens) \
                 OVERRIDING SYSTEM VALUE \
                 SELECT COALESCE(MIN(id), 0) - 100000, {} FROM search_entries",
                entry(800_000)
            ),
            common::Kind::Sqlite => format!(
                "INSERT INTO search_entries (kind, record_id, unit_a, title, body, tokens) VALUES ({})",
                entry(800_000)
            ),
        };
        app.raw_sql(&old).await.expect("the old entry");
        app.raw_sql(&format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60) \
             INSERT INTO search_entries (kind, record_id, unit_a, title, body, tokens) \
             SELECT 'person', 800000 + i, {unit}, '近页' || i, '近页', '近页' FROM n"
        ))
        .await
        .expect("the new entries");
        let clerk = app.token("clerk").await;
        let (s, v) = app
            .get_json(
                &format!("/api/v1/search?q={}&per_page=100", common::urlenc("近页")),
                Some(&clerk),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["total"], 61, "{v}");
        assert!(v["more_than"].is_null(), "{v}");
        let ids: Vec<i64> = hits(&v).iter().map(|(_, id)| id - 800_000).collect();
        let mut newest_first: Vec<i64> = (1..=60).rev().collect();
        newest_first.push(0);
        assert_eq!(ids, newest_first, "the old match last");
    }
);
