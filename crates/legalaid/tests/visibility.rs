//! Who sees what, through the API, for every demo account, on SQLite and PostgreSQL.
//!
//! The rules (crates/legalaid-app/src/policy.rs): administrators see everything;
//! a bureau or center sees its region's subtree; any other unit sees only itself.
//! Records outside a caller's view are 404 (existence is not revealed); visible
//! records the caller may not change are 403.

mod common;

use reqwest::StatusCode;
use serde_json::{Value, json};

/// All 20 demo units are in Yeji District (341504) or below it.
const ALL_UNITS: i64 = 20;
/// 30 lawyers in 6 firms and 3 center staff.
const ALL_STAFF: i64 = 33;

const FIRM_1: &str = "安徽叶诚律师事务所";
const FIRM_2: &str = "安徽史河律师事务所";
/// A firm no demo account belongs to.
const FIRM_3: &str = "安徽皖叶律师事务所";

/// One row of the matrix: what an account should see and be allowed.
struct Expect {
    user: &'static str,
    /// `GET /api/v1/units` total.
    units: i64,
    /// `GET /api/v1/staff` total.
    staff: i64,
    /// The account's own unit (admin has none).
    own: Option<&'static str>,
    /// Whether the account sees other law firms (region-wide or all).
    sees_other_firms: bool,
    /// Whether `/api/v1/users` and `/api/v1/audit` answer 200 (else 403).
    admin_lists: bool,
}

#[rustfmt::skip]
const MATRIX: &[Expect] = &[
    Expect { user: "admin", units: ALL_UNITS, staff: ALL_STAFF, own: None, sees_other_firms: true, admin_lists: true },
    Expect { user: "sysadmin", units: ALL_UNITS, staff: ALL_STAFF, own: Some("六安市叶集区司法局"), sees_other_firms: true, admin_lists: true },
    Expect { user: "supervisor", units: ALL_UNITS, staff: ALL_STAFF, own: Some("六安市叶集区司法局"), sees_other_firms: true, admin_lists: true },
    Expect { user: "reviewer", units: ALL_UNITS, staff: ALL_STAFF, own: Some("六安市叶集区法律援助中心"), sees_other_firms: true, admin_lists: false },
    Expect { user: "director", units: ALL_UNITS, staff: ALL_STAFF, own: Some("六安市叶集区法律援助中心"), sees_other_firms: true, admin_lists: false },
    Expect { user: "quality", units: ALL_UNITS, staff: ALL_STAFF, own: Some("六安市叶集区法律援助中心"), sees_other_firms: true, admin_lists: false },
    Expect { user: "clerk", units: 1, staff: 0, own: Some("叶集区史河街道司法所"), sees_other_firms: false, admin_lists: false },
    Expect { user: "lawyer", units: 1, staff: 5, own: Some(FIRM_1), sees_other_firms: false, admin_lists: false },
    Expect { user: "lawyer2", units: 1, staff: 5, own: Some(FIRM_2), sees_other_firms: false, admin_lists: false },
];

fn items(body: &Value) -> &Vec<Value> {
    body["items"].as_array().expect("a list body with items")
}

fn allowed(ok: bool) -> StatusCode {
    if ok {
        StatusCode::OK
    } else {
        StatusCode::FORBIDDEN
    }
}

both!(every_account_sees_what_its_unit_allows, |app| {
    let firm3 = app.unit_id(FIRM_3).await;
    for e in MATRIX {
        let who = e.user;
        let t = app.token(who).await;

        // (a) The unit list.
        let (s, list) = app.get_json("/api/v1/units?per_page=200", Some(&t)).await;
        assert_eq!(s, StatusCode::OK, "{who}: units list");
        assert_eq!(list["total"], e.units, "{who}: units total");
        assert_eq!(items(&list).len() as i64, e.units, "{who}: units listed");
        if e.units == 1 {
            assert_eq!(
                list["items"][0]["name"],
                e.own.expect("restricted accounts have a unit"),
                "{who}: the one unit is its own"
            );
        }

        // (b) Its own unit is visible; another firm only to region-wide accounts.
        if let Some(own) = e.own {
            let id = app.unit_id(own).await;
            let (s, u) = app.get_json(&format!("/api/v1/units/{id}"), Some(&t)).await;
            assert_eq!(s, StatusCode::OK, "{who}: own unit {own}");
            assert_eq!(u["name"], own, "{who}");
        }
        let (s, body) = app
            .get_json(&format!("/api/v1/units/{firm3}"), Some(&t))
            .await;
        let want = if e.sees_other_firms {
            StatusCode::OK
        } else {
            StatusCode::NOT_FOUND
        };
        assert_eq!(s, want, "{who}: GET another law firm: {body}");

        // Staff: only of visible units.
        let (s, staff) = app.get_json("/api/v1/staff?per_page=200", Some(&t)).await;
        assert_eq!(s, StatusCode::OK, "{who}: staff list");
        assert_eq!(staff["total"], e.staff, "{who}: staff total");

        // (d) and (e): accounts and the audit trail.
        let (s, _) = app.get_json("/api/v1/users", Some(&t)).await;
        assert_eq!(s, allowed(e.admin_lists), "{who}: users list");
        let (s, _) = app.get_json("/api/v1/audit", Some(&t)).await;
        assert_eq!(s, allowed(e.admin_lists), "{who}: audit trail");
        let (s, _) = app.get_json("/api/v1/audit/verify", Some(&t)).await;
        assert_eq!(s, allowed(e.admin_lists), "{who}: audit verification");
    }
});

