//! Full-text search (ADR 0031): what a record says in words, segmented with
//! jieba so that a two-character word such as 工资 finds 拖欠工资, and how a
//! query becomes terms and a hit a highlighted snippet.
//!
//! A record becomes a [`Document`]: a title, a body (the text a snippet is cut
//! from) and its tokens, space-joined, which the database indexes as words
//! (SQLite FTS5 `unicode61`, PostgreSQL `to_tsvector('simple', …)`). Both sides
//! use the same normalisation: jieba's search-mode words, cut further at every
//! character that is not a letter or a digit, lower-cased.

use std::sync::LazyLock;

use jieba_rs::Jieba;

static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// Loads the segmenter's dictionary now rather than on the first record
/// written (it takes a fraction of a second).
pub fn warm_up() {
    LazyLock::force(&JIEBA);
}

code_enum!(
    /// What kind of record a hit is.
    SearchKind {
        Person => ("person", "当事人"),
        Application => ("application", "申请"),
        Case => ("case", "案件"),
        Consultation => ("consultation", "咨询"),
        Complaint => ("complaint", "投诉"),
    }
);

/// The longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 100;
/// The most terms a query may have.
pub const MAX_TERMS: usize = 24;

/// A record as the index holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub title: String,
    pub body: String,
    /// Normalised words, space-joined.
    pub tokens: String,
}

/// Builds a [`Document`] field by field; empty fields are left out.
#[derive(Debug, Default)]
pub struct DocumentBuilder {
    title: String,
    body: Vec<String>,
    tokens: Vec<String>,
}

impl DocumentBuilder {
    /// A document whose title's words are searchable too.
    pub fn new(title: &str) -> Self {
        let mut b = DocumentBuilder {
            title: title.trim().to_owned(),
            ..Default::default()
        };
        push_words(&mut b.tokens, title);
        b
    }

    fn body(&mut self, label: &str, value: &str) {
        if label.is_empty() {
            self.body.push(value.to_owned());
        } else {
            self.body.push(format!("{label}：{value}"));
        }
    }

    /// Free text (facts, notes, reports).
    pub fn text(mut self, label: &str, value: &str) -> Self {
        let v = value.trim();
        if !v.is_empty() {
            self.body(label, v);
            push_words(&mut self.tokens, v);
        }
        self
    }

    /// A person's name: its words and the whole name as one word.
    pub fn name(mut self, label: &str, value: &str) -> Self {
        let v = value.trim();
        if !v.is_empty() {
            self.body(label, v);
            push_words(&mut self.tokens, v);
            push_whole(&mut self.tokens, v);
        }
        self
    }

    /// A phone number: found by the whole number and by its last four digits.
    pub fn phone(mut self, label: &str, value: &str) -> Self {
        let v = value.trim();
        let digits: String = v.chars().filter(char::is_ascii_digit).collect();
        if !v.is_empty() {
            self.body(label, v);
        }
        if digits.len() >= 4 {
            self.tokens.push(digits.clone());
            self.tokens.push(digits[digits.len() - 4..].to_owned());
        }
        self
    }

    /// An identifier (a case number, an organ's case number): its words and
    /// its letters and digits run together.
    pub fn code(mut self, label: &str, value: &str) -> Self {
        let v = value.trim();
        if !v.is_empty() {
            self.body(label, v);
            push_words(&mut self.tokens, v);
            push_whole(&mut self.tokens, v);
        }
        self
    }

    pub fn finish(self) -> Document {
        Document {
            title: self.title,
            body: self.body.join("；"),
            tokens: self.tokens.join(" "),
        }
    }
}

/// The pieces of `word` between characters that are neither letters nor
/// digits, lower-cased.
fn pieces(word: &str) -> impl Iterator<Item = String> + '_ {
    word.split(|c: char| !c.is_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(str::to_lowercase)
}

fn push_words(out: &mut Vec<String>, text: &str) {
    for w in JIEBA.cut_for_search(text, true) {
        out.extend(pieces(w.word));
    }
}

/// `text` with everything but letters and digits removed, as one word (when
/// that differs from its only piece).
fn push_whole(out: &mut Vec<String>, text: &str) {
    let whole: String = text
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    if !whole.is_empty() && !out.iter().rev().take(64).any(|t| *t == whole) {
        out.push(whole);
    }
}

