//! Which user the embedded PostgreSQL runs as: ourselves, or (when we are root, which PostgreSQL
//! refuses) an unprivileged system user.

use std::path::Path;
use std::process::Command;

use crate::db::embedded::EmbeddedPgError;

/// The user PostgreSQL's tools run as.
#[derive(Debug, Clone)]
pub(crate) struct RunAs {
    name: String,
    uid: u32,
    gid: u32,
    /// True when we are root and switch to `name` with `runuser`.
    switching: bool,
}

/// Preferred users when running as root: our own, then the one Debian's package creates.
const CANDIDATES: [&str; 2] = ["capstan", "postgres"];

impl RunAs {
    pub(crate) fn for_current_process() -> Result<Self, EmbeddedPgError> {
        // SAFETY: geteuid/getegid have no preconditions and cannot fail.
        let (euid, egid) = unsafe { (libc::geteuid(), libc::getegid()) };
        if euid != 0 {
            let name = std::env::var("USER").unwrap_or_else(|_| euid.to_string());
            return Ok(Self {
                name,
                uid: euid,
                gid: egid,
                switching: false,
            });
        }
        for name in CANDIDATES {
            if let Some(user) = lookup(name) {
                return Ok(user);
            }
        }
        // Neither exists: create a system user of our own.
        let out = Command::new("useradd")
            .args(["--system", "--no-create-home", "--home-dir", "/nonexistent"])
            .args(["--shell", "/usr/sbin/nologin", "capstan"])
            .output()
            .map_err(|e| EmbeddedPgError::NoUnprivilegedUser(format!("useradd: {e}")))?;
        if !out.status.success() {
            return Err(EmbeddedPgError::NoUnprivilegedUser(
                String::from_utf8_lossy(&out.stderr).trim().to_string(),
            ));
        }
        lookup("capstan").ok_or_else(|| {
            EmbeddedPgError::NoUnprivilegedUser("useradd succeeded but capstan is unknown".into())
        })
    }

    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn uid(&self) -> u32 {
        self.uid
    }

    pub(crate) fn is_switching(&self) -> bool {
        self.switching
    }

    /// The user to hand to `runuser`, when we switch.
    pub(crate) fn switch_to(&self) -> Option<&str> {
        self.switching.then_some(self.name.as_str())
    }

    /// Gives `path` to this user (only meaningful when we are root).
    pub(crate) fn chown(&self, path: &Path) -> std::io::Result<()> {
        if self.switching {
            std::os::unix::fs::chown(path, Some(self.uid), Some(self.gid))?;
        }
        Ok(())
    }

    /// Whether this user can enter and write `dir` (every parent must be searchable by them).
    pub(crate) fn can_write(&self, dir: &Path) -> bool {
        if !self.switching {
            let probe = dir.join(".capstan-write-test");
            let ok = std::fs::write(&probe, b"").is_ok();
            let _ = std::fs::remove_file(&probe);
            return ok;
        }
        Command::new("runuser")
            .arg("-u")
            .arg(&self.name)
            .arg("--")
            .arg("test")
            .arg("-w")
            .arg(dir)
            .arg("-a")
            .arg("-x")
            .arg(dir)
            .current_dir("/")
            .status()
            .is_ok_and(|s| s.success())
    }
}

/// Looks a user up in the passwd database.
fn lookup(name: &str) -> Option<RunAs> {
    let out = Command::new("getent")
        .args(["passwd", name])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let line = String::from_utf8_lossy(&out.stdout);
    let mut fields = line.trim().split(':');
    let name = fields.next()?.to_string();
    let uid = fields.nth(1)?.parse().ok()?;
    let gid = fields.next()?.parse().ok()?;
    Some(RunAs {
        name,
        uid,
        gid,
        switching: true,
    })
}
