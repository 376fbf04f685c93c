//! The MoJ statistical report forms (issue 12 §6, ADR 0028): generated for a
//! statistical period from the cases and denials, every check rule run, a
//! broken figure named with its unit, the workbook opened by LibreOffice with
//! the expected figures; the denial reason code on the decision; who may look.

mod common;

use chrono::Datelike;
use common::{TestApp, granted_wage_claim, resident_id};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn today(app: &TestApp) -> chrono::NaiveDate {
    legalaid_domain::local_date(legalaid_app::Clock::now(app.clock.as_ref()))
}

async fn person(app: &TestApp, id17: &str) -> i64 {
    let clerk = app.token("clerk").await;
    let (s, p) = app
        .post_json(
            "/api/v1/persons",
            Some(&clerk),
            &json!({ "name": "报表测试", "id_type": "resident_id", "id_number": resident_id(id17),
                     "phone": "13955509002", "groups": ["migrant_worker", "farmer"] }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    p["id"].as_i64().expect("id")
}

async fn new_case(app: &TestApp, id17: &str) -> Value {
    let a = granted_wage_claim(app, person(app, id17).await, "某建筑公司").await;
    let director = app.token("director").await;
    let (s, c) = app
        .post_json(
            &format!("/api/v1/applications/{a}/case"),
            Some(&director),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    c
}

/// An application taken in and not decided.
async fn pending(app: &TestApp, id17: &str) -> Value {
    let clerk = app.token("clerk").await;
    let (s, a) = app
        .post_json(
            "/api/v1/applications",
            Some(&clerk),
            &json!({
                "applicant_id": person(app, id17).await, "channel": "walk_in",
                "received_at": common::now_rfc3339(app),
                "matter_code": "labor_remuneration", "service_form": "labor_arbitration",
                "procedural_role": "applicant", "opposing_party": "某公司",
                "summary": "被拖欠工资。",
                "exemption_code": "migrant_worker_wage_or_injury", "exemption_proof_provided": true
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    a
}

fn form<'a>(set: &'a Value, code: &str) -> &'a Value {
    set["forms"]
        .as_array()
        .expect("forms")
        .iter()
        .find(|f| f["code"] == code)
        .unwrap_or_else(|| {
            panic!(
                "form {code} in {}",
                set["forms"].as_array().map_or(0, Vec::len)
            )
        })
}

/// A total cell (columns from 1).
fn total(set: &Value, code: &str, column: usize) -> i64 {
    form(set, code)["total"]["cells"][column - 1]
        .as_i64()
        .expect("a cell")
}

fn failing(set: &Value) -> Vec<String> {
    set["forms"]
        .as_array()
        .expect("forms")
        .iter()
        .flat_map(|f| f["checks"].as_array().expect("checks").clone())
        .filter(|c| c["holds"] == false)
        .map(|c| c["rule"].as_str().expect("rule").to_owned())
        .collect()
}

/// Each sheet of the workbook as LibreOffice reads it (`soffice --headless
/// --convert-to csv`, every sheet), by sheet name.
fn soffice_sheets(bytes: &[u8]) -> Vec<(String, Vec<Vec<String>>)> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("forms.xlsx");
    std::fs::write(&path, bytes).expect("write");
    let convert = |attempt: u32| {
        std::process::Command::new("soffice")
            .arg(format!(
                "-env:UserInstallation=file://{}/profile{attempt}",
                dir.path().display()
            ))
            .args([
                "--headless",
                "--convert-to",
                // Comma-separated, quoted, UTF-8 (76), cells as shown, every sheet
                // (-1) to its own file.
                "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1",
                "--outdir",
            ])
            .arg(dir.path())
            .arg(&path)
            .output()
            .expect("soffice (libreoffice-calc-nogui, installed by scripts/install-test-deps.sh)")
    };
    // LibreOffice now and then dies while it first sets up a new profile
    // ("Unspecified Application Error" under load); a fresh profile is tried
    // twice more before the workbook is blamed.
    let mut out = convert(0);
    for attempt in 1..3 {
        if out.status.success() {
            break;
        }
        out = convert(attempt);
    }
    assert!(out.status.success(), "{out:?}");
    let mut sheets = Vec::new();
    for e in std::fs::read_dir(dir.path()).expect("dir") {
        let p = e.expect("entry").path();
        let name = p.file_name().expect("name").to_string_lossy().into_owned();
        let Some(sheet) = name
            .strip_prefix("forms-")
            .and_then(|n| n.strip_suffix(".csv"))
        else {
            continue;
        };
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_path(&p)
            .expect("csv");
        let rows = r
            .records()
            .map(|x| x.expect("row").iter().map(str::to_owned).collect())
            .collect();
        sheets.push((sheet.to_owned(), rows));
    }
    assert!(!sheets.is_empty(), "no sheet converted: {out:?}");
    sheets
}

both!(report_forms_count_check_and_export, |app| {
    let supervisor = app.token("supervisor").await;
    let forms = |q: String| {
        let app = &app;
        let token = supervisor.clone();
        async move {
            app.get_json(
                &format!("/api/v1/supervision/report-forms?{q}"),
                Some(&token),
            )
            .await
        }
    };
    let (s, before) = forms(String::new()).await;
    assert_eq!(s, StatusCode::OK, "{before}");
    assert_eq!(before["forms"].as_array().map(Vec::len), Some(14));
    assert_eq!(before["period"]["kind"], "year");
    assert_eq!(before["period"]["year"], today(&app).year());
    assert_eq!(failing(&before), Vec::<String>::new(), "{before}");

    // Two wage claims of migrant workers (farmers) become cases; a third is
    // denied as not in hardship; a fourth denied without a code takes the
    // assessment's (an exempt migrant worker's wage claim is in scope and
    // eligible: 其他).
    let c1 = new_case(&app, "34150419800101505").await;
    new_case(&app, "34150419800101606").await;
    let director = app.token("director").await;
    let deny = |a: Value, code: Option<&'static str>| {
        let app = &app;
        let director = director.clone();
        async move {
            let mut body = json!({ "outcome": "denied", "reason": "经审查不符合条件。", "version": a["version"] });
            if let Some(c) = code {
                body["denial_reason"] = json!(c);
            }
            app.post_json(
                &format!("/api/v1/applications/{}/decision", a["id"]),
                Some(&director),
                &body,
            )
            .await
        }
    };
    let a3 = pending(&app, "34150419800101707").await;
    // Refused: a code with a grant, an unknown code; a proposal does not take one.
    let (s, e) = app
        .post_json(
            &format!("/api/v1/applications/{}/decision", a3["id"]),
            Some(&director),
            &json!({ "outcome": "granted", "reason": "", "denial_reason": "other", "version": a3["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, e) = deny(a3.clone(), Some("too_rich")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, e) = app
        .post_json(
            &format!("/api/v1/applications/{}/proposal", a3["id"]),
            Some(&director),
            &json!({ "outcome": "denied", "reason": "不符合", "denial_reason": "other", "version": a3["version"] }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, d) = deny(a3, Some("not_hardship")).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["denial_reason"], "not_hardship");
    let (s, d) = deny(pending(&app, "34150419800101808").await, None).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["denial_reason"], "other", "{d}");

    // Two consultations at the office: a visit by a woman about wages, a
    // 12348 call about a theft.
    let clerk = app.token("clerk").await;
    for (channel, topic, groups) in [
        ("visit", "wages", json!(["woman"])),
        ("hotline_12348", "theft", json!([])),
    ] {
        let (s, v) = app
            .post_json(
                "/api/v1/consultations",
                Some(&clerk),
                &json!({ "channel": channel, "topic": topic, "groups": groups,
                         "question": "怎么办？", "answer": "依法解答。" }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }

    let (_, after) = forms(String::new()).await;
    assert_eq!(failing(&after), Vec::<String>::new(), "{after}");
    let grew = |code: &str, col: usize| total(&after, code, col) - total(&before, code, col);
    // 表六: 申请 4, 批准 2 (请求支付劳动报酬 2, 涉及农民工 2), 未批准 2 (经济困难 1, 其他 1), 未结 2.
    assert_eq!(
        [1, 2, 9, 10, 21, 23, 24, 47, 27, 28].map(|c| grew("t6", c)),
        [4, 2, 2, 2, 2, 1, 1, 2, 2, 2]
    );
    // 表八, 表九 and the monthly report count them too.
    assert_eq!([1, 4, 7, 8].map(|c| grew("t8", c)), [2, 2, 2, 2]);
    assert_eq!([1, 3].map(|c| grew("t9", c)), [2, 2]);
    // 表十一 and the monthly report's col 1: the two consultations.
    assert_eq!(
        [1, 2, 3, 12, 13, 16, 17, 22].map(|c| grew("t11", c)),
        [2, 1, 1, 1, 1, 2, 1, 1]
    );
    assert_eq!(grew("monthly", 1), 2);
    // 表十二: the district's five workstations by host (法院, 看守所, 工会, 妇联,
    // and the procuratorate's under 其他).
    assert_eq!(
        [1, 4, 8, 20, 22, 26].map(|c| total(&after, "t12", c)),
        [5, 1, 1, 1, 1, 1]
    );
    // The office's row (a county's lines are its units).
    let office = app.unit_id("叶集区史河街道司法所").await;
    let t6 = form(&after, "t6");
    let row = t6["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["line"] == office)
        .expect("the office's row");
    assert!(row["cells"][1].as_i64() >= Some(2), "{row}");
    // The month's report: a wage claim in labour arbitration is 其他非诉讼类案件.
    let d = today(&app);
    let (s, m) = forms(format!(
        "period=month&year={}&month={}",
        d.year(),
        d.month()
    ))
    .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!(m["period"]["kind"], "month");
    assert!(
        total(&m, "monthly", 2) >= 2 && total(&m, "monthly", 13) >= 2,
        "{m}"
    );

    // A broken figure: a non-litigation case closed with an ending the civil
    // table has no column for (代拟法律文书) is named, with its unit, on the API, the page and the workbook.
    app.raw_sql(&format!(
        "UPDATE cases SET closure_submitted_at = created_at, outcome = 'document_drafted' WHERE id = {}",
        c1["id"]
    ))
    .await
    .expect("sql");
    let (_, broken) = forms(String::new()).await;
    // (It has no handler either, as no closure through the application could
    // leave it: 表十 misses it, and the cross-table rule says so.)
    assert_eq!(
        failing(&broken),
        ["44 = 40+41+42+43", "十6+十12+十17+十22+十27 = 八2"],
        "{broken}"
    );
    assert_eq!(broken["passed"], false);
    let check = form(&broken, "t6")["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["holds"] == false)
        .cloned()
        .expect("the failing check");
    let lines: Vec<&Value> = check["failures"]
        .as_array()
        .expect("failures")
        .iter()
        .map(|f| &f["line"])
        .collect();
    assert_eq!(lines, [&Value::Null, &json!(office)], "{check}");

    let b = app.browser("supervisor").await;
    let (s, html) = b
        .get(&format!("/supervision/report-forms?line={office}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{html}");
    for want in [
        "校验结果",
        "2条校验未通过",
        "统计报表八（表间关系）十6+十12+十17+十22+十27 = 八2不成立",
        "统计报表六（表内关系）44 = 40+41+42+43不成立",
        "叶集区史河街道司法所：",
        "统计报表五：刑事法律援助案件情况",
        "请求支付劳动报酬",
    ] {
        assert!(html.contains(want), "{want}: {html}");
    }
    let (s, _) = b
        .get("/supervision/report-forms?period=month&year=2026&month=13")
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    // The workbook, as LibreOffice reads it: a sheet per form in its layout
    // (title, header groups, labels, numbers 1…n, 合计 first, the office's
    // row), and the checks naming the broken figure.
    let res = b
        .client
        .get(format!("{}/supervision/report-forms.xlsx", app.base))
        .send()
        .await
        .expect("xlsx");
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.expect("bytes");
    let sheets = soffice_sheets(&bytes);
    let sheet = |name: &str| {
        sheets
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, rows)| rows.clone())
            .unwrap_or_else(|| {
                panic!(
                    "sheet {name}: {:?}",
                    sheets.iter().map(|s| &s.0).collect::<Vec<_>>()
                )
            })
    };
    let t6 = sheet("统计报表六");
    assert_eq!(t6[0][0], "统计报表六：民事法律援助案件情况");
    assert_eq!(t6[2][2], "批准情况", "{t6:?}");
    assert_eq!(t6[3][9], "请求支付劳动报酬", "{t6:?}");
    assert_eq!(t6[4][1], "1");
    assert_eq!(t6[4][47], "47");
    assert_eq!(t6[5][0], "合计");
    let cell = |row: &Vec<String>, col: usize| row[col].parse::<i64>().expect("a number");
    assert_eq!(cell(&t6[5], 2), total(&broken, "t6", 2), "{:?}", t6[5]);
    assert_eq!(cell(&t6[5], 47), total(&broken, "t6", 47));
    let office_row = t6
        .iter()
        .find(|r| r[0] == "叶集区史河街道司法所")
        .expect("the office's row");
    assert!(cell(office_row, 2) >= 2, "{office_row:?}");
    // Money in 万元 with four decimals.
    assert_eq!(t6[5][45], "0.0000", "{:?}", t6[5]);
    let checks = sheet("校验结果");
    assert!(
        checks
            .iter()
            .any(|r| r.iter().any(|c| c == "44 = 40+41+42+43")
                && r.iter().any(|c| c == "未通过")
                && r.iter().any(|c| c.contains("叶集区史河街道司法所"))),
        "{checks:?}"
    );
    assert!(sheets.iter().any(|(n, _)| n == "月报"));
    assert!(sheets.iter().any(|(n, _)| n == "统计报表四"));

    // Bad asks: 422; another region: 404; a clerk: 403.
    let (s, _) = forms("period=half&year=2026&half=3".into()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, e) = forms(format!("period=year&year={}", d.year() + 2)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, _) = forms("region=3401".into()).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let clerk = app.token("clerk_pinggang").await;
    let (s, _) = app
        .get_json("/api/v1/supervision/report-forms", Some(&clerk))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
});

both!(the_decision_form_records_the_denial_reason, |app| {
    let a = pending(&app, "34150419800101909").await;
    let id = a["id"].as_i64().expect("id");
    let b = app.browser("director").await;
    let path = format!("/applications/{id}/decision");
    let (s, html) = b.get(&path).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(
        html.contains("不予法律援助的原因类别") && html.contains("按系统审查意见（其他原因）"),
        "{html}"
    );
    let csrf = b.csrf(&path).await;
    let version = a["version"].to_string();
    // An unknown code: the form again, nothing changed.
    let (s, html, _) = b
        .post_form(
            &path,
            &[
                ("_csrf", &csrf),
                ("outcome", "denied"),
                ("reason", "申请事项不属于法律援助范围。"),
                ("denial_reason", "nonsense"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    let (s, _, loc) = b
        .post_form(
            &path,
            &[
                ("_csrf", &csrf),
                ("outcome", "denied"),
                ("reason", "申请事项不属于法律援助范围。"),
                ("denial_reason", "out_of_scope"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(loc.as_deref(), Some(format!("/applications/{id}").as_str()));
    let director = app.token("director").await;
    let (_, v) = app
        .get_json(&format!("/api/v1/applications/{id}"), Some(&director))
        .await;
    assert_eq!(v["denial_reason"], "out_of_scope", "{v}");
    let (_, html) = b.get(&format!("/applications/{id}")).await;
    assert!(
        html.contains("不予法律援助的原因类别") && html.contains("不属于法律援助事项范围"),
        "{html}"
    );
});

both!(tables_one_to_four_are_entered_by_the_bureau, |app| {
    let supervisor = app.token("supervisor").await;
    let year = today(&app).year();
    let center = app.unit_id("六安市叶集区法律援助中心").await;
    // A law firm reports none of 表一–四.
    let (_, firm) = common::lawyer_staff(&app).await;
    let put = |body: Value| {
        let app = &app;
        let token = supervisor.clone();
        async move {
            app.put_json(
                "/api/v1/supervision/report-forms/entries",
                Some(&token),
                &body,
            )
            .await
        }
    };
    // 表三 in 万元: 1 = 2+10+11, 2 = 3+4+5+6, 6 = 7+8.
    let (s, e) = put(
        json!({ "year": year, "unit_id": center, "form": "t3", "values": {
        "1": "60.5", "2": "60", "3": "20", "4": "10", "5": "5", "6": "25", "7": "20",
        "8": "5", "9": "1.25", "10": "0.5", "11": "0" } }),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{e}");
    // Refused, nothing changed: a computed column, a bad amount, a count with
    // decimals, a form that is counted, a unit outside the region, a clerk.
    for (body, field) in [
        (
            json!({ "year": year, "unit_id": center, "form": "t4", "values": { "5": "1" } }),
            "c5",
        ),
        (
            json!({ "year": year, "unit_id": center, "form": "t3", "values": { "1": "1.23456" } }),
            "c1",
        ),
        (
            json!({ "year": year, "unit_id": center, "form": "t2", "values": { "1": "2.5" } }),
            "c1",
        ),
        (
            json!({ "year": year, "unit_id": center, "form": "t6", "values": { "1": "1" } }),
            "form",
        ),
        (
            json!({ "year": year, "unit_id": 999999, "form": "t1", "values": { "1": "1" } }),
            "unit_id",
        ),
        (
            json!({ "year": year, "unit_id": firm, "form": "t1", "values": { "1": "1" } }),
            "unit_id",
        ),
    ] {
        let (s, e) = put(body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert!(e.to_string().contains(field), "{field}: {e}");
    }
    let clerk = app.token("clerk").await;
    let (s, _) = app
        .put_json(
            "/api/v1/supervision/report-forms/entries",
            Some(&clerk),
            &json!({ "year": year, "unit_id": center, "form": "t1", "values": { "1": "1" } }),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, entries) = app
        .get_json(
            &format!("/api/v1/supervision/report-forms/entries?year={year}&unit_id={center}"),
            Some(&supervisor),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{entries}");
    assert_eq!(entries.as_array().map(Vec::len), Some(11), "{entries}");
    let (_, set) = app
        .get_json(
            &format!("/api/v1/supervision/report-forms?period=year&year={year}"),
            Some(&supervisor),
        )
        .await;
    assert_eq!(total(&set, "t3", 1), 60_500_000, "60.5万元 in fen");
    assert_eq!(total(&set, "t3", 9), 1_250_000);
    assert_eq!(failing(&set), Vec::<String>::new());
    // A figure that breaks 6 = 7+8 is named with the center.
    let (s, _) =
        put(json!({ "year": year, "unit_id": center, "form": "t3", "values": { "8": "6" } })).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, set) = app
        .get_json(
            &format!("/api/v1/supervision/report-forms?period=year&year={year}"),
            Some(&supervisor),
        )
        .await;
    assert_eq!(failing(&set), ["6 = 7+8"]);
    // A month's set has no 表一–表四.
    let (_, m) = app
        .get_json(
            &format!("/api/v1/supervision/report-forms?period=month&year={year}&month=1"),
            Some(&supervisor),
        )
        .await;
    assert!(
        m["forms"]
            .as_array()
            .expect("forms")
            .iter()
            .all(|f| f["code"] != "t3")
    );

    // The page: the center's 表二, saved, on to 表三; a bad figure shown again.
    let b = app.browser("supervisor").await;
    let path = format!("/supervision/report-forms/entries?year={year}&unit={center}&form=t2");
    let (s, html) = b.get(&path).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(html.contains("录入统计报表二：法律援助人员情况"), "{html}");
    let csrf = b.csrf(&path).await;
    let (year_s, center_s) = (year.to_string(), center.to_string());
    let (s, html, _) = b
        .post_form(
            "/supervision/report-forms/entries",
            &[
                ("_csrf", &csrf),
                ("year", &year_s),
                ("unit_id", &center_s),
                ("form", "t2"),
                ("c1", "x"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("应为0至1000000000之间的整数"), "{html}");
    let (s, _, loc) = b
        .post_form(
            "/supervision/report-forms/entries",
            &[
                ("_csrf", &csrf),
                ("year", &year_s),
                ("unit_id", &center_s),
                ("form", "t2"),
                ("c1", "12"),
                ("c3", "4"),
                ("c9", "8"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(
        loc.as_deref(),
        Some(
            format!("/supervision/report-forms/entries?year={year}&unit={center}&form=t3").as_str()
        )
    );
    let (_, html) = b
        .get(&format!(
            "/supervision/report-forms/entries?year={year}&unit={center}&form=t2"
        ))
        .await;
    assert!(html.contains("value=\"12\""), "{html}");
});

both!(
    a_city_has_a_line_per_county_and_one_for_its_own_level,
    |app| {
        let admin = app.token("admin").await;
        let (s, region) = app
            .post_json(
                "/api/v1/regions",
                Some(&admin),
                &json!({ "code": "341502", "name": "金安区" }),
            )
            .await;
        assert!(
            s.is_success() || region["errors"][0]["field"] == "code",
            "{region}"
        );
        for (name, kind, code) in [
            ("六安市法律援助中心", "legal_aid_center", "3415"),
            ("金安区法律援助中心", "legal_aid_center", "341502"),
        ] {
            let (s, u) = app
                .post_json(
                    "/api/v1/units",
                    Some(&admin),
                    &json!({ "name": name, "kind": kind, "region_code": code }),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{u}");
        }
        // A case at the district, so the city's total is not empty.
        new_case(&app, "34150419800102006").await;
        let (s, set) = app
            .get_json("/api/v1/supervision/report-forms?region=3415", Some(&admin))
            .await;
        assert_eq!(s, StatusCode::OK, "{set}");
        let names: Vec<&str> = set["lines"]
            .as_array()
            .expect("lines")
            .iter()
            .filter_map(|l| l["name"].as_str())
            .collect();
        for want in ["叶集区", "金安区", "六安市本级"] {
            assert!(names.contains(&want), "{want}: {names:?}");
        }
        assert_eq!(failing(&set), Vec::<String>::new());
        // Every form's rows add up to its total (no unit left out).
        for f in set["forms"].as_array().expect("forms") {
            let width = f["total"]["cells"].as_array().expect("cells").len();
            for c in 0..width {
                let sum: i64 = f["rows"]
                    .as_array()
                    .expect("rows")
                    .iter()
                    .map(|r| r["cells"][c].as_i64().unwrap_or(0))
                    .sum();
                assert_eq!(
                    sum,
                    f["total"]["cells"][c].as_i64().unwrap_or(0),
                    "{} col {}",
                    f["code"],
                    c + 1
                );
            }
        }
        assert!(total(&set, "t8", 1) >= 1);
    }
);

both!(the_statistical_calendar_is_a_setting, |app| {
    let admin = app.token("admin").await;
    let (s, st) = app.get_json("/api/v1/settings", Some(&admin)).await;
    assert_eq!(s, StatusCode::OK, "{st}");
    assert_eq!(st["report_cutoff_day"], "");
    assert_eq!(st["report_year_end_month"], "12");
    let put = |body: Value| {
        let app = &app;
        let admin = admin.clone();
        async move { app.put_json("/api/v1/settings", Some(&admin), &body).await }
    };
    let base = json!({ "application_number_format": st["application_number_format"],
                       "review_steps": st["review_steps"] });
    let with = |k: &str, v: &str| {
        let mut b = base.clone();
        b[k] = json!(v);
        b
    };
    let (s, _) = put(with("report_cutoff_day", "31")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = put(with("report_year_end_month", "0")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let mut b = with("report_cutoff_day", "20");
    b["report_year_end_month"] = json!("11");
    let (s, st) = put(b).await;
    assert_eq!(s, StatusCode::OK, "{st}");
    // The year now runs from the previous 21 November to 20 November.
    let supervisor = app.token("supervisor").await;
    let (s, set) = app
        .get_json(
            "/api/v1/supervision/report-forms?period=year&year=2025",
            Some(&supervisor),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{set}");
    assert_eq!(set["from"], "2024-11-21");
    assert_eq!(set["to"], "2025-11-20");
    assert_eq!(set["calendar"]["cutoff_day"], 20);
});

both!(
    a_timestamp_kept_in_another_text_form_is_counted_once,
    |app| {
        // SQLite keeps instants as text; a row written by another program
        // (an import, a script) may use "…Z" where this program writes
        // "…+00:00", and such a key compares past itself. The newest case
        // rewritten so: the forms and the statistics still end, and count it
        // once. (PostgreSQL keeps timestamptz: nothing to rewrite there.)
        let c = new_case(&app, "34150419800103007").await;
        let supervisor = app.token("supervisor").await;
        let read = || async {
            let forms = tokio::time::timeout(
                std::time::Duration::from_secs(60),
                app.get_json("/api/v1/supervision/report-forms", Some(&supervisor)),
            )
            .await
            .expect("the report forms end");
            let stats = tokio::time::timeout(
                std::time::Duration::from_secs(60),
                app.get_json("/api/v1/supervision/statistics", Some(&supervisor)),
            )
            .await
            .expect("the statistics end");
            assert_eq!(forms.0, StatusCode::OK, "{}", forms.1);
            assert_eq!(stats.0, StatusCode::OK, "{}", stats.1);
            (
                form(&forms.1, "t8")["total"].clone(),
                stats.1["total"].clone(),
            )
        };
        let before = read().await;
        if app.kind == common::Kind::Sqlite {
            app.raw_sql(&format!(
                "UPDATE cases SET created_at = strftime('%Y-%m-%dT%H:%M:%SZ', created_at) WHERE id = {}",
                c["id"]
            ))
            .await
            .expect("rewrite");
        }
        assert_eq!(read().await, before);
    }
);
