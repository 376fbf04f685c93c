//! Documents and exports of legalaid.
//!
//! - `pdf`: documents laid out by typst with the server's CJK fonts (text extractable);
//! - `docx`: the same documents as Word files, for staff who finish them by hand;
//! - CSV exports of lists (UTF-8 with a byte order mark so that Excel and WPS read Chinese).
//!
//! Heavy dependencies live here so that the other crates build and test quickly.

pub mod docx;
pub mod pdf;

use legalaid_domain::audit::AuditEntry;

#[derive(Debug, thiserror::Error)]
#[error("export failed: {0}")]
pub struct ExportError(String);

/// A CSV file with a header row, as bytes ready to download.
pub fn csv<R: IntoIterator<Item = Vec<String>>>(
    header: &[&str],
    rows: R,
) -> Result<Vec<u8>, ExportError> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(header)
            .map_err(|e| ExportError(e.to_string()))?;
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

/// The audit trail as CSV: one row per entry.
pub fn audit_csv(entries: &[AuditEntry]) -> Result<Vec<u8>, ExportError> {
    let header = [
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
    csv(
        &header,
        entries.iter().map(|e| {
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
        }),
    )
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
