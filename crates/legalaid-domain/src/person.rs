//! People who apply for or receive legal aid. Their ID numbers are personal
//! information of the most sensitive kind: the domain checks them; storage keeps
//! them encrypted; records shown and audited carry only the masked form.

use crate::id_number::{IdNumber, IdType, ResidentId};
use crate::staff::Sex;
use crate::validation::{FieldError, Validation};
use crate::{PersonId, UnitId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

code_enum!(
    /// Recipient groups (several per person), used for statistics and priorities.
    RecipientGroup {
        MigrantWorker => ("migrant_worker", "农民工"),
        Minor => ("minor", "未成年人"),
        Elderly => ("elderly", "老年人"),
        Disabled => ("disabled", "残疾人"),
        Woman => ("woman", "妇女"),
        MilitaryFamily => ("military_family", "军人军属"),
        Dibao => ("dibao", "低保对象"),
        Destitute => ("destitute", "特困供养人员"),
        /// Rural household registration, living mainly on farm income (the MoJ
        /// forms' 农民, distinct from 农民工).
        Farmer => ("farmer", "农民"),
        EthnicMinority => ("ethnic_minority", "少数民族"),
        ForeignerStateless => ("foreigner_stateless", "外国籍人或无国籍人"),
        /// 一般贫困者: poor without a dibao or destitute status.
        GeneralPoor => ("general_poor", "一般贫困者"),
        /// Blind, deaf or mute (a subset of the disabled the criminal table counts).
        BlindDeafMute => ("blind_deaf_mute", "盲、聋、哑人"),
        MentalIllness => ("mental_illness", "尚未完全丧失辨认或者控制自己行为能力的精神病人"),
    }
);

/// A person as shown: the ID number masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Person {
    pub id: PersonId,
    pub name: String,
    pub id_type: IdType,
    /// e.g. `341504********0013`; the full number is shown only on request, and audited.
    pub id_number_masked: String,
    pub sex: Option<Sex>,
    pub birth_date: Option<NaiveDate>,
    pub ethnicity: String,
    pub phone: String,
    pub address: String,
    pub household_registration: String,
    pub education: String,
    pub occupation: String,
    pub groups: Vec<RecipientGroup>,
    /// The unit that registered the person.
    pub unit_id: UnitId,
    pub version: i64,
    /// Set when this record was merged into another (a duplicate registration):
    /// its applications and cases now name that record.
    pub merged_into: Option<PersonId>,
}

/// What an intake unit sees of a person another unit of its district registered:
/// enough to recognise them and take their application (necessary and minimal,
/// PIPL art 6), nothing of their address, circumstances or cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonCard {
    pub id: PersonId,
    pub name: String,
    pub id_type: IdType,
    pub id_number_masked: String,
    pub sex: Option<Sex>,
    pub birth_date: Option<NaiveDate>,
    pub phone: String,
    /// The unit that registered the person.
    pub unit_id: UnitId,
    pub unit_name: String,
}

impl PersonCard {
    pub fn of(p: &Person, unit_name: String) -> Self {
        PersonCard {
            id: p.id,
            name: p.name.clone(),
            id_type: p.id_type,
            id_number_masked: p.id_number_masked.clone(),
            sex: p.sex,
            birth_date: p.birth_date,
            phone: p.phone.clone(),
            unit_id: p.unit_id,
            unit_name,
        }
    }
}

