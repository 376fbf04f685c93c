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
