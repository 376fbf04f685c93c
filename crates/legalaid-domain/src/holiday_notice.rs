//! Reading a year's holiday arrangement as an administrator enters it: the text of
//! the State Council's notice (国务院办公厅关于某年部分节假日安排的通知) pasted as
//! published, or one day per line ("2027-10-01 放假 国庆节"). What cannot be read is
//! reported by line, in Chinese; nothing is guessed.

use crate::calendar::{CalendarDay, DayKind};
use chrono::{Datelike, NaiveDate, Weekday};
use std::collections::BTreeMap;

/// A line that could not be read, numbered from 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "第{}行：{}", self.line, self.message)
    }
}

/// The days of `year` that differ from the Monday-to-Friday pattern, sorted by date.
///
/// A line is read when it carries a date and says 放假 (or holiday) or 上班 (or
/// workday); other lines (the title, the preamble, the closing paragraph, the
/// signature) are passed over. A holiday that falls outside `year` on a weekend (the
/// 2023 notice starts 元旦 on 2022-12-31, a Saturday) changes nothing and is left
/// out; any other date outside `year` is an error.
pub fn parse(year: i32, text: &str) -> Result<Vec<CalendarDay>, Vec<LineError>> {
    let mut days: BTreeMap<NaiveDate, (DayKind, String, usize)> = BTreeMap::new();
    let mut errors = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let read = if starts_with_iso_date(raw.trim()) {
            iso_line(raw.trim()).map(|d| vec![d])
        } else {
            notice_line(year, raw)
        };
        let found = match read {
            Ok(found) => found,
            Err(message) => {
                errors.push(LineError { line, message });
                continue;
            }
        };
        for d in found {
            if d.date.year() != year {
                if d.kind == DayKind::Holiday && is_weekend(d.date) {
                    continue;
                }
                errors.push(LineError {
                    line,
                    message: format!("{}不在{year}年内", d.date),
                });
                continue;
            }
            if d.kind == DayKind::Workday && !is_weekend(d.date) {
                errors.push(LineError {
                    line,
                    message: format!(
                        "{}是{}，本就是工作日，不是调休上班日",
                        d.date,
                        weekday(d.date)
                    ),
                });
                continue;
            }
            match days.get(&d.date) {
                Some((kind, _, at)) if *kind != d.kind => errors.push(LineError {
                    line,
                    message: format!(
                        "{}在第{at}行是{}，这里又是{}",
                        d.date,
                        kind.label(),
                        d.kind.label()
                    ),
                }),
                Some(_) => {}
                None => {
                    days.insert(d.date, (d.kind, d.name, line));
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if days.is_empty() {
        return Err(vec![LineError {
            line: 1,
            message: "没有读到任何放假或调休上班的日期".into(),
        }]);
    }
    Ok(days
        .into_iter()
        .map(|(date, (kind, name, _))| CalendarDay { date, kind, name })
        .collect())
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

fn weekday(d: NaiveDate) -> &'static str {
    ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
        [d.weekday().num_days_from_monday() as usize]
}

fn starts_with_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' && b[7] == b'-'
}

/// "2027-10-01 放假 国庆节", "2027-10-09,上班,国庆节" or the older
/// "2027-10-01,holiday,国庆节".
fn iso_line(s: &str) -> Result<CalendarDay, String> {
    let mut parts = s
        .split(|c: char| c == ',' || c == '，' || c == '、' || c.is_whitespace())
        .filter(|p| !p.is_empty());
    let date_text = parts.next().unwrap_or_default();
    let date = NaiveDate::parse_from_str(date_text, "%Y-%m-%d")
        .map_err(|_| format!("“{date_text}”不是有效的日期"))?;
    let kind = match parts.next().unwrap_or_default() {
        "放假" | "休" | "休息" | "holiday" => DayKind::Holiday,
        "上班" | "班" | "调休上班" | "补班" | "workday" => DayKind::Workday,
        "" => return Err(format!("{date}后应写明“放假”或“上班”")),
        other => return Err(format!("“{other}”应为“放假”或“上班”")),
    };
    Ok(CalendarDay {
        date,
        kind,
        name: parts.collect::<Vec<_>>().join(""),
    })
}

/// One item of the notice, e.g. "二、春节：1月28日（农历除夕、周二）至2月4日（农历正月
/// 初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。"
fn notice_line(year: i32, raw: &str) -> Result<Vec<CalendarDay>, String> {
    let text = without_brackets(raw.trim());
    let (name, body) = match text.find(['：', ':']) {
        Some(at) => {
            let c = text[at..].chars().next().map_or(1, char::len_utf8);
            (holiday_name(&text[..at]), &text[at + c..])
        }
        None => (String::new(), text.as_str()),
    };
    let says = |w: &str| body.contains(w);
    if !(says("放假") || says("上班") || says("休息")) || !has_month_day(body) {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for clause in body.split(['。', '；', ';', '，', ',']) {
        let holiday = clause.contains("放假") || clause.contains("休息");
        let work = clause.contains("上班");
        if !holiday && !work {
            if let Some(n) = total_days(clause)
                && !out.is_empty()
            {
                let counted = out
                    .iter()
                    .filter(|d: &&CalendarDay| d.kind == DayKind::Holiday)
                    .count();
                if counted != n {
                    return Err(format!("写明共{n}天，但读到的放假日期是{counted}天"));
                }
            }
            continue;
        }
        if holiday && work {
            return Err(format!("“{clause}”中放假和上班的日期应分句写明"));
        }
        let dates = dates_in(year, clause)?;
        if dates.is_empty() {
            return Err(format!(
                "“{clause}”中没有读到日期（应写作“1月1日”或“2027-01-01”）"
            ));
        }
        let kind = if holiday {
            DayKind::Holiday
        } else {
            DayKind::Workday
        };
        if holiday && clause.contains('至') {
            let [from, to] = dates[..] else {
                return Err(format!("“{clause}”应写作“某月某日至某日放假”"));
            };
            if to < from {
                return Err(format!("“{clause}”的结束日期早于开始日期"));
            }
            let mut d = from;
            while d <= to {
                out.push(CalendarDay {
                    date: d,
                    kind,
                    name: name.clone(),
                });
                d = d.succ_opt().ok_or("日期超出范围")?;
            }
        } else {
            out.extend(dates.into_iter().map(|date| CalendarDay {
                date,
                kind,
                name: name.clone(),
            }));
        }
    }
    Ok(out)
}

/// "共8天" in a clause.
fn total_days(clause: &str) -> Option<usize> {
    let rest = clause.trim().strip_prefix('共')?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    rest[digits.len()..]
        .starts_with('天')
        .then(|| digits.parse().ok())?
}

/// "一、国庆节、中秋节" → "国庆节、中秋节".
fn holiday_name(head: &str) -> String {
    let head = head.trim();
    let numbered = head
        .char_indices()
        .take_while(|(_, c)| "一二三四五六七八九十0123456789".contains(*c))
        .last()
        .map(|(i, c)| i + c.len_utf8());
    let head = match numbered {
        Some(end) if head[end..].starts_with(['、', '.', '．']) => {
            head[end..].trim_start_matches(['、', '.', '．', ' '])
        }
        _ => head,
    };
    head.trim().to_owned()
}

/// Drops parenthesised remarks such as "（农历除夕、周二）".
fn without_brackets(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0u32;
    for c in s.chars() {
        match c {
            '（' | '(' => depth += 1,
            '）' | ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The dates of a clause in order: "1月28日", "2月4日", "3日" (the month of the date
/// before it), "2022年12月31日"; in a range ("12月31日至1月2日") an end in an earlier
/// month belongs to the next year.
fn dates_in(year: i32, clause: &str) -> Result<Vec<NaiveDate>, String> {
    let mut out: Vec<NaiveDate> = Vec::new();
    let (mut y, mut m): (i32, Option<u32>) = (year, None);
    let mut number = String::new();
    let (mut pending_year, mut pending_month): (Option<i32>, Option<u32>) = (None, None);
    let mut range_end = false;
    for c in clause.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n = number.parse::<u32>().ok();
        number.clear();
        match (c, n) {
            ('年', Some(n)) => pending_year = i32::try_from(n).ok(),
            ('月', Some(n)) => pending_month = Some(n),
            ('日', Some(day)) => {
                let explicit_year = pending_year.take();
                if let Some(py) = explicit_year {
                    y = py;
                }
                let month = match pending_month.take() {
                    Some(pm) => {
                        if let (true, None, Some(prev)) = (range_end, explicit_year, out.last())
                            && pm < prev.month()
                        {
                            y = prev.year() + 1;
                        }
                        m = Some(pm);
                        pm
                    }
                    None => m.ok_or_else(|| format!("“{day}日”前应写明月份"))?,
                };
                let date = NaiveDate::from_ymd_opt(y, month, day)
                    .ok_or_else(|| format!("{y}年{month}月{day}日不存在"))?;
                out.push(date);
                range_end = false;
            }
            ('至', _) => range_end = true,
            _ => {}
        }
    }
    Ok(out)
}

/// Whether `s` has a date written as "1月1日".
fn has_month_day(s: &str) -> bool {
    let mut seen_digit_month = false;
    let mut prev_digit = false;
    for c in s.chars() {
        match c {
            '月' if prev_digit => seen_digit_month = true,
            '日' if prev_digit && seen_digit_month => return true,
            _ => {}
        }
        prev_digit = c.is_ascii_digit();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::WorkCalendar;

    /// The shipped rows of `year`, as (date, kind).
    fn shipped(year: i32) -> Vec<(NaiveDate, DayKind)> {
        crate::calendar::SHIPPED_CSV
            .lines()
            .skip(1)
            .filter(|l| l.starts_with(&year.to_string()))
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                (
                    NaiveDate::parse_from_str(f[0], "%Y-%m-%d").expect("date"),
                    DayKind::parse(f[1]).expect("kind"),
                )
            })
            .collect()
    }

    fn read(year: i32, text: &str) -> Vec<(NaiveDate, DayKind)> {
        parse(year, text)
            .expect("readable")
            .into_iter()
            .map(|d| (d.date, d.kind))
            .collect()
    }

    const NOTICE_2026: &str = "国务院办公厅关于2026年部分节假日安排的通知
国办发明电〔2025〕7号

各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
　　经国务院批准，现将2026年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
　　一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
　　二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
　　三、清明节：4月4日（周六）至6日（周一）放假，共3天。
　　四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
　　五、端午节：6月19日（周五）至21日（周日）放假，共3天。
　　六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
　　七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
　　节假日期间，各地区、各部门要妥善安排好值班和安全、保卫、疫情防控等工作，遇有重大突发事件，要按规定及时报告并妥善处置，确保人民群众祥和平安度过节日假期。
国务院办公厅
2025年11月4日";

    const NOTICE_2025: &str = "一、元旦：1月1日（周三）放假1天，不调休。
二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
三、清明节：4月4日（周五）至6日（周日）放假，共3天。
四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。
五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。";

    #[test]
    fn the_notices_as_published_read_as_the_shipped_calendar() {
        assert_eq!(read(2026, NOTICE_2026), shipped(2026));
        assert_eq!(read(2025, NOTICE_2025), shipped(2025));
        let days = parse(2026, NOTICE_2026).expect("readable");
        assert_eq!(days[0].name, "元旦");
        let national = days
            .iter()
            .find(|d| d.date == NaiveDate::from_ymd_opt(2026, 10, 1).expect("date"))
            .expect("国庆");
        assert_eq!(national.name, "国庆节");
        // The result is a calendar the deadline engine can count with.
        let cal = WorkCalendar::new([2026], days);
        assert_eq!(
            cal.is_workday(NaiveDate::from_ymd_opt(2026, 2, 28).expect("date")),
            Ok(true)
        );
    }

    #[test]
    fn a_holiday_before_the_year_on_a_weekend_changes_nothing() {
        // The 2023 notice: 元旦 from 2022-12-31 (a Saturday).
        let got = read(
            2023,
            "一、元旦：2022年12月31日至2023年1月2日放假调休，共3天。",
        );
        assert_eq!(
            got,
            vec![
                (
                    NaiveDate::from_ymd_opt(2023, 1, 1).expect("date"),
                    DayKind::Holiday
                ),
                (
                    NaiveDate::from_ymd_opt(2023, 1, 2).expect("date"),
                    DayKind::Holiday
                )
            ]
        );
    }

    #[test]
    fn one_day_per_line_in_chinese_or_as_the_old_csv() {
        let got = read(
            2027,
            "2027-01-01 放假 元旦\n2027-02-06，上班，春节\n\ndate,kind,name\n2027-10-01,holiday,国庆节",
        );
        assert_eq!(
            got,
            vec![
                (
                    NaiveDate::from_ymd_opt(2027, 1, 1).expect("date"),
                    DayKind::Holiday
                ),
                (
                    NaiveDate::from_ymd_opt(2027, 2, 6).expect("date"),
                    DayKind::Workday
                ),
                (
                    NaiveDate::from_ymd_opt(2027, 10, 1).expect("date"),
                    DayKind::Holiday
                ),
            ]
        );
    }

    #[test]
    fn what_cannot_be_read_is_reported_by_line() {
        let e =
            parse(2027, "2027-13-01 放假\n2027-01-04 上班\n2027-01-01 休假").expect_err("refused");
        assert_eq!(e.len(), 3, "{e:?}");
        assert_eq!(e[0].line, 1);
        assert!(e[0].message.contains("不是有效的日期"));
        // 2027-01-04 is a Monday.
        assert!(e[1].to_string().starts_with("第2行："), "{}", e[1]);
        assert!(e[1].message.contains("本就是工作日"));
        assert!(e[2].message.contains("应为“放假”或“上班”"));
        // A total that does not match the range.
        let e = parse(2027, "一、元旦：1月1日至3日放假，共4天。").expect_err("refused");
        assert!(e[0].message.contains("共4天"), "{e:?}");
        // A date outside the year, a day both off and on, an impossible date.
        assert!(parse(2027, "2028-01-03 放假").is_err());
        let e = parse(2027, "2027-01-02 放假\n2027-01-02 上班").expect_err("refused");
        assert_eq!(e[0].line, 2, "{e:?}");
        assert!(e[0].message.contains("在第1行是法定节假日"), "{e:?}");
        assert!(
            parse(2027, "一、春节：2月30日放假。").expect_err("refused")[0]
                .message
                .contains("不存在")
        );
        // Nothing at all.
        assert!(parse(2027, "国务院办公厅关于2027年部分节假日安排的通知").is_err());
        assert!(parse(2027, "").is_err());
    }
}
