//! Finishing touches on the generated OpenAPI document: the bearer scheme, and
//! the errors every operation can answer, so that a client (or a fuzzer) finds
//! each status it may receive documented, with its `application/problem+json` body.

use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, OpenApi, Ref, RefOr, Response, ResponseBuilder};

/// The OpenAPI document as served: what utoipa generates from the handlers
/// and types, with the rule on text added to every request schema (a JSON edit,
/// since utoipa's model has no `propertyNames`).
pub fn document() -> serde_json::Value {
    use utoipa::OpenApi as _;
    let mut api = super::ApiDoc::openapi();
    // Surveys and training (issue 11): their own part, merged.
    api.merge(super::surveys::OutreachDoc::openapi());
    // Supervision (issue 12).
    api.merge(super::supervision::SupervisionDoc::openapi());
    api.merge(super::report_forms::ReportFormsDoc::openapi());
    api.merge(super::supervision_targets::TargetsDoc::openapi());
    // Search (issue 13).
    api.merge(super::search::SearchDoc::openapi());
    api.merge(super::person_merges::PersonMergesDoc::openapi());
    api.merge(super::imports::ImportsDoc::openapi());
    let mut doc = serde_json::to_value(api).unwrap_or_default();
    text_rule::apply(&mut doc);
    doc
}

pub struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The media type of every error body (RFC 9457).
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Adds to each operation the error statuses it can answer whatever its handler
/// says: the extractors, the sign-in check and the database are shared by all.
/// A status an operation already lists keeps its description. Every 4xx and 5xx
/// body is declared as `application/problem+json`, which is what is sent.
pub struct ErrorResponses;

impl utoipa::Modify for ErrorResponses {
    fn modify(&self, openapi: &mut OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let has_path_params = path.contains('{');
            let ops = [
                (false, item.get.as_mut()),
                (true, item.post.as_mut()),
                (true, item.put.as_mut()),
                (true, item.delete.as_mut()),
                (true, item.patch.as_mut()),
            ];
            for (write, op) in ops {
                if let Some(op) = op {
                    complete(op, write, has_path_params);
                }
            }
        }
    }
}

/// Record ids in paths are positive: every integer path parameter says so.
fn positive_path_ids(op: &mut Operation) {
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::schema::{Schema, SchemaType, Type};
    for p in op.parameters.iter_mut().flatten() {
        let RefOr::T(p) = p else { continue };
        if !matches!(p.parameter_in, ParameterIn::Path) {
            continue;
        }
        if let Some(RefOr::T(Schema::Object(o))) = p.schema.as_mut()
            && o.schema_type == SchemaType::Type(Type::Integer)
            && o.minimum.is_none()
        {
            o.minimum = Some(utoipa::Number::Int(1));
        }
    }
}

fn complete(op: &mut Operation, write: bool, has_path_params: bool) {
    positive_path_ids(op);
    let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
    let mut statuses = vec![
        ("400", "请求格式错误：JSON 或查询参数无法解析"),
        ("422", "输入有误：errors 逐项列出字段与原因"),
        (
            "503",
            "服务暂时不可用（数据库不可用或正忙），可按 Retry-After 重试",
        ),
    ];
    if secured {
        statuses.push(("401", "未登录或登录已失效"));
        statuses.push(("403", "无权操作：角色或所属单位不允许"));
    }
    if has_path_params {
        statuses.push(("404", "记录不存在，或调用者无权看到它"));
    }
    if write {
        statuses.push((
            "409",
            "操作冲突：记录已被他人修改、状态不允许，或与已有记录重复",
        ));
        statuses.push(("413", "提交的内容过大"));
    }
    for (status, description) in statuses {
        op.responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| RefOr::T(problem(description)));
    }
    for (status, response) in op.responses.responses.iter_mut() {
        if !(status.starts_with('4') || status.starts_with('5')) {
            continue;
        }
        if let RefOr::T(r) = response {
            let json = r.content.shift_remove("application/json");
            if !r.content.contains_key(PROBLEM_JSON) {
                r.content.insert(
                    PROBLEM_JSON.to_owned(),
                    json.unwrap_or_else(problem_content),
                );
            }
        }
    }
}

