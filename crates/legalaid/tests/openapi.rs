//! The OpenAPI document as a contract (ADR 0010): fetched as clients fetch it,
//! every operation is tagged, routed behind its sign-in, answers something on
//! success with a typed body (no bare object), declares its errors as
//! problem+json, and every reference resolves; and the answers the server really
//! sends match the schemas the document gives them.

mod common;

use common::{TestApp, case_with_demo_lawyer, granted_wage_claim, resident_id};
use legalaid_app::Clock;
use reqwest::StatusCode;
use serde_json::{Map, Value, json};

fn walk<'a>(v: &'a Value, refs: &mut Vec<&'a str>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                refs.push(r);
            }
            for x in m.values() {
                walk(x, refs);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| walk(x, refs)),
        _ => {}
    }
}

fn untyped(schema: &Value) -> bool {
    schema.get("$ref").is_none()
        && schema["type"] == "object"
        && schema.get("properties").is_none()
        && schema.get("additionalProperties").is_none()
}

both!(the_openapi_document_describes_every_operation, |app| {
    let (s, doc) = app.get_json("/api/v1/openapi.json", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
        "{}",
        doc["openapi"]
    );

    // Every reference resolves to a component.
    let mut refs = Vec::new();
    walk(&doc, &mut refs);
    assert!(!refs.is_empty());
    for r in refs {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected reference {r}"));
        assert!(
            doc["components"]["schemas"].get(name).is_some(),
            "{r} does not resolve"
        );
    }

    let mut operations = 0;
    let mut bare = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            if !["get", "post", "put", "delete", "patch"].contains(&method.as_str()) {
                continue;
            }
            operations += 1;
            let name = format!("{} {path}", method.to_uppercase());
            assert!(
                op["tags"].as_array().is_some_and(|t| !t.is_empty()),
                "{name} has no tag"
            );
            let responses = op["responses"].as_object().expect("responses");
            let success: Vec<(&String, &Value)> = responses
                .iter()
                .filter(|(status, _)| status.starts_with('2'))
                .collect();
            assert!(!success.is_empty(), "{name} declares no success");
            for (status, r) in &success {
                if let Some(schema) = r["content"]["application/json"].get("schema")
                    && untyped(schema)
                {
                    bare.push(format!("{name} {status}"));
                }
            }
            for (status, r) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    assert!(
                        r["content"].get("application/problem+json").is_some(),
                        "{name} {status} is not problem+json: {r}"
                    );
                }
            }
            if ["post", "put", "patch"].contains(&method.as_str())
                && let Some(body) = op.get("requestBody")
            {
                let content = body["content"].as_object().expect("request content");
                assert!(
                    content.values().all(|c| c.get("schema").is_some()),
                    "{name}: a request body without a schema"
                );
            }

            // Routed, behind sign-in: without a token a secured operation answers 401
            // (not the router's 404 for a path it does not know).
            let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
            if secured && path != "/api/v1/sms/delivery-reports" {
                let concrete = path
                    .split('/')
                    .map(|seg| if seg.starts_with('{') { "1" } else { seg })
                    .collect::<Vec<_>>()
                    .join("/");
                let url = app.url(&concrete);
                let req = match method.as_str() {
                    "get" => app.http.get(url),
                    "post" => app.http.post(url).json(&serde_json::json!({})),
                    "put" => app.http.put(url).json(&serde_json::json!({})),
                    "delete" => app.http.delete(url),
                    _ => app.http.patch(url).json(&serde_json::json!({})),
                };
                let status = req.send().await.expect("request").status();
                assert_eq!(status, StatusCode::UNAUTHORIZED, "{name}");
            }
        }
    }
    assert!(operations >= 89, "{operations} operations");
    bare.sort();
    assert!(
        bare.is_empty(),
        "operations whose success body is a bare object (describe it): {bare:#?}"
    );
});

/// The schema `doc` gives the `status` answer of `method path`.
fn response_schema<'a>(doc: &'a Value, method: &str, path: &str, status: &str) -> &'a Value {
    let schema =
        &doc["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"];
    assert!(
        !schema.is_null(),
        "{method} {path} documents no JSON body for {status}"
    );
    schema
}

/// A `$ref` resolved to its component (other schemas as they are).
fn resolved<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.strip_prefix("#/components/schemas/").unwrap_or(r);
            let target = &doc["components"]["schemas"][name];
            assert!(!target.is_null(), "{r} does not resolve");
            resolved(doc, target)
        }
        None => schema,
    }
}

/// The parts of an `allOf` merged into one object schema: the union of their
/// properties and of their required names.
fn merged(doc: &Value, parts: &[Value]) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for part in parts {
        let part = resolved(doc, part);
        let part = match part.get("allOf").and_then(Value::as_array) {
            Some(inner) => merged(doc, inner),
            None => part.clone(),
        };
        if let Some(p) = part.get("properties").and_then(Value::as_object) {
            properties.extend(p.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        if let Some(r) = part.get("required").and_then(Value::as_array) {
            required.extend(r.iter().cloned());
        }
    }
    json!({ "type": "object", "properties": properties, "required": required })
}

/// The JSON type names a value satisfies.
fn json_types(v: &Value) -> &'static [&'static str] {
    match v {
        Value::Null => &["null"],
        Value::Bool(_) => &["boolean"],
        Value::Number(n) if n.is_i64() || n.is_u64() => &["integer", "number"],
        Value::Number(_) => &["number"],
        Value::String(_) => &["string"],
        Value::Array(_) => &["array"],
        Value::Object(_) => &["object"],
    }
}

