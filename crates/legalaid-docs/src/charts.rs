//! Small figures drawn as SVG text, for pages that work without JavaScript: a
//! horizontal bar chart, and the QR code of a link (the `qrcode` crate, pure
//! Rust, built with its `svg` renderer only; ADR 0022).

/// Escapes text for SVG (XML) content and attributes.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// One bar: its label, its length as a share of the full width (0–1), and the
/// text written after it (e.g. `75.0%（30/40）`).
pub struct Bar {
    pub label: String,
    pub share: f64,
    pub text: String,
}

/// A horizontal bar chart, `title` as its accessible name. It scales to the
/// width of its container (a 375 px phone too).
pub fn bars(title: &str, bars: &[Bar]) -> String {
    const ROW: u32 = 28;
    const LABEL: u32 = 100;
    const WIDTH: u32 = 400;
    const BAR_MAX: f64 = 170.0;
    let height = ROW * u32::try_from(bars.len()).unwrap_or(0) + 8;
    let mut out = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet"><title>{}</title>"#,
        esc(title)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = ROW * u32::try_from(i).unwrap_or(0) + 4;
        let share = if b.share.is_finite() {
            b.share.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let w = (share * BAR_MAX).round();
        out.push_str(&format!(
            r##"<g><title>{label}：{text}</title><text x="{lx}" y="{ty}" font-size="13" text-anchor="end" fill="#222">{label}</text><rect x="{bx}" y="{ry}" width="{w}" height="18" fill="#2f6fb0"/><text x="{tx}" y="{ty}" font-size="12" fill="#222">{text}</text></g>"##,
            label = esc(&b.label),
            text = esc(&b.text),
            lx = LABEL - 6,
            ty = y + 14,
            bx = LABEL,
            ry = y + 1,
            tx = f64::from(LABEL) + w + 6.0,
        ));
    }
    out.push_str("</svg>");
    out
}

/// One unit's bar against time: completion as a share of the target (may pass
/// 1), its text, and whether it lags.
pub struct Pace {
    pub label: String,
    pub share: f64,
    pub text: String,
    pub behind: bool,
}

fn finite(x: f64) -> f64 {
    if x.is_finite() { x.max(0.0) } else { 0.0 }
}

/// Completion by unit against 序时进度: a bar per unit (red when it lags) and a
/// dashed line at the time share, labelled `time_text`.
pub fn against_time(title: &str, rows: &[Pace], time_share: f64, time_text: &str) -> String {
    const ROW: u32 = 28;
    const LABEL: u32 = 110;
    const WIDTH: u32 = 400;
    const BAR_MAX: f64 = 190.0;
    let scale = rows
        .iter()
        .map(|r| finite(r.share))
        .fold(finite(time_share).max(1.0), f64::max);
    let n = u32::try_from(rows.len()).unwrap_or(0);
    let height = ROW * n + 26;
    let mut out = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet"><title>{}</title>"#,
        esc(title)
    );
    for (i, r) in rows.iter().enumerate() {
        let y = ROW * u32::try_from(i).unwrap_or(0) + 4;
        let w = (finite(r.share) / scale * BAR_MAX).round();
        let fill = if r.behind { "#c0392b" } else { "#2f6fb0" };
        out.push_str(&format!(
            r##"<g><title>{label}：{text}</title><text x="{lx}" y="{ty}" font-size="13" text-anchor="end" fill="#222">{label}</text><rect x="{bx}" y="{ry}" width="{w}" height="18" fill="{fill}"/><text x="{tx}" y="{ty}" font-size="12" fill="#222">{text}</text></g>"##,
            label = esc(&r.label),
            text = esc(&r.text),
            lx = LABEL - 6,
            ty = y + 14,
            bx = LABEL,
            ry = y + 1,
            tx = f64::from(LABEL) + w + 6.0,
        ));
    }
    let x = f64::from(LABEL) + (finite(time_share) / scale * BAR_MAX).round();
    let bottom = ROW * n + 6;
    out.push_str(&format!(
        r##"<line x1="{x}" y1="2" x2="{x}" y2="{bottom}" stroke="#555" stroke-width="1.5" stroke-dasharray="4 3"/><text x="{x}" y="{ty}" font-size="12" text-anchor="middle" fill="#555">{t}</text>"##,
        ty = bottom + 14,
        t = esc(time_text),
    ));
    out.push_str("</svg>");
    out
}

/// One month of the trend: its label, cumulative completion and 序时进度, in
/// percent.
pub struct Month {
    pub label: String,
    pub completion: Option<f64>,
    pub time: f64,
}

