//! Follow-up visits to recipients (回访, LAL art 59) through the API and the pages:
//! a visit that finds money asked (LAL art 20) tells the center and waits in the
//! quality queue until handled; an unanswered call carries no ratings; handlers
//! never read the visits of their cases; plans pick a period's share of the closed
//! cases once, also when two instances plan at once; the figures count 接通率 and
//! 满意率.

mod common;

use common::{TestApp, archived_case};
use legalaid_app::Clock;
use reqwest::StatusCode;
use serde_json::{Value, json};

const ITEMS: [&str; 5] = [
    "service_attitude",
    "communication",
    "rights_protection",
    "case_result",
    "overall",
];

/// A visit body: reached with every item rated `rating`, or not reached.
fn visit(app: &TestApp, case: i64, outcome: &str, rating: Option<&str>) -> Value {
    let today = legalaid_domain::local_date(app.clock.now());
    let evaluations: Vec<Value> = rating
        .map(|r| {
            ITEMS
                .iter()
                .map(|i| json!({ "item": i, "rating": r }))
                .collect()
        })
        .unwrap_or_default();
    json!({ "case_id": case, "mode": "phone", "timing": "after_closure", "visited_on": today,
            "outcome": outcome, "evaluations": evaluations, "on_time": true, "notes": "" })
}

