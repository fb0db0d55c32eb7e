//! Encryption of secrets at rest (cluster credentials) with AES-256-GCM.
//!
//! Policy: the key comes from `CAPSTAN_SECRET_KEY` (base64 of 32 bytes) or, when unset, from the
//! file `<data dir>/secret.key`, generated on first start with mode 0600. A key file that others
//! can read is refused rather than used: a leaked key decrypts every stored credential. Losing
//! the key makes stored credentials unreadable (clusters must then be imported again).
//!
//! Sealed format: `VERSION || nonce (12 bytes) || ciphertext+tag`; the caller's associated data
//! (e.g. the cluster id) binds a ciphertext to its row, so it cannot be copied onto another.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use aes_gcm::aead::{Aead, Generate, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// The environment variable holding the key.
pub const KEY_ENV: &str = "CAPSTAN_SECRET_KEY";
/// The key file's name inside the data folder.
pub const KEY_FILE: &str = "secret.key";

const NONCE_LEN: usize = 12;
/// First byte of every sealed value; a later format (or key rotation) gets another.
const VERSION: u8 = 1;

/// Why the key could not be loaded or a value could not be sealed or opened.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// `CAPSTAN_SECRET_KEY` or the key file does not hold base64 of exactly 32 bytes.
    #[error(
        "{source_name} does not hold a valid key: expected base64 of 32 random bytes (generate one with `head -c32 /dev/urandom | base64`)"
    )]
    InvalidKey { source_name: String },
    /// The key file is readable or writable by others than its owner.
    #[error(
        "the key file {path} has permissions {mode:o}; it must be readable by its owner only. Run `chmod 600 {path}` and start again"
    )]
    KeyFilePermissions { path: String, mode: u32 },
    /// The key file could not be read or created.
    #[error("cannot read or create the key file {path}: {reason}")]
    KeyFile { path: String, reason: String },
    /// A sealed value is truncated, of an unknown version, was made with another key, or was
    /// tampered with.
    #[error("a stored secret cannot be decrypted (wrong key, or the value was altered)")]
    Open,
    /// Encryption itself failed (only for absurdly large inputs).
    #[error("a secret could not be encrypted")]
    Seal,
}

/// The key that seals secrets at rest. Its `Debug` never shows the key.
#[derive(Clone)]
pub struct SecretKey {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

impl SecretKey {
    /// A key from its 32 raw bytes.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let key = Key::<Aes256Gcm>::try_from(bytes).ok()?;
        Some(Self {
            cipher: Aes256Gcm::new(&key),
        })
    }

    /// A key from base64 text (surrounding whitespace ignored).
    pub fn from_base64(text: &str, source_name: &str) -> Result<Self, CryptoError> {
        let invalid = || CryptoError::InvalidKey {
            source_name: source_name.to_string(),
        };
        let bytes = STANDARD.decode(text.trim()).map_err(|_| invalid())?;
        Self::from_bytes(&bytes).ok_or_else(invalid)
    }

    /// A fresh random key (for tests and first starts).
    pub fn generate() -> Self {
        let key = Key::<Aes256Gcm>::generate();
        Self {
            cipher: Aes256Gcm::new(&key),
        }
    }

    /// The key from `CAPSTAN_SECRET_KEY` if set, else from `<data_dir>/secret.key` (created if
    /// missing).
    pub fn load(data_dir: &Path) -> Result<Self, CryptoError> {
        match std::env::var(KEY_ENV) {
            Ok(value) if !value.trim().is_empty() => Self::from_base64(&value, KEY_ENV),
            _ => Self::load_or_create_file(&data_dir.join(KEY_FILE)),
        }
    }

