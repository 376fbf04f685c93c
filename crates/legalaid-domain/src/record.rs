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

    /// Reads a key written by [`Subject::key`].
    pub fn parse(key: &str) -> Option<Subject> {
        let (kind, id) = key.split_once(':')?;
        let id: i64 = id.parse().ok().filter(|i| *i > 0)?;
        match kind {
            "application" => Some(Subject::Application(ApplicationId(id))),
            "case" => Some(Subject::Case(CaseId(id))),
            _ => None,
        }
    }

    /// What the record is called, for messages shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Subject::Application(_) => "法律援助申请",
            Subject::Case(_) => "法律援助案件",
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
    fn keys_read_back() {
        for s in [
            Subject::Application(ApplicationId(12)),
            Subject::Case(CaseId(7)),
        ] {
            assert_eq!(Subject::parse(&s.key()), Some(s));
        }
        assert_eq!(Subject::parse("case:0"), None, "ids are positive");
        assert_eq!(Subject::parse("objection:3"), None, "not a record");
        assert_eq!(Subject::parse("case"), None);
        assert_eq!(Subject::Case(CaseId(7)).href(), "/cases/7");
    }
}
