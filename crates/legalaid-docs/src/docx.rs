//! DOCX versions of the documents, for staff who finish them in Word or WPS.
//! Fonts are named as official documents use them (方正小标宋简体 for titles,
//! 仿宋_GB2312 for text); Word substitutes where they are not installed.

use docx_rs::{AlignmentType, Docx, Paragraph, Run, RunFonts};
use legalaid_domain::document::Document;

fn run(text: &str, font: &str, half_points: usize, bold: bool) -> Run {
    let r = Run::new()
        .add_text(text)
        .size(half_points)
        .fonts(RunFonts::new().east_asia(font).ascii(font).hi_ansi(font));
    if bold { r.bold() } else { r }
}

pub fn render(doc: &Document) -> Result<Vec<u8>, String> {
    let mut d = Docx::new()
        .page_margin(
            docx_rs::PageMargin::new()
                .top(2098)
                .bottom(1984)
                .left(1588)
                .right(1474),
        )
        .add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(run(
            &doc.issuer,
            "方正小标宋简体",
            36,
            true,
        )))
        .add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(run(
            &doc.title,
            "方正小标宋简体",
            44,
            true,
        )));
    if !doc.number.is_empty() {
        d = d.add_paragraph(Paragraph::new().align(AlignmentType::Right).add_run(run(
            &doc.number,
            "仿宋_GB2312",
            32,
            false,
        )));
    }
    if !doc.addressee.is_empty() {
        d = d.add_paragraph(Paragraph::new().add_run(run(
            &doc.addressee,
            "仿宋_GB2312",
            32,
            false,
        )));
    }
    for p in &doc.paragraphs {
        d = d.add_paragraph(
            Paragraph::new()
                .indent(
                    None,
                    Some(docx_rs::SpecialIndentType::FirstLine(640)),
                    None,
                    None,
                )
                .add_run(run(p, "仿宋_GB2312", 32, false)),
        );
    }
    d = d.add_paragraph(Paragraph::new());
    if !doc.signature.is_empty() {
        // Room for the seal, stamped over the issuer's name and the date (GB/T 9704).
        d = d
            .add_paragraph(Paragraph::new())
            .add_paragraph(Paragraph::new())
            .add_paragraph(Paragraph::new().align(AlignmentType::Right).add_run(run(
                crate::pdf::SEAL_MARK,
                "仿宋_GB2312",
                24,
                false,
            )));
    }
    for s in &doc.signature {
        d = d.add_paragraph(Paragraph::new().align(AlignmentType::Right).add_run(run(
            s,
            "仿宋_GB2312",
            32,
            false,
        )));
    }
    let mut out = std::io::Cursor::new(Vec::new());
    d.build().pack(&mut out).map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}
