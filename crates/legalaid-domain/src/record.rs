//! The records that other things hang off: files, documents, objections, messages
//! and running deadlines belong to an application or to a case. Complaints and
//! quality reviews join this list as they arrive.

use crate::{ApplicationId, CaseId};
use serde::{Deserialize, Serialize};

/// A record that files, documents, messages and deadlines are kept for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Subject {
    Application(ApplicationId),
    Case(CaseId),
}

impl Subject {
    /// The stable key, `application:12` or `case:7` (stored with issued documents).
    pub fn key(self) -> String {
        match self {
            Subject::Application(id) => format!("application:{id}"),
            Subject::Case(id) => format!("case:{id}"),
        }
    }

    /// The page where the record is worked on.
    pub fn href(self) -> String {
        match self {
            Subject::Application(id) => format!("/applications/{id}"),
            Subject::Case(id) => format!("/cases/{id}"),
        }
    }
}

impl From<ApplicationId> for Subject {
    fn from(id: ApplicationId) -> Self {
        Subject::Application(id)
    }
}

impl From<CaseId> for Subject {
    fn from(id: CaseId) -> Self {
        Subject::Case(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_pages_name_the_record() {
        assert_eq!(
            Subject::Application(ApplicationId(12)).key(),
            "application:12"
        );
        assert_eq!(Subject::Case(CaseId(7)).key(), "case:7");
        assert_eq!(Subject::Case(CaseId(7)).href(), "/cases/7");
        assert_eq!(
            Subject::Application(ApplicationId(12)).href(),
            "/applications/12"
        );
    }
}