async fn queue_codes(app: &TestApp, token: &str) -> Vec<(String, String)> {
    let (s, q) = app
        .get_json("/api/v1/work-queue?per_page=200", Some(token))
        .await;
    assert_eq!(s, StatusCode::OK, "{q}");
    q["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                i["code"].as_str().unwrap_or_default().to_owned(),
                i["href"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

both!(
    a_fee_asked_reaches_the_center_and_leaves_the_queue_once_handled,
    |app| {
        let case = archived_case(&app, "唐秀英", "34150419700101002", "lawyer").await;
        let quality = app.token("quality").await;
        let director = app.token("director").await;
        let mut body = visit(&app, case, "connected", Some("basically_satisfied"));
        body["fee_asked"] = json!(true);
        body["fee_detail"] = json!("承办律师索要差旅费500元");
        let (s, v) = app.post_json("/api/v1/visits", Some(&quality), &body).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["visit"]["alert_raised"], true);
        assert_eq!(v["visit"]["alert_handled"], false);
        assert_eq!(v["visit"]["overall"], "basically_satisfied");
        assert_eq!(v["evaluations"].as_array().map(Vec::len), Some(5));
        assert!(
            v["alert_text"].as_str().is_some_and(|t| t
                .contains("索要财物：承办律师索要差旅费500元")
                && t.contains("第二十条")),
            "{v}"
        );
        assert_eq!(v["actions"], json!(["handle_alert"]));
        let id = v["visit"]["id"].as_i64().expect("id");
        // The case's quality records list the visit.
        let (s, r) = app
            .get_json(
                &format!("/api/v1/cases/{case}/quality-records"),
                Some(&director),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(r["items"][0]["kind"], "visit", "{r}");
        assert_eq!(r["items"][0]["href"], format!("/visits/{id}"), "{r}");

        // The director and the quality reviewer are told in-app; the lawyer is not.
        let told = |user: &'static str| {
            format!(
                "SELECT COUNT(*) FROM messages m JOIN users u ON u.id = m.user_id \
             WHERE m.kind = 'fee_alert' AND m.channel = 'in_app' AND u.username = '{user}'"
            )
        };
        assert_eq!(app.scalar(&told("director")).await, 1);
        assert_eq!(app.scalar(&told("quality")).await, 1);
        assert_eq!(app.scalar(&told("lawyer")).await, 0);
        assert_eq!(app.scalar(&told("clerk")).await, 0);
        let inbox = app.browser("director").await;
        let (s, html) = inbox.get("/messages").await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("违规收费线索"), "{html}");
        assert!(html.contains("承办律师索要差旅费500元"), "{html}");

        // In the quality queue, pointing at the visit.
        let href = format!("/visits/{id}");
        assert!(
            queue_codes(&app, &quality)
                .await
                .contains(&("fee_alert".to_owned(), href.clone())),
            "in the quality queue"
        );

        // Handled: a note is required; then it leaves the queue, and a second
        // handling is refused.
        let path = format!("/api/v1/visits/{id}/handle-alert");
        let (s, e) = app
            .post_json(
                &path,
                Some(&quality),
                &json!({ "version": v["visit"]["version"], "note": " " }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        let lawyer = app.token("lawyer").await;
        let (s, _) = app
            .post_json(
                &path,
                Some(&lawyer),
                &json!({ "version": v["visit"]["version"], "note": "x" }),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "the handler never sees the visit");
        let (s, h) = app
        .post_json(
            &path,
            Some(&director),
            &json!({ "version": v["visit"]["version"], "note": "已约谈承办律师，责令退还500元，移送司法局处理。" }),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{h}");
        assert_eq!(h["visit"]["alert_handled"], true);
        assert_eq!(h["actions"], json!([]));
        assert!(
            !queue_codes(&app, &quality)
                .await
                .iter()
                .any(|(c, _)| c == "fee_alert"),
            "gone from the queue"
        );
        let (s, _) = app
            .post_json(
                &path,
                Some(&director),
                &json!({ "version": h["visit"]["version"], "note": "再次" }),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT);
        let (s, _) = app
            .post_json(
                &path,
                Some(&director),
                &json!({ "version": v["visit"]["version"], "note": "旧版本" }),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT);
        let audited = app
        .scalar("SELECT COUNT(*) FROM audit_log WHERE action IN ('visit.record', 'visit.handle_alert')")
        .await;
        assert_eq!(audited, 2);

        // The open-alert filter.
        let (_, l) = app
            .get_json("/api/v1/visits?open_alerts=true", Some(&quality))
            .await;
        assert_eq!(l["total"], 0, "{l}");
        let (_, l) = app.get_json("/api/v1/visits", Some(&quality)).await;
        assert_eq!(l["total"], 1, "{l}");
        assert!(l["items"][0]["handler_name"].is_string(), "{l}");
    }
);

both!(an_unanswered_call_carries_no_ratings_nor_fees, |app| {
    let case = archived_case(&app, "魏德明", "34150419650303007", "lawyer").await;
    let quality = app.token("quality").await;
    let (s, e) = app
        .post_json(
            "/api/v1/visits",
            Some(&quality),
            &visit(&app, case, "no_answer", Some("satisfied")),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e.to_string().contains("evaluations"), "{e}");
    let mut fee = visit(&app, case, "empty_number", None);
    fee["fee_paid"] = json!(true);
    fee["fee_detail"] = json!("代书费");
    let (s, e) = app.post_json("/api/v1/visits", Some(&quality), &fee).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    // A connected visit must rate every item.
    let mut partial = visit(&app, case, "connected", Some("satisfied"));
    partial["evaluations"].as_array_mut().expect("items").pop();
    let (s, e) = app
        .post_json("/api/v1/visits", Some(&quality), &partial)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e.to_string().contains("总体评价"), "{e}");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM visits").await,
        0,
        "nothing saved"
    );
    // Without ratings it is recorded.
    let (s, v) = app
        .post_json(
            "/api/v1/visits",
            Some(&quality),
            &visit(&app, case, "no_answer", None),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["visit"]["overall"], Value::Null);
    assert_eq!(v["alert_text"], Value::Null);
});

both!(
    only_the_centers_staff_record_and_handlers_never_read_their_visits,
    |app| {
        let case = archived_case(&app, "石文华", "34150419720404004", "lawyer").await;
        let (quality, reviewer, director) = (
            app.token("quality").await,
            app.token("reviewer").await,
            app.token("director").await,
        );
        let (lawyer, supervisor, clerk) = (
            app.token("lawyer").await,
            app.token("supervisor").await,
            app.token("clerk").await,
        );
        for t in [&lawyer, &supervisor, &clerk] {
            let (s, e) = app
                .post_json(
                    "/api/v1/visits",
                    Some(t),
                    &visit(&app, case, "connected", Some("satisfied")),
                )
                .await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
        }
        let mut ids = Vec::new();
        for t in [&quality, &reviewer, &director] {
            let (s, v) = app
                .post_json(
                    "/api/v1/visits",
                    Some(t),
                    &visit(&app, case, "connected", Some("satisfied")),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
            ids.push(v["visit"]["id"].as_i64().expect("id"));
        }
        // Bureau supervisors read; the handler and the intake clerk do not: a
        // visit is 404 to them, the list 403.
        let one = format!("/api/v1/visits/{}", ids[0]);
        let (s, _) = app.get_json(&one, Some(&supervisor)).await;
        assert_eq!(s, StatusCode::OK);
        let (s, l) = app.get_json("/api/v1/visits", Some(&supervisor)).await;
        assert_eq!((s, l["total"].as_i64()), (StatusCode::OK, Some(3)));
        for t in [&lawyer, &clerk] {
            let (s, _) = app.get_json(&one, Some(t)).await;
            assert_eq!(s, StatusCode::NOT_FOUND);
            let (s, _) = app.get_json("/api/v1/visits", Some(t)).await;
            assert_eq!(s, StatusCode::FORBIDDEN);
            let (s, _) = app.get_json("/api/v1/visits/figures", Some(t)).await;
            assert_eq!(s, StatusCode::FORBIDDEN);
        }
        // A case not yet assigned cannot be visited; an unknown one is 404.
        let (s, _) = app
            .post_json(
                "/api/v1/visits",
                Some(&quality),
                &visit(&app, 999_999, "connected", Some("satisfied")),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        // The reviewer handles no alerts (quality staff and the director do).
        let mut fee = visit(&app, case, "connected", Some("dissatisfied"));
        fee["fee_paid"] = json!(true);
        fee["fee_detail"] = json!("收取代书费200元");
        let (_, v) = app.post_json("/api/v1/visits", Some(&reviewer), &fee).await;
        assert_eq!(v["actions"], json!([]), "{v}");
        let (s, _) = app
            .post_json(
                &format!("/api/v1/visits/{}/handle-alert", v["visit"]["id"]),
                Some(&reviewer),
                &json!({ "version": v["visit"]["version"], "note": "核实" }),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
);

both!(a_plan_picks_the_periods_closed_cases_once, |app| {
    let a = archived_case(&app, "任桂兰", "34150419680505002", "lawyer").await;
    let b = archived_case(&app, "钟国庆", "34150419690606009", "lawyer2").await;
    let quality = app.token("quality").await;
    let today = legalaid_domain::local_date(app.clock.now());
    let body = |share: u32| json!({ "from": today - chrono::Duration::days(7), "to": today, "share_percent": share, "seed": "2026上半年" });
    let (s, o) = app
        .post_json("/api/v1/visits/plans", Some(&quality), &body(0))
        .await;
    assert_eq!(s, StatusCode::OK, "{o}");
    assert_eq!(
        (o["closed"].as_i64(), o["planned"].as_i64()),
        (Some(2), Some(0)),
        "{o}"
    );
    let (s, o) = app
        .post_json("/api/v1/visits/plans", Some(&quality), &body(100))
        .await;
    assert_eq!(s, StatusCode::OK, "{o}");
    assert_eq!(
        (o["selected"].as_i64(), o["planned"].as_i64()),
        (Some(2), Some(2)),
        "{o}"
    );
    let (_, o) = app
        .post_json("/api/v1/visits/plans", Some(&quality), &body(100))
        .await;
    assert_eq!(
        (o["planned"].as_i64(), o["already_planned"].as_i64()),
        (Some(0), Some(2)),
        "idempotent: {o}"
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM visit_plans").await, 2);
    // A period with no closures plans nothing; bad input is 422.
    let (_, o) = app
        .post_json(
            "/api/v1/visits/plans",
            Some(&quality),
            &json!({ "from": "2020-01-01", "to": "2020-12-31", "share_percent": 100 }),
        )
        .await;
    assert_eq!(o["closed"], 0, "{o}");
    let (s, _) = app
        .post_json(
            "/api/v1/visits/plans",
            Some(&quality),
            &json!({ "from": today, "to": today - chrono::Duration::days(1), "share_percent": 10 }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = app
        .post_json(
            "/api/v1/visits/plans",
            Some(&quality),
            &json!({ "from": today, "to": today, "share_percent": 101 }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let lawyer = app.token("lawyer").await;
    let (s, _) = app
        .post_json("/api/v1/visits/plans", Some(&lawyer), &body(100))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Each plan is due 30 days after closure and waits in the quality queue.
    let (_, l) = app
        .get_json("/api/v1/visits/plans?open=true", Some(&quality))
        .await;
    assert_eq!(l["total"], 2, "{l}");
    let due = (today + chrono::Duration::days(30)).to_string();
    assert_eq!(l["items"][0]["due_on"], json!(due), "{l}");
    assert_eq!(l["items"][0]["overdue"], false);
    let plan_a = l["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|p| p["case_id"] == a)
        .expect("plan of a")["id"]
        .as_i64()
        .expect("id");
    let planned = queue_codes(&app, &quality).await;
    assert!(
        planned.contains(&(
            "followup_visit".into(),
            format!("/visits/new?plan={plan_a}")
        )),
        "{planned:?}"
    );

    // An unanswered call leaves the plan open; a reached recipient completes it.
    let (s, v) = app
        .post_json(
            "/api/v1/visits",
            Some(&quality),
            &visit(&app, a, "no_answer", None),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["visit"]["plan_id"], plan_a);
    let (_, l) = app
        .get_json("/api/v1/visits/plans?open=true", Some(&quality))
        .await;
    assert_eq!(l["total"], 2);
    let (s, v) = app
        .post_json(
            "/api/v1/visits",
            Some(&quality),
            &visit(&app, a, "connected", Some("satisfied")),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (_, l) = app
        .get_json("/api/v1/visits/plans?open=true", Some(&quality))
        .await;
    assert_eq!(l["total"], 1, "{l}");
    assert_eq!(l["items"][0]["case_id"], b);
    let (_, all) = app.get_json("/api/v1/visits/plans", Some(&quality)).await;
    assert_eq!(all["total"], 2);
    assert!(
        all["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|p| p["status"] == "done")
    );
    let left = queue_codes(&app, &quality).await;
    assert!(!left.contains(&(
        "followup_visit".into(),
        format!("/visits/new?plan={plan_a}")
    )));
    assert_eq!(
        left.iter().filter(|(c, _)| c == "followup_visit").count(),
        1
    );

    // Overdue once the 30 days have passed.
    app.clock.advance(chrono::Duration::days(31));
    let quality = app.token("quality").await;
    let (_, l) = app
        .get_json("/api/v1/visits/plans?open=true", Some(&quality))
        .await;
    assert_eq!(l["items"][0]["overdue"], true, "{l}");
});

both!(the_figures_count_connections_and_satisfaction, |app| {
    let a = archived_case(&app, "龚玉梅", "34150419750707000", "lawyer").await;
    let b = archived_case(&app, "蒋大海", "34150419760808006", "lawyer2").await;
    let quality = app.token("quality").await;
    let post = |body: Value| {
        let quality = quality.clone();
        let app = &app;
        async move {
            let (s, v) = app.post_json("/api/v1/visits", Some(&quality), &body).await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
        }
    };
    // Lawyer: 3 connected (满意, 基本满意, 不满意) and 1 unanswered; lawyer2: 1
    // 满意 that reports a fee taken, and one disconnected.
    post(visit(&app, a, "connected", Some("satisfied"))).await;
    post(visit(&app, a, "connected", Some("basically_satisfied"))).await;
    post(visit(&app, a, "connected", Some("dissatisfied"))).await;
    post(visit(&app, a, "no_answer", None)).await;
    let mut fee = visit(&app, b, "connected", Some("satisfied"));
    fee["fee_paid"] = json!(true);
    fee["fee_detail"] = json!("收取交通费100元");
    post(fee).await;
    post(visit(&app, b, "disconnected", None)).await;
    let (s, f) = app.get_json("/api/v1/visits/figures", Some(&quality)).await;
    assert_eq!(s, StatusCode::OK, "{f}");
    let t = &f["total"];
    assert_eq!(
        (t["attempts"].as_i64(), t["connected"].as_i64()),
        (Some(6), Some(4)),
        "{f}"
    );
    assert_eq!(t["connect_rate"].as_f64(), Some(4.0 / 6.0));
    assert_eq!(t["overall_answered"], 4);
    assert_eq!(
        t["satisfaction_rate"].as_f64(),
        Some(0.75),
        "满意+基本满意 3 of 4"
    );
    assert_eq!(t["fee_alerts"], 1);
    let handlers = f["by_handler"].as_array().expect("by handler");
    assert_eq!(handlers.len(), 2, "{f}");
    let (_, me) = app
        .get_json("/api/v1/me", Some(&app.token("lawyer").await))
        .await;
    let first = handlers
        .iter()
        .find(|h| h["id"] == me["staff_id"])
        .expect("the lawyer's line");
    assert_eq!(first["figures"]["attempts"], 4);
    assert_eq!(first["figures"]["connect_rate"].as_f64(), Some(0.75));
    assert_eq!(
        first["figures"]["satisfaction_rate"].as_f64(),
        Some(2.0 / 3.0)
    );
    assert_eq!(first["figures"]["fee_alerts"], 0);
    assert_eq!(f["by_unit"].as_array().map(Vec::len), Some(2), "two firms");
    // A period before the visits counts none.
    let (_, f) = app
        .get_json(
            "/api/v1/visits/figures?from=2020-01-01&to=2020-12-31",
            Some(&quality),
        )
        .await;
    assert_eq!(f["total"]["attempts"], 0);
    assert_eq!(f["total"]["connect_rate"], Value::Null);

    // What the handler's rating reads: the overall ratings of connected visits.
    let staff = me["staff_id"].as_i64().expect("staff");
    let mut tx = app.app.store.read().await.expect("tx");
    let got = legalaid_app::quality::visits::evaluations_of_handler(
        &mut tx,
        legalaid_domain::StaffId(staff),
        legalaid_domain::local_date(app.clock.now()) - chrono::Duration::days(1),
    )
    .await
    .expect("evaluations");
    use legalaid_domain::followup::Satisfaction as S;
    let mut ratings: Vec<S> = got.iter().map(|(_, s)| *s).collect();
    ratings.sort();
    assert_eq!(
        ratings,
        [S::Satisfied, S::BasicallySatisfied, S::Dissatisfied]
    );
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_planning_one_period_at_once_plan_it_once() {
    if std::env::var("LEGALAID_TEST_DATABASE_URL").is_err() {
        eprintln!("LEGALAID_TEST_DATABASE_URL is not set: PostgreSQL run skipped");
        return;
    }
    let app = TestApp::spawn(common::Kind::Postgres).await;
    archived_case(&app, "钱多多", "34150419900505009", "lawyer").await;
    archived_case(&app, "孙小小", "34150419910606000", "lawyer2").await;
    archived_case(&app, "李大壮", "34150419920707002", "lawyer").await;
    let quality = app.token("quality").await;
    let twin = app.twin().await;
    let today = legalaid_domain::local_date(app.clock.now());
    let body = json!({ "from": today, "to": today, "share_percent": 100 });
    let send = |base: String| {
        let http = app.http.clone();
        let (body, quality) = (body.clone(), quality.clone());
        async move {
            let r = http
                .post(format!("{base}/api/v1/visits/plans"))
                .bearer_auth(quality)
                .json(&body)
                .send()
                .await
                .expect("plan");
            let s = r.status();
            (s, r.json::<Value>().await.unwrap_or_default())
        }
    };
    let ((s1, o1), (s2, o2)) = tokio::join!(send(app.base.clone()), send(twin.base.clone()));
    for (s, o) in [(s1, &o1), (s2, &o2)] {
        assert!(
            s == StatusCode::OK || s == StatusCode::CONFLICT,
            "never a 500: {s} {o}"
        );
    }
    let planned = |o: &Value| o["planned"].as_i64().unwrap_or(0);
    assert_eq!(planned(&o1) + planned(&o2), 3, "{o1} {o2}");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM visit_plans").await, 3);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM deadlines WHERE record_kind = 'visit_plan'")
            .await,
        3
    );
}

both!(visits_are_recorded_and_handled_through_the_pages, |app| {
    let case = archived_case(&app, "邱桂芝", "34150419800909005", "lawyer").await;
    let quality = app.browser("quality").await;
    let (s, html) = quality.get("/visits").await;
    assert_eq!(s, StatusCode::OK);
    assert!(common::select(&html, "nav ul.nav a").contains(&"回访".to_owned()));
    assert!(html.contains("还没有回访记录"), "{html}");
    let lawyer = app.browser("lawyer").await;
    let (_, html) = lawyer.get("/").await;
    assert!(!common::select(&html, "nav ul.nav a").contains(&"回访".to_owned()));
    let (s, _) = lawyer.get("/visits").await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The form: ratings on an unanswered call are refused by field.
    let path = format!("/visits/new?case={case}");
    let (s, html) = quality.get(&path).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    let csrf = quality.csrf(&path).await;
    let today = legalaid_domain::local_date(app.clock.now()).to_string();
    let case_id = case.to_string();
    let form = |outcome: &str, rating: &str, fee: &str, detail: &str| {
        let mut f = vec![
            ("_csrf", csrf.clone()),
            ("case_id", case_id.clone()),
            ("mode", "phone".to_owned()),
            ("timing", "after_closure".to_owned()),
            ("visited_on", today.clone()),
            ("outcome", outcome.to_owned()),
            ("fee_asked", fee.to_owned()),
            ("fee_paid", "false".to_owned()),
            ("fee_detail", detail.to_owned()),
            ("on_time", "true".to_owned()),
            ("notes", "受援人表示满意。".to_owned()),
        ];
        for i in ITEMS {
            f.push((
                match i {
                    "service_attitude" => "r_service_attitude",
                    "communication" => "r_communication",
                    "rights_protection" => "r_rights_protection",
                    "case_result" => "r_case_result",
                    _ => "r_overall",
                },
                rating.to_owned(),
            ));
        }
        f
    };
    let post = |f: Vec<(&'static str, String)>| {
        let quality = &quality;
        async move {
            let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            quality.post_form("/visits", &pairs).await
        }
    };
    let (s, html, _) = post(form("no_answer", "satisfied", "false", "")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        common::fields_in_error(&html),
        ["r_service_attitude"],
        "{html}"
    );
    let (s, html, _) = post(form("connected", "satisfied", "true", "")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(common::fields_in_error(&html), ["fee_detail"], "{html}");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM visits").await, 0);
    let (s, _, loc) = post(form("connected", "satisfied", "true", "索要代书费300元")).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let loc = loc.expect("location");
    let (s, html) = quality.get(&loc).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("索要代书费300元") && html.contains("尚未处理"),
        "{html}"
    );
    let handle = format!("{loc}/handle-alert");
    let version = common::hidden(&html, &handle, "version");
    let csrf = quality.csrf(&loc).await;
    let (s, html, _) = quality
        .post_form(
            &handle,
            &[("_csrf", &csrf), ("version", &version), ("note", "")],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(common::fields_in_error(&html), ["note"]);
    let (s, _, _) = quality
        .post_form(
            &handle,
            &[
                ("_csrf", &csrf),
                ("version", &version),
                ("note", "已核实并退还。"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html) = quality.get(&loc).await;
    assert!(html.contains("已核实并退还。"), "{html}");
    let (_, html) = quality.get("/visits").await;
    assert!(html.contains("违规收费线索（已处理）"), "{html}");

    // Plans and figures.
    let (s, html) = quality.get("/visits/plans").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("还没有回访计划"), "{html}");
    let csrf = quality.csrf("/visits/plans").await;
    let (s, html, _) = quality
        .post_form(
            "/visits/plans",
            &[
                ("_csrf", &csrf),
                ("from", &today),
                ("to", &today),
                ("share_percent", "abc"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(common::fields_in_error(&html), ["share_percent"]);
    let (s, _, loc) = quality
        .post_form(
            "/visits/plans",
            &[
                ("_csrf", &csrf),
                ("from", &today),
                ("to", &today),
                ("share_percent", "100"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html) = quality.get(&loc.expect("location")).await;
    assert!(html.contains("待回访"), "{html}");
    let (s, html) = quality.get("/visits/figures").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("100.0%") && html.contains("接通率"), "{html}");
});
