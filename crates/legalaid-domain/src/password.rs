//! The password policy. Hashing itself is done by the application layer (Argon2id).

/// Minimum length. NIST SP 800-63B favours length over composition rules; we ask for
/// both a reasonable length and two kinds of character, as Chinese government
/// systems (等保 2.0) customarily require.
pub const MIN_LEN: usize = 10;
pub const MAX_LEN: usize = 128;

/// Returns every way in which `password` breaks the policy (empty when acceptable).
pub fn policy_violations(password: &str, username: &str) -> Vec<String> {
    let mut out = Vec::new();
    let n = password.chars().count();
    if n < MIN_LEN {
        out.push(format!("密码至少需要{MIN_LEN}个字符"));
    }
    if n > MAX_LEN {
        out.push(format!("密码不能超过{MAX_LEN}个字符"));
    }
    let classes = [
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if classes < 3 {
        out.push("密码须包含大写字母、小写字母、数字、符号中的至少三类".into());
    }
    if !username.is_empty() && password.to_lowercase().contains(&username.to_lowercase()) {
        out.push("密码不能包含用户名".into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_strong_password() {
        assert!(policy_violations("Legalaid@2024", "reviewer").is_empty());
    }

    #[test]
    fn rejects_weak_passwords() {
        assert_eq!(policy_violations("short1A", "x").len(), 1);
        assert_eq!(policy_violations("alllowercaseletters", "x").len(), 1);
        assert!(
            policy_violations("Reviewer@2024", "reviewer")
                .iter()
                .any(|m| m.contains("用户名"))
        );
    }
}