/// Checks `value` against `schema` as utoipa writes it for OpenAPI 3.1 (`$ref`,
/// `allOf` for flattened fields, `oneOf` for enums of objects and for nullable
/// references, `type` as a name or a list with `null`, `enum`): every key of an
/// object is a declared property, every required property is there, array items
/// match `items`, and each value has a declared type. Mismatches go to `errors`,
/// each with where in the body it is.
fn conform(doc: &Value, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let schema = resolved(doc, schema);
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        return conform(doc, &merged(doc, parts), value, at, errors);
    }
    if let Some(alternatives) = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)
    {
        let mut best: Option<Vec<String>> = None;
        for alternative in alternatives {
            let mut found = Vec::new();
            conform(doc, alternative, value, at, &mut found);
            if found.is_empty() {
                return;
            }
            if best.as_ref().is_none_or(|b| found.len() < b.len()) {
                best = Some(found);
            }
        }
        errors.push(format!(
            "{at}: {value} matches none of the {} alternatives",
            alternatives.len()
        ));
        errors.extend(best.unwrap_or_default());
        return;
    }
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !types.is_empty() && !json_types(value).iter().any(|t| types.contains(t)) {
        errors.push(format!("{at}: {value} is not of type {types:?}"));
        return;
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !value.is_null()
        && !allowed.contains(value)
    {
        errors.push(format!("{at}: {value} is not one of {allowed:?}"));
    }
    match value {
        Value::Object(fields) => {
            let properties = schema.get("properties").and_then(Value::as_object);
            let additional = schema.get("additionalProperties");
            for (key, v) in fields {
                let here = format!("{at}.{key}");
                match (properties.and_then(|p| p.get(key)), additional) {
                    (Some(s), _) => conform(doc, s, v, &here, errors),
                    (None, Some(Value::Bool(true))) => {}
                    (None, Some(s)) if s.is_object() => conform(doc, s, v, &here, errors),
                    // An object schema without properties says nothing of its keys.
                    (None, None) if properties.is_none() => {}
                    (None, _) => errors.push(format!("{here} is not a declared property")),
                }
            }
            for name in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if !fields.contains_key(name) {
                    errors.push(format!("{at}: required property {name} is missing"));
                }
            }
        }
        Value::Array(items) => {
            if let Some(item) = schema.get("items") {
                for (i, v) in items.iter().enumerate() {
                    conform(doc, item, v, &format!("{at}[{i}]"), errors);
                }
            }
        }
        _ => {}
    }
}

/// Checks an answer against the schema `doc` gives `operation` ("METHOD /path
/// template") for its status.
fn check(doc: &Value, operation: &str, status: StatusCode, body: &Value, errors: &mut Vec<String>) {
    let (method, path) = operation.split_once(' ').expect("METHOD /path");
    let code = status.as_str();
    let schema = response_schema(doc, &method.to_lowercase(), path, code);
    conform(doc, schema, body, &format!("{operation} {code}: $"), errors);
}

/// The answers of one test run, each checked against the document.
struct Checked<'a> {
    app: &'a TestApp,
    doc: Value,
    errors: Vec<String>,
}

impl Checked<'_> {
    /// Calls `operation` at `url` as `token` (with `body` for writes), expects
    /// `expected`, checks the answer against its schema and returns it.
    async fn call(
        &mut self,
        operation: &str,
        url: &str,
        token: &str,
        body: Option<Value>,
        expected: StatusCode,
    ) -> Value {
        let method = operation.split(' ').next().unwrap_or_default();
        let (s, v) = match body {
            Some(b) => {
                let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
                self.app.send_json(method, url, Some(token), &b).await
            }
            None => self.app.get_json(url, Some(token)).await,
        };
        assert_eq!(s, expected, "{operation} ({url}): {v}");
        check(&self.doc, operation, s, &v, &mut self.errors);
        v
    }

    async fn get(&mut self, operation: &str, url: &str, token: &str) -> Value {
        self.call(operation, url, token, None, StatusCode::OK).await
    }
}

