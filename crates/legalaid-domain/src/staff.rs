//! Staff records: the people who do legal aid work in a unit.

use crate::validation::{FieldError, Validation};
use crate::{StaffId, UnitId};
use serde::{Deserialize, Serialize};

code_enum!(
    StaffKind {
        Lawyer => ("lawyer", "律师"),
        LegalWorker => ("legal_worker", "基层法律服务工作者"),
        CenterStaff => ("center_staff", "法律援助中心工作人员"),
        JudicialOfficer => ("judicial_officer", "司法所工作人员"),
        Other => ("other", "其他人员"),
    }
);

code_enum!(
    Sex {
        Male => ("male", "男"),
        Female => ("female", "女"),
    }
);

code_enum!(
    /// Areas of practice used to match handlers to matters.
    Specialty {
        CriminalDefense => ("criminal_defense", "刑事辩护"),
        Juvenile => ("juvenile", "未成年人案件"),
        Labor => ("labor", "劳动争议"),
        MarriageFamily => ("marriage_family", "婚姻家庭"),
        PersonalInjury => ("personal_injury", "人身损害"),
        Traffic => ("traffic", "交通事故"),
        Medical => ("medical", "医疗纠纷"),
        Administrative => ("administrative", "行政诉讼"),
        StateCompensation => ("state_compensation", "国家赔偿"),
        LandContract => ("land_contract", "土地承包"),
        Contract => ("contract", "合同纠纷"),
    }
);

/// A staff record as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Staff {
    pub id: StaffId,
    pub unit_id: UnitId,
    pub name: String,
    pub sex: Sex,
    pub kind: StaffKind,
    pub licence_no: String,
    pub practice_start_year: Option<i32>,
    pub specialties: Vec<Specialty>,
    pub phone: String,
    pub active: bool,
    pub version: i64,
}

/// Validated editable fields of a staff record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffFields {
    pub unit_id: UnitId,
    pub name: String,
    pub sex: Sex,
    pub kind: StaffKind,
    pub licence_no: String,
    pub practice_start_year: Option<i32>,
    pub specialties: Vec<Specialty>,
    pub phone: String,
    pub active: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffInput {
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, nullable = false, minimum = 1)
    )]
    pub unit_id: Option<i64>,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 50, pattern = r"\S")
    )]
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true, value_type = Sex))]
    pub sex: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true, value_type = StaffKind))]
    pub kind: String,
    /// The practice licence number: for a lawyer required, 17 digits (the first 1
    /// to 7, the 6th to 9th a year from 1979 to this year); otherwise optional.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 30))]
    pub licence_no: String,
    /// From 1979 to this year; required for a lawyer.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1979))]
    pub practice_start_year: Option<i32>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Specialty>))]
    pub specialties: Vec<String>,
    /// Empty, a mainland mobile number or a landline: 7 to 16 digits, single
    /// hyphens between them (e.g. `0564-6123456`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "^(?:[0-9](?:-?[0-9]){6,15})?$"))]
    pub phone: String,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

impl StaffInput {
    /// Validates against the current year (handed in: the domain reads no clock).
    pub fn validate(&self, current_year: i32) -> Result<StaffFields, Vec<FieldError>> {
        let mut v = Validation::new();
        if self.unit_id.is_none() {
            v.add("unit_id", "请选择所属单位");
        }
        let name = v.text("name", &self.name, "姓名", 50);
        let sex = Sex::parse(self.sex.trim());
        if sex.is_none() {
            v.add("sex", "请选择性别");
        }
        let kind = StaffKind::parse(self.kind.trim());
        if kind.is_none() {
            v.add("kind", "请选择人员类别");
        }
        let licence_no = self.licence_no.trim().to_owned();
        if kind == Some(StaffKind::Lawyer) {
            if let Err(e) = check_lawyer_licence(&licence_no, current_year) {
                v.add("licence_no", e);
            }
        } else if licence_no.chars().count() > 30 {
            v.add("licence_no", "执业证号不能超过30个字符");
        }
        if let Some(y) = self.practice_start_year {
            if !(1979..=current_year).contains(&y) {
                v.add(
                    "practice_start_year",
                    format!("执业起始年份应在1979至{current_year}之间"),
                );
            }
        } else if kind == Some(StaffKind::Lawyer) {
            v.add("practice_start_year", "律师须填写执业起始年份");
        }
        let mut specialties = Vec::new();
        for s in &self.specialties {
            match Specialty::parse(s.trim()) {
                Some(sp) if !specialties.contains(&sp) => specialties.push(sp),
                Some(_) => {}
                None => v.add("specialties", format!("未知的专业领域：{}", s.trim())),
            }
        }
        let phone = v.optional_phone("phone", &self.phone);
        match (self.unit_id, sex, kind) {
            (Some(unit_id), Some(sex), Some(kind)) if v.is_empty() => Ok(StaffFields {
                unit_id: UnitId(unit_id),
                name,
                sex,
                kind,
                licence_no,
                practice_start_year: self.practice_start_year,
                specialties,
                phone,
                active: self.active,
            }),
            _ => Err(v.errors().to_vec()),
        }
    }
}