/// Validated fields of a person, with the full ID number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonFields {
    pub name: String,
    pub id: IdNumber,
    pub sex: Option<Sex>,
    pub birth_date: Option<NaiveDate>,
    pub ethnicity: String,
    pub phone: String,
    pub address: String,
    pub household_registration: String,
    pub education: String,
    pub occupation: String,
    pub groups: Vec<RecipientGroup>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonInput {
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 50, pattern = r"\S")
    )]
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true, value_type = IdType))]
    pub id_type: String,
    /// The document number; its format depends on `id_type` (lower case is accepted
    /// and stored upper-case): `resident_id` 17 digits and a check digit or `X`, with
    /// a real province, birth date and MOD 11-2 check (GB 11643); `passport` 5 to 20
    /// letters and digits; `hk_macao_permit` `H` or `M` and 8 or 10 digits;
    /// `taiwan_permit` 8 digits or 10 letters and digits;
    /// `foreign_permanent_residence` 3 letters and 12 digits, or 18 characters
    /// starting with 9 and ending in a MOD 11-2 check character. The pattern is only
    /// what all of these share.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, pattern = "^[0-9A-Za-z]{5,20}$")
    )]
    pub id_number: String,
    /// For documents other than the resident ID (which encodes them; a differing
    /// entry is refused).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Sex>))]
    pub sex: Option<String>,
    /// Not after today nor more than 120 years back; for a resident ID, omit it or
    /// give the date the number encodes.
    #[serde(default)]
    pub birth_date: Option<NaiveDate>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 20))]
    pub ethnicity: String,
    /// Empty, a mainland mobile number or a landline: 7 to 16 digits, single
    /// hyphens between them (e.g. `0564-6123456`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "^(?:[0-9](?:-?[0-9]){6,15})?$"))]
    pub phone: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub address: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub household_registration: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 20))]
    pub education: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 50))]
    pub occupation: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<RecipientGroup>))]
    pub groups: Vec<String>,
}

impl PersonInput {
    /// Validates against `today` (birth dates cannot be in the future). For resident
    /// IDs, birth date and sex are taken from the number, and a differing entry is an error.
    pub fn validate(&self, today: NaiveDate) -> Result<PersonFields, Vec<FieldError>> {
        let mut v = Validation::new();
        let name = v.text("name", &self.name, "姓名", 50);
        let id_type = IdType::parse(self.id_type.trim());
        if id_type.is_none() {
            v.add("id_type", "请选择证件类型");
        }
        let id = id_type.and_then(|t| {
            IdNumber::parse(t, &self.id_number, today)
                .map_err(|m| v.add("id_number", m))
                .ok()
        });
        let mut sex = match self.sex.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => {
                let parsed = Sex::parse(s);
                if parsed.is_none() {
                    v.add("sex", "性别应为 male 或 female");
                }
                parsed
            }
            None => None,
        };
        let mut birth_date = self.birth_date;
        if let Some(b) = birth_date {
            if b > today {
                v.add("birth_date", "出生日期不能晚于今天");
            } else if age_on(b, today) > MAX_AGE {
                v.add(
                    "birth_date",
                    format!("出生日期不合常理（年龄超过{MAX_AGE}岁），请核对"),
                );
            }
        }
        if let Some(id) = &id
            && id.id_type == IdType::ResidentId
            && let Ok(r) = ResidentId::parse(&id.number, today)
        {
            let derived_sex = if r.is_male() { Sex::Male } else { Sex::Female };
            if sex.is_some_and(|s| s != derived_sex) {
                v.add("sex", "性别与居民身份证号码不一致");
            }
            if birth_date.is_some_and(|b| b != r.birth_date()) {
                v.add("birth_date", "出生日期与居民身份证号码不一致");
            }
            sex = Some(derived_sex);
            birth_date = Some(r.birth_date());
        }
        let mut groups = Vec::new();
        for g in &self.groups {
            match RecipientGroup::parse(g.trim()) {
                Some(g) if !groups.contains(&g) => groups.push(g),
                Some(_) => {}
                None => v.add("groups", format!("未知的人群类别：{}", g.trim())),
            }
        }
        let ethnicity = v.optional_text("ethnicity", &self.ethnicity, "民族", 20);
        let phone = v.optional_phone("phone", &self.phone);
        let address = v.optional_text("address", &self.address, "住址", 200);
        let household_registration = v.optional_text(
            "household_registration",
            &self.household_registration,
            "户籍所在地",
            200,
        );
        let education = v.optional_text("education", &self.education, "文化程度", 20);
        let occupation = v.optional_text("occupation", &self.occupation, "职业", 50);
        match id {
            Some(id) if v.is_empty() => Ok(PersonFields {
                name,
                id,
                sex,
                birth_date,
                ethnicity,
                phone,
                address,
                household_registration,
                education,
                occupation,
                groups,
            }),
            _ => Err(v.errors().to_vec()),
        }
    }
}

