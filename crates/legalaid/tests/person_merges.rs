//! Duplicate persons (issue 13, ADR 0032): two registrations of one person are
//! found and merged with nothing lost, the merge is undone by the record it
//! left, a raced merge has one winner, bad merges change nothing.

mod common;

use common::{TestApp, case_with_demo_lawyer, granted_wage_claim, resident_id};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn person(app: &TestApp, token: &str, name: &str, id17: &str, phone: &str) -> Value {
    let (s, p) = app
        .post_json(
            "/api/v1/persons",
            Some(token),
            &json!({ "name": name, "id_type": "resident_id", "id_number": resident_id(id17), "phone": phone }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    p
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().expect("id")
}

/// The candidate pairs as ((a, b), reasons).
async fn pairs(app: &TestApp, token: &str) -> Vec<((i64, i64), Vec<String>)> {
    let (s, v) = app
        .get_json("/api/v1/persons/duplicates?per_page=200", Some(token))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|p| {
            (
                (
                    p["a"]["id"].as_i64().expect("a"),
                    p["b"]["id"].as_i64().expect("b"),
                ),
                p["reasons"]
                    .as_array()
                    .expect("reasons")
                    .iter()
                    .map(|r| r.as_str().unwrap_or_default().to_owned())
                    .collect(),
            )
        })
        .collect()
}

async fn merge(
    app: &TestApp,
    token: &str,
    keep: &Value,
    gone: &Value,
    reason: &str,
) -> (StatusCode, Value) {
    app.post_json(
        &format!("/api/v1/persons/{}/merge", id(keep)),
        Some(token),
        &json!({ "merged_id": id(gone), "survivor_version": keep["version"],
                 "merged_version": gone["version"], "reason": reason }),
    )
    .await
}

both!(
    two_registrations_are_found_and_merged_with_nothing_lost,
    |app| {
        let clerk = app.token("clerk").await;
        let keep = person(&app, &clerk, "周建华", "34150419800505123", "13611112222").await;
        let gone = person(&app, &clerk, "周建华", "34150419800505456", "").await;
        // Each has an application; the second also a case.
        let a1 = granted_wage_claim(&app, id(&keep), "叶集某食品公司").await;
        let a2 = granted_wage_claim(&app, id(&gone), "叶集某家具公司").await;
        let case = case_with_demo_lawyer(&app, a2).await;
        let cid = id(&case);

        let found = pairs(&app, &clerk).await;
        let pair = found
            .iter()
            .find(|(p, _)| *p == (id(&keep), id(&gone)))
            .unwrap_or_else(|| panic!("the pair in {found:?}"));
        assert_eq!(pair.1, vec!["same_name_and_birth".to_owned()]);

        let audits = "SELECT COUNT(*) FROM audit_log WHERE action = 'person.merge'";
        let (s, m) = merge(&app, &clerk, &keep, &gone, "同一人用两个证件号码重复登记").await;
        assert_eq!(s, StatusCode::OK, "{m}");
        assert_eq!(m["moved"]["applications"], json!([a2]), "{m}");
        assert_eq!(m["moved"]["cases"], json!([cid]), "{m}");
        assert_eq!(app.scalar(audits).await, 1);

        // Everything of both is under the survivor; the merged record stays, pointing at it.
        let supervisor = app.token("supervisor").await;
        for (path, field) in [
            (format!("/api/v1/applications/{a1}"), "applicant_id"),
            (format!("/api/v1/applications/{a2}"), "applicant_id"),
        ] {
            let (s, v) = app.get_json(&path, Some(&supervisor)).await;
            assert_eq!(s, StatusCode::OK, "{v}");
            let got = v[field]
                .as_i64()
                .or_else(|| v["application"][field].as_i64());
            assert_eq!(got, Some(id(&keep)), "{path}: {v}");
        }
        let (_, c) = app
            .get_json(&format!("/api/v1/cases/{cid}"), Some(&supervisor))
            .await;
        let recipient = c["recipient_id"]
            .as_i64()
            .or_else(|| c["case"]["recipient_id"].as_i64());
        assert_eq!(recipient, Some(id(&keep)), "{c}");
        let (s, g) = app
            .get_json(&format!("/api/v1/persons/{}", id(&gone)), Some(&clerk))
            .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(g["merged_into"], id(&keep), "{g}");
        assert!(
            pairs(&app, &clerk)
                .await
                .iter()
                .all(|(p, _)| *p != (id(&keep), id(&gone)))
        );
        // The merged record's number leads to the survivor; no new application for it.
        let (s, l) = app
            .get_json(
                &format!(
                    "/api/v1/persons?id_number={}",
                    resident_id("34150419800505456")
                ),
                Some(&clerk),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{l}");
        assert_eq!(l["items"][0]["id"], id(&keep), "{l}");
        let (s, e) = app
        .post_json(
            "/api/v1/applications",
            Some(&clerk),
            &json!({ "applicant_id": id(&gone), "channel": "walk_in", "received_at": common::now_rfc3339(&app),
                     "matter_code": "labor_remuneration", "service_form": "labor_arbitration", "procedural_role": "applicant",
                     "summary": "被拖欠工资。", "exemption_code": "migrant_worker_wage_or_injury", "exemption_proof_provided": true }),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT, "{e}");
        // The search finds the case by the survivor's name and phone, the merged record no more.
        let (_, v) = app
            .get_json("/api/v1/search?q=2222&kind=person", Some(&clerk))
            .await;
        assert_eq!(v["total"], 1, "{v}");

        // Undone by the record it left: the moved rows go back.
        let (s, u) = app
            .post_json(
                &format!("/api/v1/person-merges/{}/undo", id(&m)),
                Some(&clerk),
                &json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{u}");
        assert!(!u["undone_at"].is_null());
        let (_, v) = app
            .get_json(&format!("/api/v1/applications/{a2}"), Some(&supervisor))
            .await;
        let got = v["applicant_id"]
            .as_i64()
            .or_else(|| v["application"]["applicant_id"].as_i64());
        assert_eq!(got, Some(id(&gone)), "{v}");
        let (_, g) = app
            .get_json(&format!("/api/v1/persons/{}", id(&gone)), Some(&clerk))
            .await;
        assert!(g["merged_into"].is_null(), "{g}");
        let (s, _) = app
            .post_json(
                &format!("/api/v1/person-merges/{}/undo", id(&m)),
                Some(&clerk),
                &json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "undone once");
        let (_, list) = app
            .get_json(
                &format!("/api/v1/persons/{}/merges", id(&keep)),
                Some(&clerk),
            )
            .await;
        assert_eq!(list["total"], 1, "{list}");
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'person.unmerge'")
                .await,
            1
        );
        let admin = app.token("admin").await;
        let (s, v) = app.get_json("/api/v1/audit/verify", Some(&admin)).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["ok"], true, "{v}");
    }
);

both!(
    similar_names_and_phones_are_offered_and_two_people_can_be_told_apart,
    |app| {
        let clerk = app.token("clerk").await;
        let a = person(&app, &clerk, "张晓明", "34150419900101123", "13722223333").await;
        let b = person(&app, &clerk, "张小明", "34150419900101456", "").await;
        let c = person(&app, &clerk, "王芳", "34150419700707123", "13722223333").await;
        let found = pairs(&app, &clerk).await;
        let reasons = |x: &Value, y: &Value| {
            found
                .iter()
                .find(|(p, _)| *p == (id(x), id(y)))
                .map(|(_, r)| r.clone())
        };
        assert_eq!(
            reasons(&a, &b),
            Some(vec!["similar_name_same_birth".to_owned()])
        );
        assert_eq!(reasons(&a, &c), Some(vec!["same_phone".to_owned()]));
        assert_eq!(reasons(&b, &c), None);
        // Another office sees none of this office's pairs.
        let pinggang = app.token("clerk_pinggang").await;
        assert!(
            pairs(&app, &pinggang)
                .await
                .iter()
                .all(|(p, _)| *p != (id(&a), id(&b)))
        );
        // Declared two people: no longer offered.
        let (s, e) = app
            .post_json(
                "/api/v1/persons/duplicates/distinct",
                Some(&clerk),
                &json!({ "a": id(&c), "b": id(&a) }),
            )
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{e}");
        let found = pairs(&app, &clerk).await;
        assert!(
            found.iter().all(|(p, _)| *p != (id(&a), id(&c))),
            "{found:?}"
        );

        // Bad merges change nothing.
        let (s, e) = merge(&app, &clerk, &a, &a, "同一人").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        let (s, e) = merge(&app, &clerk, &a, &b, "  ").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["errors"][0]["field"], "reason", "{e}");
        let mut stale = b.clone();
        stale["version"] = json!(99);
        let (s, e) = merge(&app, &clerk, &a, &stale, "重复登记").await;
        assert_eq!(s, StatusCode::CONFLICT, "{e}");
        let (s, _) = merge(&app, &pinggang, &a, &b, "重复登记").await;
        assert_eq!(s, StatusCode::NOT_FOUND, "another office's persons");
        let lawyer = app.token("lawyer").await;
        let (s, _) = merge(&app, &lawyer, &a, &b, "重复登记").await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = app
            .get_json("/api/v1/persons/duplicates", Some(&lawyer))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM person_merges").await, 0);

        // The pages: the list, the confirmation, the merge, the notice on the merged record.
        let br = app.browser("clerk").await;
        let (s, html) = br.get("/persons/duplicates").await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("张小明"), "{html}");
        let (s, html) = br
            .get(&format!("/persons/merge?keep={}&merge={}", id(&a), id(&b)))
            .await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(html.contains("张晓明") && html.contains("张小明"), "{html}");
        let form = [
            ("_csrf", common::hidden(&html, "/persons/merge", "_csrf")),
            ("keep", id(&a).to_string()),
            ("merge", id(&b).to_string()),
            ("survivor_version", a["version"].to_string()),
            ("merged_version", b["version"].to_string()),
            ("reason", String::new()),
        ];
        let (s, html, _) = common::post(&br, "/persons/merge", &form).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert_eq!(common::fields_in_error(&html), vec!["reason".to_owned()]);
        let mut form = form.to_vec();
        form[5].1 = "姓名录入错误，同一人".into();
        let (s, _, to) = common::post(&br, "/persons/merge", &form).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert_eq!(to, Some(format!("/persons/{}", id(&a))));
        let (_, html) = br.get(&format!("/persons/{}", id(&b))).await;
        assert!(html.contains("已合并至"), "{html}");
        let (_, html) = br.get(&format!("/persons/{}", id(&a))).await;
        assert!(html.contains("撤销合并"), "{html}");
        // A record others were merged into is not merged on (its merges could
        // not be undone exactly).
        let (_, fresh) = app
            .get_json(&format!("/api/v1/persons/{}", id(&a)), Some(&clerk))
            .await;
        let (s, e) = merge(&app, &clerk, &c, &fresh, "重复登记").await;
        assert_eq!(s, StatusCode::CONFLICT, "{e}");
        assert!(e.to_string().contains("已有其他登记并入"), "{e}");
    }
);

both!(a_merge_raced_from_two_instances_has_one_winner, |app| {
    let clerk = app.token("clerk").await;
    let a = person(&app, &clerk, "吴国强", "34150419850808123", "").await;
    let b = person(&app, &clerk, "吴国强", "34150419850808456", "").await;
    let c = person(&app, &clerk, "吴国强", "34150419850808789", "").await;
    let twin = app.twin().await;
    let body = |keep: &Value| {
        json!({ "merged_id": id(&b), "survivor_version": keep["version"],
                "merged_version": b["version"], "reason": "重复登记" })
    };
    let first = app
        .http
        .post(app.url(&format!("/api/v1/persons/{}/merge", id(&a))))
        .bearer_auth(&clerk)
        .json(&body(&a))
        .send();
    let second = app
        .http
        .post(twin.url(&format!("/api/v1/persons/{}/merge", id(&c))))
        .bearer_auth(&clerk)
        .json(&body(&c))
        .send();
    let (r1, r2) = tokio::join!(first, second);
    let mut codes = vec![r1.expect("first").status(), r2.expect("second").status()];
    codes.sort();
    assert_eq!(codes, vec![StatusCode::OK, StatusCode::CONFLICT]);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM person_merges").await, 1);
});
