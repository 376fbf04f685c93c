//! The panel page (`panels.html`): panels of facts, sentence lists and small forms
//! (two columns on wide screens, stacked on phones), then tables, then full-width
//! panels; and the small parsing helpers the panel forms share. Used by the
//! application, rules and calendar pages.

use crate::html::{Action, Cell, Field, Shell, attach_errors, render};
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use legalaid_domain::FieldError;
use legalaid_domain::local_time;

// ---------------------------------------------------------------------------
// The panel page.

/// One labelled value in a panel, optionally a link.
pub struct Fact {
    pub label: String,
    pub value: String,
    pub href: Option<String>,
}

impl Fact {
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Self {
        Fact {
            label: label.into(),
            value: value.into(),
            href: None,
        }
    }
    pub fn link(label: impl Into<String>, value: impl Into<String>, href: String) -> Self {
        Fact {
            href: Some(href),
            ..Fact::new(label, value)
        }
    }
}

/// A titled list of sentences (reasons, missing items).
pub struct SentenceList {
    pub title: String,
    pub items: Vec<String>,
}

/// Fields shown together under a legend (no legend: shown plainly).
pub struct FieldGroup {
    pub legend: String,
    pub fields: Vec<Field>,
}

/// A form inside a panel. Without visible fields it is a single button.
pub struct PanelForm {
    /// `get` or `post` (posts carry the CSRF token).
    pub method: &'static str,
    pub action: String,
    pub submit: String,
    pub cancel: String,
    pub hidden: Vec<Field>,
    pub groups: Vec<FieldGroup>,
}

impl PanelForm {
    pub fn post(action: impl Into<String>, submit: &str) -> Self {
        PanelForm {
            method: "post",
            action: action.into(),
            submit: submit.to_owned(),
            cancel: String::new(),
            hidden: Vec::new(),
            groups: Vec::new(),
        }
    }
    pub fn get(action: impl Into<String>, submit: &str) -> Self {
        PanelForm {
            method: "get",
            ..PanelForm::post(action, submit)
        }
    }
    pub fn hidden(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.hidden.push(Field::new(name, "", "hidden", value));
        self
    }
    pub fn group(mut self, legend: &str, fields: Vec<Field>) -> Self {
        self.groups.push(FieldGroup {
            legend: legend.to_owned(),
            fields,
        });
        self
    }
    /// Attaches errors to this form's fields; returns the messages no field claimed.
    pub fn attach(&mut self, errors: &[FieldError]) -> Option<String> {
        let mut rest: Vec<String> = Vec::new();
        let claimed = |g: &FieldGroup, e: &FieldError| {
            g.fields
                .iter()
                .any(|f| f.name == e.field && f.kind != "hidden")
        };
        for e in errors {
            if !self.groups.iter().any(|g| claimed(g, e)) {
                rest.push(e.message.clone());
            }
        }
        for g in &mut self.groups {
            let mine: Vec<FieldError> = errors.iter().filter(|e| claimed(g, e)).cloned().collect();
            attach_errors(&mut g.fields, &mine);
        }
        (!rest.is_empty()).then(|| rest.join("；"))
    }
}

pub struct Panel {
    /// Empty: no heading.
    pub title: String,
    /// An extra CSS class, e.g. the verdict's colour.
    pub class: &'static str,
    /// One prominent line.
    pub lead: String,
    pub facts: Vec<Fact>,
    pub lists: Vec<SentenceList>,
    pub note: String,
    pub links: Vec<Action>,
    pub forms: Vec<PanelForm>,
}

impl Panel {
    pub fn new(title: &str) -> Self {
        Panel {
            title: title.to_owned(),
            class: "",
            lead: String::new(),
            facts: Vec::new(),
            lists: Vec::new(),
            note: String::new(),
            links: Vec::new(),
            forms: Vec::new(),
        }
    }
}

/// A table row with a CSS class (e.g. `overdue`).
pub struct Row {
    pub class: &'static str,
    pub cells: Vec<Cell>,
}

pub struct Block {
    pub title: String,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Row>,
    pub empty: String,
}