/// No one registered is older than this: a birth date further back is a typing
/// mistake (0001-01-01 from a date picker's default, say).
pub const MAX_AGE: i32 = 120;

/// Age in whole years on `on`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    use chrono::Datelike;
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 8, 5).expect("date")
    }

    fn input() -> PersonInput {
        PersonInput {
            name: "李秀英".into(),
            id_type: "resident_id".into(),
            id_number: "11010519491231002x".into(),
            groups: vec!["elderly".into(), "woman".into()],
            phone: "13912345678".into(),
            ..Default::default()
        }
    }

    #[test]
    fn resident_id_gives_birth_date_and_sex() {
        let f = input().validate(today()).expect("valid");
        assert_eq!(f.id.number, "11010519491231002X");
        assert_eq!(f.sex, Some(Sex::Female));
        assert_eq!(f.birth_date, NaiveDate::from_ymd_opt(1949, 12, 31));
        assert_eq!(
            f.groups,
            vec![RecipientGroup::Elderly, RecipientGroup::Woman]
        );
    }

    #[test]
    fn contradictions_and_bad_values_are_named() {
        let mut i = input();
        i.sex = Some("male".into());
        i.groups.push("vip".into());
        i.phone = "12".into();
        let e = i.validate(today()).expect_err("invalid");
        let fields: Vec<_> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["sex", "groups", "phone"]);
        let mut i = input();
        i.id_number = "110105194912310021".into();
        assert_eq!(
            i.validate(today()).expect_err("bad check")[0].field,
            "id_number"
        );
    }

    #[test]
    fn other_documents_take_sex_and_birth_date_as_entered() {
        let i = PersonInput {
            name: "陈大文".into(),
            id_type: "hk_macao_permit".into(),
            id_number: "h12345678".into(),
            sex: Some("male".into()),
            birth_date: NaiveDate::from_ymd_opt(1980, 5, 1),
            ..Default::default()
        };
        let f = i.validate(today()).expect("valid");
        assert_eq!(f.id.number, "H12345678");
        assert_eq!(f.sex, Some(Sex::Male));
    }

    #[test]
    fn an_implausible_birth_date_is_refused() {
        let born = |y, m, d| PersonInput {
            name: "陈大文".into(),
            id_type: "passport".into(),
            id_number: "E12345678".into(),
            birth_date: NaiveDate::from_ymd_opt(y, m, d),
            ..Default::default()
        };
        let e = born(1, 1, 1).validate(today()).expect_err("year 1");
        assert_eq!(e[0].field, "birth_date");
        assert!(
            born(1904, 1, 1).validate(today()).is_ok(),
            "120 years is possible"
        );
        assert!(born(1903, 1, 1).validate(today()).is_err());
    }

    #[test]
    fn ages() {
        let b = NaiveDate::from_ymd_opt(2006, 8, 6).expect("date");
        assert_eq!(age_on(b, today()), 17, "a minor until tomorrow");
        assert_eq!(
            age_on(b, NaiveDate::from_ymd_opt(2024, 8, 6).expect("date")),
            18
        );
    }
}

/// The request schema says what `validate` requires, so that a client (or a fuzzer)
/// working from the API document sends people that can be registered.
#[cfg(all(test, feature = "openapi"))]
mod schema_tests {
    use super::PersonInput;
    use crate::id_number::IdType;
    use utoipa::PartialSchema;

    #[test]
    fn the_schema_requires_what_validation_requires() {
        let s = serde_json::to_value(PersonInput::schema()).expect("a schema serializes");
        assert_eq!(
            s["required"],
            serde_json::json!(["name", "id_type", "id_number"]),
            "exactly the fields validation refuses to leave empty"
        );
        assert_eq!(
            s["properties"]["id_type"]["$ref"],
            "#/components/schemas/IdType"
        );
        let codes: Vec<&str> = IdType::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(
            serde_json::to_value(IdType::schema()).expect("a schema serializes")["enum"],
            serde_json::json!(codes),
            "the enum lists the codes IdType::parse accepts"
        );
    }
}
