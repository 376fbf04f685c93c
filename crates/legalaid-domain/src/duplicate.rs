//! Duplicate registrations of one person, and what a merge moves.
//!
//! Two records are offered as one person when they share a name and a birth
//! date, a phone, or a birth date and a name one character apart (a wrong
//! character typed, 张晓明 / 张小明). A merge keeps both records: the merged one
//! points at the survivor and lists the rows that moved, so undoing it moves
//! exactly those rows back.

use serde::{Deserialize, Serialize};

code_enum!(
    /// Why two records may be one person.
    DuplicateReason {
        SameNameAndBirth => ("same_name_and_birth", "姓名和出生日期相同"),
        SamePhone => ("same_phone", "联系电话相同"),
        SimilarNameSameBirth => ("similar_name_same_birth", "出生日期相同，姓名仅一字之差"),
    }
);

/// Whether two different names are one character apart: the same length (at
/// least two characters, after trimming) and the same but for one character.
pub fn names_similar(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.trim().chars().collect();
    let b: Vec<char> = b.trim().chars().collect();
    a.len() == b.len() && a.len() >= 2 && a.iter().zip(&b).filter(|(x, y)| x != y).count() == 1
}

/// The rows a merge moved from the merged person to the survivor, by table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Moved {
    pub applications: Vec<i64>,
    pub cases: Vec<i64>,
    pub consultations: Vec<i64>,
    pub duty_help: Vec<i64>,
}

impl Moved {
    pub fn total(&self) -> usize {
        self.applications.len() + self.cases.len() + self.consultations.len() + self.duty_help.len()
    }
}

/// Why a merge cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    #[error("不能将当事人与其本人合并")]
    Same,
    #[error("该当事人已合并至其他记录，请先撤销那次合并")]
    AlreadyMerged,
    #[error("保留的记录已合并至其他记录，请选择合并后的记录")]
    SurvivorMerged,
    #[error("请说明合并的理由")]
    NoReason,
}

/// Checks a merge of `merged` into `survivor` (each: id, and the record it was
/// merged into if any).
pub fn check_merge(
    survivor: (i64, Option<i64>),
    merged: (i64, Option<i64>),
    reason: &str,
) -> Result<(), MergeError> {
    if survivor.0 == merged.0 {
        return Err(MergeError::Same);
    }
    if merged.1.is_some() {
        return Err(MergeError::AlreadyMerged);
    }
    if survivor.1.is_some() {
        return Err(MergeError::SurvivorMerged);
    }
    if reason.trim().is_empty() {
        return Err(MergeError::NoReason);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_one_character_apart_are_similar() {
        assert!(names_similar("张晓明", "张小明"));
        assert!(names_similar(" 李娜", "王娜"));
        assert!(
            !names_similar("张晓明", "张晓明"),
            "the same name is not 'similar'"
        );
        assert!(!names_similar("张晓明", "张小敏"), "two characters apart");
        assert!(!names_similar("张明", "张晓明"), "lengths differ");
        assert!(
            !names_similar("A", "B"),
            "one character is too short to tell"
        );
    }

    #[test]
    fn a_merge_is_checked() {
        assert_eq!(check_merge((1, None), (2, None), "同一人重复登记"), Ok(()));
        assert_eq!(
            check_merge((1, None), (1, None), "x"),
            Err(MergeError::Same)
        );
        assert_eq!(
            check_merge((1, None), (2, Some(3)), "x"),
            Err(MergeError::AlreadyMerged)
        );
        assert_eq!(
            check_merge((1, Some(3)), (2, None), "x"),
            Err(MergeError::SurvivorMerged)
        );
        assert_eq!(
            check_merge((1, None), (2, None), "  "),
            Err(MergeError::NoReason)
        );
    }

    #[test]
    fn moved_rows_round_trip_as_json() {
        let m = Moved {
            applications: vec![1, 2],
            cases: vec![3],
            ..Moved::default()
        };
        assert_eq!(m.total(), 3);
        let back: Moved = serde_json::from_str(&serde_json::to_string(&m).unwrap_or_default())
            .unwrap_or_default();
        assert_eq!(back, m);
    }
}
