//! The API's mirrors: Work queues.

use chrono::NaiveDate;
use legalaid_domain::queue::Queue;

// Work queues.

/// One item of a work queue: what to do, on which record, by when
/// (`legalaid_app::queues::QueueItem`).
#[derive(utoipa::ToSchema)]
#[schema(as = QueueItem)]
#[allow(dead_code)] // describes the JSON of `QueueItem` for the OpenAPI document
pub struct QueueItemDoc {
    queue: Queue,
    queue_label: String,
    /// The deadline rule's code or the step's.
    code: String,
    /// What must be done.
    task: String,
    application_id: Option<i64>,
    case_id: Option<i64>,
    number: String,
    status_label: String,
    unit_name: String,
    due: NaiveDate,
    /// For hour periods: the exact moment, local time without an offset.
    #[schema(value_type = Option<String>)]
    due_at: Option<String>,
    /// The period runs into a year whose holidays are not entered yet.
    provisional: bool,
    /// A statutory period; otherwise `due` is the day the step became due.
    statutory: bool,
    /// `overdue`, `due_today`, `due_soon`, `running` or `waiting`.
    state: String,
    state_label: String,
    /// The page where it is done.
    href: String,
}

/// A page of work-queue items with the counts the filters show
/// (`legalaid_app::queues::QueuePage`).
#[derive(utoipa::ToSchema)]
#[schema(as = QueuePage)]
#[allow(dead_code)] // describes the JSON of `QueuePage` for the OpenAPI document
pub struct QueuePageDoc {
    items: Vec<QueueItemDoc>,
    total: i64,
    /// All items, whatever the filter.
    all: i64,
    overdue: i64,
    /// Due soon, overdue included.
    soon: i64,
}