fn problem_content() -> RefOr<Content> {
    RefOr::T(Content::new(Some(Ref::from_schema_name("Problem"))))
}

fn problem(description: &str) -> Response {
    let mut r = ResponseBuilder::new().description(description).build();
    r.content.insert(PROBLEM_JSON.to_owned(), problem_content());
    r
}

/// Text in requests may hold tab and line breaks but no other control character
/// (crate::input refuses them with 422, on both databases): every string a
/// request carries, and every property name, says so in a pattern.
mod text_rule {
    use serde_json::{Map, Value};
    use std::collections::BTreeSet;

    /// No control character (Unicode Cc: C0, DEL, C1) other than tab, line feed and
    /// carriage return: `legalaid_domain::validation::is_storable_text`.
    pub const TEXT: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";
    /// The same, with at least one character that is neither space nor control.
    const NON_BLANK: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\u0000-\\u0020\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";

    pub fn apply(doc: &mut Value) {
        // The component schemas requests use, directly or through other schemas.
        let mut names = BTreeSet::new();
        if let Some(paths) = doc.get("paths") {
            collect_refs(paths, &mut names, true);
        }
        let mut todo: Vec<String> = names.iter().cloned().collect();
        while let Some(n) = todo.pop() {
            let mut found = BTreeSet::new();
            if let Some(s) = doc.pointer(&format!("/components/schemas/{n}")) {
                collect_refs(s, &mut found, false);
            }
            for f in found {
                if names.insert(f.clone()) {
                    todo.push(f);
                }
            }
        }
        for n in &names {
            if let Some(s) = doc.pointer_mut(&format!("/components/schemas/{n}")) {
                constrain(s);
            }
        }
        if let Some(Value::Object(paths)) = doc.get_mut("paths") {
            for item in paths.values_mut() {
                let Value::Object(item) = item else { continue };
                for op in item.values_mut() {
                    if let Some(body) = op.pointer_mut("/requestBody/content") {
                        constrain(body);
                    }
                    if let Some(Value::Array(params)) = op.get_mut("parameters") {
                        for p in params {
                            if let Some(s) = p.get_mut("schema") {
                                constrain(s);
                            }
                        }
                    }
                }
            }
        }
    }

