//! Applicants and recipients: ID numbers checked, stored encrypted, shown masked,
//! found by exact number, revealed only on request and with an audit entry.

mod common;

use reqwest::StatusCode;
use serde_json::json;

/// GB 11643's own example number, written with a lower-case check character.
const ID: &str = "11010519491231002x";
const ID_NORMAL: &str = "11010519491231002X";

fn person() -> serde_json::Value {
    json!({ "name": "李秀英", "id_type": "resident_id", "id_number": ID, "phone": "13912345678", "groups": ["elderly", "woman"] })
}

both!(registering_masks_and_encrypts_the_id_number, |app| {
    let clerk = app.token("clerk").await;
    let (s, p) = app
        .post_json("/api/v1/persons", Some(&clerk), &person())
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(p["id_number_masked"], "110105********002X");
    assert_eq!(p["sex"], "female");
    assert_eq!(p["birth_date"], "1949-12-31");
    assert!(
        !p.to_string().contains(ID_NORMAL),
        "the API never shows the full number unasked"
    );
    // Stored encrypted: no column holds the number in the clear.
    let clear = app
        .scalar(&format!("SELECT COUNT(*) FROM persons WHERE id_number_enc LIKE '%{ID_NORMAL}%' OR id_number_hash = '{ID_NORMAL}' OR id_number_masked = '{ID_NORMAL}'"))
        .await;
    assert_eq!(clear, 0);
    // Found by exact number, whatever the case of the X.
    let (s, found) = app
        .get_json(&format!("/api/v1/persons?id_number={ID}"), Some(&clerk))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["id"], p["id"]);
    let (_, none) = app
        .get_json("/api/v1/persons?id_number=110105194912310039", Some(&clerk))
        .await;
    assert_eq!(none["total"], 0);
    // The audit trail has the masked number only.
    let admin = app.token("admin").await;
    let (_, trail) = app
        .get_json(
            &format!("/api/v1/audit?entity_type=person&entity_id={}", p["id"]),
            Some(&admin),
        )
        .await;
    assert_eq!(trail["items"][0]["action"], "person.create");
    assert!(!trail.to_string().contains(ID_NORMAL));
});

