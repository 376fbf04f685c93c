//! Excellent-case selection (优秀案例评选) through the API and the pages, on both
//! backends: a selection refused with its errors leaves nothing; units nominate
//! their own archived cases once (404 for a case they do not see, 403 for one
//! of another unit, 422 for one not archived or with an upheld complaint, 409
//! for a second nomination); judging gives each case judges of other units; a
//! judge of the case's own unit is refused, a second sheet is 409, points out
//! of range 422; publication waits for every sheet, fixes the ranking, honours
//! the first places, tells their handlers, and the case page shows the honour.
//! Two instances nominating one case, or one judge scoring twice at once, end
//! with one row and a 409 on PostgreSQL.

mod common;

use common::{Browser, TestApp, account, resident_id};
use legalaid_app::Clock;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn me(app: &TestApp, token: &str) -> Value {
    let (s, me) = app.get_json("/api/v1/me", Some(token)).await;
    assert_eq!(s, StatusCode::OK, "{me}");
    me
}

/// A civil wage case of a new applicant handled by the demo account `handler`,
/// with the agreement signed; (its id, its version). Archived when `archive`.
async fn case_of(app: &TestApp, name: &str, id17: &str, handler: &str, archive: bool) -> i64 {
    let clerk = app.token("clerk").await;
    let (s, p) = app
        .post_json(
            "/api/v1/persons",
            Some(&clerk),
            &json!({ "name": name, "id_type": "resident_id", "id_number": resident_id(id17) }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let (s, a) = app
        .post_json(
            "/api/v1/applications",
            Some(&clerk),
            &json!({
                "applicant_id": p["id"], "channel": "walk_in", "received_at": common::now_rfc3339(app),
                "matter_code": "labor_remuneration", "service_form": "litigation_representation",
                "procedural_role": "plaintiff", "opposing_party": "某建筑劳务有限公司",
                "summary": "被拖欠工资三个月。",
                "exemption_code": "migrant_worker_wage_or_injury", "exemption_proof_provided": true
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let director = app.token("director").await;
    let (s, d) = app
        .post_json(
            &format!("/api/v1/applications/{}/decision", a["id"]),
            Some(&director),
            &json!({ "outcome": "granted", "reason": "", "version": a["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let (s, c) = app
        .post_json(
            &format!("/api/v1/applications/{}/case", a["id"]),
            Some(&director),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let lawyer = app.token(handler).await;
    let who = me(app, &lawyer).await;
    let (s, c) = app
        .post_json(
            &format!("/api/v1/cases/{}/assignment", c["id"]),
            Some(&director),
            &json!({ "unit_id": who["unit_id"], "handler_id": who["staff_id"], "version": c["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    let id = c["id"].as_i64().expect("id");
    let today = legalaid_domain::local_date(app.clock.now());
    let (s, c) = app
        .post_json(
            &format!("/api/v1/cases/{id}/agreement"),
            Some(&lawyer),
            &json!({ "signed_on": today, "version": c["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    if !archive {
        return id;
    }
    let (s, c) = app
        .post_json(
            &format!("/api/v1/cases/{id}/closure"),
            Some(&lawyer),
            &json!({ "outcome": "judgment_won", "ended_on": today, "amount_fen": 900_000, "adoption": "adopted",
                     "report": "法院判决用人单位支付拖欠工资九千元。", "version": c["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    let (s, c) = app
        .post_json(
            &format!("/api/v1/cases/{id}/closure-review"),
            Some(&director),
            &json!({ "approve": true, "version": c["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["status"], "archived");
    id
}

/// The panel: judge_a, a lawyer of the second firm (安徽史河, lawyer2's), and
/// judge_b of the third firm, both with accounts; 郑主任 of the center without
/// one (the organiser enters their paper sheets). (token a, token b, ids).
async fn panel(app: &TestApp) -> (String, String, [i64; 3]) {
    let firm_b = app.unit_id("安徽史河律师事务所").await;
    let firm_c = app.unit_id("安徽皖叶律师事务所").await;
    let quality = app.token("quality").await;
    let center = me(app, &quality).await["unit_id"].as_i64().expect("center");
    let token_a = account(app, "judge_a", firm_b, "expert").await;
    let token_b = account(app, "judge_b", firm_c, "expert").await;
    let ua = me(app, &token_a).await["id"].clone();
    let ub = me(app, &token_b).await["id"].clone();
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

fn selection_body(app: &TestApp, title: &str, judges: &[i64], places: u32) -> Value {
    let today = legalaid_domain::local_date(app.clock.now());
    json!({ "title": title, "year": chrono::Datelike::year(&today),
            "nomination_deadline": today + chrono::Duration::days(10), "places": places,
            "judges_per_case": 2, "judges": judges, "notes": "推荐本年度结案归档的典型案件。" })
}

/// Every default criterion at `points` (capped at its 20).
fn sheet(points: u32) -> Value {
    let scores: Vec<Value> = [
        "procedure",
        "law_application",
        "contribution",
        "satisfaction",
        "typicality",
    ]
    .iter()
    .map(|c| json!({ "criterion": c, "points": points }))
    .collect();
    json!({ "scores": scores, "comment": "办案规范，效果良好。" })
}

async fn nominate(app: &TestApp, token: &str, selection: i64, case: i64) -> (StatusCode, Value) {
    app.post_json(
        &format!("/api/v1/excellent/selections/{selection}/nominations"),
        Some(token),
        &json!({ "case_id": case, "recommendation": "案情典型，承办律师积极调查取证，为农民工追回全部欠薪。" }),
    )
    .await
}

both!(
    a_selection_runs_from_nomination_to_the_published_list,
    |app| {
        let director = app.token("director").await;
        let lawyer = app.token("lawyer").await;
        let lawyer2 = app.token("lawyer2").await;
        let lawyer3 = app.token("lawyer3").await;
        let clerk = app.token("clerk").await;
        let supervisor = app.token("supervisor").await;
        let (token_a, token_b, [a, b, c]) = panel(&app).await;
        let first = case_of(&app, "钱秀英", "34150419800101011", "lawyer", true).await;
        let second = case_of(&app, "孙建华", "34150419810202012", "lawyer2", true).await;
        let third = case_of(&app, "李海燕", "34150419820303013", "lawyer3", true).await;
        let open = case_of(&app, "赵立新", "34150419830404014", "lawyer", false).await;

        // Refused with every error at once, and nothing is left behind.
        let mut bad = selection_body(&app, " ", &[a], 0);
        bad["criteria"] = json!([{ "code": "all", "name": "综合", "max_points": 90 }]);
        let (s, e) = app
            .post_json("/api/v1/excellent/selections", Some(&director), &bad)
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        let fields: Vec<&str> = e["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .filter_map(|x| x["field"].as_str())
            .collect();
        for f in ["title", "places", "criteria", "judges"] {
            assert!(fields.contains(&f), "{f}: {e}");
        }
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM excellent_selections")
                .await,
            0
        );
        assert_eq!(app.scalar("SELECT COUNT(*) FROM excellent_judges").await, 0);
        // A lawyer does not organise.
        let body = selection_body(&app, "年度优秀法律援助案例评选", &[a, b, c], 1);
        let (s, _) = app
            .post_json("/api/v1/excellent/selections", Some(&lawyer), &body)
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, v) = app
            .post_json("/api/v1/excellent/selections", Some(&director), &body)
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let id = v["selection"]["id"].as_i64().expect("id");
        let spath = format!("/api/v1/excellent/selections/{id}");
        assert_eq!(v["selection"]["status"], "nominating");
        assert_eq!(v["selection"]["criteria"].as_array().map(Vec::len), Some(5));
        assert_eq!(v["panel_size"], 3);
        assert_eq!(v["actions"], json!(["nominate", "start_judging"]), "{v}");
        let (s, e) = app
            .post_json("/api/v1/excellent/selections", Some(&director), &body)
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "one title per region: {e}");
        assert_eq!(e["errors"][0]["field"], "title", "{e}");

        // Units nominate their own archived cases.
        let (s, n1) = nominate(&app, &lawyer, id, first).await;
        assert_eq!(s, StatusCode::CREATED, "{n1}");
        assert_eq!(n1["nomination"]["status"], "nominated");
        assert!(n1["handler_name"].is_string(), "{n1}");
        let (s, e) = nominate(&app, &lawyer, id, first).await;
        assert_eq!(s, StatusCode::CONFLICT, "once per selection: {e}");
        let (s, _) = nominate(&app, &lawyer, id, second).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "another firm's case is not seen");
        let (s, e) = nominate(&app, &lawyer, id, open).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["errors"][0]["field"], "case_id");
        assert!(e.to_string().contains("已结案归档"), "{e}");
        let (s, e) = nominate(&app, &clerk, id, third).await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "the intake office sees the case but did not handle it: {e}"
        );
        assert!(
            e["detail"]
                .as_str()
                .is_some_and(|d| d.contains("本单位承办")),
            "{e}"
        );
        let (s, n2) = nominate(&app, &lawyer2, id, second).await;
        assert_eq!(s, StatusCode::CREATED, "{n2}");
        let (s, n3) = nominate(&app, &lawyer3, id, third).await;
        assert_eq!(s, StatusCode::CREATED, "{n3}");
        let npath = |n: &Value| format!("/api/v1/excellent/nominations/{}", n["nomination"]["id"]);
        let (s, _) = app.get_json(&npath(&n1), Some(&lawyer2)).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "another firm's nomination");
        // lawyer3 is of the same firm as lawyer: the firm withdraws its second case.
        let (s, e) = app
            .post_json(
                &format!("{}/withdraw", npath(&n3)),
                Some(&lawyer3),
                &json!({ "version": n3["nomination"]["version"], "reason": "" }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a reason: {e}");
        let (s, w) = app
            .post_json(
                &format!("{}/withdraw", npath(&n3)),
                Some(&lawyer3),
                &json!({ "version": n3["nomination"]["version"], "reason": "改推荐其他案件" }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{w}");
        assert_eq!(w["nomination"]["status"], "withdrawn");
        let (_, l) = app
            .get_json(&format!("{spath}/nominations"), Some(&lawyer))
            .await;
        assert_eq!(l["total"], 1, "a firm lists its own nominations: {l}");
        let (_, l) = app
            .get_json(
                &format!("{spath}/nominations?withdrawn=true"),
                Some(&director),
            )
            .await;
        assert_eq!(l["total"], 3, "{l}");

        // Not yet judging: no sheets. A lawyer cannot close the nominations.
        let (s, e) = app
            .post_json(
                &format!("{}/scores", npath(&n2)),
                Some(&token_b),
                &sheet(18),
            )
            .await;
        assert_eq!(
            s,
            StatusCode::NOT_FOUND,
            "nothing assigned to judge_b yet: {e}"
        );
        let (s, e) = app
            .post_json(
                &format!("{}/scores", npath(&n2)),
                Some(&token_a),
                &sheet(18),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{e}");
        let version = v["selection"]["version"].clone();
        let (s, _) = app
            .post_json(
                &format!("{spath}/start-judging"),
                Some(&lawyer),
                &json!({ "version": version }),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = app
            .post_json(
                &format!("{spath}/start-judging"),
                Some(&director),
                &json!({ "version": 99 }),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "a stale version");
        let (s, v) = app
            .post_json(
                &format!("{spath}/start-judging"),
                Some(&director),
                &json!({ "version": version }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["selection"]["status"], "judging");
        assert_eq!(
            v["missing_sheets"], 4,
            "two judges for each of two cases: {v}"
        );
        let (s, e) = nominate(&app, &lawyer3, id, third).await;
        assert_eq!(s, StatusCode::CONFLICT, "nominations are closed: {e}");

        // Cross-review: judge_a (of lawyer2's firm) is never given that case, and is
        // refused when trying; they read it as their firm's, and read the other case
        // they were given without the unit's names.
        let (_, n2v) = app.get_json(&npath(&n2), Some(&director)).await;
        let judges_of = |v: &Value| -> Vec<i64> {
            v["judges"]
                .as_array()
                .expect("judges")
                .iter()
                .filter_map(|j| j["expert_id"].as_i64())
                .collect()
        };
        let mut j2 = judges_of(&n2v);
        j2.sort_unstable();
        assert_eq!(j2, vec![b, c], "{n2v}");
        let (s, e) = app
            .post_json(
                &format!("{}/scores", npath(&n2)),
                Some(&token_a),
                &sheet(18),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
        assert!(
            e["detail"].as_str().is_some_and(|d| d.contains("交叉评查")),
            "{e}"
        );
        let (_, n1v) = app.get_json(&npath(&n1), Some(&director)).await;
        let j1 = judges_of(&n1v);
        assert!(j1.contains(&a) && j1.len() == 2, "{n1v}");
        let (s, blind) = app.get_json(&npath(&n1), Some(&token_a)).await;
        assert_eq!(s, StatusCode::OK, "{blind}");
        assert_eq!(blind["blind"], true);
        assert!(
            blind["handler_name"].is_null() && blind["handling_unit_name"].is_null(),
            "{blind}"
        );
        assert_eq!(blind["actions"], json!(["score"]), "{blind}");
        let (_, pend) = app
            .get_json("/api/v1/excellent/pending", Some(&token_a))
            .await;
        assert_eq!(pend["total"], 1, "{pend}");

        // Sheets: every criterion within its points, once per judge.
        let mut over = sheet(19);
        over["scores"][0]["points"] = json!(21);
        let (s, e) = app
            .post_json(&format!("{}/scores", npath(&n1)), Some(&token_a), &over)
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert!(e.to_string().contains("最高20分"), "{e}");
        let mut short = sheet(19);
        short["scores"].as_array_mut().expect("scores").pop();
        let (s, e) = app
            .post_json(&format!("{}/scores", npath(&n1)), Some(&token_a), &short)
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM excellent_scores").await,
            0,
            "nothing saved"
        );
        let (s, after) = app
            .post_json(
                &format!("{}/scores", npath(&n1)),
                Some(&token_a),
                &sheet(19),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{after}");
        assert_eq!(after["scores"][0]["total"], 95, "{after}");
        let (s, e) = app
            .post_json(
                &format!("{}/scores", npath(&n1)),
                Some(&token_a),
                &sheet(19),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "a second sheet: {e}");
        // The rest: judge_b for themselves, 郑主任's paper sheets by the director
        // (a lawyer may not enter one).
        let mut paper = sheet(15);
        paper["judge_id"] = json!(c);
        let (s, _) = app
            .post_json(&format!("{}/scores", npath(&n2)), Some(&lawyer2), &paper)
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        // Publication waits for every sheet.
        let (_, v) = app.get_json(&spath, Some(&director)).await;
        let (s, e) = app
            .post_json(
                &format!("{spath}/publish"),
                Some(&director),
                &json!({ "version": v["selection"]["version"] }),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{e}");
        assert!(
            e["detail"]
                .as_str()
                .is_some_and(|d| d.contains("尚有3份评分未提交")),
            "{e}"
        );
        for (n, judges, points) in [(&n1, &j1, 19), (&n2, &j2, 15)] {
            for j in judges.iter().filter(|j| **j != a) {
                let (s, r) = if *j == b {
                    app.post_json(
                        &format!("{}/scores", npath(n)),
                        Some(&token_b),
                        &sheet(points),
                    )
                    .await
                } else {
                    let mut p = sheet(points);
                    p["judge_id"] = json!(j);
                    app.post_json(&format!("{}/scores", npath(n)), Some(&director), &p)
                        .await
                };
                assert_eq!(s, StatusCode::CREATED, "{r}");
            }
        }
        let (_, v) = app.get_json(&spath, Some(&director)).await;
        assert_eq!(v["missing_sheets"], 0, "{v}");
        let provisional: Vec<(Value, Value)> = v["ranking"]
            .as_array()
            .expect("ranking")
            .iter()
            .map(|r| (r["case_id"].clone(), r["rank"].clone()))
            .collect();
        assert_eq!(
            provisional,
            vec![(json!(first), json!(1)), (json!(second), json!(2))]
        );
        let (_, theirs) = app.get_json(&spath, Some(&lawyer)).await;
        assert_eq!(
            theirs["ranking"],
            json!([]),
            "no ranking for units before publication"
        );

        // Published: ranks fixed, the first place honoured, its handler and firm told.
        let (s, e) = app
            .post_json(
                &format!("{spath}/publish"),
                Some(&lawyer),
                &json!({ "version": v["selection"]["version"] }),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
        let (s, v) = app
            .post_json(
                &format!("{spath}/publish"),
                Some(&director),
                &json!({ "version": v["selection"]["version"] }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["selection"]["status"], "published");
        let (_, list) = app.get_json(&spath, Some(&lawyer2)).await;
        let honoured: Vec<(Value, Value, Value)> = list["ranking"]
            .as_array()
            .expect("ranking")
            .iter()
            .map(|r| {
                (
                    r["case_id"].clone(),
                    r["rank"].clone(),
                    r["average"].clone(),
                )
            })
            .collect();
        assert_eq!(
            honoured,
            vec![(json!(first), json!(1), json!(95.0))],
            "the published list: {list}"
        );
        let (_, n1v) = app.get_json(&npath(&n1), Some(&lawyer)).await;
        let year = v["selection"]["year"].as_i64().expect("year");
        let label = format!("{year}年度优秀法律援助案例 第1名");
        assert_eq!(n1v["honour"], json!(label), "{n1v}");
        let (_, n2v) = app.get_json(&npath(&n2), Some(&lawyer2)).await;
        assert!(n2v["honour"].is_null());
        assert_eq!(n2v["nomination"]["final_rank"], 2);
        let (_, m) = app
            .get_json(&format!("/api/v1/cases/{first}/messages"), Some(&director))
            .await;
        assert!(m.to_string().contains("excellent_case"), "{m}");
        let (_, m) = app
            .get_json(&format!("/api/v1/cases/{second}/messages"), Some(&director))
            .await;
        assert!(!m.to_string().contains("excellent_case"), "{m}");
        let (s, h) = app
            .get_json(
                &format!("/api/v1/excellent/honours?case_id={first}"),
                Some(&lawyer),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{h}");
        assert_eq!(h["items"][0]["label"], json!(label));
        let (s, _) = app
            .get_json(
                &format!("/api/v1/excellent/honours?case_id={first}"),
                Some(&lawyer2),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, e) = app
            .post_json(
                &format!("{}/scores", npath(&n1)),
                Some(&token_b),
                &sheet(10),
            )
            .await;
        assert!(
            s == StatusCode::CONFLICT || s == StatusCode::NOT_FOUND,
            "{s} {e}"
        );

        // The case page shows the honour, linking to the published list.
        let page = app.browser("lawyer").await;
        let (s, html) = page.get(&format!("/cases/{first}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains(&label), "{html}");
        assert!(
            html.contains(&format!("href=\"/quality/excellent/{id}\"")),
            "{html}"
        );
        let (_, html) = page.get(&format!("/cases/{open}")).await;
        assert!(!html.contains("优秀法律援助案例"), "{html}");

        // Every change is in the audit trail.
        let (_, audit) = app
            .get_json(
                "/api/v1/audit?entity_type=excellent_nomination",
                Some(&supervisor),
            )
            .await;
        let actions: Vec<&str> = audit["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|e| e["action"].as_str())
            .collect();
        for a in [
            "excellent_nomination.create",
            "excellent_nomination.withdraw",
            "excellent_nomination.score",
        ] {
            assert!(actions.contains(&a), "{a}: {actions:?}");
        }
        let (_, audit) = app
            .get_json(
                "/api/v1/audit?entity_type=excellent_selection",
                Some(&supervisor),
            )
            .await;
        assert_eq!(audit["total"], 3, "created, judging, published: {audit}");
    }
);

both!(
    judging_needs_judges_of_other_units_and_eligible_cases,
    |app| {
        let director = app.token("director").await;
        let lawyer2 = app.token("lawyer2").await;
        let supervisor = app.token("supervisor").await;
        let (_, _, [a, _, _]) = panel(&app).await;
        let case = case_of(&app, "周春梅", "34150419840505015", "lawyer2", true).await;
        let other = case_of(&app, "吴国庆", "34150419850606016", "lawyer2", true).await;

        // An upheld complaint about the handler of `other` makes it ineligible.
        let staff = me(&app, &lawyer2).await["staff_id"].clone();
        let (s, cpl) = app
        .post_json(
            "/api/v1/complaints",
            Some(&supervisor),
            &json!({ "channel": "walk_in", "received_at": common::now_rfc3339(&app), "complainant_name": "投诉人乙",
                     "complainant_phone": "13955507789", "relation": "recipient", "respondent_staff_id": staff,
                     "case_id": other, "category": "neglect", "facts": "承办律师长期不联系受援人。" }),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{cpl}");
        let cpath = format!("/api/v1/complaints/{}", cpl["complaint"]["id"]);
        let (s, cpl) = app
            .post_json(
                &format!("{cpath}/accept"),
                Some(&supervisor),
                &json!({ "version": cpl["complaint"]["version"] }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{cpl}");
        let (s, cpl) = app
        .post_json(
            &format!("{cpath}/conclude"),
            Some(&supervisor),
            &json!({ "version": cpl["complaint"]["version"], "outcome": "corrected", "conclusion": "情况属实。", "follow_up": [] }),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{cpl}");

        // A panel of one judge of the same firm and one of the center.
        let quality = app.token("quality").await;
        let center = me(&app, &quality).await["unit_id"].clone();
        let (s, z) = app
        .post_json(
            "/api/v1/quality/experts",
            Some(&quality),
            &json!({ "name": "钱主任", "kind": "center_staff", "unit_id": center, "work_unit": "叶集区法律援助中心" }),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{z}");
        let body = selection_body(&app, "交叉评审测试", &[a, z["id"].as_i64().expect("id")], 3);
        let (s, v) = app
            .post_json("/api/v1/excellent/selections", Some(&director), &body)
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let id = v["selection"]["id"].as_i64().expect("id");
        let spath = format!("/api/v1/excellent/selections/{id}");
        let (s, e) = app
            .post_json(
                &format!("{spath}/start-judging"),
                Some(&director),
                &json!({ "version": v["selection"]["version"] }),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "nothing nominated: {e}");
        let (s, e) = nominate(&app, &lawyer2, id, other).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert!(e.to_string().contains("查证属实的投诉"), "{e}");
        let (s, n) = nominate(&app, &lawyer2, id, case).await;
        assert_eq!(s, StatusCode::CREATED, "{n}");
        // The bureau's supervisor nominates too (any case of the region); the
        // candidates offered to the firm leave out the nominated case.
        let (s, c) = app
            .get_json(&format!("{spath}/candidates"), Some(&lawyer2))
            .await;
        assert_eq!(s, StatusCode::OK, "{c}");
        assert!(
            !c.to_string().contains(&format!("\"case_id\":{case}")),
            "{c}"
        );
        let (s, e) = app
            .post_json(
                &format!("{spath}/start-judging"),
                Some(&director),
                &json!({ "version": v["selection"]["version"] }),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{e}");
        assert!(
            e["detail"]
                .as_str()
                .is_some_and(|d| d.contains("回避本单位评委后只有1名")),
            "{e}"
        );
        let (_, v) = app.get_json(&spath, Some(&director)).await;
        assert_eq!(v["selection"]["status"], "nominating", "nothing changed");
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM excellent_assignments")
                .await,
            0
        );
        let (_, v) = app.get_json(&spath, Some(&supervisor)).await;
        assert_eq!(
            v["actions"],
            json!(["nominate", "start_judging"]),
            "the bureau's supervisor takes the steps of the center's selection too: {v}"
        );
        let (s, other_region) = app
            .get_json(&spath, Some(&app.token("clerk_sanyuan").await))
            .await;
        assert_eq!(
            s,
            StatusCode::OK,
            "a judicial office of the region reads it: {other_region}"
        );
    }
);

async fn csrf_post(
    b: &Browser,
    path: &str,
    form: &[(&str, String)],
) -> (StatusCode, String, Option<String>) {
    common::post(b, path, form).await
}

both!(the_pages_take_a_selection_through_every_step, |app| {
    let (token_a, _, [a, b, c]) = panel(&app).await;
    let first = case_of(&app, "郑玉兰", "34150419860707017", "lawyer", true).await;
    let director = app.browser("director").await;

    // Empty states, the link from /quality and the nav link.
    let (s, html) = director.get("/quality/excellent").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("还没有优秀案例评选"), "{html}");
    assert!(
        common::select(&html, "nav ul.nav a").contains(&"优秀案例".to_owned()),
        "{html}"
    );
    let quality = app.browser("quality").await;
    let (_, html) = quality.get("/quality").await;
    assert!(html.contains("href=\"/quality/excellent\""), "{html}");

    // The form: refused with the field marked (422), then saved.
    let (s, html) = director.get("/quality/excellent/new").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("办案程序规范性") && html.contains("周律师"),
        "{html}"
    );
    let csrf = director.csrf("/quality/excellent/new").await;
    let today = legalaid_domain::local_date(app.clock.now());
    let form = |criteria: &str| {
        vec![
            ("_csrf", csrf.clone()),
            ("title", "页面评选".to_owned()),
            ("year", chrono::Datelike::year(&today).to_string()),
            (
                "nomination_deadline",
                (today + chrono::Duration::days(5)).to_string(),
            ),
            ("places", "10".to_owned()),
            ("judges_per_case", "2".to_owned()),
            ("judges", a.to_string()),
            ("judges", b.to_string()),
            ("judges", c.to_string()),
            ("criteria", criteria.to_owned()),
            ("notes", String::new()),
        ]
    };
    let (s, html, _) = csrf_post(
        &director,
        "/quality/excellent",
        &form("procedure,办案程序规范性"),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        common::fields_in_error(&html),
        vec!["criteria".to_owned()],
        "{html}"
    );
    let (s, _, to) = csrf_post(
        &director,
        "/quality/excellent",
        &form("procedure,办案程序规范性,50\ntypicality,案例典型性和可宣传性,50"),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let to = to.expect("to the selection");
    let (s, html) = director.get(&to).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("页面评选") && html.contains("还没有您可以看到的推荐案件"),
        "{html}"
    );
    // Phone-width: tables become labelled cards.
    assert!(html.contains("class=\"block cards\""), "{html}");

    // The lawyer nominates on the form, the case offered.
    let lawyer = app.browser("lawyer").await;
    let (_, html) = lawyer.get(&format!("/cases/{first}")).await;
    assert!(
        html.contains("推荐参加页面评选"),
        "the case page offers it: {html}"
    );
    let (s, html) = lawyer.get(&format!("{to}/nominate?case={first}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains(&format!("value=\"{first}\" selected")),
        "{html}"
    );
    let csrf = lawyer.csrf(&format!("{to}/nominate")).await;
    let (s, html, _) = csrf_post(
        &lawyer,
        &format!("{to}/nominations"),
        &[
            ("_csrf", csrf.clone()),
            ("case_id", first.to_string()),
            ("recommendation", String::new()),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        common::fields_in_error(&html),
        vec!["recommendation".to_owned()]
    );
    let (s, _, nto) = csrf_post(
        &lawyer,
        &format!("{to}/nominations"),
        &[
            ("_csrf", csrf.clone()),
            ("case_id", first.to_string()),
            ("recommendation", "典型案例。".to_owned()),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let nto = nto.expect("to the nomination");
    let (s, html) = lawyer.get(&nto).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("典型案例。") && html.contains("撤回推荐"),
        "{html}"
    );
    let (s, html, _) = csrf_post(
        &lawyer,
        &format!("{to}/nominations"),
        &[
            ("_csrf", csrf),
            ("case_id", first.to_string()),
            ("recommendation", "再推荐一次。".to_owned()),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert!(html.contains("该案件已推荐参加本次评选"), "{html}");

    // The director closes the nominations on the page; judge_a finds the case in
    // their list and scores it on its page.
    let (_, html) = director.get(&to).await;
    let version = common::hidden(&html, &format!("{to}/start-judging"), "version");
    let csrf = director.csrf(&to).await;
    let (s, _, _) = csrf_post(
        &director,
        &format!("{to}/start-judging"),
        &[("_csrf", csrf), ("version", version)],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, view) = app
        .get_json(
            &nto.replace(
                "/quality/excellent/nominations/",
                "/api/v1/excellent/nominations/",
            ),
            Some(&app.token("director").await),
        )
        .await;
    let assigned: Vec<i64> = view["judges"]
        .as_array()
        .expect("judges")
        .iter()
        .filter_map(|j| j["expert_id"].as_i64())
        .collect();
    assert_eq!(assigned.len(), 2, "{view}");
    let judge = app.browser_as("judge_a", common::CHANGED_PASSWORD).await;
    let _ = token_a;
    let (s, html) = judge.get("/quality/excellent").await;
    assert_eq!(s, StatusCode::OK);
    if assigned.contains(&a) {
        let rows = common::section_rows(&html, "待我评分的推荐案件");
        assert_eq!(rows.len(), 1, "{rows:?}");
        let (s, html) = judge.get(&nto).await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("匿名评分") && !html.contains("安徽叶诚律师事务所"),
            "blind: {html}"
        );
        let csrf = judge.csrf(&nto).await;
        let (s, html, _) = csrf_post(
            &judge,
            &format!("{nto}/score"),
            &[
                ("_csrf", csrf.clone()),
                ("score_procedure", "51".to_owned()),
                ("score_typicality", "40".to_owned()),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(html.contains("最高50分"), "{html}");
        let (s, _, _) = csrf_post(
            &judge,
            &format!("{nto}/score"),
            &[
                ("_csrf", csrf),
                ("score_procedure", "45".to_owned()),
                ("score_typicality", "40".to_owned()),
                ("comment", "好".to_owned()),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (_, html) = judge.get("/quality/excellent").await;
        assert!(html.contains("目前没有待您评分的案件"), "{html}");
    } else {
        assert!(html.contains("目前没有待您评分的案件"), "{html}");
    }
    // The organiser enters the other paper sheets on the page, then publishes.
    let (_, view) = app
        .get_json(
            &nto.replace(
                "/quality/excellent/nominations/",
                "/api/v1/excellent/nominations/",
            ),
            Some(&app.token("director").await),
        )
        .await;
    for j in view["judges"]
        .as_array()
        .expect("judges")
        .iter()
        .filter(|j| j["scored"] == false)
    {
        let csrf = director.csrf(&nto).await;
        let (s, html, _) = csrf_post(
            &director,
            &format!("{nto}/score"),
            &[
                ("_csrf", csrf),
                ("judge_id", j["expert_id"].to_string()),
                ("score_procedure", "48".to_owned()),
                ("score_typicality", "44".to_owned()),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    }
    let (_, html) = director.get(&to).await;
    let version = common::hidden(&html, &format!("{to}/publish"), "version");
    let csrf = director.csrf(&to).await;
    let (s, _, _) = csrf_post(
        &director,
        &format!("{to}/publish"),
        &[("_csrf", csrf), ("version", version)],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html) = lawyer.get(&to).await;
    let rows = common::section_rows(&html, "评选结果（优秀案例名单）");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(
        rows[0].contains("第1名") && rows[0].contains("优秀案例"),
        "{rows:?}"
    );
    let (_, html) = lawyer.get(&format!("/cases/{first}")).await;
    assert!(html.contains("优秀法律援助案例 第1名"), "{html}");
    // A unit of the region reads the published list; the judge's page of a
    // selection without their cases is there too.
    let clerk = app.browser("clerk").await;
    let (s, html) = clerk.get(&to).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("第1名"), "{html}");
});

/// Two instances over one PostgreSQL database, `body` posted to `path` by
/// `token` on each at once: the statuses, sorted.
async fn at_once(app: &TestApp, path: &str, token: &str, body: &Value) -> [StatusCode; 2] {
    let twin = app.twin().await;
    let send = |base: String| {
        let http = app.http.clone();
        let (path, body, token) = (path.to_owned(), body.clone(), token.to_owned());
        async move {
            http.post(format!("{base}{path}"))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .expect("send")
                .status()
        }
    };
    let (x, y) = tokio::join!(send(app.base.clone()), send(twin.base.clone()));
    let mut got = [x, y];
    got.sort();
    got
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_nominating_or_scoring_at_once_write_once() {
    if std::env::var("LEGALAID_TEST_DATABASE_URL").is_err() {
        eprintln!("LEGALAID_TEST_DATABASE_URL is not set: PostgreSQL run skipped");
        return;
    }
    let app = TestApp::spawn(common::Kind::Postgres).await;
    let (_, token_b, [a, b, c]) = panel(&app).await;
    let case = case_of(&app, "冯建华", "34150419870808018", "lawyer", true).await;
    let director = app.token("director").await;
    let lawyer = app.token("lawyer").await;
    let (s, v) = app
        .post_json(
            "/api/v1/excellent/selections",
            Some(&director),
            &selection_body(&app, "并发评选", &[a, b, c], 10),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["selection"]["id"].as_i64().expect("id");
    let body = json!({ "case_id": case, "recommendation": "典型案例。" });
    let got = at_once(
        &app,
        &format!("/api/v1/excellent/selections/{id}/nominations"),
        &lawyer,
        &body,
    )
    .await;
    assert_eq!(
        got,
        [StatusCode::CREATED, StatusCode::CONFLICT],
        "one nomination, one 409"
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM excellent_nominations WHERE case_id = {case}"
        ))
        .await,
        1
    );
    let (_, v) = app
        .get_json(
            &format!("/api/v1/excellent/selections/{id}"),
            Some(&director),
        )
        .await;
    let (s, v) = app
        .post_json(
            &format!("/api/v1/excellent/selections/{id}/start-judging"),
            Some(&director),
            &json!({ "version": v["selection"]["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, l) = app
        .get_json(
            &format!("/api/v1/excellent/selections/{id}/nominations"),
            Some(&director),
        )
        .await;
    let n = l["items"][0]["id"].as_i64().expect("nomination");
    let (_, view) = app
        .get_json(
            &format!("/api/v1/excellent/nominations/{n}"),
            Some(&director),
        )
        .await;
    let judges: Vec<i64> = view["judges"]
        .as_array()
        .expect("judges")
        .iter()
        .filter_map(|j| j["expert_id"].as_i64())
        .collect();
    // judge_b if assigned scores for themselves, else the director enters the
    // first judge's paper sheet: twice at once either way.
    let (token, body) = if judges.contains(&b) {
        (token_b, sheet(18))
    } else {
        let mut p = sheet(18);
        p["judge_id"] = json!(judges[0]);
        (director.clone(), p)
    };
    let got = at_once(
        &app,
        &format!("/api/v1/excellent/nominations/{n}/scores"),
        &token,
        &body,
    )
    .await;
    assert_eq!(
        got,
        [StatusCode::CREATED, StatusCode::CONFLICT],
        "one sheet, one 409"
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM excellent_scores WHERE nomination_id = {n}"
        ))
        .await,
        1
    );
}

both!(who_reads_and_acts_on_a_selection_and_a_nomination, |app| {
    // One selection of the center, the demo lawyer's case nominated, judging
    // started: two of the three judges hold it.
    let (token_a, token_b, [a, b, c]) = panel(&app).await;
    let case = case_of(&app, "韩晓东", "34150419880909019", "lawyer", true).await;
    let director = app.token("director").await;
    let (s, v) = app
        .post_json(
            "/api/v1/excellent/selections",
            Some(&director),
            &selection_body(&app, "可见性评选", &[a, b, c], 10),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let spath = format!("/api/v1/excellent/selections/{}", v["selection"]["id"]);
    let (s, n) = nominate(
        &app,
        &app.token("lawyer").await,
        v["selection"]["id"].as_i64().expect("id"),
        case,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{n}");
    let npath = format!("/api/v1/excellent/nominations/{}", n["nomination"]["id"]);
    let (s, v) = app
        .post_json(
            &format!("{spath}/start-judging"),
            Some(&director),
            &json!({ "version": v["selection"]["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, view) = app.get_json(&npath, Some(&director)).await;
    let assigned: Vec<i64> = view["judges"]
        .as_array()
        .expect("judges")
        .iter()
        .filter_map(|j| j["expert_id"].as_i64())
        .collect();

    // Who reads the selection, who reads the nomination (and how), who may
    // close or publish (403), as the table says.
    const OK: StatusCode = StatusCode::OK;
    const NO: StatusCode = StatusCode::NOT_FOUND;
    let judge = |id: i64| {
        if assigned.contains(&id) {
            (OK, true)
        } else {
            (NO, false)
        }
    };
    let (ja, jb) = (judge(a), judge(b));
    let rows: Vec<(&str, String, StatusCode, bool, bool)> = vec![
        // account, token, nomination status, blind, may take the selection's steps
        ("admin", app.token("admin").await, OK, false, true),
        ("supervisor", app.token("supervisor").await, OK, false, true),
        ("director", director.clone(), OK, false, true),
        ("quality", app.token("quality").await, OK, false, false),
        ("reviewer", app.token("reviewer").await, OK, false, false),
        ("lawyer", app.token("lawyer").await, OK, false, false),
        (
            "lawyer3 (same firm)",
            app.token("lawyer3").await,
            OK,
            false,
            false,
        ),
        (
            "lawyer2 (another firm)",
            app.token("lawyer2").await,
            NO,
            false,
            false,
        ),
        (
            "clerk (intake office)",
            app.token("clerk").await,
            NO,
            false,
            false,
        ),
        ("judge_a", token_a.clone(), ja.0, ja.1, false),
        ("judge_b", token_b.clone(), jb.0, jb.1, false),
    ];
    for (who, token, nomination, blind, steps) in rows {
        let (s, sv) = app.get_json(&spath, Some(&token)).await;
        assert_eq!(s, OK, "{who} reads the selection of their region: {sv}");
        assert_eq!(
            sv["judges"].as_array().is_some_and(|j| !j.is_empty()),
            ["admin", "supervisor", "director", "quality", "reviewer"].contains(&who),
            "{who}: the panel is shown to the organisers' side"
        );
        let (s, nv) = app.get_json(&npath, Some(&token)).await;
        assert_eq!(s, nomination, "{who} reads the nomination: {nv}");
        if s == OK {
            assert_eq!(nv["blind"], blind, "{who}: {nv}");
        }
        let (s, _) = app
            .post_json(
                &format!("{spath}/publish"),
                Some(&token),
                &json!({ "version": v["selection"]["version"] }),
            )
            .await;
        if steps {
            assert_eq!(s, StatusCode::CONFLICT, "{who}: sheets are missing");
        } else {
            assert_eq!(s, StatusCode::FORBIDDEN, "{who} does not publish");
        }
    }
});