/// Staff ids of a unit, as the administrator sees them.
async fn staff_of(app: &common::TestApp, unit: i64) -> Vec<Value> {
    let a = app.token("admin").await;
    let (_, body) = app
        .get_json(
            &format!("/api/v1/staff?per_page=200&unit_id={unit}"),
            Some(&a),
        )
        .await;
    items(&body).clone()
}

both!(a_law_firm_sees_only_its_own_staff_and_cannot_write, |app| {
    let a = app.token("admin").await;
    // Each lawyer against the other's firm, so both directions are covered.
    for (who, own_name, other_name) in [("lawyer", FIRM_1, FIRM_2), ("lawyer2", FIRM_2, FIRM_1)] {
        let t = app.token(who).await;
        let own = app.unit_id(own_name).await;
        let other = app.unit_id(other_name).await;

        // (c) Exactly the five lawyers of its own firm.
        let (s, list) = app.get_json("/api/v1/staff?per_page=200", Some(&t)).await;
        assert_eq!(s, StatusCode::OK, "{who}");
        assert_eq!(items(&list).len(), 5, "{who}: {list}");
        assert!(
            items(&list).iter().all(|m| m["unit_id"] == own),
            "{who}: staff of other units listed: {list}"
        );
        // Asking for the other firm's staff by filter yields nothing rather than leaking.
        let (_, filtered) = app
            .get_json(&format!("/api/v1/staff?unit_id={other}"), Some(&t))
            .await;
        assert_eq!(
            filtered["total"], 0,
            "{who}: filtered by another firm: {filtered}"
        );

        let foreign = staff_of(&app, other).await;
        assert_eq!(foreign.len(), 5, "the other firm has five lawyers");
        let foreign_staff = &foreign[0];
        let sid = foreign_staff["id"].as_i64().expect("staff id");
        let (s, _) = app
            .get_json(&format!("/api/v1/staff/{sid}"), Some(&t))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{who}: GET another firm's lawyer");

        // Writes to the other firm: 404, even with a well-formed body.
        let (_, other_unit) = app
            .get_json(&format!("/api/v1/units/{other}"), Some(&a))
            .await;
        let (s, body) = app
            .put_json(&format!("/api/v1/units/{other}"), Some(&t), &other_unit)
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{who}: PUT another firm: {body}");
        let (s, body) = app
            .put_json(&format!("/api/v1/staff/{sid}"), Some(&t), foreign_staff)
            .await;
        assert_eq!(
            s,
            StatusCode::NOT_FOUND,
            "{who}: PUT another firm's lawyer: {body}"
        );

        // Its own firm is visible but not writable: 403.
        let (_, own_unit) = app
            .get_json(&format!("/api/v1/units/{own}"), Some(&t))
            .await;
        let (s, body) = app
            .put_json(&format!("/api/v1/units/{own}"), Some(&t), &own_unit)
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who}: PUT own firm: {body}");
        let mine = &items(&list)[0];
        let (s, body) = app
            .put_json(&format!("/api/v1/staff/{}", mine["id"]), Some(&t), mine)
            .await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "{who}: PUT own firm's lawyer: {body}"
        );
        let (s, _) = app
            .post_json(
                "/api/v1/units",
                Some(&t),
                &json!({ "name": "新律所", "kind": "law_firm", "region_code": "341504" }),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who}: create a unit");

        // Nothing changed.
        let (_, after) = app
            .get_json(&format!("/api/v1/units/{other}"), Some(&a))
            .await;
        assert_eq!(after["version"], other_unit["version"], "{who}");
    }
});