both!(
    the_answers_match_the_schemas_the_document_gives_them,
    |app| {
        let (s, doc) = app.get_json("/api/v1/openapi.json", None).await;
        assert_eq!(s, StatusCode::OK);
        let mut api = Checked {
            app: &app,
            doc,
            errors: Vec::new(),
        };
        let (ok, created) = (StatusCode::OK, StatusCode::CREATED);
        let clerk = app.token("clerk").await;
        let director = app.token("director").await;
        let lawyer = app.token("lawyer").await;
        let supervisor = app.token("supervisor").await;
        let admin = app.token("admin").await;
        let today = legalaid_domain::local_date(app.clock.now());

        // An application granted, its case assigned to the demo lawyer, who signs the
        // agreement and records progress with a hearing; the recipient asks for
        // another handler.
        let (s, p) = app
            .post_json(
                "/api/v1/persons",
                Some(&clerk),
                &json!({ "name": "邹春兰", "id_type": "resident_id",
                     "id_number": resident_id("34150419850303002"), "phone": "13955506612" }),
            )
            .await;
        assert_eq!(s, created, "{p}");
        let application =
            granted_wage_claim(&app, p["id"].as_i64().expect("id"), "某服装有限公司").await;
        let c = case_with_demo_lawyer(&app, application).await;
        check(
            &api.doc,
            "POST /api/v1/cases/{id}/assignment",
            ok,
            &c,
            &mut api.errors,
        );
        let id = c["id"].as_i64().expect("id");
        let case = format!("/api/v1/cases/{id}");
        let body = json!({ "signed_on": today, "version": c["version"] });
        api.call(
            "POST /api/v1/cases/{id}/agreement",
            &format!("{case}/agreement"),
            &lawyer,
            Some(body),
            ok,
        )
        .await;
        let hearing_at = app.clock.now() + chrono::Duration::days(5);
        let body = json!({ "activity": "meeting", "occurred_on": today, "note": "约见受援人。",
                       "hearing_at": hearing_at.to_rfc3339(), "hearing_place": "叶集区劳动人事争议仲裁院" });
        api.call(
            "POST /api/v1/cases/{id}/progress",
            &format!("{case}/progress"),
            &lawyer,
            Some(body),
            created,
        )
        .await;
        let body = json!({ "requested_by": "recipient", "reason": "希望更换承办律师。" });
        api.call(
            "POST /api/v1/cases/{id}/replacements",
            &format!("{case}/replacements"),
            &clerk,
            Some(body),
            created,
        )
        .await;

        // The case with an assignment, progress, a hearing and a pending replacement
        // (whose decision the director is offered, with its id), and the list.
        let c = api.get("GET /api/v1/cases/{id}", &case, &director).await;
        for list in [
            "assignments",
            "progress",
            "hearings",
            "replacements",
            "deadlines",
            "checklist",
        ] {
            assert!(
                c[list].as_array().is_some_and(|l| !l.is_empty()),
                "the case has {list}: {c}"
            );
        }
        let offered = c["actions"].as_array().cloned().unwrap_or_default();
        assert!(
            offered.iter().any(|a| a["action"] == "decide_replacement"),
            "{c}"
        );
        let list = api
            .get("GET /api/v1/cases", "/api/v1/cases", &director)
            .await;
        assert!(
            list["items"].as_array().is_some_and(|l| !l.is_empty()),
            "{list}"
        );
        api.get(
            "GET /api/v1/cases/{id}/subsidy",
            &format!("{case}/subsidy"),
            &director,
        )
        .await;

        // Once the closure is reported and approved, the subsidy is computed (with its
        // derivation) and payable.
        let body = json!({ "outcome": "mediation", "ended_on": today, "amount_fen": 500_000,
                       "adoption": "adopted", "report": "经调解，用人单位同意支付工资。",
                       "flat_item": "mediation", "version": c["version"] });
        let c = api
            .call(
                "POST /api/v1/cases/{id}/closure",
                &format!("{case}/closure"),
                &lawyer,
                Some(body),
                ok,
            )
            .await;
        let body = json!({ "approve": true, "version": c["version"] });
        api.call(
            "POST /api/v1/cases/{id}/closure-review",
            &format!("{case}/closure-review"),
            &director,
            Some(body),
            ok,
        )
        .await;
        let sub = api
            .get(
                "GET /api/v1/cases/{id}/subsidy",
                &format!("{case}/subsidy"),
                &director,
            )
            .await;
        assert!(sub["computation"].is_object(), "{sub}");
        let year = chrono::Datelike::year(&today);
        let totals = api
            .get(
                "GET /api/v1/subsidies/totals",
                &format!("/api/v1/subsidies/totals?year={year}&by=handler"),
                &director,
            )
            .await;
        assert!(
            totals["items"].as_array().is_some_and(|l| !l.is_empty()),
            "{totals}"
        );

        // The application, its assessment, and the list.
        let path = format!("/api/v1/applications/{application}");
        api.get("GET /api/v1/applications/{id}", &path, &director)
            .await;
        api.get(
            "GET /api/v1/applications/{id}/assessment",
            &format!("{path}/assessment"),
            &director,
        )
        .await;
        let list = api
            .get(
                "GET /api/v1/applications",
                "/api/v1/applications",
                &director,
            )
            .await;
        assert!(
            list["items"].as_array().is_some_and(|l| !l.is_empty()),
            "{list}"
        );

        // The work queues: the director's, the lawyer's, and the region's.
        for token in [&director, &lawyer] {
            api.get(
                "GET /api/v1/work-queue",
                "/api/v1/work-queue?per_page=200",
                token,
            )
            .await;
        }
        let q = api
            .get(
                "GET /api/v1/work-queue/region",
                "/api/v1/work-queue/region?per_page=200",
                &supervisor,
            )
            .await;
        assert!(q["items"].as_array().is_some_and(|l| !l.is_empty()), "{q}");

        // Funding: the estimate for a target, and the subsidy schedule.
        let bureau = app.unit_id("六安市叶集区司法局").await;
        let (s, _) = app
            .put_json(
                "/api/v1/targets",
                Some(&supervisor),
                &json!({ "unit_id": bureau, "year": 2024, "cases": 260 }),
            )
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let estimate = format!("/api/v1/funding/estimate?year=2024&unit_id={bureau}");
        api.get("GET /api/v1/funding/estimate", &estimate, &supervisor)
            .await;
        api.get(
            "GET /api/v1/subsidy-schedule",
            "/api/v1/subsidy-schedule",
            &supervisor,
        )
        .await;

        // Rules, settings and message templates.
        api.get("GET /api/v1/rules", "/api/v1/rules", &clerk).await;
        api.get("GET /api/v1/settings", "/api/v1/settings", &clerk)
            .await;
        api.get(
            "GET /api/v1/message-templates",
            "/api/v1/message-templates",
            &admin,
        )
        .await;

        // Case file review: a scheme for the non-litigation file, the pool, a
        // round drawn, the three tiers, a regrade, the close.
        let quality = app.token("quality").await;
        let items: Vec<Value> = [
            ("受理审查", "acceptance"),
            ("办理", "handling"),
            ("结案归档", "closing"),
        ]
        .iter()
        .enumerate()
        .map(|(i, (label, phase))| {
            json!({ "code": (i + 1).to_string(), "phase": phase,
                                      "title": format!("{label}规范"), "points": 5 })
        })
        .collect();
        let scheme = api
            .call("POST /api/v1/quality/schemes", "/api/v1/quality/schemes", &director,
                Some(json!({ "code": "non_litigation_five", "name": "非诉讼案件评查表", "case_type": "non_litigation",
                             "method": "five", "items": items })), created)
            .await;
        api.get(
            "GET /api/v1/quality/schemes",
            "/api/v1/quality/schemes",
            &director,
        )
        .await;
        api.get(
            "GET /api/v1/quality/schemes/{id}",
            &format!("/api/v1/quality/schemes/{}", scheme["id"]),
            &director,
        )
        .await;
        let firm_b = app.unit_id("安徽史河律师事务所").await;
        let center = app.unit_id("六安市叶集区法律援助中心").await;
        let mut experts = Vec::new();
        for (name, kind, unit) in [
            ("周律师", "lawyer", firm_b),
            ("郑主任", "center_staff", center),
        ] {
            let e = api
                .call("POST /api/v1/quality/experts", "/api/v1/quality/experts", &quality,
                    Some(json!({ "name": name, "kind": kind, "unit_id": unit, "practice_start_year": 2010 })), created)
                .await;
            experts.push(e);
        }
        api.get(
            "GET /api/v1/quality/experts",
            "/api/v1/quality/experts",
            &quality,
        )
        .await;
        let path = format!("/api/v1/quality/experts/{}", experts[0]["id"]);
        api.get("GET /api/v1/quality/experts/{id}", &path, &quality)
            .await;
        api.call("PUT /api/v1/quality/experts/{id}", &path, &quality,
            Some(json!({ "name": "周律师", "kind": "lawyer", "unit_id": firm_b, "practice_start_year": 2009,
                         "specialty": "劳动争议", "version": experts[0]["version"] })), ok)
            .await;
        let round = api
            .call("POST /api/v1/quality/rounds", "/api/v1/quality/rounds", &quality,
                Some(json!({ "name": "2026年下半年案卷评查", "closed_from": today - chrono::Duration::days(1),
                             "closed_to": today, "due_on": today + chrono::Duration::days(10),
                             "method": "five", "sample_method": "all" })), created)
            .await;
        api.get(
            "GET /api/v1/quality/rounds",
            "/api/v1/quality/rounds",
            &quality,
        )
        .await;
        let rpath = format!("/api/v1/quality/rounds/{}", round["id"]);
        api.get("GET /api/v1/quality/rounds/{id}", &rpath, &quality)
            .await;
        let drawn = api
            .call(
                "POST /api/v1/quality/rounds/{id}/draw",
                &format!("{rpath}/draw"),
                &quality,
                Some(json!({ "version": round["version"] })),
                ok,
            )
            .await;
        assert_eq!(drawn["summary"]["drawn"], 1, "{drawn}");
        let files = api
            .get(
                "GET /api/v1/quality/rounds/{id}/reviews",
                &format!("{rpath}/reviews"),
                &quality,
            )
            .await;
        let review = format!("/api/v1/reviews/{}", files["items"][0]["id"]);
        let v = api.get("GET /api/v1/reviews/{id}", &review, &quality).await;
        let v = api
            .call(
                "POST /api/v1/reviews/{id}/archive-check",
                &format!("{review}/archive-check"),
                &quality,
                Some(json!({ "version": v["review"]["version"], "complete": true })),
                ok,
            )
            .await;
        let sheet = |score: u32| -> Vec<Value> {
            (1..=3)
                .map(|i| json!({ "item": i.to_string(), "score": score, "note": "材料欠完整" }))
                .collect()
        };
        let mut v = v;
        for e in &experts {
            v = api
                .call("POST /api/v1/reviews/{id}/score", &format!("{review}/score"), &quality,
                    Some(json!({ "version": v["review"]["version"], "expert_id": e["id"], "scores": sheet(2), "findings": "不规范" })), ok)
                .await;
        }
        let v = api
            .call("POST /api/v1/reviews/{id}/recheck", &format!("{review}/recheck"), &director,
                Some(json!({ "version": v["review"]["version"], "scores": v["prefill"], "findings": "不合格" })), ok)
            .await;
        let docs = api
            .get(
                "GET /api/v1/reviews/{id}/documents",
                &format!("{review}/documents"),
                &director,
            )
            .await;
        assert_eq!(docs["items"][0]["kind"], "review_result_notice", "{docs}");
        let (handler, firm) = common::lawyer_staff(&app).await;
        let order = api
            .call("POST /api/v1/rectifications", "/api/v1/rectifications", &quality,
                Some(json!({ "review_id": v["review"]["id"], "source": "file_review", "target_unit_id": firm,
                             "target_staff_id": handler, "category": "case_structure", "problem": "卷宗材料不全",
                             "requirement": "补齐材料", "issued_on": today, "deadline": today + chrono::Duration::days(10) })), created)
            .await;
        let opath = format!("/api/v1/rectifications/{}", order["order"]["id"]);
        api.get(
            "GET /api/v1/rectifications",
            "/api/v1/rectifications?open=true",
            &lawyer,
        )
        .await;
        api.get("GET /api/v1/rectifications/{id}", &opath, &lawyer)
            .await;
        api.get(
            "GET /api/v1/rectifications/{id}/documents",
            &format!("{opath}/documents"),
            &lawyer,
        )
        .await;
        let o = api
            .call(
                "POST /api/v1/rectifications/{id}/answer",
                &format!("{opath}/answer"),
                &lawyer,
                Some(json!({ "version": order["order"]["version"], "answer": "已补齐" })),
                ok,
            )
            .await;
        api.call(
            "POST /api/v1/rectifications/{id}/verify",
            &format!("{opath}/verify"),
            &quality,
            Some(json!({ "version": o["order"]["version"], "ok": true })),
            ok,
        )
        .await;
        let second = api
            .call("POST /api/v1/rectifications", "/api/v1/rectifications", &quality,
                Some(json!({ "source": "bulletin", "target_unit_id": firm, "category": "informatization",
                             "problem": "结案材料录入不及时", "requirement": "按时录入",
                             "issued_on": today, "deadline": today + chrono::Duration::days(10) })), created)
            .await;
        api.call(
            "POST /api/v1/rectifications/{id}/escalate",
            &format!("/api/v1/rectifications/{}/escalate", second["order"]["id"]),
            &quality,
            Some(json!({ "version": second["order"]["version"], "note": "约谈律师事务所主任" })),
            ok,
        )
        .await;
        let v = api
            .get("GET /api/v1/reviews/{id}", &review, &director)
            .await;
        let v = api
            .call(
                "POST /api/v1/reviews/{id}/regrade",
                &format!("{review}/regrade"),
                &director,
                Some(json!({ "version": v["review"]["version"], "reason": "已补充材料" })),
                ok,
            )
            .await;
        api.call("POST /api/v1/reviews/{id}/recheck", &format!("{review}/recheck"), &director,
            Some(json!({ "version": v["review"]["version"], "scores": sheet(4), "findings": "整改后良好" })), ok)
            .await;
        let r = api
            .get("GET /api/v1/quality/rounds/{id}", &rpath, &quality)
            .await;
        api.call(
            "POST /api/v1/quality/rounds/{id}/close",
            &format!("{rpath}/close"),
            &quality,
            Some(json!({ "version": r["round"]["version"] })),
            ok,
        )
        .await;

        // A complaint about the case's handler, through every step, the list,
        // the figures and the notices.
        let (lawyer_staff, _) = common::lawyer_staff(&app).await;
        let body = json!({ "channel": "phone", "received_at": app.clock.now().to_rfc3339(),
                       "complainant_name": "邹春兰", "complainant_phone": "13955506612", "relation": "recipient",
                       "respondent_staff_id": lawyer_staff, "case_id": id, "category": "neglect",
                       "facts": "承办律师未告知办理进展。" });
        let c = api
            .call(
                "POST /api/v1/complaints",
                "/api/v1/complaints",
                &supervisor,
                Some(body),
                created,
            )
            .await;
        let cid = c["complaint"]["id"].as_i64().expect("complaint id");
        let complaint = format!("/api/v1/complaints/{cid}");
        let c = api
            .call(
                "POST /api/v1/complaints/{id}/accept",
                &format!("{complaint}/accept"),
                &supervisor,
                Some(json!({ "version": c["complaint"]["version"] })),
                ok,
            )
            .await;
        let c = api
            .call(
                "POST /api/v1/complaints/{id}/extend",
                &format!("{complaint}/extend"),
                &supervisor,
                Some(json!({ "version": c["complaint"]["version"], "reason": "需要调查核实" })),
                ok,
            )
            .await;
        let c = api
            .call("POST /api/v1/complaints/{id}/conclude", &format!("{complaint}/conclude"), &supervisor,
                Some(json!({ "version": c["complaint"]["version"], "outcome": "sanctioned",
                             "conclusion": "情况属实。", "follow_up": ["replace_handler", "withhold_subsidy"] })), ok)
            .await;
        let c = api
            .call("POST /api/v1/complaints/{id}/reply", &format!("{complaint}/reply"), &supervisor,
                Some(json!({ "version": c["complaint"]["version"], "channel": "phone", "text": "已电话告知。" })), ok)
            .await;
        api.call(
            "POST /api/v1/complaints/{id}/remedy",
            &format!("{complaint}/remedy"),
            &supervisor,
            Some(json!({ "version": c["complaint"]["version"], "remedy": "lawsuit" })),
            ok,
        )
        .await;
        api.get("GET /api/v1/complaints/{id}", &complaint, &supervisor)
            .await;
        api.get("GET /api/v1/complaints", "/api/v1/complaints", &supervisor)
            .await;
        api.get(
            "GET /api/v1/complaints/figures",
            "/api/v1/complaints/figures",
            &supervisor,
        )
        .await;
        api.get(
            "GET /api/v1/complaints/{id}/documents",
            &format!("{complaint}/documents"),
            &supervisor,
        )
        .await;

        // A follow-up visit that finds a fee asked, its alert handled; a plan,
        // the plans, the list and the figures.
        let evaluations: Vec<Value> = [
            "service_attitude",
            "communication",
            "rights_protection",
            "case_result",
            "overall",
        ]
        .iter()
        .map(|i| json!({ "item": i, "rating": "satisfied" }))
        .collect();
        let v = api
            .call("POST /api/v1/visits", "/api/v1/visits", &quality,
                Some(json!({ "case_id": id, "mode": "phone", "timing": "after_closure", "visited_on": today,
                             "outcome": "connected", "evaluations": evaluations, "fee_asked": true,
                             "fee_detail": "索要差旅费", "on_time": true })), created)
            .await;
        let vpath = format!("/api/v1/visits/{}", v["visit"]["id"]);
        api.get("GET /api/v1/visits/{id}", &vpath, &quality).await;
        api.call(
            "POST /api/v1/visits/{id}/handle-alert",
            &format!("{vpath}/handle-alert"),
            &director,
            Some(json!({ "version": v["visit"]["version"], "note": "已调查处理" })),
            ok,
        )
        .await;
        api.get("GET /api/v1/visits", "/api/v1/visits", &quality)
            .await;
        api.call(
            "POST /api/v1/visits/plans",
            "/api/v1/visits/plans",
            &quality,
            Some(json!({ "from": today - chrono::Duration::days(30), "to": today, "share_percent": 100 })),
            ok,
        )
        .await;
        api.get("GET /api/v1/visits/plans", "/api/v1/visits/plans", &quality)
            .await;
        api.get(
            "GET /api/v1/visits/figures",
            "/api/v1/visits/figures",
            &quality,
        )
        .await;
        // Hearing observation and the organs' opinions on the archived case.
        let (_, staff) = app
            .get_json(
                &format!("/api/v1/staff?q={}", common::urlenc("孙丽")),
                Some(&quality),
            )
            .await;
        let observer = staff["items"][0]["id"].clone();
        let plan = |day: chrono::NaiveDate| {
            json!({ "case_id": id, "status": "planned", "court": "六安市叶集区人民法院",
                    "hearing_date": day, "hearing_time": "09:30", "observer_id": observer })
        };
        let o = api
            .call(
                "POST /api/v1/observations",
                "/api/v1/observations",
                &quality,
                Some(plan(today)),
                created,
            )
            .await;
        let opath = format!("/api/v1/observations/{}", o["observation"]["id"]);
        api.get("GET /api/v1/observations", "/api/v1/observations", &quality)
            .await;
        api.get("GET /api/v1/observations/{id}", &opath, &lawyer)
            .await;
        api.get(
            "GET /api/v1/observations/{id}/documents",
            &format!("{opath}/documents"),
            &quality,
        )
        .await;
        let ratings: Vec<Value> = [
            "preparation",
            "statement",
            "cross_examination",
            "argument",
            "conduct",
        ]
        .iter()
        .map(|d| json!({ "dimension": d, "rating": "dissatisfied", "score": 2 }))
        .collect();
        api.call("POST /api/v1/observations/{id}/record", &format!("{opath}/record"), &quality,
            Some(json!({ "version": o["observation"]["version"], "ratings": ratings, "issues": "准备不足" })), ok)
            .await;
        let later = api
            .call(
                "POST /api/v1/observations",
                "/api/v1/observations",
                &quality,
                Some(plan(today + chrono::Duration::days(5))),
                created,
            )
            .await;
        api.call(
            "POST /api/v1/observations/{id}/cancel",
            &format!("/api/v1/observations/{}/cancel", later["observation"]["id"]),
            &quality,
            Some(json!({ "version": later["observation"]["version"], "reason": "庭审延期" })),
            ok,
        )
        .await;
        api.get(
            "GET /api/v1/observations/figures",
            "/api/v1/observations/figures",
            &quality,
        )
        .await;
        let letter = api
            .call("POST /api/v1/opinions", "/api/v1/opinions", &quality,
                Some(json!({ "case_id": id, "organ": "court", "organ_name": "六安市叶集区人民法院", "reminder_after_days": 0 })), created)
            .await;
        let lpath = format!("/api/v1/opinions/{}", letter["letter"]["id"]);
        api.get("GET /api/v1/opinions", "/api/v1/opinions", &quality)
            .await;
        api.get("GET /api/v1/opinions/{id}", &lpath, &lawyer).await;
        let records = api
            .get(
                "GET /api/v1/cases/{id}/quality-records",
                &format!("/api/v1/cases/{id}/quality-records"),
                &quality,
            )
            .await;
        assert!(
            records["total"].as_i64().is_some_and(|n| n >= 3),
            "a visit, an observation and a letter: {records}"
        );
        api.get(
            "GET /api/v1/opinions/{id}/documents",
            &format!("{lpath}/documents"),
            &quality,
        )
        .await;
        let reminded = api
            .call(
                "POST /api/v1/opinions/{id}/remind",
                &format!("{lpath}/remind"),
                &quality,
                Some(json!({ "version": letter["letter"]["version"] })),
                ok,
            )
            .await;
        api.call(
            "POST /api/v1/opinions/{id}/answer",
            &format!("{lpath}/answer"),
            &quality,
            Some(
                json!({ "version": reminded["letter"]["version"], "opinion": "尚可", "ratings": [
                { "item": "litigation_etiquette", "rating": "satisfied" },
                { "item": "professionalism", "rating": "basically_satisfied" },
                { "item": "dedication", "rating": "dissatisfied" }] }),
            ),
            ok,
        )
        .await;

        assert!(
            api.errors.is_empty(),
            "{} answers differ from their documented schemas:\n{}",
            api.errors.len(),
            api.errors.join("\n")
        );
    }
);

