//! Excel workbooks (`.xlsx`) of statistics tables (ADR 0025): one sheet per
//! table with a merged title, Chinese headers, counts as numbers, money as
//! numbers in yuan with two decimals, dates as date cells, and the total row.
//! Built with rust_xlsxwriter in memory.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

/// One cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    /// A count.
    Int(i64),
    /// Money in fen, written in yuan with two decimals.
    Fen(i64),
    /// A number with two decimals (scores, points).
    Decimal(f64),
    /// A percentage in percent (one decimal), or nothing to show.
    Percent(Option<f64>),
    Date(chrono::NaiveDate),
    /// Money in fen, written in 万元 with four decimals (the report forms).
    WanYuan(i64),
}

impl Value {
    /// The value as a CSV field writes it.
    pub fn text(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::Int(n) => n.to_string(),
            Value::Fen(f) => {
                let sign = if *f < 0 { "-" } else { "" };
                format!("{sign}{}.{:02}", f.abs() / 100, f.abs() % 100)
            }
            Value::Decimal(d) => format!("{d:.2}"),
            Value::Percent(p) => p.map_or_else(String::new, |p| format!("{p:.1}%")),
            Value::Date(d) => d.to_string(),
            Value::WanYuan(f) => {
                // To the nearest yuan, as the cell's format shows it.
                let sign = if *f < 0 { "-" } else { "" };
                let yuan = (f.abs() + 50) / 100;
                format!("{sign}{}.{:04}", yuan / 10_000, yuan % 10_000)
            }
        }
    }
}

/// A table: a title, headers, rows and an optional total row.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// The sheet's name (sanitised and cut to 31 characters).
    pub sheet: String,
    pub title: String,
    /// A line under the title (period, region, notes).
    pub subtitle: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Value>>,
    pub total: Option<Vec<Value>>,
}

/// A sheet name Excel accepts: no `[]:*?/\`, at most 31 characters, not empty.
pub fn sheet_name(s: &str) -> String {
    let clean: String = s
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    if clean.trim().is_empty() {
        "Sheet1".into()
    } else {
        clean
    }
}

/// The cell formats both workbooks use: 宋体, bold centred title, bordered
/// wrapped headers, bordered cells, integers and 万元 with four decimals.
struct Formats {
    title: Format,
    plain: Format,
    head: Format,
    cell: Format,
    int: Format,
    wan: Format,
}

impl Formats {
    fn new() -> Formats {
        let font = "宋体";
        let cell = Format::new()
            .set_font_name(font)
            .set_border(FormatBorder::Thin);
        Formats {
            title: Format::new()
                .set_bold()
                .set_font_size(14)
                .set_font_name(font)
                .set_align(FormatAlign::Center),
            plain: Format::new().set_font_name(font),
            head: Format::new()
                .set_bold()
                .set_font_name(font)
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap(),
            int: cell.clone().set_num_format("0"),
            wan: cell.clone().set_num_format("0.0000"),
            cell,
        }
    }
}

/// The workbook of `tables`, one sheet each, as bytes.
pub fn workbook(tables: &[Table]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let Formats {
        title,
        plain,
        head,
        cell,
        int,
        wan,
    } = Formats::new();
    let money = cell.clone().set_num_format("#,##0.00");
    let pct = cell.clone().set_num_format("0.0\"%\"");
    let decimal = cell.clone().set_num_format("0.00");
    let date = cell.clone().set_num_format("yyyy-mm-dd");
    let bold = |f: &Format| f.clone().set_bold();
    let mut used: Vec<String> = Vec::new();
    for t in tables {
        let mut name = sheet_name(&t.sheet);
        let mut n = 2;
        while used.contains(&name) {
            name = sheet_name(&format!(
                "{}{n}",
                t.sheet.chars().take(28).collect::<String>()
            ));
            n += 1;
        }
        used.push(name.clone());
        let ws = wb.add_worksheet();
        ws.set_name(&name)?;
        let cols = u16::try_from(t.headers.len().max(1)).unwrap_or(u16::MAX);
        if cols > 1 {
            ws.merge_range(0, 0, 0, cols - 1, &t.title, &title)?;
        } else {
            ws.write_with_format(0, 0, &t.title, &title)?;
        }
        ws.write_with_format(1, 0, &t.subtitle, &plain)?;
        for (c, h) in t.headers.iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            ws.write_with_format(2, c, h, &head)?;
            ws.set_column_width(c, if c == 0 { 28 } else { 14 })?;
        }
        let rows = t.rows.iter().map(|r| (r, false));
        let total = t.total.iter().map(|r| (r, true));
        for (i, (row, is_total)) in rows.chain(total).enumerate() {
            let r = u32::try_from(i + 3).unwrap_or(u32::MAX);
            for (c, v) in row.iter().enumerate() {
                let c = u16::try_from(c).unwrap_or(u16::MAX);
                let pick = |f: &Format| if is_total { bold(f) } else { f.clone() };
                match v {
                    Value::Text(s) => ws.write_with_format(r, c, s, &pick(&cell))?,
                    Value::Int(n) => ws.write_with_format(r, c, *n as f64, &pick(&int))?,
                    Value::Fen(f) => {
                        ws.write_with_format(r, c, *f as f64 / 100.0, &pick(&money))?
                    }
                    Value::Decimal(d) => ws.write_with_format(r, c, *d, &pick(&decimal))?,
                    Value::Percent(Some(p)) => ws.write_with_format(r, c, *p, &pick(&pct))?,
                    Value::Percent(None) => ws.write_with_format(r, c, "", &pick(&cell))?,
                    Value::Date(d) => ws.write_with_format(r, c, d, &pick(&date))?,
                    Value::WanYuan(f) => {
                        ws.write_with_format(r, c, *f as f64 / 1_000_000.0, &pick(&wan))?
                    }
                };
            }
        }
    }
    wb.save_to_buffer()
}

