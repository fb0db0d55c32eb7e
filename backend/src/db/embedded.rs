//! A private PostgreSQL in Capstan's own data folder, for when no `DATABASE_URL` is given.
//!
//! Policy: we only ever run Debian's binaries against a cluster we created ourselves, in a
//! folder of Capstan's own, listening on `127.0.0.1` and a free port. The machine's system cluster is
//! never touched. PostgreSQL refuses to run as root, so when Capstan runs as root the cluster is
//! owned by and run as an unprivileged system user (`capstan`, else `postgres`).
//!
//! The caller passes the folder that holds the cluster (the server uses `<data_dir>/postgres/`).
//! Its layout: `data/` (PGDATA), `run/` (unix socket), `postgres.log`, and
//! `superuser.password` (0600; the password of the `postgres` role over TCP).

use std::net::TcpListener;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rand::Rng;
use rand::distr::Alphanumeric;

use crate::db::embedded_user::RunAs;

/// Why the embedded PostgreSQL could not be started or stopped. Each message is one line that says
/// what to do.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddedPgError {
    /// No `initdb`/`pg_ctl` under `/usr/lib/postgresql/*/bin`.
    #[error(
        "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin: install the postgresql package or set DATABASE_URL"
    )]
    BinariesMissing,
    /// The data folder (or a part of it) belongs to another user.
    #[error(
        "data folder {path} is owned by uid {owner}, not by uid {expected}: choose another data folder, fix its owner, or set DATABASE_URL"
    )]
    ForeignOwner {
        path: PathBuf,
        owner: u32,
        expected: u32,
    },
    /// The data folder cannot be created, reached or written by the user PostgreSQL runs as.
    #[error(
        "data folder {path} is not writable by user {user}: choose a data folder that user can reach and write (not under a private home such as /root), or set DATABASE_URL"
    )]
    NotWritable { path: PathBuf, user: String },
    /// Running as root, and no unprivileged user could be found or created to run PostgreSQL.
    #[error(
        "running as root, and no unprivileged user to run PostgreSQL as ({0}): create a `capstan` system user, or set DATABASE_URL"
    )]
    NoUnprivilegedUser(String),
    /// `initdb` failed.
    #[error(
        "initdb failed ({detail}): see {log}, remove {data} to start afresh, or set DATABASE_URL"
    )]
    InitFailed {
        detail: String,
        data: PathBuf,
        log: PathBuf,
    },
    /// `pg_ctl start` failed or the server did not become ready.
    #[error("PostgreSQL did not start: see its log at {log}, or set DATABASE_URL")]
    StartFailed { log: PathBuf },
    /// Creating the `capstan` database failed after the server started.
    #[error(
        "PostgreSQL started but creating the capstan database failed ({0}): see the server log"
    )]
    CreateDatabase(String),
    /// An I/O error on a path we manage.
    #[error("cannot use {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> EmbeddedPgError + '_ {
    move |source| EmbeddedPgError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A running private PostgreSQL. Stops (fast shutdown) when [`EmbeddedPostgres::stop`] is called
/// or when dropped.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    bin_dir: PathBuf,
    root: PathBuf,
    run_as: RunAs,
    port: u16,
    database_url: String,
    running: bool,
}

/// Knobs for [`EmbeddedPostgres::start_with`].
#[derive(Debug, Clone, Default)]
pub struct EmbeddedOptions {
    /// Turn off fsync and synchronous commit. Only for throw-away clusters (tests): a crash can
    /// lose or corrupt data.
    pub non_durable: bool,
}

const DATABASE: &str = "capstan";
const SUPERUSER: &str = "postgres";

impl EmbeddedPostgres {
    /// Starts (creating on first use) the cluster kept in `root`, e.g. `<data_dir>/postgres`.
    pub async fn start(root: &Path) -> Result<Self, EmbeddedPgError> {
        Self::start_with(root, EmbeddedOptions::default()).await
    }

