//! PDF documents laid out by typst, in memory, with the CJK fonts installed on the
//! server (Debian's fonts-noto-cjk; `scripts/install-fonts.sh`). Text is passed to
//! typst as string literals, never spliced into markup.

use legalaid_domain::document::Document;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, Weak};
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook, FontInfo};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

/// Where fonts are looked for, in order; set `LEGALAID_FONT_DIR` to add a folder of
/// .ttf/.otf/.ttc files. First the common-character subsets of the serif that letters
/// are set in (`scripts/install-fonts.sh` writes them; ADR 0044), then Debian's
/// fonts-noto-cjk, whose serif supplies any character the subsets lack.
const FONT_FILES: &[&str] = &[
    "/usr/local/share/legalaid/fonts/LegalaidSerifSC-Regular.otf",
    "/usr/local/share/legalaid/fonts/LegalaidSerifSC-Bold.otf",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
];

/// The family of the letter subsets (ADR 0044).
const SUBSET_FAMILY: &str = "Legalaid Serif SC";

/// The families a document is set in, in the order typst tries them for each
/// character: the subset, the full serif, the sans.
const FAMILIES: [&str; 3] = [SUBSET_FAMILY, "Noto Serif CJK SC", "Noto Sans CJK SC"];

/// A font file of at most this size is kept in memory once read; a larger one is
/// read for the document that needs it and let go after (ADR 0044).
const KEEP_FILES_UP_TO: u64 = 16 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error(
        "服务器未安装中文字体（fonts-noto-cjk），无法生成PDF；请运行 scripts/install-fonts.sh 后重启。DOCX格式仍可下载。"
    )]
    NoFonts,
    #[error("PDF layout failed: {0}")]
    Layout(String),
}

/// The font files' faces are listed once (their names and styles, for typst's font
/// book); a file's bytes are read the first time typst asks for one of its faces.
/// Small files (the letter subsets, 5 MB each) are kept from then on; a large one
/// (a full CJK collection, 20–27 MB) is read for the document that needs it and
/// let go after, so a rare character in a name does not keep 26 MB for the life of
/// the server. Documents laid out at the same time share one copy of a large file.
/// Reading every file at start kept 93 MB in memory (ADR 0041, 0044).
pub struct PdfEngine {
    files: Vec<FontFile>,
    faces: Vec<Face>,
    /// The faces of the files that are kept, once read.
    kept: Fonts,
    /// How many times a font file has been read (for tests and diagnostics).
    reads: AtomicUsize,
    book: LazyHash<FontBook>,
    library: LazyHash<Library>,
}

/// A font file, and whether it is kept once read. A file that is not kept is
/// shared by the documents that hold it (`lent`) and let go when the last is done.
struct FontFile {
    path: PathBuf,
    kept: bool,
    lent: Mutex<Weak<Vec<u8>>>,
}

/// A large font file's bytes as lent to a document.
struct Lent(Arc<Vec<u8>>);

impl AsRef<[u8]> for Lent {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// One face of the book: the file it is in and its index there.
struct Face {
    file: usize,
    index: u32,
}

/// Font files' bytes and faces once read, by file and face number: the engine's
/// for the files it keeps, a document's own for the others. A read that fails is
/// not kept, so the next document tries again.
struct Fonts {
    files: Vec<OnceLock<Bytes>>,
    faces: Vec<OnceLock<Font>>,
}

impl Fonts {
    fn new(files: usize, faces: usize) -> Fonts {
        Fonts {
            files: (0..files).map(|_| OnceLock::new()).collect(),
            faces: (0..faces).map(|_| OnceLock::new()).collect(),
        }
    }

    /// Face `index` of the engine's book, its file read on first use. `None` when
    /// the file cannot be read now or no longer holds the face (typst then falls
    /// back to the next font in the list). Two threads asking at once may both
    /// read a kept file; one copy is kept.
    fn font(&self, engine: &PdfEngine, index: usize) -> Option<Font> {
        let slot = self.faces.get(index)?;
        if let Some(font) = slot.get() {
            return Some(font.clone());
        }
        let face = engine.faces.get(index)?;
        let file = self.files.get(face.file)?;
        let data = match file.get() {
            Some(data) => data.clone(),
            None => {
                let read = engine.bytes(face.file)?;
                file.get_or_init(|| read).clone()
            }
        };
        let font = Font::new(data, face.index)?;
        Some(slot.get_or_init(|| font).clone())
    }