#[derive(Template)]
#[template(path = "panels.html")]
pub struct PanelPage {
    pub shell: Shell,
    pub heading: String,
    /// A short status shown next to the heading.
    pub badge: String,
    pub actions: Vec<Action>,
    pub error: Option<String>,
    /// Side by side on wide screens, stacked on phones.
    pub panels: Vec<Panel>,
    pub blocks: Vec<Block>,
    /// Full width, after the tables.
    pub after: Vec<Panel>,
    /// Pages of the last table, when it is one page of a longer list.
    pub pager: Option<crate::html::Pager>,
}

impl PanelPage {
    pub fn new(shell: Shell, heading: impl Into<String>) -> Self {
        PanelPage {
            shell,
            heading: heading.into(),
            badge: String::new(),
            actions: Vec::new(),
            error: None,
            panels: Vec::new(),
            blocks: Vec::new(),
            after: Vec::new(),
            pager: None,
        }
    }

    /// Renders the page; after a failed submission (`invalid`), as 422.
    pub fn respond(self, invalid: bool) -> Response {
        let mut res = render(&self);
        if invalid && res.status() == StatusCode::OK {
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        }
        res
    }
}

pub(crate) fn field_error(field: &str, message: &str) -> FieldError {
    FieldError {
        field: field.to_owned(),
        message: message.to_owned(),
    }
}

/// "1580", "1580.5", "1,580.50", "1580元" → fen; None unless a non-negative amount
/// with at most two decimals.
pub(crate) fn fen_of_yuan(raw: &str) -> Option<i64> {
    let s: String = raw
        .trim()
        .trim_end_matches('元')
        .chars()
        .filter(|c| *c != ',' && *c != '，' && !c.is_whitespace())
        .collect();
    let (int, frac) = s.split_once('.').unwrap_or((s.as_str(), ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty())
        || !digits(int)
        || !digits(frac)
        || frac.len() > 2
        || int.len() > 12
    {
        return None;
    }
    let whole: i64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let cents: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    whole.checked_mul(100)?.checked_add(cents)
}

/// A China Standard Time wall-clock time from a `datetime-local` field, as UTC.
pub(crate) fn china_time(
    field: &str,
    raw: &str,
    errs: &mut Vec<FieldError>,
) -> Option<DateTime<Utc>> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    let parsed = [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok());
    match parsed {
        Some(t) => Some((t - Duration::hours(8)).and_utc()),
        None => {
            errs.push(field_error(
                field,
                "时间格式应为 YYYY-MM-DD HH:MM（北京时间）",
            ));
            None
        }
    }
}

/// An instant as China Standard Time, to the minute.
pub(crate) fn china(t: DateTime<Utc>) -> String {
    local_time(t).format("%Y-%m-%d %H:%M").to_string()
}

pub(crate) fn or_dash(s: &str) -> String {
    if s.trim().is_empty() {
        "—".into()
    } else {
        s.to_owned()
    }
}

/// When a deadline falls due: the day, or the moment for hour periods.
/// A provisional date (a year whose holidays are not entered yet) is marked 暂定.
pub(crate) fn due_text(d: &legalaid_app::applications::DeadlineView) -> String {
    let at = match d.due_at {
        Some(t) => t.format("%Y-%m-%d %H:%M").to_string(),
        None => d.due.to_string(),
    };
    if d.provisional {
        format!("{at}（暂定）")
    } else {
        at
    }
}

/// The deadlines of an application or a case, each with its rule and standing.
pub(crate) fn deadlines_block(deadlines: &[legalaid_app::applications::DeadlineView]) -> Block {
    Block {
        title: "期限".into(),
        headers: vec!["事项", "期限", "依据", "状态"],
        rows: deadlines
            .iter()
            .map(|d| Row {
                class: match d.state.as_str() {
                    "overdue" | "met_late" => "overdue",
                    "due_today" | "due_soon" => "due-soon",
                    "met" => "met",
                    _ => "",
                },
                cells: vec![
                    Cell::text(d.label.clone()),
                    Cell::text(due_text(d)),
                    Cell::text(or_dash(&d.rule)),
                    Cell::text(d.state_label.clone()),
                ],
            })
            .collect(),
        empty: "当前没有正在计算的期限。".into(),
    }
}
