//! Case quality management (案卷评查, LAL art 59): scoring schemes as data
//! (`scheme`), the reproducible draw of the files to review (`sampling`), and the
//! review itself: who may review which file, the tiers, the final grade (`review`).

pub mod review;
pub mod sampling;
pub mod scheme;