    /// `$ref` targets under `v`; at the top, only those under request bodies.
    fn collect_refs(v: &Value, out: &mut BTreeSet<String>, requests_only: bool) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref")
                    && let Some(n) = r.strip_prefix("#/components/schemas/")
                {
                    out.insert(n.to_owned());
                }
                for (k, v) in m {
                    if requests_only && k == "responses" {
                        continue;
                    }
                    collect_refs(v, out, requests_only);
                }
            }
            Value::Array(a) => a.iter().for_each(|v| collect_refs(v, out, requests_only)),
            _ => {}
        }
    }

    fn is_string(m: &Map<String, Value>) -> bool {
        match m.get("type") {
            Some(Value::String(t)) => t == "string",
            Some(Value::Array(ts)) => ts.iter().any(|t| t == "string"),
            _ => false,
        }
    }

    /// Adds the rule to every free-text string and object below `v`.
    fn constrain(v: &mut Value) {
        match v {
            Value::Object(m) => {
                if is_string(m) && !m.contains_key("enum") && !m.contains_key("format") {
                    match m.get("pattern").and_then(Value::as_str) {
                        None => {
                            m.insert("pattern".into(), TEXT.into());
                        }
                        // "Not blank" from the domain's annotations.
                        Some("\\S") => {
                            m.insert("pattern".into(), NON_BLANK.into());
                        }
                        Some(_) => {}
                    }
                }
                if m.get("type").and_then(Value::as_str) == Some("object")
                    && !m.contains_key("propertyNames")
                {
                    m.insert(
                        "propertyNames".into(),
                        serde_json::json!({ "pattern": TEXT }),
                    );
                }
                for (k, v) in m.iter_mut() {
                    if k != "$ref" {
                        constrain(v);
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(constrain),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::OpenApi as _;

    #[test]
    fn every_operation_lists_its_errors_as_problem_json() {
        let doc = crate::api::ApiDoc::openapi();
        let mut checked = 0;
        for (path, item) in &doc.paths.paths {
            for (method, op) in [
                ("get", &item.get),
                ("post", &item.post),
                ("put", &item.put),
                ("delete", &item.delete),
            ] {
                let Some(op) = op else { continue };
                checked += 1;
                let codes: Vec<&str> = op.responses.responses.keys().map(String::as_str).collect();
                for needed in ["400", "422", "503"] {
                    assert!(
                        codes.contains(&needed),
                        "{method} {path} lacks {needed}: {codes:?}"
                    );
                }
                if path.contains('{') {
                    assert!(codes.contains(&"404"), "{method} {path} lacks 404");
                }
                if method != "get" {
                    assert!(codes.contains(&"413"), "{method} {path} lacks 413");
                }
                for (code, r) in &op.responses.responses {
                    let RefOr::T(r) = r else { continue };
                    if code.starts_with('4') || code.starts_with('5') {
                        assert!(
                            r.content.contains_key(PROBLEM_JSON)
                                && !r.content.contains_key("application/json"),
                            "{method} {path} {code} is not problem+json"
                        );
                    }
                }
            }
        }
        assert!(checked > 80, "only {checked} operations were checked");
    }

    /// utoipa wraps an inlined enum whose field has a doc comment in
    /// `allOf: [{enum…}, {type: object}]`, which no value satisfies: a generator
    /// then cannot make a request at all. Fields of inlined enums carry `//` notes.
    #[test]
    fn no_schema_asks_for_a_string_and_an_object_at_once() {
        fn walk(v: &serde_json::Value, at: &str, bad: &mut Vec<String>) {
            match v {
                serde_json::Value::Object(m) => {
                    if let Some(serde_json::Value::Array(parts)) = m.get("allOf") {
                        let types: Vec<&str> = parts
                            .iter()
                            .filter_map(|p| p.get("type").and_then(|t| t.as_str()))
                            .collect();
                        if types.contains(&"object") && types.iter().any(|t| *t != "object") {
                            bad.push(at.to_owned());
                        }
                    }
                    for (k, v) in m {
                        walk(v, &format!("{at}/{k}"), bad);
                    }
                }
                serde_json::Value::Array(a) => {
                    for (i, v) in a.iter().enumerate() {
                        walk(v, &format!("{at}/{i}"), bad);
                    }
                }
                _ => {}
            }
        }
        let doc = document();
        let mut bad = Vec::new();
        walk(&doc, "", &mut bad);
        assert!(bad.is_empty(), "contradictory allOf at {bad:#?}");
    }

    #[test]
    fn request_text_refuses_control_characters_in_the_schema() {
        let doc = document();
        let name = doc
            .pointer("/components/schemas/PersonInput/properties/address/pattern")
            .and_then(|p| p.as_str());
        assert_eq!(name, Some(text_rule::TEXT), "a free-text field");
        let summary = doc
            .pointer("/components/schemas/ApplicationInput/properties/summary/pattern")
            .and_then(|p| p.as_str())
            .unwrap_or_default();
        assert!(
            summary.contains("u0020"),
            "required text: not blank: {summary}"
        );
        let keys = doc.pointer("/components/schemas/RegionIn/propertyNames/pattern");
        assert_eq!(keys.and_then(|p| p.as_str()), Some(text_rule::TEXT));
        // Query parameters too; response schemas are left as generated.
        let q = doc["paths"]["/api/v1/persons"]["get"]["parameters"]
            .as_array()
            .and_then(|ps| ps.iter().find(|p| p["name"] == "q"))
            .and_then(|p| p.pointer("/schema/pattern"))
            .and_then(|p| p.as_str());
        assert_eq!(q, Some(text_rule::TEXT));
        assert!(
            doc.pointer("/components/schemas/Person/properties/name/pattern")
                .is_none()
        );
    }
}