    fn files_read(&self) -> usize {
        self.files.iter().filter(|f| f.get().is_some()).count()
    }
}

impl std::fmt::Debug for PdfEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PdfEngine({} font faces)", self.faces.len())
    }
}

fn font_paths() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = FONT_FILES.iter().map(PathBuf::from).collect();
    if let Ok(dir) = std::env::var("LEGALAID_FONT_DIR")
        && let Ok(entries) = std::fs::read_dir(&dir)
    {
        paths.extend(entries.filter_map(Result::ok).map(|e| e.path()));
    }
    paths
}

impl PdfEngine {
    /// Lists the faces of the installed CJK fonts; fails when none is installed.
    pub fn load() -> Result<PdfEngine, PdfError> {
        let mut files = Vec::new();
        let mut faces = Vec::new();
        let mut book = FontBook::new();
        let mut cjk = false;
        for path in font_paths() {
            let Ok(data) = std::fs::read(&path) else {
                continue;
            };
            let file = files.len();
            // Each face by its own index in the collection: a face that does not
            // parse is left out without shifting the indices of the others.
            let count = ttf_parser::fonts_in_collection(&data).unwrap_or(1);
            for index in 0..count {
                let Some(info) = FontInfo::new(&data, index) else {
                    continue;
                };
                cjk |= info.family.contains("CJK");
                book.push(info);
                faces.push(Face { file, index });
            }
            files.push(FontFile {
                path,
                kept: data.len() as u64 <= KEEP_FILES_UP_TO,
                lent: Mutex::new(Weak::new()),
            });
        }
        if !cjk {
            return Err(PdfError::NoFonts);
        }
        Ok(PdfEngine {
            kept: Fonts::new(files.len(), faces.len()),
            reads: AtomicUsize::new(0),
            files,
            faces,
            book: LazyHash::new(book),
            library: LazyHash::new(Library::default()),
        })
    }

    /// Whether the letter subsets are installed (without them letters are set in
    /// the full serif, read for each document: slower, the same look).
    pub fn has_letter_subsets(&self) -> bool {
        // The book keys families in lower case.
        self.book.contains_family(&SUBSET_FAMILY.to_lowercase())
    }

    /// How many font files are kept in memory (for tests and diagnostics).
    pub fn files_in_memory(&self) -> usize {
        self.kept.files_read()
    }

    /// How many large files some document holds now (for tests and diagnostics).
    pub fn files_lent(&self) -> usize {
        self.files
            .iter()
            .filter(|f| {
                f.lent
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .strong_count()
                    > 0
            })
            .count()
    }

    /// How many times a font file has been read since the engine was loaded.
    pub fn file_reads(&self) -> usize {
        self.reads.load(Ordering::Relaxed)
    }

    /// A file's bytes: read, or for a large file the copy another document
    /// holds now (read under the lock, so documents asking at once read it once).
    fn bytes(&self, file: usize) -> Option<Bytes> {
        let file = self.files.get(file)?;
        let read = || {
            self.reads.fetch_add(1, Ordering::Relaxed);
            std::fs::read(&file.path).ok()
        };
        if file.kept {
            return read().map(Bytes::new);
        }
        let mut lent = file.lent.lock().unwrap_or_else(PoisonError::into_inner);
        let data = match lent.upgrade() {
            Some(data) => data,
            None => {
                let data = Arc::new(read()?);
                *lent = Arc::downgrade(&data);
                data
            }
        };
        Some(Bytes::new(Lent(data)))
    }

