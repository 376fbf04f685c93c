//! Administrative regions by GB/T 2260 code.
//!
//! Codes are hierarchical by prefix: province `34`, city `3415`, county `341504`,
//! township `341504001`. A region's subtree is every code that starts with its own.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    Province,
    City,
    County,
    Township,
}

impl RegionLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::City => "city",
            Self::County => "county",
            Self::Township => "township",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Province => "省级",
            Self::City => "市级",
            Self::County => "县级",
            Self::Township => "乡级",
        }
    }
}

impl RegionCode {
    /// Parses a code: 2 (province), 4 (city), 6 (county) or 9 (township) digits.
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if !s.bytes().all(|b| b.is_ascii_digit()) || ![2, 4, 6, 9].contains(&s.len()) {
            return Err("行政区划代码应为2、4、6或9位数字".into());
        }
        if s.starts_with('0') {
            return Err("行政区划代码不能以0开头".into());
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> RegionLevel {
        match self.0.len() {
            2 => RegionLevel::Province,
            4 => RegionLevel::City,
            6 => RegionLevel::County,
            _ => RegionLevel::Township,
        }
    }

    /// The code of the enclosing region, if any.
    pub fn parent(&self) -> Option<RegionCode> {
        let len = match self.0.len() {
            9 => 6,
            6 => 4,
            4 => 2,
            _ => return None,
        };
        Some(Self(self.0[..len].to_owned()))
    }

    /// True when `other` is this region or lies inside it.
    pub fn contains(&self, other: &RegionCode) -> bool {
        other.0.starts_with(&self.0)
    }
}

impl TryFrom<String> for RegionCode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

impl From<RegionCode> for String {
    fn from(c: RegionCode) -> String {
        c.0
    }
}

impl std::fmt::Display for RegionCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> RegionCode {
        RegionCode::parse(s).expect("valid code in test")
    }

    #[test]
    fn levels_and_parents() {
        assert_eq!(c("34").level(), RegionLevel::Province);
        assert_eq!(c("3415").level(), RegionLevel::City);
        assert_eq!(c("341504").level(), RegionLevel::County);
        assert_eq!(c("341504100").level(), RegionLevel::Township);
        assert_eq!(c("341504100").parent(), Some(c("341504")));
        assert_eq!(c("341504").parent(), Some(c("3415")));
        assert_eq!(c("34").parent(), None);
    }

    #[test]
    fn subtree() {
        assert!(c("3415").contains(&c("341504001")));
        assert!(c("341504").contains(&c("341504")));
        assert!(!c("341504").contains(&c("341502")));
        assert!(!c("341504001").contains(&c("341504")));
    }

    #[test]
    fn rejects_bad_codes() {
        for bad in ["", "3", "341", "34150x", "0415", "3415040011"] {
            assert!(RegionCode::parse(bad).is_err(), "{bad}");
        }
    }
}