    /// The key in `path`, generating it (mode 0600) when the file does not exist.
    pub fn load_or_create_file(path: &Path) -> Result<Self, CryptoError> {
        let file_err = |reason: String| CryptoError::KeyFile {
            path: path.display().to_string(),
            reason,
        };
        match std::fs::metadata(path) {
            Ok(meta) => {
                let mode = meta.permissions().mode() & 0o777;
                if mode & 0o077 != 0 {
                    return Err(CryptoError::KeyFilePermissions {
                        path: path.display().to_string(),
                        mode,
                    });
                }
                let text = std::fs::read_to_string(path).map_err(|e| file_err(e.to_string()))?;
                Self::from_base64(&text, &path.display().to_string())
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => create_key_file(path),
            Err(e) => Err(file_err(e.to_string())),
        }
    }

    /// Encrypts `plaintext`, binding it to `associated` (which must be given again to open it).
    pub fn seal(&self, plaintext: &[u8], associated: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let nonce = Nonce::generate();
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: associated,
                },
            )
            .map_err(|_| CryptoError::Seal)?;
        let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// Decrypts a value made by [`SecretKey::seal`] with the same `associated` data.
    pub fn open(&self, sealed: &[u8], associated: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let (&version, rest) = sealed.split_first().ok_or(CryptoError::Open)?;
        if version != VERSION || rest.len() < NONCE_LEN {
            return Err(CryptoError::Open);
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        let nonce = Nonce::try_from(nonce).map_err(|_| CryptoError::Open)?;
        self.cipher
            .decrypt(
                &nonce,
                Payload {
                    msg: ciphertext,
                    aad: associated,
                },
            )
            .map_err(|_| CryptoError::Open)
    }
}

/// Writes a new random key with mode 0600 from the start (never a window where others can read it).
fn create_key_file(path: &Path) -> Result<SecretKey, CryptoError> {
    let file_err = |reason: String| CryptoError::KeyFile {
        path: path.display().to_string(),
        reason,
    };
    let bytes = Key::<Aes256Gcm>::generate();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| file_err(e.to_string()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| file_err(e.to_string()))?;
    writeln!(file, "{}", STANDARD.encode(bytes.as_slice())).map_err(|e| file_err(e.to_string()))?;
    file.sync_all().map_err(|e| file_err(e.to_string()))?;
    tracing::info!(path = %path.display(), "generated a new secret key");
    SecretKey::from_bytes(bytes.as_slice()).ok_or_else(|| file_err("generated key".into()))
}

/// Where the key file lives for a data folder.
pub fn key_file_path(data_dir: &Path) -> PathBuf {
    data_dir.join(KEY_FILE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_with_the_same_key_and_associated_data_only() {
        let key = SecretKey::generate();
        let sealed = key.seal(b"token: abc", b"cluster-1").expect("seal");
        assert!(!sealed.windows(3).any(|w| w == b"abc"));
        assert_eq!(
            key.open(&sealed, b"cluster-1").expect("open"),
            b"token: abc"
        );
        assert!(matches!(
            key.open(&sealed, b"cluster-2"),
            Err(CryptoError::Open)
        ));
        assert!(matches!(
            SecretKey::generate().open(&sealed, b"cluster-1"),
            Err(CryptoError::Open)
        ));
        assert!(matches!(key.open(&[], b""), Err(CryptoError::Open)));
        assert!(matches!(key.open(&[1, 2, 3], b""), Err(CryptoError::Open)));
    }

    #[test]
    fn a_key_file_is_created_0600_and_read_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = key_file_path(dir.path());
        let first = SecretKey::load_or_create_file(&path).expect("create");
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let sealed = first.seal(b"x", b"").expect("seal");
        let again = SecretKey::load_or_create_file(&path).expect("read");
        assert_eq!(again.open(&sealed, b"").expect("open"), b"x");
    }

    #[test]
    fn a_key_file_readable_by_others_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = key_file_path(dir.path());
        SecretKey::load_or_create_file(&path).expect("create");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let err = SecretKey::load_or_create_file(&path).expect_err("refused");
        assert!(matches!(
            err,
            CryptoError::KeyFilePermissions { mode: 0o644, .. }
        ));
        assert!(err.to_string().contains("chmod 600"));
    }

    #[test]
    fn a_malformed_key_is_refused_with_its_source() {
        let err = SecretKey::from_base64("c2hvcnQ=", KEY_ENV).expect_err("short key");
        assert!(err.to_string().contains(KEY_ENV));
        assert!(SecretKey::from_base64("%%%", KEY_ENV).is_err());
    }
}
