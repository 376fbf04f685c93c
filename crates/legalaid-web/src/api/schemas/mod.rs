//! The JSON the API answers with, described for the OpenAPI document where it is
//! made of types the document cannot name itself: the views of the app crate, the
//! records of the store, and the domain's application and message template, whose
//! own schemas would name their two different `Channel` enums alike (the app and
//! the store know nothing of OpenAPI, ARCHITECTURE.md). Each mirror repeats the fields
//! of what it describes, as serde writes them; `tests/openapi.rs` fetches real
//! answers and checks them against these schemas, so a field added to a view and
//! not here fails a test.
//!
//! One file per part of the API, re-exported here so that a mirror is named
//! `schemas::XDoc` wherever it lives.

mod applications;
mod cases;
mod complaints;
mod excellent;
mod hearings;
mod outreach;
mod quality;
mod queues;
mod rules;
// Surveys and training (issue 11).
mod surveys;

pub use applications::*;
pub use cases::*;
pub use complaints::*;
pub use excellent::*;
pub use hearings::*;
pub use outreach::*;
pub use quality::*;
pub use queues::*;
pub use rules::*;
pub use surveys::*;