/// Why a query cannot be run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("请输入要查找的字词")]
    Empty,
    #[error("检索内容不能超过 {MAX_QUERY_CHARS} 个字")]
    TooLong,
    #[error("检索词不能超过 {MAX_TERMS} 个，请减少字词")]
    TooManyTerms,
}

/// The terms a query asks for, all of which a hit must contain.
///
/// A word jieba would cut further in search mode is replaced by its parts (拖欠工资
/// → 拖欠, 工资), so a query matches a record whatever way the record's
/// context made jieba cut the longer word.
pub fn query_terms(q: &str) -> Result<Vec<String>, QueryError> {
    let q = q.trim();
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(QueryError::TooLong);
    }
    // A number typed in groups (139 1234 5678, 0564-6123456) is one number.
    if q.chars().any(|c| c.is_ascii_digit())
        && q.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '+'))
    {
        return Ok(vec![q.chars().filter(char::is_ascii_digit).collect()]);
    }
    let mut terms: Vec<String> = Vec::new();
    for w in JIEBA.cut(q, true).into_iter().map(|t| t.word) {
        let parts: Vec<&str> = JIEBA
            .cut_for_search(w, true)
            .into_iter()
            .map(|t| t.word)
            .filter(|p| *p != w)
            .collect();
        let words = if parts.is_empty() { vec![w] } else { parts };
        for p in words.into_iter().flat_map(pieces) {
            if !terms.contains(&p) {
                terms.push(p);
            }
        }
    }
    if terms.is_empty() {
        return Err(QueryError::Empty);
    }
    if terms.len() > MAX_TERMS {
        return Err(QueryError::TooManyTerms);
    }
    Ok(terms)
}

/// A stretch of text, marked when it matched a term.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Piece {
    pub text: String,
    pub mark: bool,
}

