//! Hearing observation (旁听庭审) and the judicial organs' opinions (征询意见)
//! through the API and the pages, on both backends: a plan waits in the quality
//! queue until recorded; a dissatisfied dimension flags it for rectification;
//! an opinion letter for an archived case renders its three items, waits for its
//! reminder day on the injected clock, is reminded and answered later; one open
//! letter per case and organ, also when two instances send it at once.

mod common;

use common::{TestApp, case_with_demo_lawyer, granted_wage_claim, resident_id};
use legalaid_app::Clock;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A civil wage case of a new applicant assigned to the demo `lawyer`, the
/// agreement signed and a hearing on its calendar three days ahead; (case id,
/// hearing id, hearing day).
async fn case_with_hearing(app: &TestApp, name: &str, id17: &str) -> (i64, i64, chrono::NaiveDate) {
    let clerk = app.token("clerk").await;
    let (s, p) = app
        .post_json(
            "/api/v1/persons",
            Some(&clerk),
            &json!({ "name": name, "id_type": "resident_id", "id_number": resident_id(id17) }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let application =
        granted_wage_claim(app, p["id"].as_i64().expect("id"), "某建筑劳务有限公司").await;
    let c = case_with_demo_lawyer(app, application).await;
    let id = c["id"].as_i64().expect("id");
    let lawyer = app.token("lawyer").await;
    let today = legalaid_domain::local_date(app.clock.now());
    let (s, c) = app
        .post_json(
            &format!("/api/v1/cases/{id}/agreement"),
            Some(&lawyer),
            &json!({ "signed_on": today, "version": c["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    let at = app.clock.now() + chrono::Duration::days(3);
    let (s, p) = app
        .post_json(
            &format!("/api/v1/cases/{id}/progress"),
            Some(&lawyer),
            &json!({ "activity": "meeting", "occurred_on": today, "note": "约见受援人。",
                     "hearing_at": at.to_rfc3339(), "hearing_place": "六安市叶集区人民法院" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let (_, v) = app
        .get_json(&format!("/api/v1/cases/{id}"), Some(&lawyer))
        .await;
    let hearing = v["hearings"][0]["id"]
        .as_i64()
        .expect("a hearing on the calendar");
    (id, hearing, legalaid_domain::local_date(at))
}

/// A civil wage case of a new applicant, handled by `lawyer`, closed and
/// archived today; its id.
async fn archived_case(app: &TestApp, name: &str, id17: &str) -> i64 {
    common::archived_case(app, name, id17, "lawyer").await
}

/// The staff record of the center's quality reviewer 孙丽 (the observer).
async fn observer(app: &TestApp, token: &str) -> i64 {
    let (s, v) = app
        .get_json(
            &format!("/api/v1/staff?q={}", common::urlenc("孙丽")),
            Some(token),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"][0]["id"]
        .as_i64()
        .expect("孙丽 is on the center's staff")
}

async fn queue_codes(app: &TestApp, token: &str, filter: &str) -> Vec<(String, String, String)> {
    let (s, q) = app
        .get_json(
            &format!("/api/v1/work-queue?per_page=200{filter}"),
            Some(token),
        )
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
                i["state"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn every_dimension(rating_of: impl Fn(&str) -> &'static str) -> Vec<Value> {
    [
        "preparation",
        "statement",
        "cross_examination",
        "argument",
        "conduct",
    ]
    .iter()
    .map(|d| json!({ "dimension": d, "rating": rating_of(d), "score": 4 }))
    .collect()
}

both!(an_observation_is_planned_recorded_and_flagged, |app| {
    let (case, hearing, day) = case_with_hearing(&app, "吴桂兰", "34150419700101001").await;
    let quality = app.token("quality").await;
    let lawyer = app.token("lawyer").await;
    let observer = observer(&app, &quality).await;
    let plan = json!({ "case_id": case, "hearing_id": hearing, "hearing_time": "09:30", "status": "planned",
                       "court": "六安市叶集区人民法院", "hearing_date": day, "observer_id": observer });

    // A lawyer neither plans nor records.
    let (s, _) = app
        .post_json("/api/v1/observations", Some(&lawyer), &plan)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, o) = app
        .post_json("/api/v1/observations", Some(&quality), &plan)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{o}");
    assert_eq!(o["observation"]["status"], "planned");
    assert_eq!(o["actions"], json!(["record", "cancel"]));
    let id = o["observation"]["id"].as_i64().expect("id");
    let path = format!("/api/v1/observations/{id}");
    let href = format!("/hearings/observations/{id}");
    // The case's quality records hold the observation for the quality reviewer.
    let (s, r) = app
        .get_json(
            &format!("/api/v1/cases/{case}/quality-records"),
            Some(&quality),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["items"][0]["kind"], "observation", "{r}");
    assert_eq!(r["items"][0]["href"], href.as_str(), "{r}");

    // The plan waits in the quality queue, due on the hearing day.
    let q = queue_codes(&app, &quality, "").await;
    assert!(
        q.iter()
            .any(|(c, h, _)| c == "hearing_observation" && *h == href),
        "{q:?}"
    );

    // Not recorded before the hearing; then not without every dimension, and
    // nothing changes.
    let all_fine = every_dimension(|_| "satisfied");
    let (s, e) = app
        .post_json(
            &format!("{path}/record"),
            Some(&quality),
            &json!({ "version": o["observation"]["version"], "ratings": all_fine }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    // Sessions expire as the clock moves: sign in again.
    app.clock.set(app.clock.now() + chrono::Duration::days(4));
    let quality = app.token("quality").await;
    let lawyer = app.token("lawyer").await;
    let lawyer2 = app.token("lawyer2").await;
    let mut four = every_dimension(|_| "satisfied");
    four.pop();
    let (s, e) = app
        .post_json(
            &format!("{path}/record"),
            Some(&quality),
            &json!({ "version": o["observation"]["version"], "ratings": four }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e.to_string().contains("出庭形象与庭审举止"), "{e}");
    let (_, same) = app.get_json(&path, Some(&quality)).await;
    assert_eq!(same["observation"]["status"], "planned");
    assert_eq!(same["observation"]["version"], o["observation"]["version"]);
    let (s, _) = app
        .post_json(&format!("{path}/record"), Some(&lawyer),
            &json!({ "version": o["observation"]["version"], "ratings": every_dimension(|_| "satisfied") }))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Recorded with the argument rated 不满意: flagged, out of the queue.
    let ratings = every_dimension(|d| {
        if d == "argument" {
            "dissatisfied"
        } else {
            "satisfied"
        }
    });
    let (s, r) = app
        .post_json(&format!("{path}/record"), Some(&quality),
            &json!({ "version": o["observation"]["version"], "ratings": ratings, "comment": "辩论准备不足。" }))
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["observation"]["status"], "recorded");
    assert_eq!(r["observation"]["needs_rectification"], true);
    let link = r["rectification_href"]
        .as_str()
        .expect("a rectification link");
    assert!(
        link.starts_with(&format!("/rectifications/new?case={case}&source=hearing")),
        "{link}"
    );
    let q = queue_codes(&app, &quality, "").await;
    assert!(
        !q.iter().any(|(c, _, _)| c == "hearing_observation"),
        "{q:?}"
    );
    let (s, _) = app
        .post_json(
            &format!("{path}/cancel"),
            Some(&quality),
            &json!({ "version": r["observation"]["version"], "reason": "改期" }),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::CONFLICT,
        "a recorded observation is not cancelled"
    );

    // The handler's firm reads it; another firm does not learn it exists.
    let (s, _) = app.get_json(&path, Some(&lawyer)).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app.get_json(&path, Some(&lawyer2)).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, l) = app.get_json("/api/v1/observations", Some(&lawyer2)).await;
    assert_eq!(l["total"], 0, "{l}");
    let (_, l) = app
        .get_json("/api/v1/observations?flagged=true", Some(&quality))
        .await;
    assert_eq!(l["total"], 1, "{l}");

    // Figures: one hearing held, one observed, flagged.
    let (s, f) = app
        .get_json(
            &format!(
                "/api/v1/observations/figures?from={}&to={}",
                day - chrono::Duration::days(10),
                day + chrono::Duration::days(10)
            ),
            Some(&quality),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{f}");
    assert_eq!(
        (
            f["hearings"].as_i64(),
            f["observed"].as_i64(),
            f["flagged"].as_i64()
        ),
        (Some(1), Some(1), Some(1)),
        "{f}"
    );
    assert_eq!(f["ratio"], 1.0);
    assert_eq!(f["by_handler"][0]["observed"], 1);
    let (s, _) = app
        .get_json("/api/v1/observations/figures", Some(&lawyer))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The pages: the list, the flagged observation with its link, the order prefilled.
    let b = app.browser("quality").await;
    let (s, html) = b.get("/hearings/observations").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        common::select(&html, "nav ul.nav a").contains(&"旁听与征询".to_owned()),
        "{html}"
    );
    assert!(html.contains("旁听庭审比例"), "{html}");
    let (s, html) = b.get(&href).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("需要整改") && html.contains("下达整改通知"),
        "{html}"
    );
    let (s, html) = b.get(link).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(
        html.contains("法庭辩论"),
        "the problem names the dimension: {html}"
    );
    let (s, html) = b
        .get(&format!("/hearings/observations/new?case={case}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("六安市叶集区人民法院"),
        "prefilled from the hearing: {html}"
    );
    let lb = app.browser("lawyer").await;
    let (s, _) = lb
        .get(&format!("/hearings/observations/new?case={case}"))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
});

both!(an_opinion_letter_is_sent_reminded_and_answered, |app| {
    let case = archived_case(&app, "郑秀兰", "34150419720202002").await;
    let quality = app.token("quality").await;
    let lawyer = app.token("lawyer").await;
    let letter = json!({ "case_id": case, "organ": "court", "organ_name": "六安市叶集区人民法院", "reminder_after_days": 30 });
    let (s, _) = app
        .post_json("/api/v1/opinions", Some(&lawyer), &letter)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, o) = app
        .post_json("/api/v1/opinions", Some(&quality), &letter)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{o}");
    assert_eq!(o["letter"]["status"], "sent");
    let id = o["letter"]["id"].as_i64().expect("id");
    let path = format!("/api/v1/opinions/{id}");
    // One open letter per case and organ.
    let (s, e) = app
        .post_json("/api/v1/opinions", Some(&quality), &letter)
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    let (s, second) = app
        .post_json("/api/v1/opinions", Some(&quality),
            &json!({ "case_id": case, "organ": "procuratorate", "organ_name": "六安市叶集区人民检察院" }))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    // The case's page lists both letters among its quality records, the newer first.
    let (s, r) = app
        .get_json(
            &format!("/api/v1/cases/{case}/quality-records"),
            Some(&quality),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let hrefs: Vec<&str> = r["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["href"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        hrefs,
        [
            format!("/opinions/{}", second["letter"]["id"]),
            format!("/opinions/{id}"),
        ],
        "{r}"
    );

    // The letter names the three items and their points.
    let res = app
        .http
        .get(app.url(&format!("{path}/documents/opinion_letter?format=pdf")))
        .bearer_auth(&quality)
        .send()
        .await
        .expect("pdf");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let text = common::pdftotext(&res.bytes().await.expect("bytes"));
    for w in [
        "征询意见函",
        "诉讼礼仪",
        "专业素养",
        "敬业精神",
        "着装得体",
        "引用法律适当",
        "办案尽职尽责",
    ] {
        assert!(text.contains(w), "{w} in {text}");
    }
    let (_, docs) = app
        .get_json(&format!("{path}/documents"), Some(&quality))
        .await;
    assert_eq!(docs["items"][0]["kind"], "opinion_letter", "{docs}");

    // Waiting for the reminder day: in the queue, running; not yet reminded.
    let href = format!("/opinions/{id}");
    let q = queue_codes(&app, &quality, "").await;
    assert!(
        q.iter()
            .any(|(c, h, st)| c == "opinion_reminder" && *h == href && st != "overdue"),
        "{q:?}"
    );
    let (s, _) = app
        .post_json(
            &format!("{path}/remind"),
            Some(&quality),
            &json!({ "version": o["letter"]["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "not due yet");

    // Past the reminder day: overdue in the queue; reminded, it leaves it.
    app.clock.set(app.clock.now() + chrono::Duration::days(31));
    let quality = app.token("quality").await;
    let lawyer = app.token("lawyer").await;
    let q = queue_codes(&app, &quality, "&due=overdue").await;
    assert!(
        q.iter()
            .any(|(c, h, _)| c == "opinion_reminder" && *h == href),
        "{q:?}"
    );
    let (s, r) = app
        .post_json(
            &format!("{path}/remind"),
            Some(&quality),
            &json!({ "version": o["letter"]["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["letter"]["status"], "no_answer");
    assert_eq!(r["actions"], json!(["answer"]));
    let q = queue_codes(&app, &quality, "").await;
    assert!(!q.iter().any(|(_, h, _)| *h == href), "{q:?}");

    // Answered later, professionalism 不满意: negative, and counted.
    let (s, e) = app
        .post_json(&format!("{path}/answer"), Some(&quality),
            &json!({ "version": r["letter"]["version"], "ratings": [{ "item": "dedication", "rating": "satisfied" }] }))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, a) = app
        .post_json(&format!("{path}/answer"), Some(&quality),
            &json!({ "version": r["letter"]["version"], "opinion": "庭审中引用法条有误。", "ratings": [
                { "item": "litigation_etiquette", "rating": "satisfied" },
                { "item": "professionalism", "rating": "dissatisfied" },
                { "item": "dedication", "rating": "basically_satisfied" }] }))
        .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!(a["letter"]["status"], "answered");
    assert_eq!(a["letter"]["negative"], true);
    assert!(
        a["rectification_href"]
            .as_str()
            .is_some_and(|h| h.contains("source=opinion")),
        "{a}"
    );
    let today = legalaid_domain::local_date(app.clock.now());
    let (s, f) = app
        .get_json(
            &format!(
                "/api/v1/observations/figures?from={}&to={today}",
                today - chrono::Duration::days(60)
            ),
            Some(&quality),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{f}");
    assert_eq!(
        f["opinions"],
        json!({ "sent": 2, "answered": 1, "negative": 1, "reminded": 1, "open": 1 }),
        "{f}"
    );
    let (_, l) = app
        .get_json("/api/v1/opinions?negative=true", Some(&lawyer))
        .await;
    assert_eq!(
        l["total"], 1,
        "the handler's firm reads the answers about its case: {l}"
    );
    let lawyer2 = app.token("lawyer2").await;
    let (s, _) = app.get_json(&path, Some(&lawyer2)).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Once answered, another letter to the court may be sent (an appeal, say).
    let (s, _) = app
        .post_json("/api/v1/opinions", Some(&quality), &letter)
        .await;
    assert_eq!(s, StatusCode::CREATED);

    // The pages.
    let b = app.browser("quality").await;
    let (s, html) = b.get("/opinions").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("六安市叶集区人民检察院"), "{html}");
    let (s, html) = b.get(&href).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("征询意见函（PDF）") && html.contains("不满意"),
        "{html}"
    );
    let (s, html) = b.get(&format!("/opinions/new?case={case}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("发出征询意见函"), "{html}");
});

both!(a_letter_waits_for_an_archived_case, |app| {
    let (case, _, _) = case_with_hearing(&app, "冯玉兰", "34150419730303003").await;
    let quality = app.token("quality").await;
    let (s, e) = app
        .post_json(
            "/api/v1/opinions",
            Some(&quality),
            &json!({ "case_id": case, "organ": "court" }),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    let b = app.browser("quality").await;
    let (s, html) = b.get("/opinions").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("还没有征询意见函"), "{html}");
    let (s, html) = b.get("/hearings/observations").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("还没有旁听记录"), "{html}");
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_sending_one_letter_at_once_send_it_once() {
    if std::env::var("LEGALAID_TEST_DATABASE_URL").is_err() {
        eprintln!("LEGALAID_TEST_DATABASE_URL is not set: PostgreSQL run skipped");
        return;
    }
    let app = TestApp::spawn(common::Kind::Postgres).await;
    let case = archived_case(&app, "蒋秀英", "34150419740404004").await;
    let quality = app.token("quality").await;
    let twin = app.twin().await;
    let body = json!({ "case_id": case, "organ": "court", "organ_name": "六安市叶集区人民法院" });
    let send = |base: String| {
        let http = app.http.clone();
        let (body, quality) = (body.clone(), quality.clone());
        async move {
            http.post(format!("{base}/api/v1/opinions"))
                .bearer_auth(quality)
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
    assert_eq!(
        got,
        [StatusCode::CREATED, StatusCode::CONFLICT],
        "one letter, one 409"
    );
    let n = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM opinion_letters WHERE case_id = {case}"
        ))
        .await;
    assert_eq!(n, 1);
}
