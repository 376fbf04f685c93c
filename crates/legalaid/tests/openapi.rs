//! The OpenAPI document as a contract (ADR 0010): fetched as clients fetch it,
//! every operation is tagged, routed behind its sign-in, answers something on
//! success, declares its errors as problem+json, and every reference resolves.
//! The operations whose success body is still an untyped object are listed here
//! by name, so that none is added and the list only shrinks.

mod common;

use reqwest::StatusCode;
use serde_json::Value;

/// Operations whose 2xx body is still declared as a bare object, to be typed
/// (issue 9, B9): the views of applications and cases, their steps, rules and
/// settings, funding and the work queues. This list only shrinks.
const UNTYPED: &[&str] = &[
    "GET /api/v1/applications 200",
    "GET /api/v1/applications/{id} 200",
    "GET /api/v1/applications/{id}/assessment 200",
    "GET /api/v1/cases 200",
    "GET /api/v1/cases/{id} 200",
    "GET /api/v1/cases/{id}/subsidy 200",
    "GET /api/v1/funding/estimate 200",
    "GET /api/v1/message-templates 200",
    "GET /api/v1/rules 200",
    "GET /api/v1/settings 200",
    "GET /api/v1/subsidies/totals 200",
    "GET /api/v1/subsidy-schedule 200",
    "GET /api/v1/work-queue 200",
    "GET /api/v1/work-queue/region 200",
    "POST /api/v1/applications 201",
    "POST /api/v1/applications/{id}/case 201",
    "POST /api/v1/applications/{id}/decision 200",
    "POST /api/v1/applications/{id}/objection 201",
    "POST /api/v1/applications/{id}/pre-emptive-grant 200",
    "POST /api/v1/applications/{id}/proposal 200",
    "POST /api/v1/applications/{id}/supplement-received 200",
    "POST /api/v1/applications/{id}/supplement-request 200",
    "POST /api/v1/applications/{id}/verification 200",
    "POST /api/v1/applications/{id}/withdrawal 200",
    "POST /api/v1/calendar/years 201",
    "POST /api/v1/cases/{id}/agreement 200",
    "POST /api/v1/cases/{id}/assignment 200",
    "POST /api/v1/cases/{id}/closure 200",
    "POST /api/v1/cases/{id}/closure-review 200",
    "POST /api/v1/cases/{id}/grade 200",
    "POST /api/v1/cases/{id}/next-stage 201",
    "POST /api/v1/cases/{id}/objection 200",
    "POST /api/v1/cases/{id}/progress 201",
    "POST /api/v1/cases/{id}/replacements 201",
    "POST /api/v1/cases/{id}/replacements/{rid}/decision 200",
    "POST /api/v1/cases/{id}/subsidy/payment 200",
    "POST /api/v1/cases/{id}/termination 200",
    "POST /api/v1/rules/exemptions 201",
    "POST /api/v1/rules/hardship-standards 201",
    "POST /api/v1/rules/matters 201",
    "POST /api/v1/rules/{kind}/{code}/end 200",
    "POST /api/v1/subsidy-schedule 201",
    "PUT /api/v1/message-templates/{kind}/{audience}/{channel} 200",
    "PUT /api/v1/persons/{id}/contact 200",
    "PUT /api/v1/rules/deadlines/{code} 200",
    "PUT /api/v1/settings 200",
];

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
    let mut known: Vec<String> = UNTYPED.iter().map(|s| (*s).to_owned()).collect();
    known.sort();
    assert_eq!(
        bare, known,
        "operations whose success body is a bare object (type them, or if one was typed, take it off UNTYPED)"
    );
});