    /// Lays out a document as PDF bytes.
    pub fn render(&self, doc: &Document) -> Result<Vec<u8>, PdfError> {
        let source = markup(doc);
        let id = RootedPath::new(
            VirtualRoot::Project,
            VirtualPath::new("main.typ").map_err(|e| PdfError::Layout(format!("{e:?}")))?,
        )
        .intern();
        let world = MemWorld {
            engine: self,
            main: Source::new(id, source),
            own: Fonts::new(self.files.len(), self.faces.len()),
        };
        let compiled = typst::compile::<PagedDocument>(&world)
            .output
            .map_err(|e| PdfError::Layout(format!("{e:?}")));
        let pdf = compiled.and_then(|c| {
            typst_pdf::pdf(&c, &typst_pdf::PdfOptions::default())
                .map_err(|e| PdfError::Layout(format!("{e:?}")))
        });
        // typst memoises layout results process-wide; clear them after each
        // document, so a server that issues letters all day does not grow with
        // them, the faces a document borrowed (ADR 0044) are let go, and what the
        // layout freed can be given back (ADR 0045). Measured: 10 ms a letter
        // keeping the last three documents' entries, 11 ms clearing them.
        drop(world);
        typst::comemo::evict(0);
        pdf
    }
}

/// A typst string literal: quotes, backslashes and control characters escaped.
fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Where the issuing organ's seal goes, above its name and the date.
pub const SEAL_MARK: &str = "（盖章）";

/// The document as typst markup in the style of official documents (GB/T 9704
/// margins, a centred issuer and title, the number under the title, indented
/// justified paragraphs, the signature block on the right).
fn markup(doc: &Document) -> String {
    let mut m = String::from(
        "#set page(paper: \"a4\", margin: (top: 37mm, bottom: 35mm, left: 28mm, right: 26mm), \
         footer: context align(center, text(size: 10pt)[— #counter(page).display() —]))\n",
    );
    let families = FAMILIES.map(lit).join(", ");
    m.push_str(&format!(
        "#set text(font: ({families}), size: 15pt, lang: \"zh\", region: \"cn\", cjk-latin-spacing: none)\n"
    ));
    m.push_str("#set par(leading: 1.1em, spacing: 1.1em, justify: true)\n");
    m.push_str(&format!(
        "#align(center, text(size: 18pt, weight: \"bold\", {}))\n\n",
        lit(&doc.issuer)
    ));
    m.push_str(&format!(
        "#align(center, text(size: 22pt, weight: \"bold\", {}))\n\n",
        lit(&doc.title)
    ));
    if !doc.number.is_empty() {
        m.push_str(&format!("#align(right, {})\n\n", lit(&doc.number)));
    }
    if !doc.addressee.is_empty() {
        m.push_str(&format!("#{}\n\n", lit(&doc.addressee)));
    }
    for p in &doc.paragraphs {
        m.push_str(&format!(
            "#par(first-line-indent: (amount: 2em, all: true), {})\n\n",
            lit(p)
        ));
    }
    // The seal is stamped over the issuer's name and the date (GB/T 9704): room
    // above them, marked where it goes.
    if !doc.signature.is_empty() {
        m.push_str("#v(3em)\n");
        m.push_str(&format!(
            "#align(right, text(size: 12pt, fill: luma(120), {}))\n\n",
            lit(SEAL_MARK)
        ));
    }
    for s in &doc.signature {
        m.push_str(&format!("#align(right, {})\n\n", lit(s)));
    }
    m
}

struct MemWorld<'a> {
    engine: &'a PdfEngine,
    main: Source,
    /// The faces of the large files this document reads (ADR 0044).
    own: Fonts,
}

impl World for MemWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.engine.library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &self.engine.book
    }
    fn main(&self) -> FileId {
        self.main.id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotFound(Path::new("").into()))
        }
    }
    fn file(&self, _id: FileId) -> FileResult<Bytes> {
        Err(FileError::NotFound(Path::new("").into()))
    }
    fn font(&self, index: usize) -> Option<Font> {
        let face = self.engine.faces.get(index)?;
        if self.engine.files.get(face.file)?.kept {
            self.engine.kept.font(self.engine, index)
        } else {
            self.own.font(self.engine, index)
        }
    }
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_cannot_break_out_of_the_string() {
        assert_eq!(lit("a\"b\\c\n#d"), "\"a\\\"b\\\\c\\n#d\"");
        let doc = Document {
            issuer: "中心".into(),
            title: "标题".into(),
            number: "#set page(paper: \"a5\")".into(),
            addressee: String::new(),
            paragraphs: vec!["]) #panic(".into()],
            signature: vec![],
        };
        let m = markup(&doc);
        assert!(
            m.contains("#align(right, \"#set page(paper: \\\"a5\\\")\")"),
            "{m}"
        );
    }
}
