//! Password hashing with argon2id (the crate's defaults: OWASP's recommended parameters).

use std::sync::LazyLock;

use argon2::{Argon2, PasswordHasher, PasswordVerifier};

use crate::auth::AuthError;

/// Hashes `password` to a PHC string (`$argon2id$v=19$…`) with a fresh random salt.
pub fn hash(password: &str) -> Result<String, AuthError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AuthError::Hashing(e.to_string()))
}

/// Whether `password` matches the PHC string `phc`. A malformed `phc` never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), phc)
        .is_ok()
}

/// A hash of nothing anyone knows: verifying against it for unknown users makes a wrong user
/// name take as long as a wrong password, so timing does not reveal which names exist.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash("capstan timing equaliser").unwrap_or_default());

/// Spends the time of one verification and returns false.
pub fn verify_dummy(password: &str) -> bool {
    let _ = verify(password, &DUMMY_HASH);
    false
}

/// Runs CPU-heavy hashing off the async workers.
pub async fn hash_blocking(password: String) -> Result<String, AuthError> {
    tokio::task::spawn_blocking(move || hash(&password))
        .await
        .map_err(|e| AuthError::Hashing(e.to_string()))?
}

/// Verifies off the async workers; `phc` `None` means "no such user" (still takes the time).
pub async fn verify_blocking(password: String, phc: Option<String>) -> Result<bool, AuthError> {
    tokio::task::spawn_blocking(move || match phc {
        Some(phc) => verify(&password, &phc),
        None => verify_dummy(&password),
    })
    .await
    .map_err(|e| AuthError::Hashing(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_verifies_only_the_same_password() {
        let phc = hash("correct horse").expect("hash");
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify("correct horse", &phc));
        assert!(!verify("correct horsf", &phc));
    }

    #[test]
    fn malformed_hash_never_matches() {
        assert!(!verify("x", "not a phc string"));
        assert!(!verify_dummy("anything"));
    }
}
