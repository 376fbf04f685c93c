//! Document numbers (文号): each kind of document is numbered in its own series
//! (the template's `number_format`, from 1 each year), given the first time a
//! document is issued for a record and kept for every later copy. Used by the
//! documents of records and by bulletins, which number themselves when issued.

use crate::{App, AppError, AppResult};
use chrono::{Datelike, NaiveDate};
use legalaid_domain::application::format_number;
use legalaid_domain::document::DocTemplate;
use legalaid_store::documents as store;

/// The number a document carries: its kind's own series (the template's
/// `number_format`, counted from 1 in the year it is dated), given the first time
/// it is issued for `subject` and kept for every later copy; or, without a
/// series, its record's number.
pub(crate) async fn number_of(
    app: &App,
    template: &DocTemplate,
    subject: &str,
    record_number: &str,
    issued_on: NaiveDate,
) -> AppResult<String> {
    if template.number_format.is_empty() {
        return Ok(record_number.to_owned());
    }
    // Two first issues at once on PostgreSQL: one records the number, the other
    // meets it in the unique index, rolls back (its count too) and reads it.
    for _ in 0..2 {
        let mut tx = app.store.write().await?;
        if let Some(n) = store::issued_number(&mut tx, template.kind, subject).await? {
            return Ok(n);
        }
        let year = issued_on.year();
        let series = format!("doc:{}", template.kind.as_str());
        let seq = legalaid_store::applications::next_number(&mut tx, &series, year).await?;
        let number = format_number(&template.number_format, year, seq);
        match store::record_issue(&mut tx, template.kind, subject, &number, app.clock.now()).await {
            Ok(()) => {
                tx.commit().await?;
                return Ok(number);
            }
            Err(legalaid_store::StoreError::Duplicate(key)) if key.contains("subject") => {}
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Conflict("文书编号正在生成，请稍后重试".into()))
}