    /// Like [`EmbeddedPostgres::start`], with options.
    pub async fn start_with(
        root: &Path,
        options: EmbeddedOptions,
    ) -> Result<Self, EmbeddedPgError> {
        let bin_dir = find_bin_dir(Path::new("/usr/lib/postgresql"))?;
        let root = root.to_path_buf();
        // The blocking part (initdb, pg_ctl) runs off the async workers.
        let (run_as, port, password) = tokio::task::spawn_blocking({
            let bin_dir = bin_dir.clone();
            let root = root.clone();
            move || prepare_and_start(&bin_dir, &root, &options)
        })
        .await
        .map_err(|e| EmbeddedPgError::Io {
            path: root.clone(),
            source: std::io::Error::other(e.to_string()),
        })??;
        let mut pg = Self {
            bin_dir,
            root,
            run_as,
            port,
            database_url: String::new(),
            running: true,
        };
        let admin_url = pg.url_for(&password, SUPERUSER);
        crate::db::pool::create_database_if_missing(&admin_url, DATABASE)
            .await
            .map_err(|e| EmbeddedPgError::CreateDatabase(e.to_string()))?;
        pg.database_url = pg.url_for(&password, DATABASE);
        tracing::info!(port, data = %pg.root.display(), "embedded PostgreSQL started");
        Ok(pg)
    }

    fn url_for(&self, password: &str, database: &str) -> String {
        format!(
            "postgres://{SUPERUSER}:{password}@127.0.0.1:{}/{database}",
            self.port
        )
    }

    /// `postgres://…@127.0.0.1:<port>/capstan`, for [`crate::db::connect`].
    pub fn url(&self) -> &str {
        &self.database_url
    }

    /// The TCP port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's log file, for error messages.
    pub fn log_file(&self) -> PathBuf {
        self.root.join("postgres.log")
    }

    /// Stops the server (fast shutdown: open sessions are ended, data is flushed).
    pub async fn stop(mut self) -> Result<(), EmbeddedPgError> {
        let bin_dir = self.bin_dir.clone();
        let root = self.root.clone();
        let run_as = self.run_as.clone();
        self.running = false;
        tokio::task::spawn_blocking(move || pg_ctl_stop(&bin_dir, &root, &run_as, "fast"))
            .await
            .map_err(|e| EmbeddedPgError::Io {
                path: PathBuf::new(),
                source: std::io::Error::other(e.to_string()),
            })?
    }
}

impl Drop for EmbeddedPostgres {
    fn drop(&mut self) {
        if self.running {
            // Blocking in drop is acceptable: this happens once, at shutdown.
            if let Err(e) = pg_ctl_stop(&self.bin_dir, &self.root, &self.run_as, "fast") {
                tracing::warn!(error = %e, "stopping the embedded PostgreSQL failed");
            }
        }
    }
}

/// The newest `/usr/lib/postgresql/<version>/bin` that has `initdb` and `pg_ctl`.
pub fn find_bin_dir(base: &Path) -> Result<PathBuf, EmbeddedPgError> {
    let entries = std::fs::read_dir(base).map_err(|_| EmbeddedPgError::BinariesMissing)?;
    let mut best: Option<(u32, PathBuf)> = None;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(version) = name
            .to_str()
            .and_then(|n| n.split('.').next()?.parse::<u32>().ok())
        else {
            continue;
        };
        let bin = entry.path().join("bin");
        if bin.join("initdb").is_file()
            && bin.join("pg_ctl").is_file()
            && best.as_ref().is_none_or(|(v, _)| version > *v)
        {
            best = Some((version, bin));
        }
    }
    best.map(|(_, bin)| bin)
        .ok_or(EmbeddedPgError::BinariesMissing)
}

