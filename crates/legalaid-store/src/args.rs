//! Values bound to the numbered placeholders of a query built from the conditions
//! that are set (ADR 0037: no `($n IS NULL OR …)`, so each query's plan can use
//! the index its conditions name).

use chrono::{DateTime, Utc};

/// A value bound to a numbered placeholder.
pub(crate) enum Arg {
    Text(String),
    Int(i64),
    Time(DateTime<Utc>),
}

#[derive(Default)]
pub(crate) struct Args(pub(crate) Vec<Arg>);

impl Args {
    /// Binds `a` and returns its placeholder.
    pub(crate) fn push(&mut self, a: Arg) -> String {
        self.0.push(a);
        format!("${}", self.0.len())
    }
}
