//! Databases for tests: each test gets a fresh, migrated database of its own.
//!
//! Where PostgreSQL comes from: `CAPSTAN_TEST_DATABASE_URL` (a superuser URL; the test script
//! starts one embedded server and exports it) or, when unset, one embedded PostgreSQL per test
//! process in a temporary folder, stopped and removed when the process exits.
//!
//! Migrations run once per process into a template database; each test's database is a
//! `CREATE DATABASE … TEMPLATE` copy of it (milliseconds), dropped when the [`TestDb`] is dropped.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};

use diesel_async::RunQueryDsl;
use tokio::sync::OnceCell;

use crate::db::embedded::{EmbeddedOptions, EmbeddedPostgres};
use crate::db::models::users::{self, NewUser};
use crate::db::pool::{establish, quote_ident};
use crate::db::{DbPool, connect, migrate};

/// One test's database.
pub struct TestDb {
    pub pool: DbPool,
    pub url: String,
    name: String,
    admin_url: String,
}

struct Server {
    /// A superuser URL on the server (any database).
    admin_url: String,
    template: String,
}

static SERVER: OnceCell<Server> = OnceCell::const_new();
static COUNTER: AtomicU32 = AtomicU32::new(0);
/// The embedded server and its folder, stopped and removed at process exit.
static EMBEDDED: Mutex<Option<(EmbeddedPostgres, PathBuf)>> = Mutex::new(None);
static AT_EXIT: OnceLock<()> = OnceLock::new();

impl TestDb {
    /// A fresh migrated database. Needs the multi-threaded runtime:
    /// `#[tokio::test(flavor = "multi_thread")]`.
    pub async fn new() -> Self {
        let server = SERVER.get_or_init(start_server).await;
        let name = format!(
            "capstan_test_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = establish(&server.admin_url)
            .await
            .expect("connect to the test server");
        diesel::sql_query(format!(
            "CREATE DATABASE {} TEMPLATE {}",
            quote_ident(&name),
            quote_ident(&server.template)
        ))
        .execute(&mut admin)
        .await
        .expect("create the test database");
        let url = with_database(&server.admin_url, &name);
        let pool = connect(&url).await.expect("connect to the test database");
        Self {
            pool,
            url,
            name,
            admin_url: server.admin_url.clone(),
        }
    }
}

impl TestDb {
    /// Adds a user named `name` (its display name too) with an unusable password hash.
    pub async fn user(&self, name: &str, is_admin: bool) -> model::auth::UserInfo {
        insert_user(&self.pool, name, is_admin).await
    }
}

/// Adds a user named `name` to the database behind `pool`, for tests and benchmarks that
/// need someone to act as; the password hash is not a hash, so nobody can sign in as it.
pub async fn insert_user(pool: &DbPool, name: &str, is_admin: bool) -> model::auth::UserInfo {
    let mut conn = pool.get().await.expect("conn");
    let row = users::insert(
        &mut conn,
        &NewUser {
            username: name,
            display_name: name,
            password_hash: "not-a-hash",
            is_admin,
        },
    )
    .await
    .expect("insert user");
    model::auth::UserInfo::from(&row)
}

impl Drop for TestDb {
    fn drop(&mut self) {
        // Drop runs inside the test's runtime, which cannot be blocked on: use a thread of its own.
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async {
                let mut conn = establish(&admin_url).await.ok()?;
                diesel::sql_query(format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    quote_ident(&name)
                ))
                .execute(&mut conn)
                .await
                .ok()
            })
        });
        let _ = dropped.join();
    }
}

async fn start_server() -> Server {
    let admin_url = match std::env::var("CAPSTAN_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => start_embedded().await,
    };
    let template = format!("capstan_template_{}", std::process::id());
    let mut admin = establish(&admin_url)
        .await
        .expect("connect to the test server");
    diesel::sql_query(format!(
        "DROP DATABASE IF EXISTS {} WITH (FORCE)",
        quote_ident(&template)
    ))
    .execute(&mut admin)
    .await
    .expect("drop an old template");
    diesel::sql_query(format!("CREATE DATABASE {}", quote_ident(&template)))
        .execute(&mut admin)
        .await
        .expect("create the template database");
    let template_url = with_database(&admin_url, &template);
    migrate(&template_url)
        .await
        .expect("migrate the template database");
    Server {
        admin_url,
        template,
    }
}

async fn start_embedded() -> String {
    let dir = tempfile::Builder::new()
        .prefix("capstan-test-pg-")
        .tempdir()
        .expect("create a temporary folder")
        .keep();
    // When tests run as root, PostgreSQL runs as an unprivileged user who must reach the folder.
    set_mode(&dir, 0o755);
    let pg =
        EmbeddedPostgres::start_with(&dir.join("postgres"), EmbeddedOptions { non_durable: true })
            .await
            .unwrap_or_else(|e| panic!("start the embedded test PostgreSQL: {e}"));
    let url = pg.url().to_string();
    *EMBEDDED.lock().unwrap_or_else(|p| p.into_inner()) = Some((pg, dir));
    AT_EXIT.get_or_init(|| {
        // SAFETY: registering a plain `extern "C" fn` with atexit has no preconditions.
        unsafe { libc::atexit(stop_embedded) };
    });
    url
}

/// Runs when the test process exits (the harness returns from main or calls `exit`).
extern "C" fn stop_embedded() {
    let taken = EMBEDDED.lock().unwrap_or_else(|p| p.into_inner()).take();
    if let Some((pg, dir)) = taken {
        drop(pg);
        let _ = std::fs::remove_dir_all(dir);
    }
}

fn set_mode(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
}

/// `url` with its database replaced by `database`.
fn with_database(url: &str, database: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            parsed.set_path(&format!("/{database}"));
            parsed.to_string()
        }
        Err(_) => url.to_string(),
    }
}