both!(
    a_unit_in_another_county_is_outside_the_bureau_and_center,
    |app| {
        let a = app.token("admin").await;
        // 341502 金安区 ships with the migrations; Yeji's accounts cover only 341504.
        let (s, unit) = app
        .post_json("/api/v1/units", Some(&a), &json!({ "name": "安徽金安律师事务所", "kind": "law_firm", "region_code": "341502", "phone": "0564-3370000" }))
        .await;
        assert_eq!(s, StatusCode::CREATED, "{unit}");
        let id = unit["id"].as_i64().expect("id");

        let (s, _) = app.get_json(&format!("/api/v1/units/{id}"), Some(&a)).await;
        assert_eq!(s, StatusCode::OK, "admin sees every county");
        let (_, list) = app.get_json("/api/v1/units?per_page=200", Some(&a)).await;
        assert_eq!(list["total"], ALL_UNITS + 1, "admin");

        for who in ["supervisor", "reviewer"] {
            let t = app.token(who).await;
            let (s, _) = app.get_json(&format!("/api/v1/units/{id}"), Some(&t)).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{who}: a unit in 金安区");
            let (_, list) = app.get_json("/api/v1/units?per_page=200", Some(&t)).await;
            assert_eq!(list["total"], ALL_UNITS, "{who}: the list leaves it out");
            let (_, list) = app.get_json("/api/v1/units?region=341502", Some(&t)).await;
            assert_eq!(
                list["total"], 0,
                "{who}: filtering by that county finds nothing"
            );
        }

        // The supervisor can neither change it nor place a unit there.
        let t = app.token("supervisor").await;
        let (s, _) = app
            .put_json(&format!("/api/v1/units/{id}"), Some(&t), &unit)
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "supervisor: PUT a unit in 金安区");
        let (s, body) = app.post_json("/api/v1/units", Some(&t), &json!({ "name": "金安区某司法所", "kind": "judicial_office", "region_code": "341502" })).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["errors"][0]["field"], "region_code", "{body}");
    }
);

// Outreach (ADR 0021): consultations, the duty roster and publicity, by account.
/// What an account's list answers: its total, or None for 403.
type Sees = Option<i64>;

// (account, consultations, duty roster, publicity).
#[rustfmt::skip]
const OUTREACH: &[(&str, Sees, Sees, Sees)] = &[
    ("admin", Some(1), Some(1), Some(1)),
    ("supervisor", Some(1), Some(1), Some(1)),
    ("reviewer", Some(1), Some(1), Some(1)),
    ("director", Some(1), Some(1), Some(1)),
    ("quality", None, None, None),
    ("expert", None, None, None),
    ("clerk", Some(1), None, Some(1)),
    ("clerk_pinggang", Some(0), None, Some(0)),
    ("lawyer", None, Some(1), None),
    ("lawyer2", None, Some(0), None),
];

both!(
    outreach_records_are_seen_by_unit_and_by_duty_lawyer,
    |app| {
        let clerk = app.token("clerk").await;
        let director = app.token("director").await;
        let kss = app.unit_id("叶集区看守所法律援助工作站").await;
        let (staff, _) = common::lawyer_staff(&app).await;
        let today = legalaid_domain::local_date(legalaid_app::Clock::now(app.clock.as_ref()));
        let (s, _) = app
            .post_json(
                "/api/v1/consultations",
                Some(&clerk),
                &json!({ "channel": "visit", "topic": "wages", "question": "问", "answer": "答" }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED);
        let (s, _) = app
        .post_json("/api/v1/publicity/activities", Some(&clerk),
            &json!({ "held_on": today, "title": "进社区", "form": "lecture", "venue": "communities", "place": "社区" }))
        .await;
        assert_eq!(s, StatusCode::CREATED);
        let (s, _) = app
            .post_json(
                "/api/v1/duty/roster",
                Some(&director),
                &json!({ "workstation_id": kss, "duty_date": today, "staff_id": staff }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED);
        for (who, consultations, roster, publicity) in OUTREACH {
            let t = app.token(who).await;
            for (path, want) in [
                ("/api/v1/consultations", consultations),
                ("/api/v1/duty/roster", roster),
                ("/api/v1/publicity/activities", publicity),
            ] {
                let (s, body) = app.get_json(path, Some(&t)).await;
                match want {
                    Some(n) => {
                        assert_eq!(s, StatusCode::OK, "{who} {path}: {body}");
                        assert_eq!(body["total"], *n, "{who} {path}: {body}");
                    }
                    None => assert_eq!(s, StatusCode::FORBIDDEN, "{who} {path}: {body}"),
                }
            }
        }
    }
);
