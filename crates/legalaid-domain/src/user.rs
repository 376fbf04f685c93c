//! User accounts. A user belongs to one unit (system administrators created at
//! installation may belong to none) and may hold several roles.

use crate::role::Role;
use crate::validation::{FieldError, Validation};
use crate::{StaffId, UnitId, UserId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub unit_id: Option<UnitId>,
    pub staff_id: Option<StaffId>,
    pub roles: Vec<Role>,
    pub active: bool,
    pub must_change_password: bool,
    pub version: i64,
}

impl User {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// Validated editable fields of a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserFields {
    pub display_name: String,
    pub unit_id: Option<UnitId>,
    pub staff_id: Option<StaffId>,
    pub roles: Vec<Role>,
    pub active: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserInput {
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 50, pattern = r"\S")
    )]
    pub display_name: String,
    /// Required unless the only role is `system_admin`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub unit_id: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub staff_id: Option<i64>,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, value_type = Vec<Role>, min_items = 1)
    )]
    pub roles: Vec<String>,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

impl UserInput {
    pub fn validate(&self) -> Result<UserFields, Vec<FieldError>> {
        let mut v = Validation::new();
        let display_name = v.text("display_name", &self.display_name, "姓名", 50);
        let roles = match Role::parse_list(&self.roles) {
            Ok(r) if r.is_empty() => {
                v.add("roles", "请至少选择一个角色");
                r
            }
            Ok(r) => r,
            Err(e) => {
                v.add("roles", e);
                Vec::new()
            }
        };
        // Only a system administrator may stand outside every unit.
        if self.unit_id.is_none() && !roles.is_empty() && roles != [Role::SystemAdmin] {
            v.add(
                "unit_id",
                "请选择所属单位（只有系统管理员可以不属于任何单位）",
            );
        }
        v.finish(UserFields {
            display_name,
            unit_id: self.unit_id.map(UnitId),
            staff_id: self.staff_id.map(StaffId),
            roles,
            active: self.active,
        })
    }
}

/// Usernames: 3 to 32 characters of ASCII letters, digits, '.', '_' and '-',
/// starting with a letter; compared case-insensitively (stored lower-case).
pub fn normalize_username(raw: &str) -> Result<String, String> {
    let u = raw.trim().to_ascii_lowercase();
    let ok_chars = u
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if !(3..=32).contains(&u.len()) || !ok_chars || !u.as_bytes()[0].is_ascii_alphabetic() {
        return Err("用户名应为3至32位字母、数字、点、下划线或连字符，并以字母开头".into());
    }
    Ok(u)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert_eq!(normalize_username(" Reviewer "), Ok("reviewer".into()));
        assert!(normalize_username("ab").is_err());
        assert!(normalize_username("1abc").is_err());
        assert!(normalize_username("张三").is_err());
    }

    #[test]
    fn only_admins_may_have_no_unit() {
        let mut i = UserInput {
            display_name: "管理员".into(),
            roles: vec!["system_admin".into()],
            active: true,
            ..Default::default()
        };
        assert!(i.validate().is_ok());
        i.roles.push("handler".into());
        assert_eq!(i.validate().expect_err("needs unit")[0].field, "unit_id");
        i.unit_id = Some(1);
        assert!(i.validate().is_ok());
    }

    #[test]
    fn needs_a_role() {
        let i = UserInput {
            display_name: "张三".into(),
            unit_id: Some(1),
            ..Default::default()
        };
        assert_eq!(i.validate().expect_err("no role")[0].field, "roles");
    }
}
