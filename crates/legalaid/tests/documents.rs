//! The documents of an application through the API and the pages: what exists in
//! each state, PDFs whose Chinese text can be extracted, valid DOCX files, templates
//! that administrators edit.

mod common;

use common::{TestApp, pdftotext};
use legalaid_app::Clock;
use reqwest::StatusCode;
use serde_json::json;

/// The text of a document of an application as PDF.
async fn pdf_text(app: &TestApp, token: &str, id: i64, kind: &str) -> String {
    let res = app
        .http
        .get(app.url(&format!(
            "/api/v1/applications/{id}/documents/{kind}?format=pdf"
        )))
        .bearer_auth(token)
        .send()
        .await
        .expect("pdf");
    assert_eq!(res.status(), StatusCode::OK, "{kind}");
    pdftotext(&res.bytes().await.expect("bytes"))
}

async fn denied_application(app: &TestApp) -> i64 {
    denied_application_of(app, "11010519491231002X").await
}

/// An application of a person with this ID number, denied by the director.
async fn denied_application_of(app: &TestApp, id_number: &str) -> i64 {
    let clerk = app.token("clerk").await;
    let (_, p) = app
        .post_json(
            "/api/v1/persons",
            Some(&clerk),
            &json!({ "name": "李秀英", "id_type": "resident_id", "id_number": id_number }),
        )
        .await;
    let body = json!({
        "applicant_id": p["id"], "channel": "walk_in", "received_at": "2024-08-05T02:00:00Z",
        "matter_code": "injury_traffic", "service_form": "litigation_representation", "summary": "交通事故人身损害赔偿",
        "household": { "members": 1, "monthly_income_fen": 320_000 }
    });
    let (_, a) = app
        .post_json("/api/v1/applications", Some(&clerk), &body)
        .await;
    let id = a["id"].as_i64().expect("id");
    let director = app.token("director").await;
    let (s, d) = app
        .post_json(&format!("/api/v1/applications/{id}/decision"), Some(&director), &json!({ "outcome": "denied", "reason": "申请人人均月收入高于本市经济困难标准，不符合经济困难条件。", "version": 1 }))
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    id
}

