//! Supervision (督导): what counts toward targets, progress against time
//! (序时进度), and the case tallies the dashboards read (ADR 0023).

pub mod bulletin;
pub mod evaluation;
pub mod forms;
pub mod order;
pub mod pace;
pub mod stats;
pub mod tally;
pub mod targets;

pub use pace::{
    PaceBasis, Progress, Ratio, Share, Split, SupervisionRule, progress, rule_on, split, time_share,
};
pub use tally::{Entry, Event, Key, Measure};