both!(
    the_excellent_case_answers_match_their_documented_schemas,
    |app| {
        let (s, doc) = app.get_json("/api/v1/openapi.json", None).await;
        assert_eq!(s, StatusCode::OK);
        let mut api = Checked {
            app: &app,
            doc,
            errors: Vec::new(),
        };
        let (ok, created) = (StatusCode::OK, StatusCode::CREATED);
        let director = app.token("director").await;
        let lawyer = app.token("lawyer").await;
        let quality = app.token("quality").await;
        let today = legalaid_domain::local_date(app.clock.now());

        // An archived case of the demo lawyer.
        let clerk = app.token("clerk").await;
        let (s, p) = app
            .post_json(
                "/api/v1/persons",
                Some(&clerk),
                &json!({ "name": "许春梅", "id_type": "resident_id",
                         "id_number": resident_id("34150419900909019") }),
            )
            .await;
        assert_eq!(s, created, "{p}");
        let application =
            granted_wage_claim(&app, p["id"].as_i64().expect("id"), "某餐饮有限公司").await;
        let c = case_with_demo_lawyer(&app, application).await;
        let id = c["id"].as_i64().expect("id");
        let case = format!("/api/v1/cases/{id}");
        let (_, c) = app
            .post_json(
                &format!("{case}/agreement"),
                Some(&lawyer),
                &json!({ "signed_on": today, "version": c["version"] }),
            )
            .await;
        let (_, c) = app
            .post_json(
                &format!("{case}/closure"),
                Some(&lawyer),
                &json!({ "outcome": "mediation", "ended_on": today, "amount_fen": 500_000,
                         "adoption": "adopted", "report": "调解结案。", "version": c["version"] }),
            )
            .await;
        let (s, c) = app
            .post_json(
                &format!("{case}/closure-review"),
                Some(&director),
                &json!({ "approve": true, "version": c["version"] }),
            )
            .await;
        assert_eq!(s, ok, "{c}");

        // A panel of two judges of other firms, with accounts.
        let mut tokens = Vec::new();
        let mut judges = Vec::new();
        for (i, firm) in ["安徽史河律师事务所", "安徽皖叶律师事务所"]
            .iter()
            .enumerate()
        {
            let unit = app.unit_id(firm).await;
            let token = common::account(&app, &format!("drift_judge{i}"), unit, "expert").await;
            let (_, me) = app.get_json("/api/v1/me", Some(&token)).await;
            let (s, e) = app
                .post_json("/api/v1/quality/experts", Some(&quality),
                    &json!({ "name": format!("评委{i}"), "kind": "lawyer", "unit_id": unit, "user_id": me["id"],
                             "practice_start_year": 2010, "work_unit": firm }))
                .await;
            assert_eq!(s, created, "{e}");
            judges.push(e["id"].clone());
            tokens.push(token);
        }

        let v = api
            .call(
                "POST /api/v1/excellent/selections",
                "/api/v1/excellent/selections",
                &director,
                Some(
                    json!({ "title": "接口评选", "year": chrono::Datelike::year(&today),
                             "nomination_deadline": today, "places": 3, "judges": judges }),
                ),
                created,
            )
            .await;
        let spath = format!("/api/v1/excellent/selections/{}", v["selection"]["id"]);
        api.get(
            "GET /api/v1/excellent/selections",
            "/api/v1/excellent/selections",
            &lawyer,
        )
        .await;
        api.get(
            "GET /api/v1/excellent/selections/{id}/candidates",
            &format!("{spath}/candidates"),
            &lawyer,
        )
        .await;
        let n = api
            .call(
                "POST /api/v1/excellent/selections/{id}/nominations",
                &format!("{spath}/nominations"),
                &lawyer,
                Some(json!({ "case_id": id, "recommendation": "调解成功，当事人满意。" })),
                created,
            )
            .await;
        let npath = format!("/api/v1/excellent/nominations/{}", n["nomination"]["id"]);
        let v = api
            .get("GET /api/v1/excellent/selections/{id}", &spath, &director)
            .await;
        let v = api
            .call(
                "POST /api/v1/excellent/selections/{id}/start-judging",
                &format!("{spath}/start-judging"),
                &director,
                Some(json!({ "version": v["selection"]["version"] })),
                ok,
            )
            .await;
        api.get(
            "GET /api/v1/excellent/pending",
            "/api/v1/excellent/pending",
            &tokens[0],
        )
        .await;
        api.get("GET /api/v1/excellent/nominations/{id}", &npath, &tokens[0])
            .await;
        let sheet = json!({ "scores": [
            { "criterion": "procedure", "points": 18 }, { "criterion": "law_application", "points": 17 },
            { "criterion": "contribution", "points": 19 }, { "criterion": "satisfaction", "points": 18 },
            { "criterion": "typicality", "points": 16 }], "comment": "良好" });
        for t in &tokens {
            api.call(
                "POST /api/v1/excellent/nominations/{id}/scores",
                &format!("{npath}/scores"),
                t,
                Some(sheet.clone()),
                created,
            )
            .await;
        }
        api.get("GET /api/v1/excellent/selections/{id}", &spath, &director)
            .await;
        api.call(
            "POST /api/v1/excellent/selections/{id}/publish",
            &format!("{spath}/publish"),
            &director,
            Some(json!({ "version": v["selection"]["version"] })),
            ok,
        )
        .await;
        api.get(
            "GET /api/v1/excellent/selections/{id}/nominations",
            &format!("{spath}/nominations"),
            &director,
        )
        .await;
        api.get("GET /api/v1/excellent/nominations/{id}", &npath, &director)
            .await;
        api.get(
            "GET /api/v1/excellent/honours",
            &format!("/api/v1/excellent/honours?case_id={id}"),
            &lawyer,
        )
        .await;
        // A withdrawn nomination, in a second selection.
        let v2 = api
            .call(
                "POST /api/v1/excellent/selections",
                "/api/v1/excellent/selections",
                &director,
                Some(
                    json!({ "title": "接口评选二", "year": chrono::Datelike::year(&today),
                             "nomination_deadline": today, "judges": judges }),
                ),
                created,
            )
            .await;
        let n2 = api
            .call(
                "POST /api/v1/excellent/selections/{id}/nominations",
                &format!(
                    "/api/v1/excellent/selections/{}/nominations",
                    v2["selection"]["id"]
                ),
                &lawyer,
                Some(json!({ "case_id": id, "recommendation": "再次推荐。" })),
                created,
            )
            .await;
        api.call(
            "POST /api/v1/excellent/nominations/{id}/withdraw",
            &format!(
                "/api/v1/excellent/nominations/{}/withdraw",
                n2["nomination"]["id"]
            ),
            &lawyer,
            Some(json!({ "version": n2["nomination"]["version"], "reason": "材料不全" })),
            ok,
        )
        .await;

        assert!(
            api.errors.is_empty(),
            "{} answers differ from their documented schemas:\n{}",
            api.errors.len(),
            api.errors.join("\n")
        );
    }
);