both!(
    a_denial_decision_names_the_applicant_the_reasons_and_the_objection_route,
    |app| {
        let id = denied_application(&app).await;
        let clerk = app.token("clerk").await;
        let (s, list) = app
            .get_json(
                &format!("/api/v1/applications/{id}/documents"),
                Some(&clerk),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        let kinds: Vec<&str> = list["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|d| d["kind"].as_str())
            .collect();
        assert_eq!(kinds, ["receipt", "denial_decision"]);
        let res = app
            .http
            .get(app.url(&format!(
                "/api/v1/applications/{id}/documents/denial_decision?format=pdf"
            )))
            .bearer_auth(&clerk)
            .send()
            .await
            .expect("pdf");
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["content-type"], "application/pdf");
        let text = pdftotext(&res.bytes().await.expect("bytes"));
        for needle in [
            "六安市叶集区法律援助中心",
            "不予法律援助决定书",
            "李秀英",
            "不符合经济困难条件",
            "第四十九条",
            "2024年8月5日",
        ] {
            assert!(text.contains(needle), "{needle} not in {text}");
        }
        let res = app
            .http
            .get(app.url(&format!(
                "/api/v1/applications/{id}/documents/receipt?format=docx"
            )))
            .bearer_auth(&clerk)
            .send()
            .await
            .expect("docx");
        assert_eq!(res.status(), StatusCode::OK);
        let bytes = res.bytes().await.expect("bytes");
        assert!(bytes.starts_with(b"PK\x03\x04"), "a zip package");
        // A grant decision does not exist for a denied application; unknown kinds and formats are refused.
        let (s, _) = app
            .get_json(
                &format!("/api/v1/applications/{id}/documents/grant_decision"),
                Some(&clerk),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = app
            .get_json(
                &format!("/api/v1/applications/{id}/documents/receipt?format=odt"),
                Some(&clerk),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        // Others' applications stay invisible, documents included.
        let lawyer = app.token("lawyer").await;
        let (s, _) = app
            .get_json(
                &format!("/api/v1/applications/{id}/documents/receipt"),
                Some(&lawyer),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        // Generating a document is audited.
        let admin = app.token("admin").await;
        let (_, trail) = app
            .get_json("/api/v1/audit?action=document.generate", Some(&admin))
            .await;
        assert_eq!(trail["total"], 2);
    }
);

both!(administrators_edit_the_templates, |app| {
    let id = denied_application(&app).await;
    let b = app.browser("admin").await;
    let (s, html) = b.get("/admin/documents/receipt").await;
    assert_eq!(s, StatusCode::OK);
    let version = common::select(&html, "input[name=version]");
    assert_eq!(version.len(), 1);
    let token = b.csrf("/admin/documents/receipt").await;
    let (s, html, _) = b
        .post_form(
            "/admin/documents/receipt",
            &[
                ("_csrf", &token),
                ("title", "材料接收凭证"),
                ("addressee", "{申请人}："),
                ("body", "{申请人x}"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "unknown placeholder");
    assert!(html.contains("申请人x"));
    let (s, _, _) = b
        .post_form(
            "/admin/documents/receipt",
            &[
                ("_csrf", &token),
                ("title", "法律援助申请材料接收凭证"),
                ("addressee", "{申请人}："),
                ("body", "本中心已收到你的申请，编号{编号}。特此证明。"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let clerk = app.token("clerk").await;
    let res = app
        .http
        .get(app.url(&format!("/api/v1/applications/{id}/documents/receipt")))
        .bearer_auth(&clerk)
        .send()
        .await
        .expect("pdf");
    let text = pdftotext(&res.bytes().await.expect("bytes"));
    assert!(
        text.contains("特此证明"),
        "the edited template is used: {text}"
    );
    let clerk_browser = app.browser("clerk").await;
    let (s, _) = clerk_browser.get("/admin/documents").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, html) = clerk_browser.get(&format!("/applications/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("不予法律援助决定书（PDF）"),
        "links on the application page"
    );
});

both!(
    each_kind_of_document_is_numbered_in_its_own_series_by_its_issuer,
    |app| {
        let year = legalaid_domain::local_date(app.clock.now())
            .format("%Y")
            .to_string();
        let first = denied_application(&app).await;
        let clerk = app.token("clerk").await;
        // The receipt carries the application's number; the decision its own,
        // given when first issued and the same on every later copy.
        let receipt = pdf_text(&app, &clerk, first, "receipt").await;
        assert!(receipt.contains("叶法援申〔2024〕1号"), "{receipt}");
        let denial = format!("叶法援不〔{year}〕1号");
        for _ in 0..2 {
            let text = pdf_text(&app, &clerk, first, "denial_decision").await;
            assert!(text.contains(&denial), "{denial} not in {text}");
        }

        // The applicant objects; the bureau upholds the denial: the decision is the
        // bureau's, in the bureau's series.
        let (s, o) = app
            .post_json(
                &format!("/api/v1/applications/{first}/objection"),
                Some(&clerk),
                &json!({ "reason": "收入计算有误", "version": 2 }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{o}");
        let objection = o["objections"][0]["id"].as_i64().expect("objection");
        let supervisor = app.token("supervisor").await;
        let (s, d) = app
            .post_json(
                &format!("/api/v1/objections/{objection}/decision"),
                Some(&supervisor),
                &json!({ "outcome": "upheld", "reason": "经复核，申请人收入高于标准。", "version": 1 }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{d}");
        let text = pdf_text(&app, &supervisor, first, "objection_decision").await;
        let issuer = text
            .find("六安市叶集区司法局")
            .expect("the bureau issues it");
        assert!(
            issuer < text.find("异议审查决定书").expect("title"),
            "{text}"
        );
        assert!(text.contains(&format!("叶司援异〔{year}〕1号")), "{text}");
        let seal = text.find("（盖章）").expect("seal space");
        assert!(text[seal..].contains("六安市叶集区司法局"), "{text}");

        // A second denial is the series' second; a changed pattern numbers the next
        // ones and leaves those issued alone.
        let second = denied_application_of(&app, "110105194912310046").await;
        let text = pdf_text(&app, &clerk, second, "denial_decision").await;
        assert!(text.contains(&format!("叶法援不〔{year}〕2号")), "{text}");
        let admin = app.browser("admin").await;
        let path = "/admin/documents/denial_decision";
        let (_, html) = admin.get(path).await;
        let fields = |f: &str| common::select(&html, &format!("[name={f}]"));
        assert_eq!(fields("number_format").len(), 1, "{html}");
        let version = common::hidden(&html, path, "version");
        let title = "不予法律援助决定书".to_owned();
        let body: String = {
            let doc = scraper::Html::parse_document(&html);
            let sel = scraper::Selector::parse("textarea[name=body]").expect("selector");
            doc.select(&sel)
                .next()
                .map(|e| e.text().collect())
                .unwrap_or_default()
        };
        let csrf = admin.csrf(path).await;
        let post = |format: &'static str| {
            let (csrf, title, body, version) =
                (csrf.clone(), title.clone(), body.clone(), version.clone());
            let admin = &admin;
            async move {
                admin
                    .post_form(
                        path,
                        &[
                            ("_csrf", csrf.as_str()),
                            ("title", title.as_str()),
                            ("addressee", "{申请人}："),
                            ("body", body.as_str()),
                            ("number_format", format),
                            ("version", version.as_str()),
                        ],
                    )
                    .await
            }
        };
        let (s, html, _) = post("叶援不字第号").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(common::fields_in_error(&html), ["number_format"], "{html}");
        let (s, _, _) = post("叶援不字〔{year}〕第{seq}号").await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let third = denied_application_of(&app, "110105194912310062").await;
        let text = pdf_text(&app, &clerk, third, "denial_decision").await;
        assert!(text.contains(&format!("叶援不字〔{year}〕第3号")), "{text}");
        let text = pdf_text(&app, &clerk, first, "denial_decision").await;
        assert!(text.contains(&denial), "issued numbers stay: {text}");
    }
);
