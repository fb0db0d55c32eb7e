//! The embedded PostgreSQL: start, stop, recovery from a killed run, clear errors.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use backend::db::embedded::{EmbeddedOptions, EmbeddedPgError, EmbeddedPostgres, find_bin_dir};

fn folder() -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("capstan-embedded-")
        .tempdir()
        .expect("tempdir");
    // When tests run as root, PostgreSQL runs as an unprivileged user who must reach the folder.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    dir
}

fn options() -> EmbeddedOptions {
    EmbeddedOptions { non_durable: true }
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

#[tokio::test(flavor = "multi_thread")]
async fn starts_serves_and_restarts_on_the_same_data() {
    let dir = folder();
    let root = dir.path().join("postgres");
    let pg = EmbeddedPostgres::start_with(&root, options())
        .await
        .expect("first start");
    let pool = backend::db::connect(pg.url()).await.expect("connect");
    drop(pool);
    pg.stop().await.expect("stop");
    assert!(
        !root.join("data/postmaster.pid").exists(),
        "stopped cleanly"
    );

    let pg = EmbeddedPostgres::start_with(&root, options())
        .await
        .expect("second start");
    backend::db::connect(pg.url()).await.expect("connect again");
}

#[tokio::test(flavor = "multi_thread")]
async fn stale_postmaster_pid_recovered() {
    let dir = folder();
    let root = dir.path().join("postgres");
    let pg = EmbeddedPostgres::start_with(&root, options())
        .await
        .expect("first start");
    pg.stop().await.expect("stop");
    // What a killed run leaves: a pid file naming a live process that is not PostgreSQL (our own
    // process: PIDs are recycled), which PostgreSQL itself would refuse to start over.
    let stale = format!(
        "{}\n{}\n0\n5432\n",
        std::process::id(),
        root.join("data").display()
    );
    std::fs::write(root.join("data/postmaster.pid"), stale).expect("write stale pid");

    let pg = EmbeddedPostgres::start_with(&root, options())
        .await
        .expect("start over a stale pid");
    backend::db::connect(pg.url()).await.expect("connect");
}

#[tokio::test(flavor = "multi_thread")]
async fn still_running_server_from_a_killed_run_is_taken_over() {
    let dir = folder();
    let root = dir.path().join("postgres");
    let first = EmbeddedPostgres::start_with(&root, options())
        .await
        .expect("first start");
    // Forget it without stopping, as if Capstan had been killed.
    std::mem::forget(first);
    let pg = EmbeddedPostgres::start_with(&root, options())
        .await
        .expect("second start");
    backend::db::connect(pg.url()).await.expect("connect");
}

#[tokio::test(flavor = "multi_thread")]
async fn data_dir_not_writable_gives_a_clear_error() {
    let dir = folder();
    let root = dir.path().join("postgres");
    // A plain file where the folder should be cannot be used by anyone, root included.
    std::fs::write(&root, b"not a folder").expect("write");
    let err = EmbeddedPostgres::start_with(&root, options())
        .await
        .expect_err("refused");
    assert!(
        matches!(err, EmbeddedPgError::NotWritable { .. }),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains(&root.display().to_string()) && msg.contains("DATABASE_URL"),
        "{msg}"
    );
    assert!(!msg.contains('\n'), "one line: {msg}");
}

#[tokio::test(flavor = "multi_thread")]
async fn data_dir_owned_by_someone_else_gives_a_clear_error() {
    let dir = folder();
    let root = dir.path().join("postgres");
    std::fs::create_dir(&root).expect("mkdir");
    if is_root() {
        // nobody
        std::os::unix::fs::chown(&root, Some(65534), Some(65534)).expect("chown");
        let err = EmbeddedPostgres::start_with(&root, options())
            .await
            .expect_err("refused");
        assert!(
            matches!(err, EmbeddedPgError::ForeignOwner { owner: 65534, .. }),
            "{err:?}"
        );
    } else {
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o500))
            .expect("chmod");
        let err = EmbeddedPostgres::start_with(&root, options())
            .await
            .expect_err("refused");
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
            .expect("chmod");
        assert!(
            matches!(err, EmbeddedPgError::NotWritable { .. }),
            "{err:?}"
        );
    }
}

#[test]
fn missing_binaries_say_what_to_install() {
    let err = find_bin_dir(Path::new("/nonexistent/postgresql")).expect_err("none");
    let msg = err.to_string();
    assert!(
        msg.contains("install the postgresql package or set DATABASE_URL"),
        "{msg}"
    );
}

#[test]
fn newest_installed_version_is_picked() {
    let base = tempfile::tempdir().expect("tempdir");
    for v in ["9", "15", "13"] {
        let bin = base.path().join(v).join("bin");
        std::fs::create_dir_all(&bin).expect("mkdir");
        std::fs::write(bin.join("initdb"), b"").expect("initdb");
        std::fs::write(bin.join("pg_ctl"), b"").expect("pg_ctl");
    }
    assert_eq!(
        find_bin_dir(base.path()).expect("found"),
        base.path().join("15/bin")
    );
}
