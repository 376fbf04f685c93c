//! Case file review through the API: a round draws the closed files by rule,
//! experts of other units score them (cross-review), the director re-checks, the
//! final grade reaches the case and its subsidy; a 不合格 file is graded again
//! after rectification and then paid. Schemes are versioned data; the draw is
//! all or nothing and happens once, also when two instances start it at once.

mod common;

use common::{TestApp, account, archived_case, granted_wage_claim, lawyer_staff, resident_id};
use legalaid_app::Clock;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn user_id(app: &TestApp, token: &str) -> i64 {
    let (_, me) = app.get_json("/api/v1/me", Some(token)).await;
    me["id"].as_i64().expect("id")
}

/// A civil wage case of a new applicant, handled by the demo account `handler`
/// (a lawyer), closed and archived today; its id.
/// The pool: two outside lawyers of the second and third firm (with accounts)
/// and a center staff member without one. Returns (token a, token b, ids).
async fn pool(app: &TestApp) -> (String, String, [i64; 3]) {
    let (_, firm_b) = {
        let t = app.token("lawyer2").await;
        let (_, me) = app.get_json("/api/v1/me", Some(&t)).await;
        (0, me["unit_id"].as_i64().expect("unit"))
    };
    let firm_c = app.unit_id("安徽皖叶律师事务所").await;
    let quality = app.token("quality").await;
    let (_, me) = app.get_json("/api/v1/me", Some(&quality)).await;
    let center = me["unit_id"].as_i64().expect("center");
    let token_a = account(app, "expert_a", firm_b, "expert").await;
    let token_b = account(app, "expert_b", firm_c, "expert").await;
    let (ua, ub) = (user_id(app, &token_a).await, user_id(app, &token_b).await);
    let mut ids = [0; 3];
    for (i, body) in [
        json!({ "name": "周律师", "kind": "lawyer", "unit_id": firm_b, "user_id": ua, "practice_start_year": 2012, "work_unit": "安徽史河律师事务所" }),
        json!({ "name": "吴律师", "kind": "lawyer", "unit_id": firm_c, "user_id": ub, "practice_start_year": 2010, "work_unit": "安徽皖叶律师事务所" }),
        json!({ "name": "郑主任", "kind": "center_staff", "unit_id": center, "work_unit": "叶集区法律援助中心" }),
    ]
    .into_iter()
    .enumerate()
    {
        let (s, e) = app
            .post_json("/api/v1/quality/experts", Some(&quality), &body)
            .await;
        assert_eq!(s, StatusCode::CREATED, "{e}");
        ids[i] = e["id"].as_i64().expect("id");
    }
    (token_a, token_b, ids)
}

fn round_body(app: &TestApp, name: &str, extra: Value) -> Value {
    let today = legalaid_domain::local_date(app.clock.now());
    let mut b = json!({
        "name": name, "closed_from": today - chrono::Duration::days(1), "closed_to": today,
        "due_on": today + chrono::Duration::days(20), "method": "five", "sample_method": "all",
    });
    if let (Value::Object(m), Value::Object(x)) = (&mut b, extra) {
        m.extend(x);
    }
    b
}

/// Every item of a five-point scheme at `score`; deductions carry a note.
fn sheet(v: &Value, score: u32) -> Vec<Value> {
    v["scheme"]["scheme"]["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            json!({ "item": i["code"], "score": score,
                    "note": if score < 5 { "会见笔录不完整，未附证据目录" } else { "" } })
        })
        .collect()
}

