//! Session tokens: 32 random bytes in the cookie, only their SHA-256 in the database, a 12-hour
//! expiry that slides forward while the user is active.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// How long a session lives after its last use.
pub const SESSION_TTL: Duration = Duration::hours(12);
/// Slide the expiry at most this often, so that each request does not write a row.
pub const TOUCH_INTERVAL: Duration = Duration::minutes(1);
/// Longer "tokens" are not ours; refuse before hashing.
const MAX_TOKEN_LEN: usize = 128;

/// The secret the browser holds. `Debug` does not show it.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl SessionToken {
    /// A new random token.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The cookie value.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The database key for this token.
    pub fn id(&self) -> [u8; 32] {
        session_id(&self.0)
    }
}

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken(…)")
    }
}

/// The database key (SHA-256) of a token as received, or `None` if it cannot be one of ours.
pub fn session_id_of(token: &str) -> Option<[u8; 32]> {
    (!token.is_empty() && token.len() <= MAX_TOKEN_LEN).then(|| session_id(token))
}

fn session_id(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Whether a session last extended at `expires_at - SESSION_TTL` is due for sliding at `now`.
pub fn needs_touch(expires_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    expires_at - now < SESSION_TTL - TOUCH_INTERVAL
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = SessionToken::generate();
        let b = SessionToken::generate();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 43);
        assert_eq!(session_id_of(a.as_str()), Some(a.id()));
        assert!(!format!("{a:?}").contains(a.as_str()));
    }

    #[test]
    fn empty_or_huge_tokens_are_not_looked_up() {
        assert_eq!(session_id_of(""), None);
        assert_eq!(session_id_of(&"x".repeat(500)), None);
    }

    #[test]
    fn expiry_slides_only_after_the_touch_interval() {
        let now = Utc::now();
        assert!(!needs_touch(now + SESSION_TTL, now));
        assert!(needs_touch(now + SESSION_TTL - Duration::minutes(2), now));
    }
}
