//! What a user name and a password may look like; errors name the field.

use model::FieldError;

pub const USERNAME_MAX: usize = 64;
pub const PASSWORD_MAX: usize = 256;

fn field(field: &str, message: String) -> FieldError {
    FieldError {
        field: field.to_string(),
        message,
    }
}

/// 1–64 characters of `A-Z a-z 0-9 . _ @ -`.
pub fn username(name: &str) -> Option<FieldError> {
    if name.is_empty() {
        return Some(field("username", "Enter your user name.".into()));
    }
    if name.chars().count() > USERNAME_MAX {
        return Some(field(
            "username",
            format!("A user name has at most {USERNAME_MAX} characters."),
        ));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '@' | '-'))
    {
        return Some(field(
            "username",
            "A user name may contain only letters, digits and . _ @ -".into(),
        ));
    }
    None
}

/// 1–256 characters, anything allowed.
pub fn password(password: &str) -> Option<FieldError> {
    if password.is_empty() {
        return Some(field("password", "Enter your password.".into()));
    }
    if password.chars().count() > PASSWORD_MAX {
        return Some(field(
            "password",
            format!("A password has at most {PASSWORD_MAX} characters."),
        ));
    }
    None
}

/// Both fields' errors, empty when the input is acceptable.
pub fn credentials(name: &str, pass: &str) -> Vec<FieldError> {
    username(name).into_iter().chain(password(pass)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_names() {
        for ok in ["admin", "a.b_c-d@example.org", "X9"] {
            assert!(username(ok).is_none(), "{ok}");
        }
    }

    #[test]
    fn refuses_empty_long_and_odd_names() {
        assert!(username("").is_some());
        assert!(username(&"a".repeat(65)).is_some());
        assert!(username("a b").is_some());
        assert!(username("名前").is_some());
        assert!(username(&"a".repeat(64)).is_none());
    }

    #[test]
    fn password_length_is_bounded() {
        assert!(password("").is_some());
        assert!(password(&"p".repeat(257)).is_some());
        assert!(password(&"p".repeat(256)).is_none());
    }

    #[test]
    fn credentials_reports_both_fields() {
        let errors = credentials("", "");
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["username", "password"]);
    }
}
