//! Connecting and migrating, against a real PostgreSQL.

use backend::db::testing::TestDb;
use backend::db::{DbError, connect, pending_migrations};
use diesel_async::RunQueryDsl;

/// `connect`'s error (the pool itself has no `Debug`, so `expect_err` cannot be used).
async fn connect_err(url: &str) -> DbError {
    match connect(url).await {
        Ok(_) => panic!("connecting to {url} should fail"),
        Err(e) => e,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn migrated_database_has_no_pending_migrations() {
    let db = TestDb::new().await;
    assert!(!pending_migrations(&db.pool).await.expect("check"));
}

#[tokio::test(flavor = "multi_thread")]
async fn reverted_migration_shows_as_pending() {
    let db = TestDb::new().await;
    let mut conn = db.pool.get().await.expect("conn");
    diesel::sql_query("DELETE FROM __diesel_schema_migrations WHERE version = (SELECT max(version) FROM __diesel_schema_migrations)")
        .execute(&mut conn)
        .await
        .expect("forget one");
    assert!(pending_migrations(&db.pool).await.expect("check"));
}

#[tokio::test(flavor = "multi_thread")]
async fn migrating_twice_is_harmless() {
    let db = TestDb::new().await;
    backend::db::migrate(&db.url).await.expect("second run");
}

#[tokio::test(flavor = "multi_thread")]
async fn unreachable_server_names_host_and_port() {
    // Port 1 on localhost: nothing listens there.
    let err = connect_err("postgres://u:secretpw@127.0.0.1:1/capstan").await;
    assert!(matches!(err, DbError::Connect { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("127.0.0.1:1"), "{msg}");
    assert!(!msg.contains("secretpw"), "{msg}");
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_url_is_a_clear_error() {
    let err = connect_err("mysql://nope").await;
    assert!(matches!(err, DbError::InvalidUrl(_)), "{err:?}");
    assert!(err.to_string().contains("postgres://"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_password_names_the_server() {
    let db = TestDb::new().await;
    let mut url = url::Url::parse(&db.url).expect("url");
    url.set_password(Some("definitely-wrong")).expect("set");
    let err = connect_err(url.as_str()).await;
    let msg = err.to_string();
    assert!(msg.contains("127.0.0.1"), "{msg}");
    assert!(!msg.contains("definitely-wrong"), "{msg}");
}