// Outreach (ADR 0021): consultations, duty lawyers, publicity.
both!(the_outreach_answers_match_their_documented_schemas, |app| {
    let (s, doc) = app.get_json("/api/v1/openapi.json", None).await;
    assert_eq!(s, StatusCode::OK);
    let mut api = Checked {
        app: &app,
        doc,
        errors: Vec::new(),
    };
    let (ok, created) = (StatusCode::OK, StatusCode::CREATED);
    let clerk = app.token("clerk").await;
    let director = app.token("director").await;
    let supervisor = app.token("supervisor").await;
    let lawyer = app.token("lawyer").await;
    let today = legalaid_domain::local_date(app.clock.now());
    let (staff, _) = common::lawyer_staff(&app).await;
    let kss = app.unit_id("叶集区看守所法律援助工作站").await;

    let a = api
            .call("POST /api/v1/publicity/activities", "/api/v1/publicity/activities", &clerk,
                Some(json!({ "held_on": today, "title": "进社区", "form": "lecture", "venue": "communities",
                             "place": "社区服务中心", "people_reached": 60, "materials": 80 })), created)
            .await;
    let aid = a["id"].as_i64().expect("activity");
    let (s, p) = app
            .post_json("/api/v1/persons", Some(&clerk),
                &json!({ "name": "方海燕", "id_type": "resident_id", "id_number": resident_id("34150419850505024") }))
            .await;
    assert_eq!(s, created, "{p}");
    let k = api
            .call("POST /api/v1/consultations", "/api/v1/consultations", &clerk,
                Some(json!({ "channel": "visit", "topic": "wages", "person_id": p["id"], "groups": ["woman"],
                             "question": "欠薪", "answer": "可申请法律援助", "activity_id": aid })), created)
            .await;
    let kpath = format!("/api/v1/consultations/{}", k["consultation"]["id"]);
    api.get("GET /api/v1/consultations/{id}", &kpath, &clerk)
        .await;
    api.get(
        "GET /api/v1/consultations",
        "/api/v1/consultations",
        &director,
    )
    .await;
    api.get(
        "GET /api/v1/consultations/topics",
        "/api/v1/consultations/topics",
        &clerk,
    )
    .await;
    api.get(
        "GET /api/v1/consultations/report",
        "/api/v1/consultations/report",
        &supervisor,
    )
    .await;
    api.call("POST /api/v1/consultations/{id}/application", &format!("{kpath}/application"), &clerk,
            Some(json!({ "version": 1, "matter_code": "labor_remuneration", "service_form": "litigation_representation" })),
            created)
            .await;
    api.call("POST /api/v1/publicity/media", "/api/v1/publicity/media", &clerk,
            Some(json!({ "kind": "print", "published_on": today, "outlet": "皖西日报", "title": "进社区", "activity_id": aid })),
            created)
            .await;
    let png = [
        &[0x89u8, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A][..],
        &[0u8; 16][..],
    ]
    .concat();
    let photo_path = format!("/api/v1/publicity/activities/{aid}/photos");
    let (s, photo) = common::upload_file(&app, &clerk, &photo_path, "p.png", png, "").await;
    assert_eq!(s, created, "{photo}");
    check(
        &api.doc,
        "POST /api/v1/publicity/activities/{id}/photos",
        s,
        &photo,
        &mut api.errors,
    );
    api.get(
        "GET /api/v1/publicity/activities/{id}",
        &format!("/api/v1/publicity/activities/{aid}"),
        &supervisor,
    )
    .await;
    api.get(
        "GET /api/v1/publicity/activities",
        "/api/v1/publicity/activities",
        &clerk,
    )
    .await;
    api.get(
        "GET /api/v1/publicity/venues",
        "/api/v1/publicity/venues",
        &clerk,
    )
    .await;
    api.get(
        "GET /api/v1/publicity/media",
        "/api/v1/publicity/media",
        &clerk,
    )
    .await;
    api.get(
        "GET /api/v1/publicity/figures",
        "/api/v1/publicity/figures",
        &supervisor,
    )
    .await;

    api.call(
        "POST /api/v1/duty/roster",
        "/api/v1/duty/roster",
        &director,
        Some(json!({ "workstation_id": kss, "duty_date": today, "staff_id": staff })),
        created,
    )
    .await;
    let h = api
        .call(
            "POST /api/v1/duty/help",
            "/api/v1/duty/help",
            &lawyer,
            Some(
                json!({ "workstation_id": kss, "helped_on": today, "kind": "meeting",
                             "person_name": "李某", "person_role": "suspect" }),
            ),
            created,
        )
        .await;
    api.get(
        "GET /api/v1/duty/help/{id}",
        &format!("/api/v1/duty/help/{}", h["id"]),
        &lawyer,
    )
    .await;
    api.get("GET /api/v1/duty/help", "/api/v1/duty/help", &director)
        .await;
    api.get("GET /api/v1/duty/roster", "/api/v1/duty/roster", &lawyer)
        .await;
    api.get("GET /api/v1/duty/rates", "/api/v1/duty/rates", &director)
        .await;
    api.call("POST /api/v1/duty/rates", "/api/v1/duty/rates", &supervisor,
            Some(json!({ "host": "court", "basis": "per_matter", "help_kind": "charge_opinion", "amount_fen": 8000,
                         "effective_from": today, "source": "测试" })), created)
            .await;
    api.get(
        "GET /api/v1/duty/subsidies",
        "/api/v1/duty/subsidies",
        &lawyer,
    )
    .await;
    let _ = ok;
    assert!(
        api.errors.is_empty(),
        "{} answers differ from their documented schemas:\n{}",
        api.errors.len(),
        api.errors.join("\n")
    );
});
// Surveys and training (issue 11).
both!(
    the_survey_and_training_answers_match_their_documented_schemas,
    |app| {
        let (s, doc) = app.get_json("/api/v1/openapi.json", None).await;
        assert_eq!(s, StatusCode::OK);
        let mut api = Checked {
            app: &app,
            doc,
            errors: Vec::new(),
        };
        let (ok, created) = (StatusCode::OK, StatusCode::CREATED);
        let sup = app.token("supervisor").await;
        let clerk = app.token("clerk").await;
        let director = app.token("director").await;
        let lawyer = app.token("lawyer").await;
        let today = legalaid_domain::local_date(app.clock.now());

        let list = api
            .get(
                "GET /api/v1/survey-instruments",
                "/api/v1/survey-instruments",
                &sup,
            )
            .await;
        let shipped = list["items"][0].clone();
        api.get(
            "GET /api/v1/survey-instruments/{id}",
            &format!("/api/v1/survey-instruments/{}", shipped["id"]),
            &sup,
        )
        .await;
        api.call(
            "POST /api/v1/survey-instruments",
            "/api/v1/survey-instruments",
            &sup,
            Some(json!({ "code": "local", "source": "本地", "instrument": shipped["instrument"] })),
            created,
        )
        .await;
        let c = api
            .call(
                "POST /api/v1/surveys",
                "/api/v1/surveys",
                &sup,
                Some(json!({ "title": "接口调查", "instrument_id": shipped["id"], "starts_on": today,
                             "ends_on": today, "targets": [{ "township": "341504001", "target": 10 }] })),
                created,
            )
            .await;
        let id = c["campaign"]["id"].clone();
        api.get("GET /api/v1/surveys", "/api/v1/surveys", &sup)
            .await;
        api.get(
            "GET /api/v1/surveys/{id}",
            &format!("/api/v1/surveys/{id}"),
            &clerk,
        )
        .await;
        let issued = api
            .call(
                "POST /api/v1/surveys/{id}/codes",
                &format!("/api/v1/surveys/{id}/codes"),
                &sup,
                Some(json!({ "count": 2 })),
                created,
            )
            .await;
        let code = issued["codes"][0].as_str().expect("code").to_owned();
        let answers = json!({ "answers": { "D1": ["341504001"], "A1": ["heard"], "S1": ["yes"],
            "S2": ["satisfied"], "S3": ["satisfied"], "S4": ["basic"], "S5": ["satisfied"], "S6": ["satisfied"], "S7": ["no"] } });
        api.get(
            "GET /api/v1/public/surveys/{code}",
            &format!("/api/v1/public/surveys/{code}"),
            "",
        )
        .await;
        api.call(
            "POST /api/v1/public/surveys/{code}",
            &format!("/api/v1/public/surveys/{code}"),
            "",
            Some(answers.clone()),
            created,
        )
        .await;
        api.call(
            "POST /api/v1/surveys/{id}/answers",
            &format!("/api/v1/surveys/{id}/answers"),
            &clerk,
            Some(answers),
            created,
        )
        .await;
        api.get(
            "GET /api/v1/surveys/{id}/codes",
            &format!("/api/v1/surveys/{id}/codes"),
            &sup,
        )
        .await;
        api.get(
            "GET /api/v1/surveys/{id}/results",
            &format!("/api/v1/surveys/{id}/results"),
            &sup,
        )
        .await;

        let (staff, _) = common::lawyer_staff(&app).await;
        let s = api
            .call(
                "POST /api/v1/training",
                "/api/v1/training",
                &director,
                Some(json!({ "topic": "接口培训", "kind": "business", "held_on": today, "hours": "2.5" })),
                created,
            )
            .await;
        let tid = s["session"]["id"].clone();
        let s = api
            .call(
                "POST /api/v1/training/{id}/enrolments",
                &format!("/api/v1/training/{tid}/enrolments"),
                &director,
                Some(json!({ "version": s["session"]["version"], "staff_ids": [staff] })),
                ok,
            )
            .await;
        api.call(
            "POST /api/v1/training/{id}/attendance",
            &format!("/api/v1/training/{tid}/attendance"),
            &director,
            Some(json!({ "version": s["session"]["version"], "attended": [staff] })),
            ok,
        )
        .await;
        api.get("GET /api/v1/training", "/api/v1/training", &director)
            .await;
        api.get(
            "GET /api/v1/training/{id}",
            &format!("/api/v1/training/{tid}"),
            &director,
        )
        .await;
        api.get(
            "GET /api/v1/training/hours",
            "/api/v1/training/hours",
            &director,
        )
        .await;
        api.get(
            "GET /api/v1/staff/{id}/training",
            &format!("/api/v1/staff/{staff}/training"),
            &lawyer,
        )
        .await;

        assert!(
            api.errors.is_empty(),
            "{} answers differ from their documented schemas:\n{}",
            api.errors.len(),
            api.errors.join("\n")
        );
    }
);
