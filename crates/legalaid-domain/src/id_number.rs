//! Identity document numbers: the resident ID number (公民身份号码, GB 11643-1999)
//! checked in full, other documents by format.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

code_enum!(
    /// Kinds of identity document an applicant may present.
    IdType {
        ResidentId => ("resident_id", "居民身份证"),
        Passport => ("passport", "护照"),
        HkMacaoPermit => ("hk_macao_permit", "港澳居民来往内地通行证"),
        TaiwanPermit => ("taiwan_permit", "台湾居民来往大陆通行证"),
        ForeignPermanentResidence => ("foreign_permanent_residence", "外国人永久居留身份证"),
    }
);

/// Province-level address codes that can begin a resident ID number (GB/T 2260),
/// including 81/82/83 used by residence permits of Hong Kong, Macao and Taiwan residents.
const PROVINCES: &[&str] = &[
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82", "83",
];

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

/// The ISO 7064 MOD 11-2 check character of the first 17 digits.
pub fn check_char(first17: &str) -> Option<char> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in first17.chars().zip(WEIGHTS) {
        sum += c.to_digit(10)? * w;
    }
    Some(CHECK_CHARS[(sum % 11) as usize] as char)
}

/// A valid, normalised (upper-case `X`) resident ID number, with what it encodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResidentId {
    number: String,
    birth_date: NaiveDate,
    male: bool,
}

impl ResidentId {
    /// Checks an 18-character number against GB 11643: length, province address
    /// code, a real birth date no later than `today`, and the MOD 11-2 check character.
    pub fn parse(raw: &str, today: NaiveDate) -> Result<ResidentId, String> {
        let n = raw.trim().to_ascii_uppercase();
        if n.len() != 18 || !n.is_ascii() || !n[..17].bytes().all(|b| b.is_ascii_digit()) {
            return Err("居民身份证号码应为18位，前17位为数字，最后一位为数字或X".into());
        }
        let last = n.as_bytes()[17];
        if !(last.is_ascii_digit() || last == b'X') {
            return Err("居民身份证号码最后一位应为数字或X".into());
        }
        if !PROVINCES.contains(&&n[..2]) {
            return Err("居民身份证号码前两位不是有效的省级行政区划代码".into());
        }
        let birth = NaiveDate::parse_from_str(&n[6..14], "%Y%m%d")
            .map_err(|_| "居民身份证号码中的出生日期（第7至14位）不是有效日期".to_owned())?;
        if birth > today || birth.year() < 1900 {
            return Err("居民身份证号码中的出生日期不合理（晚于今天或早于1900年）".into());
        }
        if check_char(&n[..17]) != Some(last as char) {
            return Err("居民身份证号码校验码不正确，请核对号码".into());
        }
        let male = (n.as_bytes()[16] - b'0') % 2 == 1;
        Ok(ResidentId {
            number: n,
            birth_date: birth,
            male,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.number
    }
    pub fn birth_date(&self) -> NaiveDate {
        self.birth_date
    }
    /// Sex as encoded by the 17th digit (odd: male).
    pub fn is_male(&self) -> bool {
        self.male
    }
    /// The 6-digit address code of the place of first registration.
    pub fn address_code(&self) -> &str {
        &self.number[..6]
    }
}

/// A checked document number of any type, normalised (trimmed, upper-case).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdNumber {
    pub id_type: IdType,
    pub number: String,
}

impl IdNumber {
    /// Checks a number for its type. Resident IDs are checked in full (see
    /// [`ResidentId::parse`]); other documents by their published formats.
    pub fn parse(id_type: IdType, raw: &str, today: NaiveDate) -> Result<IdNumber, String> {
        let n = raw.trim().to_ascii_uppercase();
        // Every document number is ASCII; checking first also keeps the byte
        // slicing below on character boundaries.
        if !n.is_ascii() {
            return Err(format!("{}号码格式不正确", id_type.label()));
        }
        let ok = match id_type {
            IdType::ResidentId => {
                return ResidentId::parse(&n, today).map(|r| IdNumber {
                    id_type,
                    number: r.number,
                });
            }
            // Passports: issuing states differ; 5 to 20 letters and digits.
            IdType::Passport => {
                (5..=20).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_alphanumeric())
            }
            // H (Hong Kong) or M (Macao) followed by 8 or 10 digits.
            IdType::HkMacaoPermit => {
                matches!(n.as_bytes().first(), Some(b'H' | b'M'))
                    && matches!(n.len(), 9 | 11)
                    && n[1..].bytes().all(|b| b.is_ascii_digit())
            }
            // 8 digits (since 2015), or the older 10-character form.
            IdType::TaiwanPermit => {
                (n.len() == 8 && n.bytes().all(|b| b.is_ascii_digit()))
                    || (n.len() == 10 && n.bytes().all(|b| b.is_ascii_alphanumeric()))
            }
            // 15 characters (3 letters + 12 digits) before 2023; since then 18 characters
            // starting with 9 and ending in a MOD 11-2 check character.
            IdType::ForeignPermanentResidence => {
                (n.len() == 15
                    && n[..3].bytes().all(|b| b.is_ascii_uppercase())
                    && n[3..].bytes().all(|b| b.is_ascii_digit()))
                    || (n.len() == 18
                        && n.starts_with('9')
                        && check_char(&n[..17]) == n.chars().nth(17))
            }
        };
        if ok {
            Ok(IdNumber { id_type, number: n })
        } else {
            Err(format!("{}号码格式不正确", id_type.label()))
        }
    }

