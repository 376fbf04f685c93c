//! Typed identifiers, so that a unit id can never be passed where a user id is meant.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl From<i64> for $name {
            fn from(id: i64) -> Self {
                $name(id)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(
    /// A unit: bureau, center, judicial office, law firm, workstation…
    UnitId
);
id_type!(
    /// A signed-in person's account.
    UserId
);
id_type!(
    /// A staff record (lawyer, legal worker, center staff…).
    StaffId
);
id_type!(
    /// A person in the register (applicants, recipients).
    PersonId
);
id_type!(
    /// An application for legal aid.
    ApplicationId
);
id_type!(
    /// A legal aid case (one stage of a matter).
    CaseId
);
id_type!(
    /// An objection to a denial or a termination.
    ObjectionId
);
