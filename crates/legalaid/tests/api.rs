//! The JSON API through HTTP, on SQLite and PostgreSQL.

mod common;

use reqwest::StatusCode;
use serde_json::json;

both!(health_and_readiness, |app| {
    let (s, b) = app.get_json("/healthz", None).await;
    assert_eq!((s, b), (StatusCode::OK, json!({ "status": "ok" })));
    let (s, _) = app.get_json("/readyz", None).await;
    assert_eq!(s, StatusCode::OK);
});

both!(sign_in_gives_a_token_and_wrong_credentials_401, |app| {
    let token = app.token("reviewer").await;
    let (s, me) = app.get_json("/api/v1/me", Some(&token)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["username"], "reviewer");
    assert_eq!(me["roles"], json!(["center_reviewer"]));

    let (s, body) = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({ "username": "reviewer", "password": "wrong-Password1" }),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(body["status"], 401);
    assert_eq!(body["detail"], "用户名或密码不正确");

    let (s, _) = app.get_json("/api/v1/me", None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = app.get_json("/api/v1/me", Some("not-a-token")).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    // Logging out revokes the token.
    let (s, _) = app
        .post_json("/api/v1/auth/logout", Some(&token), &json!({}))
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = app.get_json("/api/v1/me", Some(&token)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
});

both!(
    a_token_brings_its_account_roles_and_unit_until_it_expires_or_the_account_is_off,
    |app| {
        // Two roles, read with the account in the token's one statement, in
        // the order the roles are listed everywhere.
        app.raw_sql(
            "INSERT INTO user_roles (user_id, role) SELECT id, 'quality_reviewer' FROM users WHERE username = 'reviewer'",
        )
        .await
        .expect("a second role");
        let token = app.token("reviewer").await;
        let (s, me) = app.get_json("/api/v1/me", Some(&token)).await;
        assert_eq!(s, StatusCode::OK, "{me}");
        assert_eq!(me["roles"], json!(["center_reviewer", "quality_reviewer"]));
        let unit = app
            .scalar("SELECT unit_id FROM users WHERE username = 'reviewer'")
            .await;
        assert_eq!(me["unit_id"], unit);
        // The unit comes with it: a clerk registers a person at their own unit.
        let clerk = app.token("clerk").await;
        let (s, p) = app
            .post_json(
                "/api/v1/persons",
                Some(&clerk),
                &json!({ "name": "王令牌", "id_type": "passport", "id_number": "E87654321" }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        assert_eq!(
            p["unit_id"],
            app.scalar("SELECT unit_id FROM users WHERE username = 'clerk'")
                .await
        );
        // An expired token signs no one in.
        app.raw_sql("UPDATE api_tokens SET expires_at = created_at WHERE user_id = (SELECT id FROM users WHERE username = 'reviewer')")
            .await
            .expect("expire the token");
        let (s, _) = app.get_json("/api/v1/me", Some(&token)).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        // Nor does an unexpired one of an account switched off in storage.
        let (s, _) = app.get_json("/api/v1/me", Some(&clerk)).await;
        assert_eq!(s, StatusCode::OK);
        app.raw_sql("UPDATE users SET active = FALSE WHERE username = 'clerk'")
            .await
            .expect("switch the account off");
        let (s, _) = app.get_json("/api/v1/me", Some(&clerk)).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
);

both!(
    repeated_failures_are_slowed_without_revealing_users,
    |app| {
        for name in ["clerk", "nobody-here"] {
            let mut statuses = Vec::new();
            for _ in 0..6 {
                let (s, _) = app
                    .post_json(
                        "/api/v1/auth/login",
                        None,
                        &json!({ "username": name, "password": "Wrong-password-1" }),
                    )
                    .await;
                statuses.push(s.as_u16());
            }
            assert_eq!(statuses, [401, 401, 401, 401, 401, 429], "{name}");
        }
        // From the same address the right password waits its turn too (seconds, not
        // minutes: see tests/hostile.rs), with the same answer as for anyone.
        let (s, body) = app
            .post_json(
                "/api/v1/auth/login",
                None,
                &json!({ "username": "clerk", "password": common::DEMO_PASSWORD }),
            )
            .await;
        assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(body["status"], 429);
        // Other accounts are unaffected.
        app.token("reviewer").await;
    }
);

both!(bad_input_is_a_clear_error_and_changes_nothing, |app| {
    let t = app.token("admin").await;
    let (_, before) = app.get_json("/api/v1/units?per_page=1", Some(&t)).await;
    let (s, body) = app
        .post_json(
            "/api/v1/units",
            Some(&t),
            &json!({ "name": "", "kind": "bank", "region_code": "99x", "phone": "12" }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["name", "kind", "region_code", "phone"]);
    let (_, after) = app.get_json("/api/v1/units?per_page=1", Some(&t)).await;
    assert_eq!(before["total"], after["total"]);

    // Malformed JSON, wrong types, unknown ids: never a 500.
    let res = app
        .http
        .post(app.url("/api/v1/units"))
        .bearer_auth(&t)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let (s, _) = app
        .post_json("/api/v1/units", Some(&t), &json!({ "name": 5 }))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    for path in [
        "/api/v1/units/999999",
        "/api/v1/units/abc",
        "/api/v1/staff/-1",
        "/api/v1/users/0",
        "/api/v1/nothing",
    ] {
        let (s, b) = app.get_json(path, Some(&t)).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(b["status"], 404);
    }
    let (s, _) = app.get_json("/api/v1/units?per_page=abc", Some(&t)).await;
    assert!(s.is_client_error(), "{s}");
    let (s, _) = app.get_json("/api/v1/units?kind=bank", Some(&t)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
});

both!(lists_page_and_cap_per_page, |app| {
    let t = app.token("admin").await;
    let (s, p1) = app
        .get_json("/api/v1/staff?per_page=10&page=1", Some(&t))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(p1["items"].as_array().expect("items").len(), 10);
    assert_eq!(p1["total"], 33, "30 lawyers and 3 center staff in the demo");
    let (_, p4) = app
        .get_json("/api/v1/staff?per_page=10&page=4", Some(&t))
        .await;
    assert_eq!(p4["items"].as_array().expect("items").len(), 3);
    let (_, big) = app
        .get_json("/api/v1/staff?per_page=100000", Some(&t))
        .await;
    assert_eq!(big["items"].as_array().expect("items").len(), 33);
    let (_, q) = app
        .get_json(
            &format!("/api/v1/units?q={}", common::urlenc("司法所")),
            Some(&t),
        )
        .await;
    assert_eq!(q["total"], 6);
});

both!(updates_need_the_current_version, |app| {
    let t = app.token("admin").await;
    let id = app.unit_id("六安市叶集区法律援助中心").await;
    let (_, unit) = app.get_json(&format!("/api/v1/units/{id}"), Some(&t)).await;
    let mut body = unit.clone();
    body["phone"] = json!("0564-6129999");
    let (s, updated) = app
        .put_json(&format!("/api/v1/units/{id}"), Some(&t), &body)
        .await;
    assert_eq!(s, StatusCode::OK, "{updated}");
    assert_eq!(updated["version"], 2);
    // A second writer who read version 1 is refused.
    body["phone"] = json!("0564-6120000");
    let (s, p) = app
        .put_json(&format!("/api/v1/units/{id}"), Some(&t), &body)
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(p["status"], 409);
    let (_, now) = app.get_json(&format!("/api/v1/units/{id}"), Some(&t)).await;
    assert_eq!(now["phone"], "0564-6129999");
});

both!(every_write_is_audited_with_before_and_after, |app| {
    let t = app.token("supervisor").await;
    let id = app.unit_id("叶集区平岗街道司法所").await;
    let (_, unit) = app.get_json(&format!("/api/v1/units/{id}"), Some(&t)).await;
    let mut body = unit.clone();
    body["contact_person"] = json!("赵平");
    let (s, _) = app
        .put_json(&format!("/api/v1/units/{id}"), Some(&t), &body)
        .await;
    assert_eq!(s, StatusCode::OK);

    let (s, trail) = app
        .get_json(
            &format!("/api/v1/audit?entity_type=unit&entity_id={id}"),
            Some(&t),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let e = &trail["items"][0];
    assert_eq!(e["action"], "unit.update");
    assert_eq!(e["actor_username"], "supervisor");
    assert_eq!(e["before"]["contact_person"], "");
    assert_eq!(e["after"]["contact_person"], "赵平");
    assert_eq!(e["ip"], "127.0.0.1");
    assert!(!e["request_id"].as_str().unwrap_or_default().is_empty());

    // Creating a staff record, a user, and a password reset are audited too.
    let a = app.token("admin").await;
    let (s, staff) = app
        .post_json(
            "/api/v1/staff",
            Some(&a),
            &json!({ "unit_id": id, "name": "赵平", "sex": "male", "kind": "judicial_officer" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{staff}");
    let (s, user) = app.post_json("/api/v1/users", Some(&a), &json!({ "username": "zhaoping", "password": "Pinggang#2024", "display_name": "赵平", "unit_id": id, "roles": ["intake_clerk"] })).await;
    assert_eq!(s, StatusCode::CREATED, "{user}");
    assert_eq!(user["must_change_password"], true);
    let (s, _) = app
        .post_json(
            &format!("/api/v1/users/{}/password", user["id"]),
            Some(&a),
            &json!({ "password": "Pinggang#2025" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, trail) = app.get_json("/api/v1/audit?per_page=3", Some(&a)).await;
    let actions: Vec<&str> = trail["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(
        actions,
        ["user.reset_password", "user.create", "staff.create"]
    );
    // No password hash ever reaches the trail.
    let text = trail.to_string();
    assert!(!text.contains("argon2"), "{text}");

    // Handlers may not read the trail.
    let l = app.token("lawyer").await;
    let (s, _) = app.get_json("/api/v1/audit", Some(&l)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
});

both!(tampering_with_the_audit_trail_is_detected, |app| {
    let a = app.token("admin").await;
    let (s, v) = app.get_json("/api/v1/audit/verify", Some(&a)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["ok"], true, "{v}");
    let n = v["entries"].as_i64().expect("entries");
    assert!(n > 40, "demo creation is audited: {n}");

    // The table refuses changes…
    assert!(
        app.raw_sql("UPDATE audit_log SET ip = 'x' WHERE seq = 5")
            .await
            .is_err(),
        "append-only trigger"
    );
    assert!(
        app.raw_sql("DELETE FROM audit_log WHERE seq = 5")
            .await
            .is_err(),
        "append-only trigger"
    );
    // …so a tamperer must drop the trigger first; verification then names the entry.
    let drop = match app.kind {
        common::Kind::Sqlite => "DROP TRIGGER audit_log_no_update",
        common::Kind::Postgres => "DROP TRIGGER audit_log_no_update ON audit_log",
    };
    app.raw_sql(drop).await.expect("drop trigger");
    app.raw_sql("UPDATE audit_log SET after_json = '{\"name\":\"篡改\"}' WHERE seq = 7")
        .await
        .expect("tamper");
    let (_, v) = app.get_json("/api/v1/audit/verify", Some(&a)).await;
    assert_eq!(v["ok"], false, "{v}");
    assert_eq!(v["broken_seq"], 7, "{v}");
});

both!(odd_query_strings_are_problems_not_crashes, |app| {
    let t = app.token("admin").await;
    let (s, b) = app
        .get_json(
            "/api/v1/units?page=9223372036854775807&per_page=200",
            Some(&t),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["items"], json!([]));
    for q in ["page=abc", "unit_id=abc", "per_page=-"] {
        let res = app
            .http
            .get(app.url(&format!("/api/v1/staff?{q}")))
            .bearer_auth(&t)
            .send()
            .await
            .expect("send");
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{q}");
        assert_eq!(
            res.headers()["content-type"],
            "application/problem+json",
            "{q}"
        );
    }
    let b = app.browser("admin").await;
    let (s, _) = b.get("/units?page=abc").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, html) = b.get("/units?page=999999999999").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("回到第一页"),
        "past the last page, a way back: {html}"
    );
});

both!(
    a_password_set_by_an_administrator_must_be_changed_first,
    |app| {
        let a = app.token("admin").await;
        let unit = app.unit_id("六安市叶集区法律援助中心").await;
        let body = json!({ "username": "newclerk", "password": "Initial#2024x", "display_name": "新同事", "unit_id": unit, "roles": ["intake_clerk"] });
        let (s, _) = app.post_json("/api/v1/users", Some(&a), &body).await;
        assert_eq!(s, StatusCode::CREATED);
        let (s, login) = app
            .post_json(
                "/api/v1/auth/login",
                None,
                &json!({ "username": "newclerk", "password": "Initial#2024x" }),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        let t = login["token"].as_str().expect("token").to_owned();
        let (s, _) = app.get_json("/api/v1/units", Some(&t)).await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "everything but the password change is refused"
        );
        let (s, me) = app.get_json("/api/v1/me", Some(&t)).await;
        assert_eq!(
            (s, me["must_change_password"].clone()),
            (StatusCode::OK, json!(true))
        );
        let (s, changed) = app
            .post_json(
                "/api/v1/me/password",
                Some(&t),
                &json!({ "current_password": "Initial#2024x", "new_password": "weak" }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(changed["errors"][0]["field"], "new_password");
        let (s, changed) = app
            .post_json(
                "/api/v1/me/password",
                Some(&t),
                &json!({ "current_password": "Initial#2024x", "new_password": "Mine&Only2024" }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{changed}");
        // The old token ended with the change; the new one works everywhere.
        let (s, _) = app.get_json("/api/v1/me", Some(&t)).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        let t2 = changed["token"].as_str().expect("token");
        let (s, _) = app.get_json("/api/v1/units", Some(t2)).await;
        assert_eq!(s, StatusCode::OK);
    }
);

/// Calls `router` as a client at `from` would (the connection's address is what
/// the server trusts), without a socket: so addresses beyond loopback can be played.
async fn call_from(
    router: axum::Router,
    from: [u8; 4],
    req: axum::http::Request<axum::body::Body>,
) -> axum::http::Response<axum::body::Body> {
    use tower::ServiceExt as _;
    let mut req = req;
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            from, 40_000,
        ))));
    router.oneshot(req).await.expect("infallible")
}

fn router_with(app: &common::TestApp, settings: legalaid_web::WebSettings) -> axum::Router {
    legalaid_web::router(legalaid_web::AppState {
        app: app.app.clone(),
        settings: std::sync::Arc::new(settings),
        metrics: legalaid_web::install_metrics(),
    })
}

fn get(path: &str) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::get(path)
        .body(axum::body::Body::empty())
        .expect("request")
}

#[tokio::test]
async fn metrics_answer_loopback_or_the_token_only() {
    let app = common::TestApp::spawn(common::Kind::Sqlite).await;
    const LOOPBACK: [u8; 4] = [127, 0, 0, 1];
    const OUTSIDE: [u8; 4] = [203, 0, 113, 7];

    // Without a token: a Prometheus on the same host, nobody else.
    let open = router_with(&app, legalaid_web::WebSettings::default());
    let res = call_from(open.clone(), LOOPBACK, get("/metrics")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = call_from(open, OUTSIDE, get("/metrics")).await;
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "hidden from the network"
    );

    // With a token: whoever bears it, from anywhere; nobody else, not even loopback.
    let guarded = router_with(
        &app,
        legalaid_web::WebSettings {
            metrics_token: Some("metrics-secret".into()),
            ..Default::default()
        },
    );
    let bearing = |token: &str| {
        axum::http::Request::get("/metrics")
            .header("authorization", format!("Bearer {token}"))
            .body(axum::body::Body::empty())
            .expect("request")
    };
    let res = call_from(guarded.clone(), OUTSIDE, bearing("metrics-secret")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .expect("body");
    assert!(
        String::from_utf8_lossy(&body).contains("# TYPE"),
        "Prometheus text"
    );
    for req in [bearing("metrics-secre"), bearing("wrong"), get("/metrics")] {
        let res = call_from(guarded.clone(), LOOPBACK, req).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn cookies_carry_secure_when_configured() {
    let app = common::TestApp::spawn(common::Kind::Sqlite).await;
    const CLIENT: [u8; 4] = [127, 0, 0, 1];
    for secure in [false, true] {
        let router = router_with(
            &app,
            legalaid_web::WebSettings {
                secure_cookies: secure,
                ..Default::default()
            },
        );
        let res = call_from(router.clone(), CLIENT, get("/login")).await;
        let login_cookie = res.headers()["set-cookie"]
            .to_str()
            .expect("ascii")
            .to_owned();
        assert_eq!(login_cookie.contains("; Secure"), secure, "{login_cookie}");
        let body = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .expect("body");
        let csrf = {
            let doc = scraper::Html::parse_document(&String::from_utf8_lossy(&body));
            let sel = scraper::Selector::parse("form[action='/login'] input[name=_csrf]")
                .expect("selector");
            doc.select(&sel)
                .next()
                .and_then(|e| e.value().attr("value"))
                .expect("a CSRF field")
                .to_owned()
        };
        let pair = login_cookie.split(';').next().expect("name=value");
        let form = format!(
            "username=admin&password={}&_csrf={}",
            common::urlenc(common::ADMIN_PASSWORD),
            common::urlenc(&csrf)
        );
        let req = axum::http::Request::post("/login")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", pair)
            .body(axum::body::Body::from(form))
            .expect("request");
        let res = call_from(router, CLIENT, req).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "signed in");
        let session = res.headers()["set-cookie"].to_str().expect("ascii");
        assert!(session.contains("HttpOnly"), "{session}");
        assert_eq!(session.contains("; Secure"), secure, "{session}");
    }
}

both!(
    an_account_belongs_to_a_staff_member_of_its_own_unit,
    |app| {
        let a = app.token("admin").await;
        let (lawyer_staff, lawyer_unit) = common::lawyer_staff(&app).await;
        let other_unit = app.unit_id("安徽史河律师事务所").await;
        assert_ne!(other_unit, lawyer_unit);
        let account = |username: &str, unit: i64, staff: i64| {
            json!({ "username": username, "password": "Handler#Yeji2026", "display_name": "张三",
                "unit_id": unit, "staff_id": staff, "roles": ["handler"] })
        };
        // Another unit's lawyer, and a staff record that does not exist: field errors.
        for body in [
            account("zhangsan", other_unit, lawyer_staff),
            account("zhangsan", lawyer_unit, 999_999),
        ] {
            let (s, p) = app.post_json("/api/v1/users", Some(&a), &body).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
            assert_eq!(p["errors"][0]["field"], "staff_id", "{p}");
        }
        // The lawyer's own unit: created.
        let (s, u) = app
            .post_json(
                "/api/v1/users",
                Some(&a),
                &account("zhangsan", lawyer_unit, lawyer_staff),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{u}");
        // Moving the account to another unit while keeping the staff record is refused.
        let (s, p) = app
            .put_json(
                &format!("/api/v1/users/{}", u["id"]),
                Some(&a),
                &json!({ "display_name": "张三", "unit_id": other_unit, "staff_id": lawyer_staff,
                     "roles": ["handler"], "active": true, "version": u["version"] }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
        assert_eq!(p["errors"][0]["field"], "staff_id", "{p}");
    }
);

both!(
    the_audit_search_counts_to_its_cap_and_walks_by_keyset,
    |app| {
        use common::select;
        let admin = app.token("admin").await;
        // 1,100 entries of one made-up record, appended after the head in one
        // transaction (their chain is not meant to verify: this is about reading them).
        app.raw_sql(
        "BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1100) \
         INSERT INTO audit_log (seq, at, actor_user_id, actor_username, request_id, ip, action, \
         entity_type, entity_id, before_json, after_json, prev_hash, hash) \
         SELECT (SELECT last_seq FROM audit_head) + i, (SELECT MAX(at) FROM audit_log), NULL, 'bulk', \
         'r', '127.0.0.1', CASE WHEN i % 100 = 0 THEN 'unit.create' ELSE 'unit.update' END, \
         'unit', 'bulk', NULL, NULL, 'x', 'y' FROM n; \
         UPDATE audit_head SET last_seq = last_seq + 1100; COMMIT;",
    )
    .await
    .expect("entries");

        let (s, v) = app
            .get_json("/api/v1/audit?entity_id=bulk&per_page=100", Some(&admin))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(
            (v["total"].as_i64(), v["more_than"].as_i64()),
            (Some(1000), Some(1000))
        );
        // The keyset walks every entry once, newest first.
        let mut seqs: Vec<i64> = Vec::new();
        let mut page = v;
        for _ in 0..12 {
            seqs.extend(
                page["items"]
                    .as_array()
                    .expect("items")
                    .iter()
                    .filter_map(|e| e["seq"].as_i64()),
            );
            let Some(next) = page["next"].as_str().map(str::to_owned) else {
                break;
            };
            let (s, v) = app
                .get_json(
                    &format!("/api/v1/audit?entity_id=bulk&per_page=100&after={next}"),
                    Some(&admin),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{v}");
            page = v;
        }
        assert!(page["next"].is_null(), "the walk ended");
        assert_eq!(seqs.len(), 1100);
        assert!(
            seqs.windows(2).all(|w| w[0] > w[1]),
            "newest first, each once"
        );
        // Two filters together, counted exactly under the cap.
        let (_, v) = app
            .get_json(
                "/api/v1/audit?entity_id=bulk&action=unit.create&per_page=5",
                Some(&admin),
            )
            .await;
        assert_eq!(
            (v["total"].as_i64(), v["more_than"].is_null()),
            (Some(11), true),
            "{v}"
        );
        assert_eq!(v["items"].as_array().map(Vec::len), Some(5));
        assert!(v["next"].is_string());
        // A mangled keyset is named.
        let (s, e) = app.get_json("/api/v1/audit?after=x", Some(&admin)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["errors"][0]["field"], "after");

        // The page: how far it counted, and the next page by its keyset.
        let b = app.browser("admin").await;
        let (s, html) = b.get("/audit?entity_id=bulk").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(select(&html, "p.count"), ["超过 1000 条（只数到此处）"]);
        let href = common::next_link(&html);
        assert!(
            href.starts_with("/audit?entity_id=bulk&page=2&after="),
            "{href}"
        );
        let first_rows = select(&html, "table tbody tr");
        let (s, html2) = b.get(&href).await;
        assert_eq!(s, StatusCode::OK);
        let second_rows = select(&html2, "table tbody tr");
        assert_eq!(second_rows.len(), 50);
        assert!(second_rows.iter().all(|r| !first_rows.contains(r)));
        // The page after a given entry starts with the one below it.
        let (_, html) = b
            .get(&format!("/audit?entity_id=bulk&after={}", seqs[9]))
            .await;
        let firsts = select(&html, "table tbody tr td:first-child");
        assert_eq!(firsts.first(), Some(&seqs[10].to_string()), "{firsts:?}");
    }
);
