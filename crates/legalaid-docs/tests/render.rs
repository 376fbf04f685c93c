//! The renderers on a real document: the PDF's Chinese text can be extracted (the
//! fonts are subset with their Unicode maps), and the DOCX is a valid package.

use legalaid_docs::{docx, pdf::PdfEngine};
use legalaid_domain::document::Document;
use std::io::Read;

fn sample() -> Document {
    Document {
        issuer: "六安市叶集区法律援助中心".into(),
        title: "不予法律援助决定书".into(),
        number: "叶法援申〔2024〕15号".into(),
        addressee: "李秀英：".into(),
        paragraphs: vec![
            "你于2024年8月5日提出的法律援助申请，经审查，决定不予法律援助。理由如下：".into(),
            "申请人家庭1人，人均月收入3200.00元，高于六安市经济困难标准1580.00元，不符合经济困难条件。".into(),
            "你如对本决定有异议，可以依照《中华人民共和国法律援助法》第四十九条的规定提出。\"#引号与井号\"".into(),
        ],
        signature: vec!["六安市叶集区法律援助中心".into(), "2024年8月9日".into()],
    }
}

#[test]
fn the_pdf_carries_extractable_chinese_text() {
    // The fonts come from Debian's fonts-noto-cjk, which scripts/test.sh installs.
    let engine = PdfEngine::load().expect("CJK fonts installed (scripts/install-test-deps.sh)");
    let bytes = engine.render(&sample()).expect("rendered");
    assert!(bytes.starts_with(b"%PDF-"));
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("d.pdf");
    std::fs::write(&path, &bytes).expect("write");
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) installed");
    let text = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<String>();
    for needle in [
        "不予法律援助决定书",
        "李秀英",
        "不符合经济困难条件",
        "第四十九条",
        "叶法援申〔2024〕15号",
        "\"#引号与井号\"",
    ] {
        assert!(
            text.contains(needle),
            "{needle} not in the extracted text: {text}"
        );
    }
    assert!(
        bytes.len() < 400_000,
        "fonts are subset: {} bytes",
        bytes.len()
    );
}

#[test]
fn the_docx_is_a_valid_package_with_the_text() {
    let bytes = docx::render(&sample()).expect("rendered");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip package");
    for part in ["[Content_Types].xml", "word/document.xml"] {
        assert!(zip.by_name(part).is_ok(), "{part}");
    }
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("document part")
        .read_to_string(&mut xml)
        .expect("utf-8");
    for needle in [
        "不予法律援助决定书",
        "李秀英",
        "不符合经济困难条件",
        "仿宋_GB2312",
    ] {
        assert!(xml.contains(needle), "{needle}");
    }
}

/// What a poppler tool (`pdftotext`, `pdffonts`) prints of a PDF.
fn poppler(tool: &str, pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("d.pdf");
    std::fs::write(&path, pdf).expect("write");
    let mut command = std::process::Command::new(tool);
    if tool == "pdftotext" {
        command.arg(&path).arg("-");
    } else {
        command.arg(&path);
    }
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("{tool} (poppler-utils) installed: {e}"));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_letter_is_set_in_the_kept_subsets_and_a_rare_character_borrows_the_full_font() {
    let engine = PdfEngine::load().expect("CJK fonts installed (scripts/install-test-deps.sh)");
    assert!(
        engine.has_letter_subsets(),
        "the letter fonts are installed (scripts/install-fonts.sh)"
    );
    assert_eq!(
        engine.files_in_memory(),
        0,
        "no file is read before a document"
    );
    let letter = engine.render(&sample()).expect("rendered");
    // The subsets' regular for the text and bold for the issuer and title, kept.
    assert_eq!(engine.files_in_memory(), 2);
    let fonts = poppler("pdffonts", &letter);
    assert!(
        fonts.contains("LegalaidSerifSC-Regular") && fonts.contains("LegalaidSerifSC-Bold"),
        "{fonts}"
    );
    assert!(
        !fonts.contains("NotoSerifCJK"),
        "no full font needed: {fonts}"
    );

    // 堃 is not in GB 2312, so not in the subset: the full serif sets it for this
    // document and is not kept.
    let mut rare = sample();
    rare.addressee = "王堃：".into();
    let pdf = engine.render(&rare).expect("rendered");
    let text: String = poppler("pdftotext", &pdf).split_whitespace().collect();
    assert!(text.contains("王堃"), "{text}");
    let fonts = poppler("pdffonts", &pdf);
    assert!(fonts.contains("NotoSerifCJK"), "{fonts}");
    assert!(fonts.contains("LegalaidSerifSC-Regular"), "{fonts}");
    assert_eq!(engine.files_in_memory(), 2, "the full font is not kept");
    assert_eq!(
        engine.file_reads(),
        3,
        "the two subsets, then the full regular"
    );
    assert_eq!(
        engine.files_lent(),
        0,
        "the full font is let go after the letter"
    );

    engine.render(&rare).expect("rendered again");
    assert_eq!(
        engine.file_reads(),
        4,
        "read again for the next letter that needs it"
    );
    assert_eq!(engine.files_lent(), 0);

    engine.render(&sample()).expect("rendered again");
    assert_eq!(engine.files_in_memory(), 2);
    assert_eq!(engine.file_reads(), 4, "the kept files are read once");
}