/// The monthly trend: cumulative completion (solid) against 序时进度 (dashed).
pub fn trend(title: &str, months: &[Month]) -> String {
    const WIDTH: f64 = 400.0;
    const HEIGHT: f64 = 200.0;
    const LEFT: f64 = 36.0;
    const BOTTOM: f64 = 24.0;
    const TOP: f64 = 10.0;
    let top = months
        .iter()
        .filter_map(|m| m.completion)
        .map(finite)
        .fold(100.0_f64, f64::max);
    let n = months.len().max(1) as f64;
    let step = (WIDTH - LEFT - 10.0) / n;
    let px = |i: usize| LEFT + step * (i as f64 + 0.5);
    let py = |v: f64| TOP + (HEIGHT - TOP - BOTTOM) * (1.0 - finite(v) / top);
    let mut out = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" preserveAspectRatio="xMinYMin meet"><title>{}</title>"#,
        esc(title)
    );
    for v in [0.0, 50.0, 100.0] {
        out.push_str(&format!(
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{x2}" y2="{y:.1}" stroke="#ddd"/><text x="{tx}" y="{ty:.1}" font-size="11" text-anchor="end" fill="#555">{v}%</text>"##,
            y = py(v),
            x2 = WIDTH - 10.0,
            tx = LEFT - 4.0,
            ty = py(v) + 4.0,
        ));
    }
    let line = |pts: Vec<(f64, f64)>| {
        pts.iter()
            .map(|(x, y)| format!("{x:.1},{y:.1}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let time: Vec<(f64, f64)> = months
        .iter()
        .enumerate()
        .map(|(i, m)| (px(i), py(m.time)))
        .collect();
    let done: Vec<(f64, f64)> = months
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.completion.map(|c| (px(i), py(c))))
        .collect();
    out.push_str(&format!(
        r##"<polyline points="{}" fill="none" stroke="#777" stroke-width="1.5" stroke-dasharray="5 4"/>"##,
        line(time)
    ));
    if !done.is_empty() {
        out.push_str(&format!(
            r##"<polyline points="{}" fill="none" stroke="#2f6fb0" stroke-width="2.5"/>"##,
            line(done.clone())
        ));
    }
    for (i, m) in months.iter().enumerate() {
        let tip = match m.completion {
            Some(c) => format!("{}：完成{c:.1}%，序时进度{:.1}%", m.label, m.time),
            None => format!("{}：序时进度{:.1}%", m.label, m.time),
        };
        if let Some(c) = m.completion {
            out.push_str(&format!(
                r##"<circle cx="{x:.1}" cy="{y:.1}" r="3.5" fill="#2f6fb0"><title>{t}</title></circle>"##,
                x = px(i),
                y = py(c),
                t = esc(&tip),
            ));
        }
        out.push_str(&format!(
            r##"<text x="{x:.1}" y="{y}" font-size="11" text-anchor="middle" fill="#555">{l}</text>"##,
            x = px(i),
            y = HEIGHT - 8.0,
            l = esc(&m.label),
        ));
    }
    out.push_str("</svg>");
    out
}

/// The QR code of `text` (a link) as an SVG element, `px` wide at least, for
/// printing. None when the text is too long for a QR code.
pub fn qr(text: &str, px: u32) -> Option<String> {
    let code =
        qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(px, px)
        .quiet_zone(true)
        .build();
    // Inline in HTML: no XML declaration.
    let start = svg.find("<svg")?;
    Some(svg[start..].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_escape_their_text_and_keep_within_the_width() {
        let s = bars(
            "知晓率<按乡镇>",
            &[
                Bar {
                    label: "史河街道".into(),
                    share: 0.75,
                    text: "75.0%".into(),
                },
                Bar {
                    label: "<script>".into(),
                    share: 7.0,
                    text: "x".into(),
                },
            ],
        );
        assert!(s.starts_with("<svg") && s.ends_with("</svg>"));
        assert!(s.contains("知晓率&lt;按乡镇&gt;") && !s.contains("<script>"));
        assert!(s.contains(r#"width="128""#), "0.75 of 170");
        assert!(
            s.contains(r#"width="170""#),
            "a share above 1 is drawn full"
        );
    }

    #[test]
    fn pace_bars_mark_the_laggards_and_the_time_line() {
        let row = |label: &str, share: f64, behind: bool| Pace {
            label: label.into(),
            share,
            text: format!("{:.1}%", share * 100.0),
            behind,
        };
        let s = against_time(
            "完成率与序时进度",
            &[
                row("史河", 0.5, false),
                row("<b>", 0.2, true),
                row("三元", f64::NAN, true),
            ],
            0.25,
            "序时进度25.0%",
        );
        assert!(s.starts_with("<svg") && s.ends_with("</svg>") && !s.contains("<b>"));
        assert_eq!(s.matches("#c0392b").count(), 2, "two lag");
        // Scale 1.0: 0.5 of 190 wide, the time line at 110 + 47.5 → 158.
        assert!(
            s.contains(r#"width="95""#) && s.contains(r#"x1="158""#),
            "{s}"
        );
        // A unit past its target widens the scale instead of overflowing.
        let s = against_time("t", &[row("a", 2.0, false)], 0.5, "t");
        assert!(
            s.contains(r#"width="190""#) && s.contains(r#"x1="158""#),
            "{s}"
        );
    }

    #[test]
    fn the_trend_draws_both_lines_and_tolerates_no_target() {
        let m = |label: &str, completion, time| Month {
            label: label.into(),
            completion,
            time,
        };
        let s = trend(
            "月度趋势",
            &[m("1月", Some(10.0), 8.3), m("2月", Some(30.0), 16.7)],
        );
        assert_eq!(s.matches("<polyline").count(), 2);
        assert_eq!(s.matches("<circle").count(), 2);
        let s = trend("月度趋势", &[m("1月", None, 8.3)]);
        assert_eq!(s.matches("<polyline").count(), 1, "only the time line");
        let s = trend("月度趋势", &[]);
        assert!(s.ends_with("</svg>"));
    }

    #[test]
    fn a_link_becomes_a_qr_code() {
        let s = qr(
            "https://legalaid.example/public/surveys/0123456789abcdef0123456789abcdef",
            160,
        )
        .expect("fits");
        assert!(s.starts_with("<svg") && s.contains("<path"));
        assert!(qr(&"x".repeat(5000), 160).is_none());
    }
}
