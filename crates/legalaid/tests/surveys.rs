//! Surveys (社情民意调查) through the API and the pages, on both backends: the
//! instrument is data and a bad one is refused by field; a campaign issues
//! codes; the public answers through a code once (409 the second time, also
//! when two instances take it at once on PostgreSQL), anonymously; staff enter
//! phone answers; the results count sample sizes, 知晓率 and 满意度 by their
//! definitions on known answers; the CSV exports; another district's campaign
//! is absent (404); flooding one address is refused politely.

mod common;

use common::TestApp;
use legalaid_app::Clock;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn today(app: &TestApp) -> chrono::NaiveDate {
    legalaid_domain::local_date(app.clock.now())
}

fn fields(v: &Value) -> Vec<String> {
    v["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .filter_map(|x| x["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The shipped instrument's id.
async fn shipped_instrument(app: &TestApp, token: &str) -> i64 {
    let (s, v) = app
        .get_json("/api/v1/survey-instruments", Some(token))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["code"] == "awareness-satisfaction"))
        .and_then(|i| i["id"].as_i64())
        .expect("the shipped instrument")
}

/// A campaign of the bureau (as `supervisor`) running from ten days ago, with
/// targets 史河街道 3 and 平岗街道 2; its id.
async fn campaign(app: &TestApp, title: &str) -> i64 {
    let sup = app.token("supervisor").await;
    let instrument = shipped_instrument(app, &sup).await;
    let t = today(app);
    let (s, v) = app
        .post_json(
            "/api/v1/surveys",
            Some(&sup),
            &json!({ "title": title, "instrument_id": instrument,
                     "starts_on": t - chrono::Duration::days(10), "ends_on": t + chrono::Duration::days(20),
                     "targets": [{ "township": "341504001", "target": 3 }, { "township": "341504002", "target": 2 }] }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["campaign"]["id"].as_i64().expect("id")
}

async fn codes(app: &TestApp, id: i64, n: u32) -> Vec<String> {
    let sup = app.token("supervisor").await;
    let (s, v) = app
        .post_json(
            &format!("/api/v1/surveys/{id}/codes"),
            Some(&sup),
            &json!({ "count": n }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["codes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| c.as_str().expect("code").to_owned())
        .collect()
}

fn recipient(town: &str, a1: &str, s: [&str; 5]) -> Value {
    json!({ "answers": { "D1": [town], "A1": [a1], "A2": ["free"], "A3": ["wage", "criminal"], "S1": ["yes"],
        "S2": [s[0]], "S3": [s[1]], "S4": [s[2]], "S5": [s[3]], "S6": [s[4]], "S7": ["no"],
        "O1": ["希望多到村里宣传"] } })
}

fn bystander(town: &str, a1: &str) -> Value {
    json!({ "answers": { "D1": [town], "A1": [a1], "S1": ["no"] } })
}

both!(an_instrument_is_data_and_a_bad_one_is_refused, |app| {
    let sup = app.token("supervisor").await;
    let (s, v) = app.get_json("/api/v1/survey-instruments", Some(&sup)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let shipped = &v["items"][0];
    assert_eq!(shipped["example"], true, "{shipped}");
    assert!(
        shipped["instrument"]["awareness"]["definition"]
            .as_str()
            .is_some_and(|d| d.contains("知晓率"))
    );
    let mut instrument = shipped["instrument"].clone();

    // A choice with one option, a repeated code, no township question and a
    // rate reading an unknown option: each named, nothing stored.
    let mut bad = instrument.clone();
    bad["questions"][1]["options"] = json!([{ "code": "only", "label": "唯一" }]);
    bad["questions"][2]["code"] = bad["questions"][1]["code"].clone();
    bad["questions"][0]["kind"] = json!("text");
    bad["awareness"]["all_of"][0]["any_of"] = json!(["nope"]);
    let (s, e) = app
        .post_json(
            "/api/v1/survey-instruments",
            Some(&sup),
            &json!({ "code": "awareness-satisfaction", "instrument": bad }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let f = fields(&e);
    for want in [
        "questions[1].options",
        "questions[2].code",
        "questions",
        "awareness.all_of",
    ] {
        assert!(f.contains(&want.to_owned()), "{want} in {f:?}");
    }
    assert!(e.to_string().contains("所在乡镇"), "{e}");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM survey_instruments").await,
        1
    );
    let (s, e) = app
        .post_json(
            "/api/v1/survey-instruments",
            Some(&sup),
            &json!({ "code": "坏 代码", "instrument": instrument.clone() }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(fields(&e), ["code"]);

    // A revision is the next version; the old one is unchanged.
    instrument["title"] = json!("法律援助知晓率和满意度调查问卷（2026年修订）");
    let (s, v2) = app
        .post_json(
            "/api/v1/survey-instruments",
            Some(&sup),
            &json!({ "code": "awareness-satisfaction", "source": "本地修订", "instrument": instrument }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v2}");
    assert_eq!(
        (v2["version"].as_i64(), v2["example"].as_bool()),
        (Some(2), Some(false))
    );
    let (_, v1) = app
        .get_json(
            &format!("/api/v1/survey-instruments/{}", shipped["id"]),
            Some(&sup),
        )
        .await;
    assert_eq!(v1["title"], shipped["title"]);

    // Only bureau supervisors and center directors keep instruments.
    let lawyer = app.token("lawyer").await;
    let (s, _) = app
        .post_json(
            "/api/v1/survey-instruments",
            Some(&lawyer),
            &json!({ "code": "x", "instrument": shipped["instrument"] }),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .get_json("/api/v1/survey-instruments", Some(&lawyer))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The instrument's page prints the definitions and cites the items.
    let b = app.browser("supervisor").await;
    let (s, html) = b
        .get(&format!("/surveys/instruments/{}", shipped["id"]))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("知晓率 = ") && html.contains("T30"), "{html}");
});

both!(
    a_campaign_takes_answers_and_counts_them_by_definition,
    |app| {
        let sup = app.token("supervisor").await;
        let instrument = shipped_instrument(&app, &sup).await;
        let t = today(&app);

        // Bad campaigns: a period ending before it starts, a township outside the district.
        let (s, e) = app
        .post_json(
            "/api/v1/surveys",
            Some(&sup),
            &json!({ "title": "", "instrument_id": instrument, "starts_on": t, "ends_on": t - chrono::Duration::days(1),
                     "targets": [{ "township": "341502001", "target": 5 }] }),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(fields(&e), ["title", "ends_on", "targets"]);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM survey_campaigns").await, 0);

        let id = campaign(&app, "2026年法律援助知晓率和满意度调查").await;
        let (s, e) = app
            .post_json(
                "/api/v1/surveys",
                Some(&sup),
                &json!({ "title": "2026年法律援助知晓率和满意度调查", "instrument_id": instrument,
                     "starts_on": t, "ends_on": t }),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "same title: {e}");

        // Codes: 128 random bits each, 1–500 at a time.
        for n in [0, 501] {
            let (s, e) = app
                .post_json(
                    &format!("/api/v1/surveys/{id}/codes"),
                    Some(&sup),
                    &json!({ "count": n }),
                )
                .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{n}: {e}");
        }
        let codes = codes(&app, id, 5).await;
        assert_eq!(codes.len(), 5);
        assert!(
            codes
                .iter()
                .all(|c| c.len() == 32 && c.bytes().all(|b| b.is_ascii_hexdigit()))
        );
        let (s, l) = app
            .get_json(&format!("/api/v1/surveys/{id}/codes"), Some(&sup))
            .await;
        assert_eq!((s, l["total"].as_i64()), (StatusCode::OK, Some(5)), "{l}");

        // The public page of a code: no sign-in, a form; an unknown code reveals nothing.
        let (s, html) = common::client_from("127.0.0.3")
            .get(app.url(&format!("/public/surveys/{}", codes[0])))
            .send()
            .await
            .map(|r| (r.status(), r))
            .expect("get");
        let html = html.text().await.unwrap_or_default();
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("2026年法律援助知晓率和满意度调查") && html.contains("name=\"A1\""));
        assert!(
            html.contains("史河街道") && !html.contains("<script"),
            "{html}"
        );
        for unknown in ["0123456789abcdef0123456789abcdef", "nope"] {
            let r = app
                .http
                .get(app.url(&format!("/public/surveys/{unknown}")))
                .send()
                .await
                .expect("get");
            assert_eq!(r.status(), StatusCode::NOT_FOUND);
            let body = r.text().await.unwrap_or_default();
            assert!(!body.contains("2026年") && !body.contains("登录"), "{body}");
        }

        // A public answer through the API: invalid input is refused by question,
        // then it is taken once; the second is a polite 409.
        let url = |c: &str| format!("/api/v1/public/surveys/{c}");
        let (s, e) = app
            .post_json(
                &url(&codes[0]),
                None,
                &json!({ "answers": { "D1": ["341502001"], "A1": ["fairly", "very"] } }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(fields(&e), ["D1", "A1", "S1"]);
        let (s, v) = app
            .post_json(&url(&codes[0]), None, &bystander("341504001", "heard"))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (s, e) = app
            .post_json(&url(&codes[0]), None, &bystander("341504001", "never"))
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{e}");
        assert!(
            e["detail"]
                .as_str()
                .is_some_and(|d| d.contains("只能填写一次")),
            "{e}"
        );
        let (s, v) = app
            .post_json(&url(&codes[1]), None, &bystander("341504001", "never"))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");

        // Through the page, as a phone without JavaScript posts it.
        let phone = common::client_from("127.0.0.4");
        let form = [
            ("D1", "341504002"),
            ("A1", "very"),
            ("A3", "wage"),
            ("A3", "support"),
            ("S1", "yes"),
            ("S2", "satisfied"),
            ("S3", "satisfied"),
            ("S4", "basic"),
            ("S5", "dissatisfied"),
            ("S6", "satisfied"),
            ("S7", "no"),
            ("O1", "服务很好"),
        ];
        let page = format!("/public/surveys/{}", codes[2]);
        let r = phone
            .post(app.url(&page))
            .form(&form)
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let r = phone
            .post(app.url(&page))
            .form(&form)
            .send()
            .await
            .expect("again");
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert!(r.text().await.unwrap_or_default().contains("只能填写一次"));
        let html = phone
            .get(app.url(&page))
            .send()
            .await
            .expect("get")
            .text()
            .await
            .unwrap_or_default();
        assert!(
            html.contains("您已提交本问卷") && !html.contains("<form"),
            "{html}"
        );
        // A page post with a question missing shows the form again with the fault.
        let r = phone
            .post(app.url(&format!("/public/surveys/{}", codes[3])))
            .form(&[("D1", "341504002")])
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap_or_default();
        assert!(
            html.contains("请回答第A1题") && html.contains("selected"),
            "{html}"
        );

        // A phone answer entered by the clerk of 史河司法所: recorded with them.
        let clerk = app.token("clerk").await;
        let (s, v) = app
            .post_json(
                &format!("/api/v1/surveys/{id}/answers"),
                Some(&clerk),
                &recipient("341504002", "fairly", ["satisfied"; 5]),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["channel"], "phone");
        let (s, e) = app
            .post_json(
                &format!("/api/v1/surveys/{id}/answers"),
                Some(&clerk),
                &json!({ "answers": { "A1": ["x"] } }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM survey_answers").await, 4);
        let shihe = app.unit_id("叶集区史河街道司法所").await;
        assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM survey_answers WHERE channel = 'phone' AND entered_by IS NOT NULL AND unit_id = {shihe}"
        ))
        .await,
        1
    );
        // Anonymous: no address kept, and the public answers are not in the audit trail.
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM survey_answers WHERE responses LIKE '%127.0.0%'")
                .await,
            0
        );
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'survey_answer.enter'")
                .await,
            1
        );

        // The results on known answers: 4 answers; A1 heard/never/very/fairly → 3 of
        // 4 aware; two recipients rated 10 items, 9 satisfied or basically satisfied.
        let (s, r) = app
            .get_json(&format!("/api/v1/surveys/{id}/results"), Some(&sup))
            .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        let o = &r["overall"];
        assert_eq!(
            (
                o["answers"].as_u64(),
                o["aware"].as_u64(),
                o["awareness_base"].as_u64()
            ),
            (Some(4), Some(3), Some(4)),
            "{o}"
        );
        assert_eq!(o["awareness"].as_f64(), Some(0.75));
        assert_eq!(
            (o["satisfied"].as_u64(), o["ratings"].as_u64()),
            (Some(9), Some(10))
        );
        assert_eq!(o["satisfaction"].as_f64(), Some(0.9));
        assert_eq!(
            (r["target"].as_u64(), o["progress"].as_f64()),
            (Some(5), Some(0.8))
        );
        let town = |code: &str| {
            r["by_township"]
                .as_array()
                .and_then(|a| a.iter().find(|t| t["key"] == code))
                .cloned()
                .expect("township row")
        };
        let shihe_t = town("341504001");
        assert_eq!(
            (shihe_t["answers"].as_u64(), shihe_t["target"].as_u64()),
            (Some(2), Some(3))
        );
        assert_eq!(shihe_t["awareness"].as_f64(), Some(0.5));
        assert_eq!(shihe_t["satisfaction"], Value::Null, "nobody rated there");
        let pinggang = town("341504002");
        assert_eq!(
            (pinggang["aware"].as_u64(), pinggang["progress"].as_f64()),
            (Some(2), Some(1.0))
        );
        let units = r["by_unit"].as_array().expect("units");
        let bureau = units
            .iter()
            .find(|u| u["name"] == "六安市叶集区司法局")
            .expect("bureau row");
        assert_eq!(
            (
                bureau["answers"].as_u64(),
                bureau["codes_issued"].as_i64(),
                bureau["codes_answered"].as_i64()
            ),
            (Some(3), Some(5), Some(3)),
            "{bureau}"
        );
        assert!(
            units
                .iter()
                .any(|u| u["name"] == "叶集区史河街道司法所" && u["answers"] == 1)
        );
        let a1 = r["questions"]
            .as_array()
            .and_then(|q| q.iter().find(|q| q["code"] == "A1"))
            .expect("A1");
        assert_eq!(a1["answered"], 4);

        // The codes still to hand out (three of five answered).
        let (s, l) = app
            .get_json(
                &format!("/api/v1/surveys/{id}/codes?unanswered=true"),
                Some(&sup),
            )
            .await;
        assert_eq!((s, l["total"].as_i64()), (StatusCode::OK, Some(2)), "{l}");
        assert!(
            l["items"]
                .as_array()
                .expect("items")
                .iter()
                .all(|c| c["used"] == false)
        );

        // The campaign page: the rates with their definitions, and SVG charts.
        let b = app.browser("supervisor").await;
        let (s, html) = b.get(&format!("/surveys/{id}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("75.0%（3/4）") && html.contains("90.0%（9/10）"),
            "{html}"
        );
        assert!(
            html.contains("知晓率 = 对“您是否听说过法律援助”"),
            "the definition is printed"
        );
        assert!(
            common::select(&html, "section.figure svg title")
                .iter()
                .any(|t| t.contains("知晓率"))
        );
        let rows = common::section_rows(&html, "按乡镇（街道）");
        assert!(
            rows.iter()
                .any(|r| r.contains("史河街道") && r.contains("66.7%")),
            "{rows:?}"
        );

        // The exports: every answer with its labels, and the results.
        let res = b
            .client
            .get(app.url(&format!("/surveys/{id}/answers.csv")))
            .send()
            .await
            .expect("csv");
        assert_eq!(res.status(), StatusCode::OK);
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap_or("")
                .starts_with("text/csv")
        );
        let csv = res.text().await.unwrap_or_default();
        assert_eq!(csv.lines().count(), 5, "{csv}");
        assert!(
            csv.contains("电话调查录入") && csv.contains("平岗街道") && csv.contains("非常了解")
        );
        assert!(
            csv.contains("请求支付劳动报酬；请求给付赡养费、抚养费、扶养费"),
            "{csv}"
        );
        let csv = b
            .client
            .get(app.url(&format!("/surveys/{id}/results.csv")))
            .send()
            .await
            .expect("csv")
            .text()
            .await
            .unwrap_or_default();
        assert!(
            csv.contains("合计") && csv.contains("75.0%") && csv.contains("知晓率 = "),
            "{csv}"
        );

        // The staff entry form takes a phone answer as a browser posts it.
        let clerk = app.browser("clerk").await;
        // The campaign under way is on the clerk's work bench.
        let (_, html) = clerk.get("/").await;
        assert!(
            html.contains("社情民意调查：2026年法律援助知晓率和满意度调查")
                && html.contains("已收回4份，目标样本5份"),
            "{html}"
        );
        let form_page = format!("/surveys/{id}/answers/new");
        let csrf = clerk.csrf(&form_page).await;
        let (s, _, loc) = clerk
            .post_form(
                &format!("/surveys/{id}/answers"),
                &[
                    ("_csrf", &csrf),
                    ("D1", "341504001"),
                    ("A1", "heard"),
                    ("A4", "office"),
                    ("A4", "hotline"),
                    ("S1", "no"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert_eq!(loc.as_deref(), Some(format!("/surveys/{id}").as_str()));
        let (s, html, _) = clerk
            .post_form(
                &format!("/surveys/{id}/answers"),
                &[("_csrf", &csrf), ("D1", "341504001")],
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            common::fields_in_error(&html).contains(&"A1".to_owned()),
            "{html}"
        );
        assert_eq!(app.scalar("SELECT COUNT(*) FROM survey_answers").await, 5);
    }
);

both!(a_campaign_is_seen_in_its_region_only, |app| {
    let id = campaign(&app, "叶集区知晓率调查").await;
    let sup = app.token("supervisor").await;
    // Another district's center: the campaign is absent.
    let admin = app.token("admin").await;
    let (s, u) = app
        .post_json(
            "/api/v1/units",
            Some(&admin),
            &json!({ "name": "六安市金安区法律援助中心", "kind": "legal_aid_center", "region_code": "341502" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{u}");
    let jinan = common::account(
        &app,
        "jinan_director",
        u["id"].as_i64().expect("id"),
        "center_director",
    )
    .await;
    for path in [
        format!("/api/v1/surveys/{id}"),
        format!("/api/v1/surveys/{id}/results"),
        format!("/api/v1/surveys/{id}/codes"),
    ] {
        let (s, _) = app.get_json(&path, Some(&jinan)).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
    }
    let (s, l) = app.get_json("/api/v1/surveys", Some(&jinan)).await;
    assert_eq!((s, l["total"].as_i64()), (StatusCode::OK, Some(0)), "{l}");
    let (s, _) = app
        .post_json(
            &format!("/api/v1/surveys/{id}/answers"),
            Some(&jinan),
            &bystander("341504001", "heard"),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // A lawyer has no survey work: 404 for the campaign, 403 for the list.
    let lawyer = app.token("lawyer").await;
    let (s, _) = app
        .get_json(&format!("/api/v1/surveys/{id}"), Some(&lawyer))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.get_json("/api/v1/surveys", Some(&lawyer)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .browser("lawyer")
        .await
        .get(&format!("/surveys/{id}"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // A judicial office of the district takes part: reads, enters; issues no codes.
    let clerk = app.token("clerk_sungang").await;
    let (s, v) = app
        .get_json(&format!("/api/v1/surveys/{id}"), Some(&clerk))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["actions"], json!(["enter_answer"]));
    let (s, _) = app
        .post_json(
            &format!("/api/v1/surveys/{id}/codes"),
            Some(&clerk),
            &json!({ "count": 3 }),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .get_json(&format!("/api/v1/surveys/{id}/codes"), Some(&clerk))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Codes are handed out by units of the campaign's region only.
    let firm = app.unit_id("安徽叶诚律师事务所").await;
    let (s, v) = app
        .post_json(
            &format!("/api/v1/surveys/{id}/codes"),
            Some(&sup),
            &json!({ "count": 2, "unit_id": firm }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, e) = app
        .post_json(
            &format!("/api/v1/surveys/{id}/codes"),
            Some(&sup),
            &json!({ "count": 2, "unit_id": u["id"] }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(fields(&e), ["unit_id"]);
    // A campaign not yet started takes no answer.
    let instrument = shipped_instrument(&app, &sup).await;
    let t = today(&app);
    let (s, later) = app
        .post_json(
            "/api/v1/surveys",
            Some(&sup),
            &json!({ "title": "下月调查", "instrument_id": instrument,
                     "starts_on": t + chrono::Duration::days(1), "ends_on": t + chrono::Duration::days(30) }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{later}");
    let code = codes(&app, later["campaign"]["id"].as_i64().expect("id"), 1).await;
    let (s, e) = app
        .post_json(
            &format!("/api/v1/public/surveys/{}", code[0]),
            None,
            &bystander("341504001", "heard"),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert!(
        e["detail"].as_str().is_some_and(|d| d.contains("开始")),
        "{e}"
    );
});

both!(
    one_code_answers_once_even_at_once_and_flooding_is_refused,
    |app| {
        let id = campaign(&app, "并发调查").await;
        let codes = codes(&app, id, 3).await;
        if app.kind == common::Kind::Postgres {
            // Two instances take the same code at the same moment: one answer.
            let twin = app.twin().await;
            let send = |base: String, code: String| {
                let http = app.http.clone();
                async move {
                    let r = http
                        .post(format!("{base}/api/v1/public/surveys/{code}"))
                        .json(&bystander("341504001", "heard"))
                        .send()
                        .await
                        .expect("post");
                    r.status()
                }
            };
            let (a, b) = tokio::join!(
                send(app.base.clone(), codes[0].clone()),
                send(twin.base.clone(), codes[0].clone())
            );
            let mut got = [a, b];
            got.sort();
            assert_eq!(
                got,
                [StatusCode::CREATED, StatusCode::CONFLICT],
                "never a 500"
            );
            assert_eq!(app.scalar("SELECT COUNT(*) FROM survey_answers").await, 1);
        }
        // One address hammering the answers is told to wait (the portal's limits,
        // counted in the database); another address and the staff pages are not
        // affected.
        let flood = common::client_from("127.0.0.9");
        let mut last = StatusCode::OK;
        let allowed = legalaid_domain::portal::Limits::default().survey_answers_per_address_hour;
        for i in 0..allowed {
            last = flood
                .post(app.url(&format!("/public/surveys/{i:032x}")))
                .form(&[("D1", "341504001")])
                .send()
                .await
                .expect("post")
                .status();
        }
        assert_eq!(
            last,
            StatusCode::NOT_FOUND,
            "unknown codes within the limit"
        );
        let r = flood
            .get(app.url(&format!("/public/surveys/{}", codes[1])))
            .send()
            .await
            .expect("get");
        assert_eq!(r.status(), StatusCode::OK, "reading is not counted");
        let r = flood
            .post(app.url(&format!("/api/v1/public/surveys/{}", codes[1])))
            .json(&bystander("341504001", "heard"))
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(r.headers().contains_key("retry-after"));
        let other = common::client_from("127.0.0.10");
        let r = other
            .post(app.url(&format!("/api/v1/public/surveys/{}", codes[1])))
            .json(&bystander("341504001", "heard"))
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), StatusCode::CREATED);
        let (s, _) = app
            .browser("supervisor")
            .await
            .get(&format!("/surveys/{id}"))
            .await;
        assert_eq!(s, StatusCode::OK);
    }
);

both!(
    the_home_page_lists_every_campaign_under_way_or_says_how_many_more,
    |app| {
        let sup = app.token("supervisor").await;
        let instrument = shipped_instrument(&app, &sup).await;
        let t = today(&app);
        let make = |title: String, from: i64, to: i64| {
            let app = &app;
            let sup = &sup;
            async move {
                let (s, v) = app
                    .post_json(
                        "/api/v1/surveys",
                        Some(sup),
                        &json!({ "title": title, "instrument_id": instrument,
                                 "starts_on": t + chrono::Duration::days(from),
                                 "ends_on": t + chrono::Duration::days(to),
                                 "targets": [] }),
                    )
                    .await;
                assert_eq!(s, StatusCode::CREATED, "{v}");
            }
        };
        // One under way, then more campaigns planned than a list page holds:
        // the one under way is still on the bench.
        make("已在进行的调查".into(), -5, 5).await;
        for i in 0..25 {
            make(format!("计划中的调查{i:02}"), 30 + i, 60 + i).await;
        }
        let clerk = app.browser("clerk").await;
        let (_, html) = clerk.get("/").await;
        assert!(html.contains("社情民意调查：已在进行的调查"), "{html}");
        assert!(!html.contains("计划中的调查"), "not under way yet");
        assert!(!html.contains("另有"), "{html}");

        // Twelve under way: the ten ending first, and a line for the other two.
        for i in 0..11 {
            make(format!("进行中的调查{i:02}"), -1, 10 + i).await;
        }
        let (_, html) = clerk.get("/").await;
        assert!(html.contains("社情民意调查：已在进行的调查"), "ends first");
        assert!(html.contains("社情民意调查：进行中的调查08"));
        assert!(!html.contains("社情民意调查：进行中的调查09"));
        assert!(html.contains("另有2项社情民意调查进行中"), "{html}");
    }
);