both!(duplicates_and_invalid_numbers_store_nothing, |app| {
    let clerk = app.token("clerk").await;
    let (s, _) = app
        .post_json("/api/v1/persons", Some(&clerk), &person())
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, p) = app
        .post_json("/api/v1/persons", Some(&clerk), &person())
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{p}");
    assert!(p["detail"].as_str().unwrap_or_default().contains("已登记"));
    for (number, why) in [
        ("110105194912310021", "check character"),
        ("11010519491331002X", "month 13"),
        ("990105194912310028", "province"),
        ("11010520991231002X", "birth in the future"),
        ("1101051949123100", "length"),
    ] {
        let mut body = person();
        body["id_number"] = json!(number);
        let (s, e) = app.post_json("/api/v1/persons", Some(&clerk), &body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{why}");
        assert_eq!(e["errors"][0]["field"], "id_number", "{why}: {e}");
    }
    let (s, e) = app
        .post_json(
            "/api/v1/persons",
            Some(&clerk),
            &json!({ "name": "", "id_type": "licence", "groups": ["vip"] }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = e["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|f| f["field"].as_str())
        .collect();
    assert_eq!(fields, ["name", "id_type", "groups"]);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM persons").await, 1);
});

both!(revealing_the_full_number_is_audited_and_limited, |app| {
    let clerk = app.token("clerk").await;
    let (_, p) = app
        .post_json("/api/v1/persons", Some(&clerk), &person())
        .await;
    let id = p["id"].as_i64().expect("id");
    let (s, r) = app
        .post_json(
            &format!("/api/v1/persons/{id}/reveal-id-number"),
            Some(&clerk),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(r["id_number"], ID_NORMAL);
    let admin = app.token("admin").await;
    let (_, trail) = app
        .get_json(
            &format!(
                "/api/v1/audit?entity_type=person&entity_id={id}&action=person.reveal_id_number"
            ),
            Some(&admin),
        )
        .await;
    assert_eq!(trail["total"], 1);
    assert_eq!(trail["items"][0]["actor_username"], "clerk");

    // The center (its region) sees the person; a law firm does not; a quality reviewer
    // sees the record but may not reveal the number.
    let reviewer = app.token("reviewer").await;
    let (s, _) = app
        .get_json(&format!("/api/v1/persons/{id}"), Some(&reviewer))
        .await;
    assert_eq!(s, StatusCode::OK);
    let lawyer = app.token("lawyer").await;
    let (s, _) = app
        .get_json(&format!("/api/v1/persons/{id}"), Some(&lawyer))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app
        .post_json(
            &format!("/api/v1/persons/{id}/reveal-id-number"),
            Some(&lawyer),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, none) = app
        .get_json(&format!("/api/v1/persons?id_number={ID}"), Some(&lawyer))
        .await;
    assert_eq!(none["total"], 0, "exact lookup respects visibility too");
    let quality = app.token("quality").await;
    let (s, _) = app
        .post_json(
            &format!("/api/v1/persons/{id}/reveal-id-number"),
            Some(&quality),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
});

both!(the_person_pages_work_with_masking_and_reveal, |app| {
    let b = app.browser("clerk").await;
    let token = b.csrf("/persons/new").await;
    let (s, html, _) = b
        .post_form(
            "/persons",
            &[
                ("_csrf", &token),
                ("name", "张三"),
                ("id_type", "resident_id"),
                ("id_number", "11010519491231002"),
                ("phone", ""),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        common::select(&html, ".field-error")
            .iter()
            .any(|e| e.contains("居民身份证号码")),
        "{html}"
    );
    let (s, _, to) = b
        .post_form(
            "/persons",
            &[
                ("_csrf", &token),
                ("name", "李秀英"),
                ("id_type", "resident_id"),
                ("id_number", ID),
                ("groups", "elderly"),
                ("groups", "woman"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let to = to.expect("location");
    let (_, html) = b.get(&to).await;
    assert!(html.contains("110105********002X"), "masked on the page");
    assert!(!html.contains(ID_NORMAL));
    assert!(html.contains("老年人、妇女"));
    let (s, html, _) = b
        .post_form(&format!("{to}/id-number"), &[("_csrf", &token)])
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains(ID_NORMAL), "revealed on request");
    assert!(html.contains("已记入审计日志"));
    let (_, list) = b.get(&format!("/persons?id_number={ID}")).await;
    assert_eq!(common::select(&list, "tbody tr").len(), 1);
});

both!(
    a_person_registered_by_one_office_applies_at_another,
    |app| {
        // 史河街道司法所 (the demo clerk) registers the person.
        let shihe = app.token("clerk").await;
        let (s, p) = app
            .post_json("/api/v1/persons", Some(&shihe), &person())
            .await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        let person_id = p["id"].as_i64().expect("id");
        let pinggang = common::clerk_of(&app, "叶集区平岗街道司法所", "liufang").await;

        // 平岗 does not see 史河's records as its own...
        let (s, _) = app
            .get_json(&format!("/api/v1/persons/{person_id}"), Some(&pinggang))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        // ...but registering the same number leads to the existing record,
        let (s, dup) = app
            .post_json("/api/v1/persons", Some(&pinggang), &person())
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{dup}");
        assert!(
            dup["detail"]
                .as_str()
                .unwrap_or_default()
                .contains(&format!("当事人编号 {person_id}")),
            "{dup}"
        );
        // and the register finds the person by the full number or by name and birth date,
        // as a card: what intake needs, not the address or the person's groups.
        for query in [
            format!("id_number={ID}"),
            format!("name={}&birth_date=1949-12-31", common::urlenc("李秀英")),
        ] {
            let (s, found) = app
                .get_json(&format!("/api/v1/persons/lookup?{query}"), Some(&pinggang))
                .await;
            assert_eq!(s, StatusCode::OK, "{found}");
            assert_eq!(found["total"], 1, "{query}: {found}");
            let card = &found["items"][0];
            assert_eq!(card["id"], person_id);
            assert_eq!(card["id_number_masked"], "110105********002X");
            assert_eq!(card["phone"], "13912345678");
            assert_eq!(card["unit_name"], "叶集区史河街道司法所");
            assert!(
                card.get("groups").is_none() && card.get("address").is_none(),
                "{card}"
            );
        }
        // Each cross-unit lookup is in the audit trail; the registering unit's own is not.
        let lookups = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'person.lookup' AND entity_id = '{person_id}'"
        ))
        .await;
        assert_eq!(lookups, 2);
        let (s, own) = app
            .get_json(
                &format!("/api/v1/persons/lookup?id_number={ID}"),
                Some(&shihe),
            )
            .await;
        assert_eq!((s, own["total"].as_i64()), (StatusCode::OK, Some(1)));
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'person.lookup'")
                .await,
            2
        );

        // 平岗 takes the application; it stays with 平岗.
        let application = json!({
            "applicant_id": person_id, "channel": "walk_in",
            "received_at": common::now_rfc3339(&app),
            "matter_code": "labor_remuneration", "service_form": "labor_arbitration",
            "procedural_role": "applicant", "opposing_party": "某建筑公司",
            "summary": "被拖欠工资三个月。",
            "exemption_code": "migrant_worker_wage_or_injury", "exemption_proof_provided": true
        });
        let (s, a) = app
            .post_json("/api/v1/applications", Some(&pinggang), &application)
            .await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        let pinggang_id = app.unit_id("叶集区平岗街道司法所").await;
        assert_eq!(a["receiving_unit_id"], pinggang_id, "{a}");
        let (s, shown) = app
            .get_json(
                &format!("/api/v1/applications/{}", a["id"]),
                Some(&pinggang),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{shown}");

        // Through the pages: 平岗 finds the person by the full number, chooses them,
        // and receives an application that stays with 平岗.
        let pages = app.browser_as("liufang", "Pinggang#Office2026").await;
        let (s, html) = pages.get(&format!("/applications/new?find={ID}")).await;
        assert_eq!(s, StatusCode::OK);
        let chosen = format!("/applications/new?applicant_id={person_id}");
        assert_eq!(
            common::select(&html, &format!("a[href='{chosen}']")),
            ["选为申请人"]
        );
        assert!(
            html.contains("叶集区史河街道司法所"),
            "the registering unit is shown"
        );
        let (s, html) = pages.get(&chosen).await;
        assert_eq!(s, StatusCode::OK);
        let option = common::select(&html, "select[name=applicant_id] option");
        assert!(
            option.len() == 1 && option[0].starts_with("李秀英"),
            "{option:?}"
        );
        let csrf = pages.csrf(&chosen).await;
        let received = common::now_rfc3339(&app);
        let received_local = chrono::DateTime::parse_from_rfc3339(&received)
            .expect("rfc3339")
            .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8"))
            .format("%Y-%m-%dT%H:%M")
            .to_string();
        let person_field = person_id.to_string();
        let form = [
            ("_csrf", csrf.as_str()),
            ("applicant_id", person_field.as_str()),
            ("channel", "walk_in"),
            ("received_at", received_local.as_str()),
            ("matter_code", "labor_remuneration"),
            ("service_form", "labor_arbitration"),
            ("procedural_role", "applicant"),
            ("opposing_party", "某劳务公司"),
            ("summary", "被拖欠工资两个月。"),
            ("means_kind", "exemption"),
            ("exemption_code", "migrant_worker_wage_or_injury"),
            ("exemption_proof_provided", "true"),
        ];
        let (s, html, location) = pages.post_form("/applications", &form).await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
        let path = location.expect("redirect to the application");
        let (_, by_page) = app
            .get_json(&format!("/api/v1{path}"), Some(&pinggang))
            .await;
        assert_eq!(by_page["receiving_unit_id"], pinggang_id, "{by_page}");
        assert_eq!(by_page["applicant_id"], person_id);
        // The search and the chosen applicant were cards of another unit's person: audited.
        assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'person.lookup' AND entity_id = '{person_id}'"
        ))
        .await,
        2 + 1 + 2,
        "two API lookups, the page search, and the chosen card shown twice (page and CSRF fetch)"
    );
        // The person's page shows 平岗 the card and the way to take an application,
        // not 史河's full record.
        let (s, html) = pages.get(&format!("/persons/{person_id}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("由叶集区史河街道司法所登记"), "{html}");
        assert_eq!(
            common::select(&html, &format!("a[href='{chosen}']")),
            ["受理申请"]
        );
        assert!(!html.contains("住址") && !html.contains(ID_NORMAL));

        // A district's register ends at the district: a unit of another county
        // neither finds the person nor takes an application for them.
        let elsewhere = app.token("admin").await;
        let (s, region) = app
            .post_json(
                "/api/v1/regions",
                Some(&elsewhere),
                &json!({ "code": "341502", "name": "金安区" }),
            )
            .await;
        // (The shipped regions may hold it already.)
        assert!(
            s.is_success() || region["errors"][0]["field"] == "code",
            "{region}"
        );
        let (s, unit) = app
        .post_json(
            "/api/v1/units",
            Some(&elsewhere),
            &json!({ "name": "金安区某司法所", "kind": "judicial_office", "region_code": "341502" }),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{unit}");
        let jinan = common::clerk_of(&app, "金安区某司法所", "jinan").await;
        let (s, found) = app
            .get_json(
                &format!("/api/v1/persons/lookup?id_number={ID}"),
                Some(&jinan),
            )
            .await;
        assert_eq!(
            (s, found["total"].as_i64()),
            (StatusCode::OK, Some(0)),
            "{found}"
        );
        let (s, e) = app
            .post_json("/api/v1/applications", Some(&jinan), &application)
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["errors"][0]["field"], "applicant_id", "{e}");
    }
);

both!(
    the_name_filter_finds_any_part_of_a_name_across_units_and_renames,
    |app| {
        const OFFICE: &str = "叶集区史河街道司法所";
        let clerk = app.token("clerk").await;
        let office_clerk = common::clerk_of(&app, OFFICE, "name_part_clerk").await;
        let mut ids = std::collections::BTreeMap::new();
        let names = [
            ("欧阳小明", &clerk),
            ("王小明", &clerk),
            ("王明", &clerk),
            ("Li Lei", &clerk),
            ("百分之%人", &clerk),
            ("张小明", &office_clerk),
            ("阿依·买买提", &office_clerk),
            ("李小明", &office_clerk),
        ];
        for (i, (name, token)) in names.iter().enumerate() {
            let number = common::resident_id(&format!("34150419850215{i:03}"));
            let (s, p) = app
                .post_json(
                    "/api/v1/persons",
                    Some(token),
                    &json!({ "name": name, "id_type": "resident_id", "id_number": number }),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{p}");
            ids.insert(*name, (p["id"].as_i64().expect("id"), number));
        }
        // One of them moved to a center of another district: no one here finds it.
        let elsewhere = common::lists::unit_elsewhere(&app).await;
        app.raw_sql(&format!(
            "UPDATE persons SET unit_id = {elsewhere} WHERE id = {}",
            ids["李小明"].0
        ))
        .await
        .expect("moved elsewhere");
        let director = app.token("director").await;
        let found = async |token: &str, q: &str| -> Vec<String> {
            let path = format!("/api/v1/persons?q={}&per_page=100", common::urlenc(q));
            let (s, l) = app.get_json(&path, Some(token)).await;
            assert_eq!(s, StatusCode::OK, "{q}: {l}");
            let mut names: Vec<String> = l["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|p| p["name"].as_str().expect("name").to_owned())
                .filter(|n| ids.contains_key(n.as_str()) || n == "王大明")
                .collect();
            names.sort();
            names
        };

        // Any part, of one, two, three or more characters, registered by the center
        // or the office, as the district's staff see them; not another district's.
        for token in [&director, &clerk, &office_clerk] {
            assert_eq!(found(token, "小明").await, ["张小明", "欧阳小明", "王小明"]);
        }
        assert!(found(&director, "李小").await.is_empty());
        assert_eq!(
            found(&director, "明").await,
            ["张小明", "欧阳小明", "王小明", "王明"]
        );
        assert_eq!(found(&director, "阳小明").await, ["欧阳小明"]);
        assert_eq!(found(&director, "欧阳小明").await, ["欧阳小明"]);
        assert_eq!(found(&director, "王明").await, ["王明"]);
        assert_eq!(found(&director, "依·买买").await, ["阿依·买买提"]);
        assert!(found(&director, "欧阳小明明").await.is_empty());
        assert!(found(&director, "小王").await.is_empty());
        // ASCII letters in any case; a wildcard is a character like any other.
        assert_eq!(found(&director, "li lei").await, ["Li Lei"]);
        assert_eq!(found(&director, "LEI").await, ["Li Lei"]);
        assert_eq!(found(&director, "%").await, ["百分之%人"]);
        assert_eq!(found(&director, "之%").await, ["百分之%人"]);
        assert!(found(&director, "_").await.is_empty());
        // A query longer than any name finds nothing, in a statement of bounded size.
        let long: String = (0..3_000u32)
            .filter_map(|i| char::from_u32(0x4e00 + (i * 7_919) % 20_000))
            .collect();
        assert!(found(&director, &long).await.is_empty());

        // A rename is found by its new name and no longer by the old.
        let (wang_ming, number) = ids["王明"].clone();
        let (s, p) = app
            .get_json(&format!("/api/v1/persons/{wang_ming}"), Some(&clerk))
            .await;
        assert_eq!(s, StatusCode::OK, "{p}");
        let (s, p) = app
            .put_json(
                &format!("/api/v1/persons/{wang_ming}"),
                Some(&clerk),
                &json!({ "version": p["version"], "name": "王大明", "id_type": "resident_id", "id_number": number }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{p}");
        assert_eq!(found(&director, "大明").await, ["王大明"]);
        assert!(found(&director, "王明").await.is_empty());
        assert_eq!(
            found(&director, "明").await,
            ["张小明", "欧阳小明", "王大明", "王小明"]
        );

        // Counted past a page (one a page), from the pieces alone for a part of up to
        // three characters: the one moved elsewhere is not counted, nor a merged one
        // until the merge is undone.
        let total = async |q: &str| -> i64 {
            let path = format!("/api/v1/persons?q={}&per_page=1", common::urlenc(q));
            let (s, l) = app.get_json(&path, Some(&director)).await;
            assert_eq!(s, StatusCode::OK, "{q}: {l}");
            l["total"].as_i64().expect("total")
        };
        assert_eq!(total("明").await, 4);
        assert_eq!(total("小明").await, 3);
        assert_eq!(total("欧阳小明").await, 1);
        let zhang = ids["张小明"].0;
        app.raw_sql(&format!(
            "UPDATE persons SET merged_into = {wang_ming} WHERE id = {zhang}"
        ))
        .await
        .expect("merged");
        assert_eq!(total("明").await, 3);
        assert_eq!(total("小明").await, 2);
        assert_eq!(found(&director, "小明").await, ["欧阳小明", "王小明"]);
        app.raw_sql(&format!(
            "UPDATE persons SET merged_into = NULL WHERE id = {zhang}"
        ))
        .await
        .expect("unmerged");
        assert_eq!(total("小明").await, 3);
        // Moved back from the other district: found and counted again.
        app.raw_sql(&format!(
            "UPDATE persons SET unit_id = (SELECT unit_id FROM persons WHERE id = {zhang}) WHERE id = {}",
            ids["李小明"].0
        ))
        .await
        .expect("moved back");
        assert_eq!(total("小明").await, 4);
        assert_eq!(found(&director, "李小").await, ["李小明"]);

        // The pieces the database keeps are the domain's, for every name above.
        for (name, (id, _)) in &ids {
            let name = if *name == "王明" {
                "王大明"
            } else {
                *name
            };
            let pieces = legalaid_domain::search::name_pieces(name);
            let kept = app
                .scalar(&format!(
                    "SELECT COUNT(*) FROM search_name_grams WHERE person_id = {id}"
                ))
                .await;
            assert_eq!(kept, i64::try_from(pieces.len()).expect("len"), "{name}");
            for piece in pieces {
                let held = app
                    .scalar(&format!(
                        "SELECT COUNT(*) FROM search_name_grams WHERE person_id = {id} AND gram = '{piece}'"
                    ))
                    .await;
                assert_eq!(held, 1, "{name}: {piece}");
            }
        }
    }
);