fn prepare_and_start(
    bin_dir: &Path,
    root: &Path,
    options: &EmbeddedOptions,
) -> Result<(RunAs, u16, String), EmbeddedPgError> {
    let run_as = RunAs::for_current_process()?;
    prepare_root(root, &run_as)?;
    let data = root.join("data");
    let log = root.join("postgres.log");
    let password_file = root.join("superuser.password");
    if !data.join("PG_VERSION").is_file() {
        init_cluster(bin_dir, root, &run_as, options)?;
    }
    let password = std::fs::read_to_string(&password_file)
        .map_err(io_err(&password_file))?
        .trim()
        .to_string();
    recover_stale_pid(bin_dir, root, &run_as)?;
    let run_dir = root.join("run");
    // A unix socket path must fit in sun_path (108 bytes); TCP is what we use anyway.
    let socket_dirs = if run_dir.as_os_str().len() < 90 {
        run_dir.display().to_string()
    } else {
        String::new()
    };
    let mut last_err = None;
    // A port found free can be taken before the server binds it: try a few.
    for _ in 0..3 {
        let port = free_port().map_err(io_err(root))?;
        let mut server_opts = format!(
            "-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='{socket_dirs}'"
        );
        if options.non_durable {
            server_opts.push_str(" -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        }
        let out = run_as
            .command(&bin_dir.join("pg_ctl"), root)
            .arg("start")
            .arg("-w")
            .arg("-t")
            .arg("60")
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(&log)
            .arg("-o")
            .arg(&server_opts)
            .output()
            .map_err(io_err(bin_dir))?;
        if out.status.success() {
            return Ok((run_as, port, password));
        }
        tracing::warn!(port, stderr = %String::from_utf8_lossy(&out.stderr).trim(), "pg_ctl start failed");
        last_err = Some(EmbeddedPgError::StartFailed { log: log.clone() });
    }
    Err(last_err.unwrap_or(EmbeddedPgError::StartFailed { log }))
}

/// Creates `root` (and `run/`) owned by the user PostgreSQL runs as, and checks that user can
/// write there.
fn prepare_root(root: &Path, run_as: &RunAs) -> Result<(), EmbeddedPgError> {
    let not_writable = || EmbeddedPgError::NotWritable {
        path: root.to_path_buf(),
        user: run_as.name().to_string(),
    };
    if root.exists() && !root.is_dir() {
        return Err(not_writable());
    }
    if let Ok(meta) = std::fs::metadata(root) {
        // root may adopt a folder it created itself; anyone else's folder is refused.
        let adoptable = run_as.is_switching() && meta.uid() == 0;
        if meta.uid() != run_as.uid() && !adoptable {
            return Err(EmbeddedPgError::ForeignOwner {
                path: root.to_path_buf(),
                owner: meta.uid(),
                expected: run_as.uid(),
            });
        }
    }
    for dir in [root.to_path_buf(), root.join("run")] {
        if let Err(e) = std::fs::create_dir_all(&dir) {
            tracing::debug!(error = %e, path = %dir.display(), "cannot create folder");
            return Err(not_writable());
        }
        run_as.chown(&dir).map_err(io_err(&dir))?;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
            .map_err(io_err(&dir))?;
    }
    if !run_as.can_write(root) {
        return Err(not_writable());
    }
    // pg_ctl (running as the unprivileged user) appends to the log: it must own it.
    let log = root.join("postgres.log");
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log)
        .map_err(io_err(&log))?;
    run_as.chown(&log).map_err(io_err(&log))?;
    Ok(())
}

fn init_cluster(
    bin_dir: &Path,
    root: &Path,
    run_as: &RunAs,
    options: &EmbeddedOptions,
) -> Result<(), EmbeddedPgError> {
    let data = root.join("data");
    let log = root.join("postgres.log");
    let password_file = root.join("superuser.password");
    let password: String = rand::rng()
        .sample_iter(&Alphanumeric)
        .take(32)
        .map(char::from)
        .collect();
    std::fs::write(&password_file, format!("{password}\n")).map_err(io_err(&password_file))?;
    std::fs::set_permissions(&password_file, std::fs::Permissions::from_mode(0o600))
        .map_err(io_err(&password_file))?;
    run_as
        .chown(&password_file)
        .map_err(io_err(&password_file))?;
    // A half-made cluster from an interrupted initdb would make initdb refuse: start afresh.
    if data.exists() {
        std::fs::remove_dir_all(&data).map_err(io_err(&data))?;
    }
    let mut initdb = run_as.command(&bin_dir.join("initdb"), root);
    if options.non_durable {
        initdb.arg("--no-sync");
    }
    let out = initdb
        .arg("-D")
        .arg(&data)
        .arg("-U")
        .arg(SUPERUSER)
        .arg("--pwfile")
        .arg(&password_file)
        .arg("--auth-local=trust")
        .arg("--auth-host=scram-sha-256")
        .arg("-E")
        .arg("UTF8")
        .arg("--no-locale")
        .output()
        .map_err(io_err(bin_dir))?;
    append_log(&log, "initdb", &out);
    if !out.status.success() {
        let detail = String::from_utf8_lossy(&out.stderr)
            .lines()
            .rfind(|l| !l.trim().is_empty())
            .unwrap_or("no output")
            .to_string();
        return Err(EmbeddedPgError::InitFailed { detail, data, log });
    }
    Ok(())
}

/// A `postmaster.pid` left by a killed run makes PostgreSQL refuse to start when its PID now
/// belongs to another process (PIDs are recycled quickly in containers). If the old server is in
/// fact still running, stop it; otherwise remove the stale file.
fn recover_stale_pid(bin_dir: &Path, root: &Path, run_as: &RunAs) -> Result<(), EmbeddedPgError> {
    let data = root.join("data");
    let pid_file = data.join("postmaster.pid");
    let Ok(content) = std::fs::read_to_string(&pid_file) else {
        return Ok(());
    };
    let pid = content
        .lines()
        .next()
        .and_then(|l| l.trim().parse::<i32>().ok());
    if let Some(pid) = pid.filter(|pid| is_postmaster_of(*pid, &data)) {
        tracing::warn!(
            pid,
            "a PostgreSQL from an earlier run is still running; stopping it"
        );
        return pg_ctl_stop(bin_dir, root, run_as, "fast");
    }
    tracing::warn!(file = %pid_file.display(), "removing a stale postmaster.pid from a killed run");
    std::fs::remove_file(&pid_file).map_err(io_err(&pid_file))?;
    Ok(())
}

/// Whether `pid` is a live `postgres` process serving `data`.
fn is_postmaster_of(pid: i32, data: &Path) -> bool {
    let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
        return false;
    };
    let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
    let is_postgres = args
        .first()
        .is_some_and(|a| Path::new(std::ffi::OsStr::from_bytes(a)).ends_with("postgres"));
    let data = data.as_os_str().as_encoded_bytes();
    is_postgres && args.contains(&data)
}

