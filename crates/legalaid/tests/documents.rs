//! The documents of an application through the API and the pages: what exists in
//! each state, PDFs whose Chinese text can be extracted, valid DOCX files, templates
//! that administrators edit.

mod common;

use common::{TestApp, pdftotext};
use reqwest::StatusCode;
use serde_json::json;

async fn denied_application(app: &TestApp) -> i64 {
    let clerk = app.token("clerk").await;
    let (_, p) = app
        .post_json("/api/v1/persons", Some(&clerk), &json!({ "name": "李秀英", "id_type": "resident_id", "id_number": "11010519491231002X" }))
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
            "叶法援申〔2024〕1号",
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
