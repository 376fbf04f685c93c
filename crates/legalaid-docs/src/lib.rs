//! Documents and exports of legalaid.
//!
//! - `pdf`: documents laid out by typst with the server's CJK fonts (text extractable);
//! - `docx`: the same documents as Word files, for staff who finish them by hand;
//! - CSV exports of lists (UTF-8 with a byte order mark so that Excel and WPS read Chinese);
//! - `xlsx`: Excel workbooks of statistics tables (typed number and date cells, Chinese headers).
//!
//! Heavy dependencies live here so that the other crates build and test quickly.

pub mod charts;
pub mod docx;
pub mod pdf;
pub mod sheet;
pub mod xlsx;

use legalaid_domain::audit::AuditEntry;

#[derive(Debug, thiserror::Error)]
#[error("export failed: {0}")]
pub struct ExportError(String);

/// A CSV file with a header row, as bytes ready to download.
pub fn csv<R: IntoIterator<Item = Vec<String>>>(
    header: &[&str],
    rows: R,
) -> Result<Vec<u8>, ExportError> {
    let mut out = csv_header(header)?;
    out.extend(csv_rows(rows)?);
    Ok(out)
}

/// The start of a CSV file sent in parts: the byte order mark and the header row.
pub fn csv_header(header: &[&str]) -> Result<Vec<u8>, ExportError> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(header)
            .map_err(|e| ExportError(e.to_string()))?;
        w.flush().map_err(|e| ExportError(e.to_string()))?;
    }
    Ok(out)
}

/// Rows of a CSV file sent in parts (after [`csv_header`]).
pub fn csv_rows<R: IntoIterator<Item = Vec<String>>>(rows: R) -> Result<Vec<u8>, ExportError> {
    let mut out = Vec::new();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        for r in rows {
            w.write_record(r.iter().map(|c| neutralise_formula(c)))
                .map_err(|e| ExportError(e.to_string()))?;
        }
        w.flush().map_err(|e| ExportError(e.to_string()))?;
    }
    Ok(out)
}

/// Spreadsheet programs run cells that start with `=`, `+`, `-` or `@` as formulas
/// (CSV injection); such cells are prefixed with an apostrophe.
fn neutralise_formula(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

/// The columns of the audit trail as CSV.
pub const AUDIT_HEADER: [&str; 11] = [
    "序号",
    "时间",
    "操作人",
    "操作",
    "对象类型",
    "对象编号",
    "请求编号",
    "来源地址",
    "变更前",
    "变更后",
    "哈希",
];

/// One entry of the audit trail as a CSV row (under [`AUDIT_HEADER`]).
pub fn audit_row(e: &AuditEntry) -> Vec<String> {
    vec![
        e.seq.to_string(),
        e.at.to_rfc3339(),
        e.actor_username.clone(),
        e.action.clone(),
        e.entity_type.clone(),
        e.entity_id.clone(),
        e.request_id.clone(),
        e.ip.clone(),
        e.before.clone().unwrap_or_default(),
        e.after.clone().unwrap_or_default(),
        e.hash.clone(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_has_bom_header_and_quotes() {
        let out = csv(
            &["名称", "备注"],
            vec![vec!["叶集区法律援助中心".into(), "含,逗号".into()]],
        )
        .expect("csv");
        let text = String::from_utf8(out).expect("utf8");
        assert!(text.starts_with('\u{feff}'));
        assert_eq!(
            text.trim_start_matches('\u{feff}'),
            "名称,备注\n叶集区法律援助中心,\"含,逗号\"\n"
        );
    }

    #[test]
    fn a_file_sent_in_parts_is_the_same_file() {
        let rows = || {
            vec![
                vec!["甲".into(), "1".into()],
                vec!["乙".into(), "=2".into()],
            ]
        };
        let whole = csv(&["名", "数"], rows()).expect("csv");
        let mut parts = csv_header(&["名", "数"]).expect("header");
        for r in rows() {
            parts.extend(csv_rows([r]).expect("rows"));
        }
        assert_eq!(parts, whole);
    }

    #[test]
    fn formulas_are_neutralised() {
        let out = csv(
            &["a"],
            vec![vec!["=HYPERLINK(\"x\")".into()], vec!["-1".into()]],
        )
        .expect("csv");
        let text = String::from_utf8(out).expect("utf8");
        assert!(text.contains("'=HYPERLINK"));
        assert!(text.contains("'-1"));
    }
}
