//! Server-rendered pages in Simplified Chinese. Most pages share a few generic
//! templates (list, form, detail) filled from view models built here, so every
//! list has the same filters, pager and empty state, and every form the same
//! field-level errors.

mod account;
mod admin;
mod applications;
mod cases;
mod complaints;
mod documents;
mod export;
mod outreach;
mod panels;
mod person_merges;
mod persons;
mod public;
mod quality;
mod routes;
mod search;
mod sheet_import;
// Surveys and training (issue 11).
mod supervision;
mod supervision_bulletins;
mod supervision_eval;
mod supervision_forms;
mod supervision_orders;
mod supervision_stats;
mod supervision_targets;
mod surveys;
mod training;
mod visits;
mod widgets;

pub use routes::routes;
pub use widgets::*;