async fn review(app: &TestApp, token: &str, id: i64) -> Value {
    let (s, v) = app
        .get_json(&format!("/api/v1/reviews/{id}"), Some(token))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

both!(
    a_round_samples_the_closed_files_cross_reviews_them_and_the_grades_reach_the_subsidies,
    |app| {
        let a1 = archived_case(&app, "张秀兰", "34150419850215001", "lawyer").await;
        let a2 = archived_case(&app, "李桂芝", "34150419790311002", "lawyer").await;
        let b1 = archived_case(&app, "王建国", "34150419700704003", "lawyer2").await;
        let (token_a, token_b, experts) = pool(&app).await;
        let (_, firm_a) = lawyer_staff(&app).await;
        let quality = app.token("quality").await;
        let director = app.token("director").await;

        // Three experts per file cannot all come from other units for the second
        // firm's file: the draw is refused, naming it, and writes nothing.
        let (s, r) = app
            .post_json(
                "/api/v1/quality/rounds",
                Some(&quality),
                &round_body(
                    &app,
                    "2026年下半年案卷评查（试）",
                    json!({ "reviewers_per_case": 3 }),
                ),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        let (s, e) = app
            .post_json(
                &format!("/api/v1/quality/rounds/{}/draw", r["id"]),
                Some(&quality),
                &json!({ "version": r["version"] }),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{e}");
        assert!(
            e["detail"].as_str().is_some_and(|d| d.contains("可用2名")),
            "{e}"
        );
        let (_, still) = app
            .get_json(
                &format!("/api/v1/quality/rounds/{}", r["id"]),
                Some(&quality),
            )
            .await;
        assert_eq!(still["round"]["status"], "draft", "{still}");
        assert_eq!(still["results"]["total"]["files"], 0);

        // A census (普查) of the period with two experts a file.
        let (s, r) = app
            .post_json(
                "/api/v1/quality/rounds",
                Some(&quality),
                &round_body(&app, "2026年下半年案卷评查", json!({})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        let round = r["id"].as_i64().expect("id");
        let (s, v) = app
            .post_json(
                &format!("/api/v1/quality/rounds/{round}/draw"),
                Some(&quality),
                &json!({ "version": r["version"] }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["round"]["status"], "open");
        assert_eq!(v["summary"]["drawn"], 3, "{v}");
        // Once only.
        let (s, _) = app
            .post_json(
                &format!("/api/v1/quality/rounds/{round}/draw"),
                Some(&quality),
                &json!({ "version": v["round"]["version"] }),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT);

        let (s, files) = app
            .get_json(
                &format!("/api/v1/quality/rounds/{round}/reviews"),
                Some(&quality),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{files}");
        assert_eq!(files["total"], 3);
        let review_of = |case: i64| {
            files["items"]
                .as_array()
                .and_then(|l| l.iter().find(|x| x["case_id"] == case))
                .and_then(|x| x["id"].as_i64())
                .expect("drawn")
        };
        let (ra1, ra2, rb1) = (review_of(a1), review_of(a2), review_of(b1));

        // Cross-review: nobody reviews their own unit's files.
        for rid in [ra1, ra2, rb1] {
            let v = review(&app, &quality, rid).await;
            let unit = v["review"]["unit_id"].as_i64().expect("unit");
            assert_eq!(v["experts"].as_array().map(Vec::len), Some(2), "{v}");
            let (_, pool) = app
                .get_json("/api/v1/quality/experts", Some(&quality))
                .await;
            for e in v["experts"].as_array().expect("experts") {
                let entry = pool["items"]
                    .as_array()
                    .and_then(|l| l.iter().find(|x| x["id"] == e["expert_id"]))
                    .expect("in the pool");
                assert_ne!(entry["unit_id"].as_i64(), Some(unit), "{v}");
            }
            assert_eq!(v["review"]["status"], "pending");
            assert_eq!(v["scheme"]["scheme"]["code"], "civil_five");
        }
        let v = review(&app, &quality, rb1).await;
        let names: Vec<&str> = v["experts"]
            .as_array()
            .expect("experts")
            .iter()
            .filter_map(|e| e["name"].as_str())
            .collect();
        assert!(
            !names.contains(&"周律师"),
            "the second firm's expert: {names:?}"
        );
        assert_eq!(
            v["review"]["unit_id"].as_i64(),
            Some(app.unit_id("安徽史河律师事务所").await)
        );
        let _ = firm_a;

        // A file under review is paid only after its grade.
        let (_, case) = app
            .get_json(&format!("/api/v1/cases/{a1}"), Some(&director))
            .await;
        let today = legalaid_domain::local_date(app.clock.now());
        let (s, e) = app
            .post_json(
                &format!("/api/v1/cases/{a1}/subsidy/payment"),
                Some(&director),
                &json!({ "paid_on": today, "version": case["version"] }),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{e}");
        assert!(
            e["detail"].as_str().is_some_and(|d| d.contains("评查")),
            "{e}"
        );

        // Tier 1: the archive check, from the quality reviewer's queue.
        let (_, q) = app
            .get_json("/api/v1/work-queue?per_page=200", Some(&quality))
            .await;
        assert!(
            q["items"]
                .as_array()
                .is_some_and(|l| l.iter().any(|i| i["code"] == "review_archive_check"
                    && i["href"] == format!("/reviews/{ra1}"))),
            "{q}"
        );
        for rid in [ra1, ra2, rb1] {
            let v = review(&app, &quality, rid).await;
            let (s, v) = app
                .post_json(
                    &format!("/api/v1/reviews/{rid}/archive-check"),
                    Some(&quality),
                    &json!({ "version": v["review"]["version"], "complete": true, "note": "材料齐全" }),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{v}");
            assert_eq!(v["review"]["status"], "reviewing");
        }

        // Tier 2: each expert sees only their own files, in their own queue.
        let (_, mine) = app
            .get_json(
                &format!("/api/v1/quality/rounds/{round}/reviews"),
                Some(&token_a),
            )
            .await;
        let theirs: Vec<i64> = mine["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|x| x["id"].as_i64())
            .collect();
        assert!(!theirs.contains(&rb1), "not the own firm's file: {mine}");
        let (_, q) = app.get_json("/api/v1/work-queue", Some(&token_a)).await;
        let queued: Vec<String> = q["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|i| i["code"] == "review_sheet")
            .filter_map(|i| i["href"].as_str().map(str::to_owned))
            .collect();
        assert_eq!(queued.len(), theirs.len(), "{q}");
        let (s, _) = app
            .get_json(&format!("/api/v1/reviews/{rb1}"), Some(&token_a))
            .await;
        assert_eq!(
            s,
            StatusCode::NOT_FOUND,
            "an expert sees only the files assigned"
        );
        // The third firm's expert (whose firm handled none of them) reads the
        // cases of the files assigned to them and no other.
        let (_, mine_b) = app
            .get_json(
                &format!("/api/v1/quality/rounds/{round}/reviews"),
                Some(&token_b),
            )
            .await;
        let cases_b: Vec<i64> = mine_b["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|x| x["case_id"].as_i64())
            .collect();
        assert_eq!(cases_b.len(), 2, "the load is spread: {mine_b}");
        for c in [a1, a2, b1] {
            let (s, _) = app
                .get_json(&format!("/api/v1/cases/{c}"), Some(&token_b))
                .await;
            let want = if cases_b.contains(&c) {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            assert_eq!(s, want, "case {c}");
        }
        let first = theirs[0];
        let case_of_first = review(&app, &token_a, first).await["review"]["case_id"].clone();
        let (s, _) = app
            .get_json(&format!("/api/v1/cases/{case_of_first}"), Some(&token_a))
            .await;
        assert_eq!(
            s,
            StatusCode::OK,
            "an expert reads the file assigned to them"
        );

        // A deduction needs its reason; a bad sheet changes nothing.
        let v = review(&app, &token_a, first).await;
        let mut bad = sheet(&v, 4);
        bad[0]["note"] = json!("");
        let (s, e) = app
            .post_json(
                &format!("/api/v1/reviews/{first}/score"),
                Some(&token_a),
                &json!({ "version": v["review"]["version"], "scores": bad, "findings": "总体规范" }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert!(e.to_string().contains("扣分须写明扣分理由"), "{e}");

        // Every sheet: the experts with accounts score theirs, the quality
        // reviewer enters the paper sheet of the one without. a2 is scored low.
        let grade_of = |rid: i64| if rid == ra2 { 2 } else { 5 };
        for rid in [ra1, ra2, rb1] {
            let v = review(&app, &quality, rid).await;
            for e in v["experts"].as_array().expect("experts").clone() {
                let v = review(&app, &quality, rid).await;
                let body = json!({ "version": v["review"]["version"], "scores": sheet(&v, grade_of(rid)),
                                   "findings": "案卷评查意见" });
                let (token, body) = if e["has_account"] == true {
                    (
                        if e["name"] == "周律师" {
                            &token_a
                        } else {
                            &token_b
                        },
                        body,
                    )
                } else {
                    let mut b = body;
                    b["expert_id"] = e["expert_id"].clone();
                    (&quality, b)
                };
                let (s, out) = app
                    .post_json(&format!("/api/v1/reviews/{rid}/score"), Some(token), &body)
                    .await;
                assert_eq!(s, StatusCode::OK, "{out}");
                // Each expert sees their own sheet only.
                if e["has_account"] == true {
                    assert_eq!(out["sheets"].as_array().map(Vec::len), Some(1), "{out}");
                }
                // Once.
                let (s, _) = app
                    .post_json(&format!("/api/v1/reviews/{rid}/score"), Some(token), &json!({
                        "version": out["review"]["version"], "scores": sheet(&out, 5), "findings": "再评", "expert_id": e["expert_id"] }))
                    .await;
                assert!(
                    s == StatusCode::CONFLICT
                        || s == StatusCode::FORBIDDEN
                        || s == StatusCode::UNPROCESSABLE_ENTITY,
                    "{s}"
                );
            }
            let v = review(&app, &quality, rid).await;
            assert_eq!(v["review"]["status"], "awaiting_recheck", "{v}");
            assert_eq!(v["combined"], grade_of(rid));
        }
        let _ = experts;

        // Tier 3: the director re-checks from the experts' mean; the grade is final.
        let (_, q) = app
            .get_json("/api/v1/work-queue?per_page=200", Some(&director))
            .await;
        assert!(
            q["items"]
                .as_array()
                .is_some_and(|l| l.iter().any(|i| i["code"] == "review_recheck")),
            "{q}"
        );
        for rid in [ra1, ra2, rb1] {
            let v = review(&app, &director, rid).await;
            let (s, out) = app
                .post_json(
                    &format!("/api/v1/reviews/{rid}/recheck"),
                    Some(&director),
                    &json!({ "version": v["review"]["version"], "scores": v["prefill"], "findings": "同意专家意见" }),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{out}");
            assert_eq!(out["review"]["status"], "final");
        }
        // The grades reached the cases and their subsidies.
        let (_, c) = app
            .get_json(&format!("/api/v1/cases/{a1}"), Some(&director))
            .await;
        assert_eq!(c["grade"], "excellent", "{c}");
        assert_eq!(c["subsidy_status"], "payable");
        let (_, c) = app
            .get_json(&format!("/api/v1/cases/{a2}"), Some(&director))
            .await;
        assert_eq!(c["grade"], "unqualified", "{c}");
        assert_eq!(
            c["subsidy_status"], "withheld",
            "不合格 pays nothing until rectified"
        );

        // The results by unit, handler and case type.
        let (_, rv) = app
            .get_json(&format!("/api/v1/quality/rounds/{round}"), Some(&director))
            .await;
        assert_eq!(rv["results"]["total"]["graded"], 3, "{rv}");
        assert_eq!(rv["results"]["total"]["unqualified"], 1);
        assert_eq!(rv["results"]["by_unit"].as_array().map(Vec::len), Some(2));
        assert_eq!(rv["results"]["by_case_type"][0]["key"], "civil");
        assert!(rv["can_close"].as_bool().is_some_and(|c| !c) || rv["can_close"] == true);

        // The result notice, as a PDF.
        let res = app
            .http
            .get(app.url(&format!(
                "/api/v1/reviews/{ra2}/documents/review_result_notice?format=pdf"
            )))
            .bearer_auth(&director)
            .send()
            .await
            .expect("notice");
        assert_eq!(res.status(), StatusCode::OK);
        let text = common::pdftotext(&res.bytes().await.expect("pdf"));
        assert!(
            text.contains("评查结果通知书") && text.contains("不合格"),
            "{text}"
        );

        // The handler and the firm were told the results.
        let (_, msgs) = app
            .get_json(&format!("/api/v1/cases/{a2}/messages"), Some(&director))
            .await;
        assert!(
            msgs["items"]
                .as_array()
                .is_some_and(|l| l.iter().any(|m| m["kind"] == "review_result")),
            "{msgs}"
        );

        // Graded again only once rectified: an order is issued, answered, sent
        // back, answered again, checked and closed.
        let v = review(&app, &director, ra2).await;
        assert!(
            !v["actions"]
                .as_array()
                .expect("actions")
                .iter()
                .any(|a| a == "regrade"),
            "{v}"
        );
        let (s, e) = app
            .post_json(
                &format!("/api/v1/reviews/{ra2}/regrade"),
                Some(&director),
                &json!({ "version": v["review"]["version"], "reason": "已整改" }),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{e}");
        let (lawyer_staff_id, firm) = lawyer_staff(&app).await;
        let order = json!({ "review_id": ra2, "source": "file_review", "target_unit_id": firm,
            "target_staff_id": lawyer_staff_id, "category": "documents",
            "problem": "会见笔录不完整，未附证据目录。", "requirement": "补充会见笔录和证据目录，书面反馈。",
            "issued_on": today, "deadline": today + chrono::Duration::days(15) });
        let lawyer = app.token("lawyer").await;
        let (s, e) = app
            .post_json("/api/v1/rectifications", Some(&lawyer), &order)
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
        let mut late = order.clone();
        late["deadline"] = json!(today + chrono::Duration::days(120));
        let (s, e) = app
            .post_json("/api/v1/rectifications", Some(&quality), &late)
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        let (s, o) = app
            .post_json("/api/v1/rectifications", Some(&quality), &order)
            .await;
        assert_eq!(s, StatusCode::CREATED, "{o}");
        let oid = o["order"]["id"].as_i64().expect("id");
        let (_, q) = app
            .get_json("/api/v1/work-queue?per_page=200", Some(&lawyer))
            .await;
        assert!(
            q["items"]
                .as_array()
                .is_some_and(|l| l.iter().any(|i| i["code"] == "rectification_answer"
                    && i["href"] == format!("/rectifications/{oid}"))),
            "{q}"
        );
        let (s, _) = app
            .get_json(
                &format!("/api/v1/rectifications/{oid}"),
                Some(&app.token("lawyer2").await),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "another firm's lawyer");
        let v = review(&app, &director, ra2).await;
        let (s, _) = app
            .post_json(
                &format!("/api/v1/reviews/{ra2}/regrade"),
                Some(&director),
                &json!({ "version": v["review"]["version"], "reason": "已整改" }),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "not while the order is open");
        let answer =
            |version: &Value| json!({ "version": version, "answer": "已补充会见笔录和证据目录。" });
        let (s, o) = app
            .post_json(
                &format!("/api/v1/rectifications/{oid}/answer"),
                Some(&lawyer),
                &answer(&o["order"]["version"]),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{o}");
        let (s, e) = app
            .post_json(
                &format!("/api/v1/rectifications/{oid}/verify"),
                Some(&quality),
                &json!({ "version": o["order"]["version"], "ok": false }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        let (s, o) = app
            .post_json(&format!("/api/v1/rectifications/{oid}/verify"), Some(&quality),
                &json!({ "version": o["order"]["version"], "ok": false, "note": "证据目录仍缺页码" }))
            .await;
        assert_eq!(s, StatusCode::OK, "{o}");
        assert_eq!(o["order"]["status"], "reopened");
        let (_, o) = app
            .post_json(
                &format!("/api/v1/rectifications/{oid}/answer"),
                Some(&lawyer),
                &answer(&o["order"]["version"]),
            )
            .await;
        let (s, o) = app
            .post_json(
                &format!("/api/v1/rectifications/{oid}/verify"),
                Some(&quality),
                &json!({ "version": o["order"]["version"], "ok": true, "note": "整改到位" }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{o}");
        assert_eq!(o["order"]["status"], "closed");
        let res = app
            .http
            .get(app.url(&format!(
                "/api/v1/rectifications/{oid}/documents/rectification_notice?format=pdf"
            )))
            .bearer_auth(&lawyer)
            .send()
            .await
            .expect("notice");
        assert_eq!(res.status(), StatusCode::OK);

        // Rectified and graded again (复评), then paid.
        let v = review(&app, &director, ra2).await;
        let (s, e) = app
            .post_json(
                &format!("/api/v1/reviews/{ra2}/regrade"),
                Some(&director),
                &json!({ "version": v["review"]["version"], "reason": " " }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        let (s, v) = app
            .post_json(&format!("/api/v1/reviews/{ra2}/regrade"), Some(&director),
                &json!({ "version": v["review"]["version"], "reason": "承办人已补充会见笔录和证据目录" }))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["review"]["status"], "awaiting_recheck");
        let (s, v) = app
            .post_json(&format!("/api/v1/reviews/{ra2}/recheck"), Some(&director),
                &json!({ "version": v["review"]["version"], "scores": sheet(&v, 4), "findings": "整改到位" }))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["review"]["final_grade"], "good");
        let (_, c) = app
            .get_json(&format!("/api/v1/cases/{a2}"), Some(&director))
            .await;
        assert_eq!(
            (c["grade"].as_str(), c["subsidy_status"].as_str()),
            (Some("good"), Some("payable")),
            "{c}"
        );
        let (s, c) = app
            .post_json(
                &format!("/api/v1/cases/{a2}/subsidy/payment"),
                Some(&director),
                &json!({ "paid_on": today, "version": c["version"] }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{c}");

        // The case lists its review and its order for the center; the handler
        // sees the order addressed to them, not the review; another firm, nothing.
        let records = format!("/api/v1/cases/{a2}/quality-records");
        let kinds = |v: &Value| -> Vec<String> {
            v["items"]
                .as_array()
                .expect("items")
                .iter()
                .filter_map(|i| i["kind"].as_str().map(str::to_owned))
                .collect()
        };
        let (s, r) = app.get_json(&records, Some(&director)).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        let mut seen = kinds(&r);
        seen.sort();
        assert_eq!(seen, ["rectification", "review"], "{r}");
        let (_, r) = app.get_json(&records, Some(&lawyer)).await;
        assert_eq!(kinds(&r), ["rectification"], "{r}");
        let lawyer2 = app.token("lawyer2").await;
        let (s, _) = app.get_json(&records, Some(&lawyer2)).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (_, html) = app
            .browser("director")
            .await
            .get(&format!("/cases/{a2}"))
            .await;
        assert!(
            html.contains("质量管理与投诉")
                && html.contains(&format!("/reviews/{ra2}"))
                && html.contains(&format!("/rectifications/{oid}")),
            "{html}"
        );

        // Every file is final: the round closes.
        let (_, rv) = app
            .get_json(&format!("/api/v1/quality/rounds/{round}"), Some(&quality))
            .await;
        assert_eq!(rv["can_close"], true, "{rv}");
        let (s, rv) = app
            .post_json(
                &format!("/api/v1/quality/rounds/{round}/close"),
                Some(&quality),
                &json!({ "version": rv["round"]["version"] }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{rv}");
        assert_eq!(rv["round"]["status"], "closed");
    }
);

both!(
    schemes_are_versioned_data_and_a_review_keeps_its_version,
    |app| {
        let director = app.token("director").await;
        let (s, list) = app
            .get_json("/api/v1/quality/schemes", Some(&director))
            .await;
        assert_eq!(s, StatusCode::OK, "{list}");
        assert!(
            list["items"]
                .as_array()
                .is_some_and(|l| l.len() >= 4 && l.iter().all(|x| x["scheme"]["example"] == true)),
            "the published tables ship as examples: {list}"
        );
        // A hundred-point scheme must add up to 100.
        let items = |second: u32| {
            json!([
                { "code": "1", "phase": "acceptance", "title": "受理审查材料齐全", "points": 20 },
                { "code": "2", "phase": "handling", "title": "会见、阅卷、调查取证", "points": second },
                { "code": "3", "phase": "closing", "title": "结案材料齐全，按时归档", "points": 30 }
            ])
        };
        let body = |second: u32, base: Value| {
            json!({ "code": "yeji_civil_100", "name": "叶集区民事案件评分表",
            "case_type": "civil", "method": "hundred", "items": items(second), "source": "叶司〔2026〕12号", "base_version": base })
        };
        let (s, e) = app
            .post_json(
                "/api/v1/quality/schemes",
                Some(&director),
                &body(45, Value::Null),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert!(e.to_string().contains("现为95分"), "{e}");
        let (s, v1) = app
            .post_json(
                "/api/v1/quality/schemes",
                Some(&director),
                &body(50, Value::Null),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v1}");
        assert_eq!(v1["version"], 1);
        assert_eq!(v1["scheme"]["thresholds"]["excellent"], 90);
        // A second "new" scheme of the same code is refused; an edit from a stale
        // version too.
        let (s, _) = app
            .post_json(
                "/api/v1/quality/schemes",
                Some(&director),
                &body(50, Value::Null),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT);
        let (s, v2) = app
            .post_json(
                "/api/v1/quality/schemes",
                Some(&director),
                &body(50, json!(1)),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v2}");
        assert_eq!(v2["version"], 2);
        let (s, _) = app
            .post_json(
                "/api/v1/quality/schemes",
                Some(&director),
                &body(50, json!(1)),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT);
        // The old version stays readable, no longer current.
        let (_, old) = app
            .get_json(
                &format!("/api/v1/quality/schemes/{}", v1["id"]),
                Some(&director),
            )
            .await;
        assert_eq!(old["current"], false, "{old}");

        // A round drawn now binds the files to the version in force; a later
        // edit does not change them.
        let case = archived_case(&app, "赵淑芬", "34150419880120004", "lawyer").await;
        let (_, _, _) = pool(&app).await;
        let quality = app.token("quality").await;
        let (s, r) = app
            .post_json(
                "/api/v1/quality/rounds",
                Some(&quality),
                &round_body(&app, "2026年第四季度", json!({ "method": "hundred" })),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        let (s, v) = app
            .post_json(
                &format!("/api/v1/quality/rounds/{}/draw", r["id"]),
                Some(&quality),
                &json!({ "version": r["version"] }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (_, files) = app
            .get_json(
                &format!("/api/v1/quality/rounds/{}/reviews", r["id"]),
                Some(&quality),
            )
            .await;
        let rid = files["items"][0]["id"].as_i64().expect("drawn");
        assert_eq!(files["items"][0]["case_id"], case);
        let (s, _v3) = app
            .post_json(
                "/api/v1/quality/schemes",
                Some(&director),
                &body(50, json!(2)),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED);
        let v = review(&app, &quality, rid).await;
        assert_eq!(v["scheme"]["version"], 2, "bound when drawn: {v}");
        assert_eq!(v["scheme"]["scheme"]["method"], "hundred");

        // A lawyer of a firm may not run rounds or read them.
        let lawyer = app.token("lawyer").await;
        let (s, _) = app
            .post_json(
                "/api/v1/quality/rounds",
                Some(&lawyer),
                &round_body(&app, "x", json!({})),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = app.get_json("/api/v1/quality/rounds", Some(&lawyer)).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = app
            .get_json(&format!("/api/v1/reviews/{rid}"), Some(&lawyer))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
);

both!(a_seed_draws_the_same_sample_again, |app| {
    for (i, (name, id17)) in [
        ("甲一", "34150419800101005"),
        ("乙二", "34150419800202006"),
        ("丙三", "34150419800303007"),
        ("丁四", "34150419800404008"),
    ]
    .into_iter()
    .enumerate()
    {
        archived_case(
            &app,
            name,
            id17,
            if i % 2 == 0 { "lawyer" } else { "lawyer2" },
        )
        .await;
    }
    pool(&app).await;
    let quality = app.token("quality").await;
    let mut drawn = Vec::new();
    for name in ["第一次", "第二次"] {
        let (_, r) = app
            .post_json(
                "/api/v1/quality/rounds",
                Some(&quality),
                &round_body(
                    &app,
                    name,
                    json!({ "sample_method": "per_unit", "per_unit": 1, "seed": "yeji-2026-h2" }),
                ),
            )
            .await;
        let (s, v) = app
            .post_json(
                &format!("/api/v1/quality/rounds/{}/draw", r["id"]),
                Some(&quality),
                &json!({ "version": r["version"] }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["summary"]["drawn"], 2, "one a unit: {v}");
        let (_, files) = app
            .get_json(
                &format!("/api/v1/quality/rounds/{}/reviews", r["id"]),
                Some(&quality),
            )
            .await;
        let mut ids: Vec<i64> = files["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|x| x["case_id"].as_i64())
            .collect();
        ids.sort_unstable();
        drawn.push(ids);
    }
    assert_eq!(drawn[0], drawn[1], "the stored seed reproduces the draw");
});

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_drawing_one_round_at_once_draw_it_once() {
    if std::env::var("LEGALAID_TEST_DATABASE_URL").is_err() {
        eprintln!("LEGALAID_TEST_DATABASE_URL is not set: PostgreSQL run skipped");
        return;
    }
    let app = TestApp::spawn(common::Kind::Postgres).await;
    archived_case(&app, "钱多多", "34150419900505009", "lawyer").await;
    archived_case(&app, "孙小小", "34150419910606000", "lawyer2").await;
    pool(&app).await;
    let quality = app.token("quality").await;
    let (_, r) = app
        .post_json(
            "/api/v1/quality/rounds",
            Some(&quality),
            &round_body(&app, "并发", json!({})),
        )
        .await;
    let twin = app.twin().await;
    let path = format!("/api/v1/quality/rounds/{}/draw", r["id"]);
    let body = json!({ "version": r["version"] });
    let send = |base: String| {
        let http = app.http.clone();
        let (path, body, quality) = (path.clone(), body.clone(), quality.clone());
        async move {
            http.post(format!("{base}{path}"))
                .bearer_auth(quality)
                .json(&body)
                .send()
                .await
                .expect("draw")
                .status()
        }
    };
    let (x, y) = tokio::join!(send(app.base.clone()), send(twin.base.clone()));
    let mut got = [x, y];
    got.sort();
    assert_eq!(
        got,
        [StatusCode::OK, StatusCode::CONFLICT],
        "one draw, one 409"
    );
    let n = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM reviews WHERE round_id = {}",
            r["id"]
        ))
        .await;
    assert_eq!(n, 2);
    let _ = granted_wage_claim;
}

both!(a_review_is_done_through_the_pages, |app| {
    let case = archived_case(&app, "周桂香", "34150419660808001", "lawyer").await;
    let (_, _, _) = pool(&app).await;
    let quality = app.browser("quality").await;

    // Empty states, then a round made on its form.
    let (s, html) = quality.get("/quality").await;
    assert_eq!(s, StatusCode::OK);
    assert!(common::select(&html, "nav ul.nav a").contains(&"案卷评查".to_owned()));
    assert!(html.contains("还没有评查批次"), "{html}");
    let (s, html) = quality.get("/quality/rounds/new").await;
    assert_eq!(s, StatusCode::OK);
    let csrf = quality.csrf("/quality/rounds/new").await;
    let today = legalaid_domain::local_date(app.clock.now());
    let form = |name: &str, percent: &str| {
        vec![
            ("_csrf", csrf.clone()),
            ("name", name.to_owned()),
            (
                "closed_from",
                (today - chrono::Duration::days(3)).to_string(),
            ),
            ("closed_to", today.to_string()),
            ("due_on", (today + chrono::Duration::days(30)).to_string()),
            ("method", "five".to_owned()),
            ("sample_method", "share".to_owned()),
            ("percent", percent.to_owned()),
            ("per_unit", "1".to_owned()),
        ]
    };
    let _ = html;
    // Bad input: the form again, 422, nothing saved.
    let (s, html, _) = common::post(&quality, "/quality/rounds", &form("页面批次", "0")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        common::fields_in_error(&html).contains(&"percent".to_owned()),
        "{html}"
    );
    let (s, _, loc) = common::post(&quality, "/quality/rounds", &form("页面批次", "30")).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let round = loc.expect("to the round");
    let (_, html) = quality.get(&round).await;
    let version = common::hidden(&html, &format!("{round}/draw"), "version");
    let (s, _, _) = common::post(
        &quality,
        &format!("{round}/draw"),
        &[("_csrf", csrf.clone()), ("version", version)],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html) = quality.get(&round).await;
    assert!(html.contains("符合条件的案卷1件，抽取1件"), "{html}");
    let link: Vec<String> = {
        let doc = scraper::Html::parse_document(&html);
        let sel = scraper::Selector::parse("a[href^='/reviews/']").expect("selector");
        doc.select(&sel)
            .filter_map(|a| a.value().attr("href").map(str::to_owned))
            .collect()
    };
    let review = link.first().expect("the file is listed").clone();

    // The archive check, then the paper sheets of the experts, on the page.
    let (_, html) = quality.get(&review).await;
    let v = common::hidden(&html, &format!("{review}/archive-check"), "version");
    let (s, _, _) = common::post(
        &quality,
        &format!("{review}/archive-check"),
        &[
            ("_csrf", csrf.clone()),
            ("version", v),
            ("complete", "false".into()),
            ("missing", "缺少阅卷笔录".into()),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html) = quality.get(&review).await;
    assert!(html.contains("材料不齐全：缺少阅卷笔录"), "{html}");
    let rid: i64 = review.trim_start_matches("/reviews/").parse().expect("id");
    let api = app.token("quality").await;
    let view = super_review(&app, &api, rid).await;
    for e in view["experts"].as_array().expect("experts").clone() {
        let (_, html) = quality.get(&review).await;
        let v = common::hidden(&html, &format!("{review}/score"), "version");
        let mut f = vec![
            ("_csrf", csrf.clone()),
            ("version", v),
            ("expert_id", e["expert_id"].to_string()),
            ("findings", "卷宗基本规范".into()),
        ];
        let items: Vec<String> = view["scheme"]["scheme"]["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|i| i["code"].as_str().map(str::to_owned))
            .collect();
        let names: Vec<(String, String)> = items
            .iter()
            .map(|c| (format!("s:{c}"), "5".to_owned()))
            .collect();
        // An out-of-range score is shown on its row, 422.
        let mut bad: Vec<(&str, String)> = f.clone();
        for (k, v) in &names {
            bad.push((k.as_str(), if k == "s:1" { "9".into() } else { v.clone() }));
        }
        let (s, html, _) = common::post(&quality, &format!("{review}/score"), &bad).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(html.contains("满分5分，不能评9分"), "{html}");
        for (k, v) in &names {
            f.push((k.as_str(), v.clone()));
        }
        let (s, html, _) = common::post(&quality, &format!("{review}/score"), &f).await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    }

    // The director re-checks on the page, from the experts' mean.
    let director = app.browser("director").await;
    let (_, html) = director.get(&review).await;
    assert!(html.contains("复核并确定等级"), "{html}");
    let v = common::hidden(&html, &format!("{review}/recheck"), "version");
    let dcsrf = director.csrf(&review).await;
    let doc = scraper::Html::parse_document(&html);
    let sel = scraper::Selector::parse(&format!(
        "form[action='{review}/recheck'] input[name^='s:']"
    ))
    .expect("selector");
    let mut f: Vec<(String, String)> = doc
        .select(&sel)
        .map(|i| {
            (
                i.value().attr("name").unwrap_or("").to_owned(),
                i.value().attr("value").unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert!(
        f.iter().all(|(_, v)| v == "5"),
        "prefilled with the mean: {f:?}"
    );
    f.push(("_csrf".into(), dcsrf));
    f.push(("version".into(), v));
    f.push(("findings".into(), "同意".into()));
    let pairs: Vec<(&str, String)> = f.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    let (s, _, _) = common::post(&director, &format!("{review}/recheck"), &pairs).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html) = director.get(&review).await;
    assert!(html.contains("复核得分 5 分，质量等级：优秀"), "{html}");
    assert!(html.contains("review_result_notice?format=pdf"), "{html}");
    let (_, c) = app
        .get_json(
            &format!("/api/v1/cases/{case}"),
            Some(&app.token("director").await),
        )
        .await;
    assert_eq!(c["grade"], "excellent");

    // An order from the review, on its form (prefilled from the review), is
    // answered by the lawyer and closed by the quality reviewer, on the pages.
    let (s, html) = quality
        .get(&format!("/rectifications/new?review={rid}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        common::select(&html, "select[name=source] option[selected]"),
        ["案卷评查"]
    );
    let doc = scraper::Html::parse_document(&html);
    let value = |name: &str| -> String {
        let sel = scraper::Selector::parse(&format!("[name={name}]")).expect("selector");
        doc.select(&sel)
            .next()
            .map(|e| {
                e.value()
                    .attr("value")
                    .map(str::to_owned)
                    .unwrap_or_else(|| e.text().collect())
            })
            .unwrap_or_default()
    };
    let unit = {
        let sel = scraper::Selector::parse("select[name=target_unit_id] option[selected]")
            .expect("selector");
        doc.select(&sel)
            .next()
            .and_then(|o| o.value().attr("value"))
            .unwrap_or("")
            .to_owned()
    };
    let form: Vec<(&str, String)> = vec![
        ("_csrf", csrf.clone()),
        ("review_id", value("review_id")),
        ("case_id", value("case_id")),
        ("source", "file_review".into()),
        ("target_unit_id", unit),
        ("target_staff_id", value("target_staff_id")),
        ("category", "documents".into()),
        ("problem", value("problem")),
        ("requirement", value("requirement")),
        ("issued_on", value("issued_on")),
        ("deadline", value("deadline")),
    ];
    let (s, html, loc) = common::post(&quality, "/rectifications", &form).await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    let order = loc.expect("to the order");
    let lawyer_b = app.browser("lawyer").await;
    let (_, html) = lawyer_b.get("/rectifications").await;
    assert!(html.contains(&order), "the lawyer's list: {html}");
    let (_, html) = lawyer_b.get(&order).await;
    let v = common::hidden(&html, &format!("{order}/answer"), "version");
    let lcsrf = lawyer_b.csrf(&order).await;
    let (s, _, _) = common::post(
        &lawyer_b,
        &format!("{order}/answer"),
        &[
            ("_csrf", lcsrf),
            ("version", v),
            ("answer", "已补充".into()),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html) = quality.get(&order).await;
    let v = common::hidden(&html, &format!("{order}/verify"), "version");
    let (s, html, _) = common::post(
        &quality,
        &format!("{order}/verify"),
        &[
            ("_csrf", csrf.clone()),
            ("version", v.clone()),
            ("ok", "false".into()),
        ],
    )
    .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a note is needed to send it back: {html}"
    );
    let (s, _, _) = common::post(
        &quality,
        &format!("{order}/verify"),
        &[
            ("_csrf", csrf.clone()),
            ("version", v),
            ("ok", "true".into()),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html) = quality.get(&order).await;
    assert!(html.contains("已整改销号"), "{html}");

    // The schemes and the pool have their pages.
    for path in [
        "/quality/schemes",
        "/quality/experts",
        "/quality/schemes/new",
    ] {
        let (s, html) = director.get(path).await;
        assert_eq!(s, StatusCode::OK, "{path}: {html}");
    }
    let (_, html) = director.get("/quality/schemes").await;
    assert!(html.contains("示例"), "{html}");
    // A lawyer sees none of it.
    let lawyer = app.browser("lawyer").await;
    let (s, _) = lawyer.get(&review).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = lawyer.get("/quality").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
});

async fn super_review(app: &TestApp, token: &str, id: i64) -> Value {
    review(app, token, id).await
}

both!(
    a_handlers_rating_falls_after_a_low_grade_and_an_upheld_complaint_and_the_ranking_says_so,
    |app| {
        let director = app.token("director").await;
        let supervisor = app.token("supervisor").await;
        let (lawyer, _) = lawyer_staff(&app).await;
        async fn rating(app: &TestApp, token: String, lawyer: i64) -> Value {
            let (s, r) = app
                .get_json(&format!("/api/v1/staff/{lawyer}/rating"), Some(&token))
                .await;
            assert_eq!(s, StatusCode::OK, "{r}");
            r
        }
        let before = rating(&app, director.clone(), lawyer).await;
        assert_eq!(
            before["rating"]["score"], 75,
            "neutral without evidence: {before}"
        );

        // A closed case graded 不合格.
        let case = archived_case(&app, "冯桂兰", "34150419770707003", "lawyer").await;
        let (_, c) = app
            .get_json(&format!("/api/v1/cases/{case}"), Some(&director))
            .await;
        let (s, c) = app
            .post_json(
                &format!("/api/v1/cases/{case}/grade"),
                Some(&director),
                &json!({ "grade": "unqualified", "version": c["version"] }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{c}");
        let after_grade = rating(&app, director.clone(), lawyer).await;
        let s1 = after_grade["rating"]["score"].as_i64().expect("score");
        assert!(s1 < 75, "{after_grade}");

        // A complaint about the lawyer, upheld.
        let (s, k) = app
            .post_json("/api/v1/complaints", Some(&supervisor), &json!({
                "channel": "phone", "received_at": common::now_rfc3339(&app), "complainant_name": "冯桂兰",
                "complainant_phone": "13955506612", "relation": "recipient", "respondent_staff_id": lawyer,
                "case_id": case, "category": "neglect", "facts": "承办律师未按时告知办理进展。" }))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{k}");
        let kid = k["complaint"]["id"].as_i64().expect("id");
        let (s, k) = app
            .post_json(
                &format!("/api/v1/complaints/{kid}/accept"),
                Some(&supervisor),
                &json!({ "version": k["complaint"]["version"] }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{k}");
        let (s, k) = app
            .post_json(&format!("/api/v1/complaints/{kid}/conclude"), Some(&supervisor), &json!({
                "version": k["complaint"]["version"], "outcome": "corrected", "conclusion": "情况属实，责令改正。", "follow_up": [] }))
            .await;
        assert_eq!(s, StatusCode::OK, "{k}");
        let after = rating(&app, director.clone(), lawyer).await;
        let s2 = after["rating"]["score"].as_i64().expect("score");
        assert_eq!(
            s2,
            s1 - 10,
            "an upheld complaint costs its penalty: {after}"
        );
        let lines = after["rating"]["lines"].to_string();
        assert!(
            lines.contains("不合格1") && lines.contains("投诉"),
            "{lines}"
        );

        // A recipient's dissatisfied evaluation in a follow-up visit lowers it too.
        let quality = app.token("quality").await;
        let items = [
            "service_attitude",
            "communication",
            "rights_protection",
            "case_result",
            "overall",
        ];
        let evaluations: Vec<Value> = items
            .iter()
            .map(|i| json!({ "item": i, "rating": "dissatisfied" }))
            .collect();
        let (s, v) = app
            .post_json("/api/v1/visits", Some(&quality), &json!({ "case_id": case, "mode": "phone",
                "timing": "after_closure", "visited_on": legalaid_domain::local_date(app.clock.now()),
                "outcome": "connected", "evaluations": evaluations, "on_time": true, "notes": "" }))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let after_visit = rating(&app, director.clone(), lawyer).await;
        let s3 = after_visit["rating"]["score"].as_i64().expect("score");
        assert!(s3 < s2, "{after_visit}");
        assert!(
            after_visit["rating"]["lines"]
                .to_string()
                .contains("回访总体评价 1 次"),
            "{after_visit}"
        );
        let s2 = s3;

        // The next case's suggestions weigh it and say why.
        let clerk = app.token("clerk").await;
        let (_, p) = app
            .post_json("/api/v1/persons", Some(&clerk),
                &json!({ "name": "褚秀珍", "id_type": "resident_id", "id_number": resident_id("34150419810818002") }))
            .await;
        let application =
            granted_wage_claim(&app, p["id"].as_i64().expect("id"), "某物流有限公司").await;
        let (s, c) = app
            .post_json(
                &format!("/api/v1/applications/{application}/case"),
                Some(&director),
                &json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        let (_, sugg) = app
            .get_json(
                &format!("/api/v1/cases/{}/assignment-suggestions", c["id"]),
                Some(&director),
            )
            .await;
        let list = sugg["items"].as_array().expect("items");
        let me = list
            .iter()
            .find(|x| x["staff_id"] == lawyer)
            .expect("the lawyer is listed");
        let reason = me["reasons"]
            .as_array()
            .expect("reasons")
            .iter()
            .filter_map(|r| r.as_str())
            .find(|r| r.starts_with("质量评价"))
            .expect("the rating is a reason")
            .to_owned();
        assert!(
            reason.contains(&format!("质量评价{s2}分，低于基准75分")),
            "{reason}"
        );
        let others = list
            .iter()
            .filter(|x| x["eligible"] == true && x["staff_id"] != lawyer);
        let better = others
            .filter(|x| x["reasons"].to_string().contains("与基准持平"))
            .count();
        assert!(better > 0, "neutral colleagues are listed: {sugg}");
        let place = list
            .iter()
            .position(|x| x["staff_id"] == lawyer)
            .expect("listed");
        assert!(place > 0, "the low-rated handler is not suggested first");

        // The staff page shows the rating with its derivation.
        let b = app.browser("director").await;
        let (_, html) = b.get(&format!("/staff/{lawyer}")).await;
        assert!(
            html.contains("质量评价") && html.contains(&format!("{s2}分")),
            "{html}"
        );
    }
);