/// A lawyer's practice licence number (律师执业证号) has 17 digits: the licence
/// category (1 full-time … 7 military), the 4-digit province+city code of the
/// licensing authority, the 4-digit year first licensed, the qualification type,
/// the sex digit, and a 6-digit serial.
pub fn check_lawyer_licence(no: &str, current_year: i32) -> Result<(), String> {
    if no.len() != 17 || !no.bytes().all(|b| b.is_ascii_digit()) {
        return Err("律师执业证号应为17位数字".into());
    }
    let category = no.as_bytes()[0] - b'0';
    if !(1..=7).contains(&category) {
        return Err("律师执业证号第1位（执业类别）应为1至7".into());
    }
    let year: i32 = no[5..9]
        .parse()
        .map_err(|_| "律师执业证号格式不正确".to_owned())?;
    if !(1979..=current_year).contains(&year) {
        return Err("律师执业证号第6至9位（首次执业年份）不正确".into());
    }
    Ok(())
}

/// Years of practice completed by the end of `current_year` (LAL art 26 asks for
/// 3+ years of criminal defence experience in the gravest cases).
pub fn years_of_practice(start_year: Option<i32>, current_year: i32) -> i32 {
    start_year.map_or(0, |y| (current_year - y).max(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lawyer() -> StaffInput {
        StaffInput {
            unit_id: Some(3),
            name: "王建国".into(),
            sex: "male".into(),
            kind: "lawyer".into(),
            licence_no: "13415201511012345".into(),
            practice_start_year: Some(2015),
            specialties: vec!["criminal_defense".into(), "labor".into()],
            phone: "13912345678".into(),
            active: true,
        }
    }

    #[test]
    fn valid_lawyer() {
        let f = lawyer().validate(2026).expect("valid");
        assert_eq!(
            f.specialties,
            vec![Specialty::CriminalDefense, Specialty::Labor]
        );
    }

    #[test]
    fn licence_format() {
        assert!(check_lawyer_licence("13415201511012345", 2026).is_ok());
        assert!(check_lawyer_licence("1341520151101234", 2026).is_err());
        assert!(check_lawyer_licence("93415201511012345", 2026).is_err());
        assert!(check_lawyer_licence("13415203011012345", 2026).is_err());
        assert!(check_lawyer_licence("1341520151101234x", 2026).is_err());
    }

    #[test]
    fn lawyer_needs_licence_and_start_year() {
        let mut i = lawyer();
        i.licence_no.clear();
        i.practice_start_year = None;
        let e = i.validate(2026).expect_err("invalid");
        let fields: Vec<_> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["licence_no", "practice_start_year"]);
    }

    #[test]
    fn legal_worker_without_licence_is_fine() {
        let mut i = lawyer();
        i.kind = "center_staff".into();
        i.licence_no.clear();
        i.practice_start_year = None;
        assert!(i.validate(2026).is_ok());
    }

    #[test]
    fn practice_years() {
        assert_eq!(years_of_practice(Some(2020), 2024), 4);
        assert_eq!(years_of_practice(None, 2024), 0);
        assert_eq!(years_of_practice(Some(2030), 2024), 0);
    }
}
