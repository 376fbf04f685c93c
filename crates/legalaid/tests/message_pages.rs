//! The notification pages through HTTP: a person's contact preferences and the
//! message templates administrators edit.

mod common;

use common::TestApp;
use reqwest::StatusCode;
use serde_json::json;

async fn person(app: &TestApp, name: &str, id_number: &str, phone: &str) -> i64 {
    let clerk = app.token("clerk").await;
    let (s, p) = app
        .post_json(
            "/api/v1/persons",
            Some(&clerk),
            &json!({ "name": name, "id_type": "resident_id", "id_number": id_number, "phone": phone }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    p["id"].as_i64().expect("id")
}

both!(
    contact_preferences_and_message_templates_have_pages,
    |app| {
        let victim = person(&app, "孙梅", "341504198808080022", "13955509999").await;
        let clerk = app.browser("clerk").await;
        let (s, html) = clerk.get(&format!("/persons/{victim}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains(&format!("/persons/{victim}/contact")),
            "a link to the preferences"
        );
        let csrf = clerk.csrf(&format!("/persons/{victim}/contact")).await;
        // An unsafe phone without a safe channel is refused with the field marked.
        let (s, html, _) = clerk
            .post_form(
                &format!("/persons/{victim}/contact"),
                &[
                    ("_csrf", &csrf),
                    ("unsafe_usual_phone", "true"),
                    ("safe_channel", ""),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("须指定一个安全的联系渠道"), "{html}");
        assert!(
            app.scalar(&format!(
                "SELECT COUNT(*) FROM persons WHERE id = {victim} AND unsafe_usual_phone = TRUE"
            ))
            .await
                == 0,
            "nothing changed"
        );
        let (s, _, to) = clerk
            .post_form(
                &format!("/persons/{victim}/contact"),
                &[
                    ("_csrf", &csrf),
                    ("unsafe_usual_phone", "true"),
                    ("safe_channel", "sms"),
                    ("safe_contact", "13955508888"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert_eq!(to.as_deref(), Some(format!("/persons/{victim}").as_str()));
        assert!(
            app.scalar(&format!(
                "SELECT COUNT(*) FROM persons WHERE id = {victim} AND unsafe_usual_phone = TRUE"
            ))
            .await
                == 1
        );

        // Administrators edit message templates; others may not.
        let (s, _) = clerk.get("/admin/messages").await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let admin = app.browser("admin").await;
        let (s, html) = admin.get("/admin/messages").await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("/admin/messages/closed/recipient/sms"),
            "every template is listed"
        );
        let path = "/admin/messages/closed/recipient/sms";
        let csrf = admin.csrf(path).await;
        let (s, html, _) = admin
            .post_form(
                path,
                &[("_csrf", &csrf), ("body", "{姓名}：{编号}已结案。{说明}")],
            )
            .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "case facts never go into a text message"
        );
        assert!(html.contains("{说明}"), "{html}");
        // One vocabulary with the documents: the names are Chinese, as the form lists them.
        let (s, html, _) = admin
            .post_form(
                path,
                &[("_csrf", &csrf), ("body", "{name}：{编号}已结案。")],
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("未知的占位符 {name}"), "{html}");
        let (s, _, _) = admin
            .post_form(
                path,
                &[
                    ("_csrf", &csrf),
                    ("body", "{姓名}：您的法律援助案件{编号}已结案，感谢信任。"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (_, html) = admin.get(path).await;
        assert!(html.contains("感谢信任"));
    }
);
