//! Reading an uploaded table (CSV or `.xlsx`) into rows of text, for imports.
//! The first sheet of a workbook is read; dates become `YYYY-MM-DD` (and
//! `YYYY-MM-DD HH:MM:SS` when they have a time of day), whole
//! numbers are written without a decimal point (an ID number typed as a number
//! stays its digits).

use calamine::{Data, DataType, Reader, Xlsx, open_workbook_from_rs};
use std::io::Cursor;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SheetError {
    #[error("只能导入 CSV（UTF-8 编码）或 Excel（.xlsx）文件")]
    Kind,
    #[error("CSV 文件不是 UTF-8 编码：请在 Excel 中“另存为 CSV UTF-8”，或直接上传 .xlsx")]
    Encoding,
    #[error("文件无法读取：{0}")]
    Unreadable(String),
    #[error("文件中没有表头行")]
    Empty,
}

/// The rows of `bytes` (the first is the header), by the file's name.
pub fn read(filename: &str, bytes: &[u8]) -> Result<Vec<Vec<String>>, SheetError> {
    let lower = filename.to_ascii_lowercase();
    let rows = if lower.ends_with(".csv") {
        read_csv(bytes)?
    } else if lower.ends_with(".xlsx") {
        read_xlsx(bytes)?
    } else {
        return Err(SheetError::Kind);
    };
    // Trailing blank rows (left by spreadsheet programs) are not rows.
    let mut rows = rows;
    while rows
        .last()
        .is_some_and(|r| r.iter().all(|c| c.trim().is_empty()))
    {
        rows.pop();
    }
    if rows.is_empty() {
        return Err(SheetError::Empty);
    }
    Ok(rows)
}

fn read_csv(bytes: &[u8]) -> Result<Vec<Vec<String>>, SheetError> {
    let text = std::str::from_utf8(bytes).map_err(|_| SheetError::Encoding)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    r.records()
        .map(|rec| {
            rec.map(|x| x.iter().map(str::to_owned).collect())
                .map_err(|e| SheetError::Unreadable(e.to_string()))
        })
        .collect()
}

fn cell(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(_) | Data::DateTimeIso(_) => d.as_datetime().map_or_else(
            || d.to_string(),
            |x| {
                if x.time() == chrono::NaiveTime::MIN {
                    x.format("%Y-%m-%d").to_string()
                } else {
                    x.format("%Y-%m-%d %H:%M:%S").to_string()
                }
            },
        ),
        other => other.to_string(),
    }
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<String>>, SheetError> {
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| SheetError::Unreadable(e.to_string()))?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or(SheetError::Empty)?
        .map_err(|e| SheetError::Unreadable(e.to_string()))?;
    Ok(range.rows().map(|r| r.iter().map(cell).collect()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_a_byte_order_mark_and_trailing_blank_rows() {
        let rows = read(
            "a.CSV",
            "\u{feff}姓名,证件号码\n张三,\"110105194912310021\"\n,\n".as_bytes(),
        )
        .unwrap_or_default();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0][0], "姓名");
        assert_eq!(rows[1][1], "110105194912310021");
        assert_eq!(read("a.csv", &[0xd5, 0xc5]), Err(SheetError::Encoding));
        assert_eq!(read("a.txt", b"x"), Err(SheetError::Kind));
        assert_eq!(read("a.csv", b"\n\n"), Err(SheetError::Empty));
    }

    #[test]
    fn xlsx_cells_become_text() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        let ok = ws.write_string(0, 0, "姓名").is_ok()
            && ws.write_string(0, 1, "出生日期").is_ok()
            && ws.write_string(0, 2, "电话").is_ok()
            && ws.write_string(1, 0, "李四").is_ok()
            && ws
                .write_date_with_format(
                    1,
                    1,
                    rust_xlsxwriter::ExcelDateTime::from_ymd(1980, 5, 5).unwrap_or_default(),
                    &date,
                )
                .is_ok()
            && ws.write_number(1, 2, 13912345678.0).is_ok()
            && ws
                .write_datetime_with_format(
                    1,
                    3,
                    rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 3, 5)
                        .and_then(|d| d.and_hms(9, 30, 0))
                        .unwrap_or_default(),
                    &rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd hh:mm"),
                )
                .is_ok();
        assert!(ok);
        let bytes = wb.save_to_buffer().unwrap_or_default();
        let rows = read("t.xlsx", &bytes).unwrap_or_default();
        assert_eq!(
            rows[1],
            vec!["李四", "1980-05-05", "13912345678", "2026-03-05 09:30:00"]
        );
        assert!(matches!(
            read("t.xlsx", b"not a zip"),
            Err(SheetError::Unreadable(_))
        ));
    }
}