/// The character ranges of `text` where a term occurs (case-insensitive),
/// merged where they touch.
fn matches(text: &[char], terms: &[String]) -> Vec<(usize, usize)> {
    let lower: Vec<char> = text
        .iter()
        .map(|c| c.to_lowercase().next().unwrap_or(*c))
        .collect();
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for t in terms {
        let t: Vec<char> = t.chars().collect();
        if t.is_empty() || t.len() > lower.len() {
            continue;
        }
        for i in 0..=lower.len() - t.len() {
            if lower[i..i + t.len()] == t[..] {
                ranges.push((i, i + t.len()));
            }
        }
    }
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in ranges {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

fn split(text: &[char], ranges: &[(usize, usize)], from: usize, to: usize) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut at = from;
    for &(s, e) in ranges {
        let (s, e) = (s.max(from), e.min(to));
        if s >= e {
            continue;
        }
        if at < s {
            out.push(Piece {
                text: text[at..s].iter().collect(),
                mark: false,
            });
        }
        out.push(Piece {
            text: text[s..e].iter().collect(),
            mark: true,
        });
        at = e;
    }
    if at < to {
        out.push(Piece {
            text: text[at..to].iter().collect(),
            mark: false,
        });
    }
    out
}

/// `text` with every occurrence of a term marked.
pub fn highlight(text: &str, terms: &[String]) -> Vec<Piece> {
    let chars: Vec<char> = text.chars().collect();
    let ranges = matches(&chars, terms);
    split(&chars, &ranges, 0, chars.len())
}

/// About `width` characters of `body` around its first match, the matches
/// marked, with "…" where the body goes on.
pub fn snippet(body: &str, terms: &[String], width: usize) -> Vec<Piece> {
    let chars: Vec<char> = body.chars().collect();
    let ranges = matches(&chars, terms);
    let first = ranges.first().map_or(0, |r| r.0);
    let from = first.saturating_sub(width / 4);
    let to = (from + width).min(chars.len());
    let from = to.saturating_sub(width).min(from);
    let mut out = Vec::new();
    if from > 0 {
        out.push(Piece {
            text: "…".to_owned(),
            mark: false,
        });
    }
    out.extend(split(&chars, &ranges, from, to));
    if to < chars.len() {
        out.push(Piece {
            text: "…".to_owned(),
            mark: false,
        });
    }
    out
}

/// The widest piece of a name the person list's filter looks up (migration
/// 0041 writes each name's pieces of one to this many characters).
pub const NAME_PIECE_WIDTH: usize = 3;

/// The pieces of a name the storage keeps for the filter by part of a name:
/// every run of one to [`NAME_PIECE_WIDTH`] characters, ASCII letters lowered
/// (as SQLite's `LIKE` ignores their case), each once. Migration 0041 cuts
/// the same pieces in SQL; a test holds the two to each other.
pub fn name_pieces(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().map(|c| c.to_ascii_lowercase()).collect();
    let mut pieces: Vec<String> = (1..=NAME_PIECE_WIDTH)
        .flat_map(|w| chars.windows(w).map(|r| r.iter().collect::<String>()))
        .collect();
    pieces.sort_unstable();
    pieces.dedup();
    pieces
}

/// The most pieces of one query a filter looks up: enough to choose the
/// rarest among a name's worth (a name has at most 50 characters); a longer
/// query is still checked whole against each name, so it finds only names
/// that contain it (none), in a statement of bounded size.
pub const NAME_QUERY_PIECES: usize = 8;

/// The pieces a filter by part of a name can look up: the query's (trimmed)
/// runs of its own length up to [`NAME_PIECE_WIDTH`], each once, in the order
/// they come, the first [`NAME_QUERY_PIECES`] of them. Every name containing
/// the query holds all of them; none for a blank query.
pub fn name_query_pieces(q: &str) -> Vec<String> {
    let chars: Vec<char> = q.trim().chars().map(|c| c.to_ascii_lowercase()).collect();
    let width = chars.len().min(NAME_PIECE_WIDTH);
    let mut pieces: Vec<String> = Vec::new();
    if width == 0 {
        return pieces;
    }
    for run in chars.windows(width) {
        let piece: String = run.iter().collect();
        if !pieces.contains(&piece) {
            pieces.push(piece);
        }
        if pieces.len() == NAME_QUERY_PIECES {
            break;
        }
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_kept_as_its_runs_of_one_to_three_characters() {
        assert_eq!(
            name_pieces("王小明"),
            ["小", "小明", "明", "王", "王小", "王小明"]
        );
        // Repeated runs once; ASCII letters lowered, other letters kept.
        assert_eq!(name_pieces("Aa"), ["a", "aa"]);
        assert_eq!(name_pieces("Ä"), ["Ä"]);
        assert!(name_pieces("").is_empty());
        // 阿依·买买提: the middle dot is a character like any other.
        assert!(name_pieces("阿依·买买提").contains(&"依·买".to_owned()));
        assert!(!name_pieces("阿依·买买提").contains(&"阿依·买".to_owned()));
    }

    #[test]
    fn a_query_looks_up_its_runs_of_its_own_length_up_to_three() {
        assert_eq!(name_query_pieces(" 明 "), ["明"]);
        assert_eq!(name_query_pieces("小明"), ["小明"]);
        assert_eq!(name_query_pieces("王小明"), ["王小明"]);
        assert_eq!(name_query_pieces("规模123"), ["规模1", "模12", "123"]);
        assert_eq!(name_query_pieces("SMITH"), ["smi", "mit", "ith"]);
        assert_eq!(name_query_pieces("哈哈哈哈"), ["哈哈哈"]);
        assert!(name_query_pieces("   ").is_empty());
        // However long the query, a bounded number of pieces.
        let long: String = "张王李赵刘陈杨黄".repeat(400);
        assert_eq!(name_query_pieces(&long).len(), NAME_QUERY_PIECES);
        assert_eq!(name_query_pieces(&long)[0], "张王李");
        // Every piece of a query is a piece of every name that contains it.
        for (name, q) in [
            ("欧阳小明", "阳小明"),
            ("规模12345", "模1234"),
            ("Li Lei", "i l"),
        ] {
            let kept = name_pieces(name);
            for piece in name_query_pieces(q) {
                assert!(kept.contains(&piece), "{piece} of {q} in {name}");
            }
        }
    }

    fn words(d: &Document) -> Vec<&str> {
        d.tokens.split(' ').collect()
    }

    #[test]
    fn a_two_character_word_finds_the_longer_phrase() {
        let d = DocumentBuilder::new("皖叶法援〔2026〕12号")
            .text("案情", "申请人所在公司拖欠工资三个月，经多次催要未果。")
            .finish();
        let terms = query_terms("工资").unwrap_or_default();
        assert_eq!(terms, vec!["工资".to_owned()]);
        assert!(words(&d).contains(&"工资"));
        // The phrase as typed: its parts are all in the record.
        let terms = query_terms("拖欠工资").unwrap_or_default();
        assert!(!terms.is_empty());
        for t in &terms {
            assert!(words(&d).contains(&t.as_str()), "{t} not in {:?}", d.tokens);
        }
    }

    #[test]
    fn a_phone_is_found_by_its_last_four_digits_and_whole() {
        let d = DocumentBuilder::new("张三")
            .phone("电话", "139-1234-5678")
            .finish();
        assert!(words(&d).contains(&"13912345678"));
        assert!(words(&d).contains(&"5678"));
        assert_eq!(query_terms("5678"), Ok(vec!["5678".to_owned()]));
        assert_eq!(
            query_terms("139 1234-5678"),
            Ok(vec!["13912345678".to_owned()])
        );
        assert_eq!(d.body, "电话：139-1234-5678");
    }

    #[test]
    fn a_name_is_a_word_of_its_own() {
        let d = DocumentBuilder::new("").name("姓名", "欧阳建国").finish();
        for t in query_terms("欧阳建国").unwrap_or_default() {
            assert!(words(&d).contains(&t.as_str()));
        }
        assert!(words(&d).contains(&"欧阳建国"));
    }

    #[test]
    fn case_and_punctuation_are_normalised() {
        let d = DocumentBuilder::new("")
            .code("案号", "(2026)皖1503民初ABC-12号")
            .finish();
        assert!(words(&d).contains(&"abc"));
        assert!(!d.tokens.contains('('));
        assert!(!d.tokens.contains('-'));
        assert_eq!(query_terms("ABC"), Ok(vec!["abc".to_owned()]));
    }

    #[test]
    fn empty_fields_are_left_out() {
        let d = DocumentBuilder::new("标题")
            .text("案情", "  ")
            .phone("电话", "")
            .finish();
        assert_eq!(d.body, "");
        assert_eq!(d.title, "标题");
    }

    #[test]
    fn bad_queries_are_named() {
        assert_eq!(query_terms("  "), Err(QueryError::Empty));
        assert_eq!(query_terms("，。！"), Err(QueryError::Empty));
        assert_eq!(query_terms(&"工".repeat(101)), Err(QueryError::TooLong));
        let many = (0..25)
            .map(|i| format!("a{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(query_terms(&many), Err(QueryError::TooManyTerms));
    }

    #[test]
    fn the_snippet_marks_the_matches_around_the_first() {
        let body = format!("{}拖欠工资三个月{}", "甲".repeat(100), "乙".repeat(100));
        let terms = vec!["工资".to_owned(), "三个月".to_owned()];
        let s = snippet(&body, &terms, 40);
        assert_eq!(s.first().map(|p| p.text.as_str()), Some("…"));
        assert_eq!(s.last().map(|p| p.text.as_str()), Some("…"));
        let marked: Vec<&str> = s
            .iter()
            .filter(|p| p.mark)
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(marked, vec!["工资三个月"]);
        let shown: usize = s
            .iter()
            .filter(|p| p.text != "…")
            .map(|p| p.text.chars().count())
            .sum();
        assert_eq!(shown, 40);
    }

    #[test]
    fn a_short_body_is_shown_whole_and_matches_ignore_case() {
        let s = highlight("Case abc and ABC", &["abc".to_owned()]);
        let marked: Vec<&str> = s
            .iter()
            .filter(|p| p.mark)
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(marked, vec!["abc", "ABC"]);
        let s = snippet("没有命中", &["工资".to_owned()], 40);
        assert_eq!(
            s,
            vec![Piece {
                text: "没有命中".to_owned(),
                mark: false
            }]
        );
    }
}
