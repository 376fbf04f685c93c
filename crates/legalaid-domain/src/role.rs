//! Roles a user can hold. A user belongs to one unit and may hold several roles.

code_enum!(
    Role {
        SystemAdmin => ("system_admin", "系统管理员"),
        BureauSupervisor => ("bureau_supervisor", "司法局监管人员"),
        CenterReviewer => ("center_reviewer", "法援中心审查人员"),
        CenterDirector => ("center_director", "法援中心主任（审批）"),
        IntakeClerk => ("intake_clerk", "受理人员"),
        Handler => ("handler", "承办人（律师、法律工作者）"),
        QualityReviewer => ("quality_reviewer", "质量评查人员"),
        /// A member of the expert pool: sees only the files assigned to them.
        Expert => ("expert", "评查专家"),
    }
);

impl Role {
    /// Parses a list of role codes, reporting the first unknown one.
    pub fn parse_list<S: AsRef<str>>(codes: &[S]) -> Result<Vec<Role>, String> {
        let mut out = Vec::new();
        for c in codes {
            let c = c.as_ref().trim();
            match Role::parse(c) {
                Some(r) if !out.contains(&r) => out.push(r),
                Some(_) => {}
                None => return Err(format!("未知角色：{c}")),
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_list_dedups_and_rejects_unknown() {
        assert_eq!(
            Role::parse_list(&["handler", "handler", "intake_clerk"]),
            Ok(vec![Role::Handler, Role::IntakeClerk])
        );
        assert!(Role::parse_list(&["root"]).is_err());
    }
}