fn pg_ctl_stop(
    bin_dir: &Path,
    root: &Path,
    run_as: &RunAs,
    mode: &str,
) -> Result<(), EmbeddedPgError> {
    let data = root.join("data");
    let out = run_as
        .command(&bin_dir.join("pg_ctl"), root)
        .arg("stop")
        .arg("-w")
        .arg("-D")
        .arg(&data)
        .arg("-m")
        .arg(mode)
        .output()
        .map_err(io_err(bin_dir))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        // "Is server running?" means there is nothing to stop.
        if !stderr.contains("Is server running?") {
            tracing::warn!(stderr = %stderr.trim(), "pg_ctl stop failed");
        }
    }
    Ok(())
}

fn append_log(log: &Path, what: &str, out: &Output) {
    use std::io::Write;
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
    {
        let _ = writeln!(f, "--- {what} (exit {:?})", out.status.code());
        let _ = f.write_all(&out.stdout);
        let _ = f.write_all(&out.stderr);
    }
}

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Runs a PostgreSQL tool as the right user, in `cwd` (which that user can enter).
impl RunAs {
    fn command(&self, program: &Path, cwd: &Path) -> Command {
        let mut cmd = match self.switch_to() {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.arg("-u").arg(user).arg("--").arg(program);
                c
            }
            None => Command::new(program),
        };
        cmd.current_dir(cwd);
        // Locale variables naming a locale the machine lacks make initdb fail.
        cmd.env("LC_ALL", "C")
            .env_remove("PGDATA")
            .env_remove("PGPORT");
        cmd
    }
}
