//! Units: the organisations that take part in legal aid work.

use crate::UnitId;
use crate::region::RegionCode;
use crate::validation::{FieldError, Validation};
use serde::{Deserialize, Serialize};

code_enum!(
    /// Kinds of unit named by the Legal Aid Law and the Yeji plan.
    UnitKind {
        JusticeBureau => ("justice_bureau", "司法局"),
        LegalAidCenter => ("legal_aid_center", "法律援助中心"),
        JudicialOffice => ("judicial_office", "司法所"),
        LawFirm => ("law_firm", "律师事务所"),
        LegalServiceOffice => ("legal_service_office", "基层法律服务所"),
        Workstation => ("workstation", "法律援助工作站"),
    }
);

code_enum!(
    /// Where a legal aid workstation sits (LAL art 27 and the Procedural Rules).
    WorkstationHost {
        Court => ("court", "人民法院"),
        Procuratorate => ("procuratorate", "人民检察院"),
        DetentionHouse => ("detention_house", "看守所"),
        TradeUnion => ("trade_union", "工会"),
        WomensFederation => ("womens_federation", "妇联"),
        Other => ("other", "其他"),
    }
);

impl UnitKind {
    /// How far a unit's staff see: a bureau or center sees its region's subtree,
    /// every other unit sees only what it took in or handles itself.
    pub fn sees_region(self) -> bool {
        matches!(self, Self::JusticeBureau | Self::LegalAidCenter)
    }
}

/// A unit as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unit {
    pub id: UnitId,
    pub name: String,
    pub kind: UnitKind,
    pub workstation_host: Option<WorkstationHost>,
    pub region_code: RegionCode,
    pub address: String,
    pub contact_person: String,
    pub phone: String,
    /// When the public is received (shown on the portal), e.g. 工作日 8:30-12:00、14:30-17:30.
    pub office_hours: String,
    pub active: bool,
    pub version: i64,
}

/// The editable fields of a unit, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitFields {
    pub name: String,
    pub kind: UnitKind,
    pub workstation_host: Option<WorkstationHost>,
    pub region_code: RegionCode,
    pub address: String,
    pub contact_person: String,
    pub phone: String,
    pub office_hours: String,
    pub active: bool,
}

/// Unit fields as a form or JSON body gives them, before validation.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitInput {
    /// Unique among units.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 100, pattern = r"\S")
    )]
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true, value_type = UnitKind))]
    pub kind: String,
    /// Where a workstation sits: required for `kind` `workstation`, refused for
    /// any other kind.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<WorkstationHost>))]
    pub workstation_host: Option<String>,
    /// GB/T 2260 code of 2, 4, 6 or 9 digits, not starting with 0, of a region
    /// the system knows and within the caller's own.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            required = true,
            pattern = "^[1-9](?:[0-9]|[0-9]{3}|[0-9]{5}|[0-9]{8})$",
            example = "341504"
        )
    )]
    pub region_code: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub address: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 50))]
    pub contact_person: String,
    /// Empty, a mainland mobile number or a landline: 7 to 16 digits, single
    /// hyphens between them (e.g. `0564-6123456`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "^(?:[0-9](?:-?[0-9]){6,15})?$"))]
    pub phone: String,
    /// When the public is received, as shown on the public portal.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub office_hours: String,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

impl UnitInput {
    pub fn validate(&self) -> Result<UnitFields, Vec<FieldError>> {
        let mut v = Validation::new();
        let name = v.text("name", &self.name, "单位名称", 100);
        let kind = UnitKind::parse(self.kind.trim());
        if kind.is_none() {
            v.add("kind", "请选择单位类型");
        }
        let host = match self.workstation_host.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(h) => {
                let parsed = WorkstationHost::parse(h);
                if parsed.is_none() {
                    v.add("workstation_host", "工作站设立单位不正确");
                }
                parsed
            }
        };
        match (kind, host) {
            (Some(UnitKind::Workstation), None) if v.is_empty() => v.add(
                "workstation_host",
                "工作站须注明设在哪个单位（法院、检察院、看守所、工会、妇联等）",
            ),
            (Some(k), Some(_)) if k != UnitKind::Workstation => {
                v.add("workstation_host", "只有法律援助工作站需要填写设立单位")
            }
            _ => {}
        }
        let region = RegionCode::parse(&self.region_code);
        if let Err(e) = &region {
            v.add("region_code", e.clone());
        }
        let address = v.optional_text("address", &self.address, "地址", 200);
        let contact_person = v.optional_text("contact_person", &self.contact_person, "联系人", 50);
        let phone = v.optional_phone("phone", &self.phone);
        let office_hours = v.optional_text("office_hours", &self.office_hours, "接待时间", 100);
        match (kind, region) {
            (Some(kind), Ok(region_code)) if v.is_empty() => Ok(UnitFields {
                name,
                kind,
                workstation_host: host,
                region_code,
                address,
                contact_person,
                phone,
                office_hours,
                active: self.active,
            }),
            _ => Err(v.errors().to_vec()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> UnitInput {
        UnitInput {
            name: "安徽叶集律师事务所".into(),
            kind: "law_firm".into(),
            region_code: "341504".into(),
            phone: "0564-6123456".into(),
            active: true,
            ..Default::default()
        }
    }

    #[test]
    fn valid_unit() {
        let f = input().validate().expect("valid");
        assert_eq!(f.kind, UnitKind::LawFirm);
        assert_eq!(f.region_code.as_str(), "341504");
    }

    #[test]
    fn workstation_needs_host_and_only_workstations_have_one() {
        let mut i = input();
        i.kind = "workstation".into();
        let e = i.validate().expect_err("host missing");
        assert_eq!(e[0].field, "workstation_host");
        i.workstation_host = Some("court".into());
        assert!(i.validate().is_ok());
        i.kind = "law_firm".into();
        assert!(i.validate().is_err());
    }

    #[test]
    fn lists_every_problem() {
        let i = UnitInput {
            kind: "bank".into(),
            region_code: "x".into(),
            phone: "12".into(),
            ..Default::default()
        };
        let e = i.validate().expect_err("invalid");
        let fields: Vec<_> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "kind", "region_code", "phone"]);
    }

    #[test]
    fn codes_round_trip() {
        for k in UnitKind::ALL {
            assert_eq!(UnitKind::parse(k.as_str()), Some(*k));
        }
    }
}