    /// The number as shown by default: only the first and last characters.
    pub fn masked(&self) -> String {
        mask(&self.number)
    }
}

/// Keeps the first 6 (resident IDs) or 2 characters and the last 4; masks the rest.
pub fn mask(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    let n = chars.len();
    let head = if n >= 15 { 6 } else { 2.min(n) };
    let tail = if n > head + 4 { 4 } else { 0 };
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < head || i >= n - tail { *c } else { '*' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 8, 5).expect("valid date")
    }

    /// Multi-byte characters where ASCII is expected are refused, never sliced.
    #[test]
    fn non_ascii_numbers_are_refused_not_sliced() {
        for raw in [
            "1111111111111111é",
            "11111111111111111é",
            "ÉAB123456789012",
            "9ABCDEFGHIJKLMNOé",
            "９１１１１１１１１１１１１１１１１X",
        ] {
            for t in IdType::ALL {
                assert!(IdNumber::parse(*t, raw, today()).is_err(), "{t:?} {raw}");
            }
            assert!(ResidentId::parse(raw, today()).is_err(), "{raw}");
        }
    }

    /// Builds a valid number from an address code, birth date and sequence.
    fn make(addr: &str, birth: &str, seq: &str) -> String {
        let first17 = format!("{addr}{birth}{seq}");
        format!("{first17}{}", check_char(&first17).expect("17 digits"))
    }

    #[test]
    fn the_standard_example_is_valid() {
        // GB 11643-1999's own example number.
        let r = ResidentId::parse("11010519491231002X", today()).expect("valid");
        assert_eq!(
            r.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).expect("date")
        );
        assert!(!r.is_male());
        assert_eq!(r.address_code(), "110105");
    }

    #[test]
    fn lower_case_x_is_normalised() {
        let r = ResidentId::parse("11010519491231002x", today()).expect("valid");
        assert_eq!(r.as_str(), "11010519491231002X");
    }

    #[test]
    fn derives_sex_and_birth() {
        let n = make("341504", "19800229", "013");
        let r = ResidentId::parse(&n, today()).expect("valid");
        assert!(r.is_male());
        assert_eq!(
            r.birth_date(),
            NaiveDate::from_ymd_opt(1980, 2, 29).expect("date")
        );
    }

    #[test]
    fn rejects_each_kind_of_error() {
        let good = make("341504", "19900101", "002");
        assert!(ResidentId::parse(&good, today()).is_ok());
        let mut bad_check = good.clone();
        bad_check.replace_range(17.., if good.ends_with('0') { "1" } else { "0" });
        assert!(
            ResidentId::parse(&bad_check, today())
                .expect_err("check")
                .contains("校验码")
        );
        assert!(
            ResidentId::parse(&good[..17], today()).is_err(),
            "17 characters"
        );
        assert!(
            ResidentId::parse(&make("991504", "19900101", "002"), today())
                .expect_err("province")
                .contains("省级")
        );
        assert!(
            ResidentId::parse(&make("341504", "19900230", "002"), today())
                .expect_err("date")
                .contains("出生日期")
        );
        assert!(
            ResidentId::parse(&make("341504", "20300101", "002"), today())
                .expect_err("future")
                .contains("不合理")
        );
    }

    #[test]
    fn every_generated_number_round_trips() {
        // Over many dates and sequences: a correctly built number always validates,
        // and MOD 11-2 catches every single-digit change in the first 17 digits.
        let mut d = NaiveDate::from_ymd_opt(1930, 1, 1).expect("date");
        let mut i = 0usize;
        while d < today() {
            let n = make(
                "340100",
                &d.format("%Y%m%d").to_string(),
                &format!("{:03}", i % 1000),
            );
            assert_eq!(
                ResidentId::parse(&n, today()).expect("valid").birth_date(),
                d
            );
            for pos in 0..17 {
                let mut b = n.clone().into_bytes();
                b[pos] = b'0' + (b[pos] - b'0' + 1 + (i % 9) as u8) % 10;
                let changed = String::from_utf8(b).expect("ascii");
                assert!(
                    ResidentId::parse(&changed, today()).is_err(),
                    "{n} -> {changed}"
                );
            }
            d += chrono::Duration::days(97);
            i += 1;
        }
    }

    #[test]
    fn other_documents() {
        let t = today();
        assert!(IdNumber::parse(IdType::Passport, "e12345678", t).is_ok());
        assert!(IdNumber::parse(IdType::Passport, "12", t).is_err());
        assert!(IdNumber::parse(IdType::HkMacaoPermit, "H12345678", t).is_ok());
        assert!(IdNumber::parse(IdType::HkMacaoPermit, "X12345678", t).is_err());
        assert!(IdNumber::parse(IdType::TaiwanPermit, "12345678", t).is_ok());
        assert!(IdNumber::parse(IdType::ForeignPermanentResidence, "USA110086123456", t).is_ok());
        let new_style = {
            let first17 = "93311084012345670";
            format!("{first17}{}", check_char(first17).expect("digits"))
        };
        assert!(IdNumber::parse(IdType::ForeignPermanentResidence, &new_style, t).is_ok());
        assert!(IdNumber::parse(IdType::ResidentId, "11010519491231002X", t).is_ok());
    }

    #[test]
    fn masking() {
        assert_eq!(mask("11010519491231002X"), "110105********002X");
        assert_eq!(mask("E12345678"), "E1***5678");
        assert_eq!(mask("ABC"), "AB*");
    }
}