/// A report form's sheet (the MoJ statistical forms): numbered columns under
/// header groups, a first column naming the reporting line, the total row
/// first, and the signature line under the table.
#[derive(Debug, Clone, Default)]
pub struct FormSheet {
    pub sheet: String,
    pub title: String,
    /// e.g. `填报单位：叶集区　统计期间：2026-01-01至2026-12-05`.
    pub subtitle: String,
    /// The first column's header (`单位` or `地区`).
    pub line_header: String,
    /// (group, label) per column, numbered from 1; an empty group spans both
    /// header rows.
    pub columns: Vec<(String, String)>,
    /// The total row first, then each line: its name and its cells.
    pub rows: Vec<(String, Vec<Value>)>,
    /// Under the table: `填表人：　负责人：　填报日期：…`.
    pub footer: String,
}

/// The workbook of report forms, one sheet each in the forms' layout, and
/// the tables after them (the checks).
pub fn forms_workbook(forms: &[FormSheet], tables: &[Table]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let Formats {
        title,
        plain,
        head,
        cell,
        int,
        wan,
    } = Formats::new();
    let mut used: Vec<String> = Vec::new();
    for f in forms {
        let name = sheet_name(&f.sheet);
        used.push(name.clone());
        let ws = wb.add_worksheet();
        ws.set_name(&name)?;
        let last = u16::try_from(f.columns.len()).unwrap_or(u16::MAX);
        ws.merge_range(0, 0, 0, last.max(1), &f.title, &title)?;
        ws.write_with_format(1, 0, &f.subtitle, &plain)?;
        ws.merge_range(2, 0, 3, 0, &f.line_header, &head)?;
        ws.write_with_format(4, 0, "甲", &head)?;
        ws.set_column_width(0, 24)?;
        let mut c = 0usize;
        while c < f.columns.len() {
            let (group, label) = &f.columns[c];
            let col = u16::try_from(c + 1).unwrap_or(u16::MAX);
            if group.is_empty() {
                ws.merge_range(2, col, 3, col, label, &head)?;
                c += 1;
            } else {
                let span = f.columns[c..]
                    .iter()
                    .take_while(|(g, _)| g == group)
                    .count();
                let end = u16::try_from(c + span).unwrap_or(u16::MAX);
                if span > 1 {
                    ws.merge_range(2, col, 2, end, group, &head)?;
                } else {
                    ws.write_with_format(2, col, group, &head)?;
                }
                for k in 0..span {
                    let kc = u16::try_from(c + 1 + k).unwrap_or(u16::MAX);
                    ws.write_with_format(3, kc, &f.columns[c + k].1, &head)?;
                }
                c += span;
            }
        }
        for n in 1..=f.columns.len() {
            let col = u16::try_from(n).unwrap_or(u16::MAX);
            ws.write_with_format(4, col, n as f64, &head)?;
            ws.set_column_width(col, 10)?;
        }
        ws.set_row_height(3, 60)?;
        let mut r = 5u32;
        for (i, (line, cells)) in f.rows.iter().enumerate() {
            let pick = |fm: &Format| {
                if i == 0 {
                    fm.clone().set_bold()
                } else {
                    fm.clone()
                }
            };
            ws.write_with_format(r, 0, line, &pick(&cell))?;
            for (k, v) in cells.iter().enumerate() {
                let col = u16::try_from(k + 1).unwrap_or(u16::MAX);
                match v {
                    Value::WanYuan(fen) => {
                        ws.write_with_format(r, col, *fen as f64 / 1_000_000.0, &pick(&wan))?
                    }
                    Value::Int(n) => ws.write_with_format(r, col, *n as f64, &pick(&int))?,
                    other => ws.write_with_format(r, col, other.text(), &pick(&cell))?,
                };
            }
            r += 1;
        }
        ws.write_with_format(r + 1, 0, &f.footer, &plain)?;
    }
    // The tables after the forms: plain lists (the checks), text and counts.
    {
        for t in tables {
            let mut name = sheet_name(&t.sheet);
            let mut n = 2;
            while used.contains(&name) {
                name = sheet_name(&format!(
                    "{}{n}",
                    t.sheet.chars().take(28).collect::<String>()
                ));
                n += 1;
            }
            used.push(name.clone());
            let ws = wb.add_worksheet();
            ws.set_name(&name)?;
            ws.write_with_format(0, 0, &t.title, &title)?;
            ws.write_with_format(1, 0, &t.subtitle, &plain)?;
            for (c, h) in t.headers.iter().enumerate() {
                let c = u16::try_from(c).unwrap_or(u16::MAX);
                ws.write_with_format(2, c, h, &head)?;
                ws.set_column_width(c, if c == 0 { 30 } else { 16 })?;
            }
            for (i, row) in t.rows.iter().enumerate() {
                let r = u32::try_from(i + 3).unwrap_or(u32::MAX);
                for (c, v) in row.iter().enumerate() {
                    let c = u16::try_from(c).unwrap_or(u16::MAX);
                    match v {
                        Value::Int(n) => ws.write_with_format(r, c, *n as f64, &int)?,
                        other => ws.write_with_format(r, c, other.text(), &cell)?,
                    };
                }
            }
        }
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn part(bytes: &[u8], name: &str) -> String {
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
        let mut s = String::new();
        z.by_name(name)
            .expect("part")
            .read_to_string(&mut s)
            .expect("utf-8");
        s
    }

    #[test]
    fn a_table_is_a_sheet_with_chinese_text_and_typed_cells() {
        let t = Table {
            sheet: "按案件类型/统计".into(),
            title: "法律援助案件统计（按案件类型）".into(),
            subtitle: "2026年1月1日至2026年12月5日 · 叶集区".into(),
            headers: vec![
                "案件类型".into(),
                "案件数".into(),
                "补贴（元）".into(),
                "日期".into(),
            ],
            rows: vec![vec![
                Value::Text("民事案件".into()),
                Value::Int(12),
                Value::Fen(123_456),
                Value::Date(chrono::NaiveDate::from_ymd_opt(2026, 3, 1).expect("date")),
            ]],
            total: Some(vec![
                Value::Text("合计".into()),
                Value::Int(12),
                Value::Fen(123_456),
                Value::Text(String::new()),
            ]),
        };
        let bytes = workbook(&[t]).expect("written");
        let book = part(&bytes, "xl/workbook.xml");
        assert!(
            book.contains("按案件类型统计"),
            "the sheet name without '/': {book}"
        );
        let strings = part(&bytes, "xl/sharedStrings.xml");
        for s in [
            "法律援助案件统计（按案件类型）",
            "民事案件",
            "合计",
            "补贴（元）",
        ] {
            assert!(strings.contains(s), "{s}: {strings}");
        }
        let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
        // Numbers are numbers (no t="s"), money in yuan, the date a serial.
        assert!(sheet.contains("<v>12</v>"), "{sheet}");
        assert!(sheet.contains("<v>1234.56</v>"), "{sheet}");
        assert!(
            sheet.contains("<v>46082</v>"),
            "2026-03-01 as a date serial: {sheet}"
        );
        assert!(sheet.contains("<mergeCell ref=\"A1:D1\"/>"), "{sheet}");
    }

    #[test]
    fn sheet_names_are_made_acceptable() {
        assert_eq!(sheet_name("a/b:c"), "abc");
        assert_eq!(sheet_name("??"), "Sheet1");
        assert_eq!(sheet_name(&"统".repeat(40)).chars().count(), 31);
    }
}
