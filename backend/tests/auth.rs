//! Sign-in, sessions, rate limits and the first administrator, against a real PostgreSQL.

use std::net::{IpAddr, Ipv4Addr};

use backend::ClientInfo;
use backend::auth::{self, AuthError};
use backend::db::models::{audit_events, users};
use backend::db::schema::sessions;
use backend::db::testing::TestDb;
use chrono::{Duration, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use model::AppError;

fn client(last_octet: u8) -> ClientInfo {
    ClientInfo {
        ip: Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, last_octet))),
        user_agent: Some("tests".into()),
        request_id: Some("req-1".into()),
    }
}

async fn with_admin(db: &TestDb, password: &str) {
    auth::ensure_admin(&db.pool, Some(password.into()))
        .await
        .expect("create admin");
}

#[tokio::test(flavor = "multi_thread")]
async fn right_password_opens_a_session_and_is_audited() {
    let db = TestDb::new().await;
    with_admin(&db, "s3cret-pass").await;
    let (token, user) = auth::login(&db.pool, "admin", "s3cret-pass", &client(1))
        .await
        .expect("login");
    assert_eq!(user.username, "admin");
    assert!(user.is_admin);
    let found = auth::session_user(&db.pool, token.as_str())
        .await
        .expect("lookup");
    assert_eq!(found, Some(user));

    let mut conn = db.pool.get().await.expect("conn");
    let events = audit_events::latest(&mut conn, 10).await.expect("audit");
    assert_eq!(events[0].action, "auth.login");
    assert_eq!(events[0].result, "success");
    assert_eq!(events[0].ip.as_deref(), Some("192.0.2.1"));
    assert_eq!(events[0].request_id.as_deref(), Some("req-1"));
    assert!(events[0].user_id.is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn only_the_token_hash_is_stored() {
    let db = TestDb::new().await;
    with_admin(&db, "s3cret-pass").await;
    let (token, _) = auth::login(&db.pool, "admin", "s3cret-pass", &client(1))
        .await
        .expect("login");
    let mut conn = db.pool.get().await.expect("conn");
    let ids: Vec<Vec<u8>> = sessions::table
        .select(sessions::id)
        .load(&mut conn)
        .await
        .expect("ids");
    assert_eq!(ids, vec![token.id().to_vec()]);
    assert_ne!(ids[0], token.as_str().as_bytes());
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_password_refused_and_audited() {
    let db = TestDb::new().await;
    with_admin(&db, "s3cret-pass").await;
    let err = auth::login(&db.pool, "admin", "wrong", &client(2))
        .await
        .expect_err("refused");
    assert!(matches!(err, AuthError::BadCredentials));
    let app: AppError = err.into();
    assert_eq!(app.code, "auth.bad_credentials");

    let mut conn = db.pool.get().await.expect("conn");
    let events = audit_events::latest(&mut conn, 10).await.expect("audit");
    assert_eq!(events[0].action, "auth.login");
    assert_eq!(events[0].result, "failure");
    assert_eq!(events[0].username.as_deref(), Some("admin"));
    assert_eq!(events[0].ip.as_deref(), Some("192.0.2.2"));
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_user_gets_the_same_answer_as_a_wrong_password() {
    let db = TestDb::new().await;
    with_admin(&db, "s3cret-pass").await;
    let err = auth::login(&db.pool, "nobody", "whatever", &client(3))
        .await
        .expect_err("refused");
    assert!(matches!(err, AuthError::BadCredentials));
}

#[tokio::test(flavor = "multi_thread")]
async fn sixth_failure_rate_limited_with_a_retry_time() {
    let db = TestDb::new().await;
    with_admin(&db, "s3cret-pass").await;
    for _ in 0..5 {
        let err = auth::login(&db.pool, "admin", "wrong", &client(4))
            .await
            .expect_err("refused");
        assert!(matches!(err, AuthError::BadCredentials), "{err:?}");
    }
    // Even the right password is refused now: the limit is checked before the password.
    let err = auth::login(&db.pool, "admin", "s3cret-pass", &client(4))
        .await
        .expect_err("limited");
    let AuthError::RateLimited { retry_after_secs } = err else {
        panic!("expected a rate limit, got {err:?}")
    };
    assert!(
        (890..=900).contains(&retry_after_secs),
        "{retry_after_secs}"
    );
    let app: AppError = AuthError::RateLimited { retry_after_secs }.into();
    assert_eq!(app.code, "auth.rate_limited");
    assert!(app.message.contains("15 minutes"), "{}", app.message);

    // Another address is not affected by this user+address limit.
    auth::login(&db.pool, "admin", "s3cret-pass", &client(5))
        .await
        .expect("other address");

    let mut conn = db.pool.get().await.expect("conn");
    let events = audit_events::latest(&mut conn, 1).await.expect("audit");
    assert_eq!(events[0].result, "success");
    let events = audit_events::latest(&mut conn, 2).await.expect("audit");
    assert_eq!(events[1].result, "rate_limited");
}

#[tokio::test(flavor = "multi_thread")]
async fn twenty_failures_from_one_address_limit_every_user_name() {
    let db = TestDb::new().await;
    with_admin(&db, "s3cret-pass").await;
    for i in 0..20 {
        let name = format!("guess{i}");
        let err = auth::login(&db.pool, &name, "wrong", &client(6))
            .await
            .expect_err("refused");
        assert!(matches!(err, AuthError::BadCredentials), "{err:?}");
    }
    let err = auth::login(&db.pool, "admin", "s3cret-pass", &client(6))
        .await
        .expect_err("limited");
    assert!(matches!(err, AuthError::RateLimited { .. }), "{err:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn session_expires() {
    let db = TestDb::new().await;
    with_admin(&db, "s3cret-pass").await;
    let (token, _) = auth::login(&db.pool, "admin", "s3cret-pass", &client(7))
        .await
        .expect("login");
    let mut conn = db.pool.get().await.expect("conn");
    diesel::update(sessions::table)
        .set(sessions::expires_at.eq(Utc::now() - Duration::seconds(1)))
        .execute(&mut conn)
        .await
        .expect("expire");
    assert_eq!(
        auth::session_user(&db.pool, token.as_str())
            .await
            .expect("lookup"),
        None
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn session_expiry_slides_forward_when_used() {
    let db = TestDb::new().await;
    with_admin(&db, "s3cret-pass").await;
    let (token, _) = auth::login(&db.pool, "admin", "s3cret-pass", &client(7))
        .await
        .expect("login");
    let mut conn = db.pool.get().await.expect("conn");
    let soon = Utc::now() + Duration::minutes(5);
    diesel::update(sessions::table)
        .set(sessions::expires_at.eq(soon))
        .execute(&mut conn)
        .await
        .expect("shorten");
    assert!(
        auth::session_user(&db.pool, token.as_str())
            .await
            .expect("lookup")
            .is_some()
    );
    let expires: chrono::DateTime<Utc> = sessions::table
        .select(sessions::expires_at)
        .first(&mut conn)
        .await
        .expect("expiry");
    assert!(expires > Utc::now() + Duration::hours(11), "{expires}");
}

#[tokio::test(flavor = "multi_thread")]
async fn logout_invalidates_the_session_and_is_audited() {
    let db = TestDb::new().await;
    with_admin(&db, "s3cret-pass").await;
    let (token, _) = auth::login(&db.pool, "admin", "s3cret-pass", &client(8))
        .await
        .expect("login");
    auth::logout(&db.pool, token.as_str(), &client(8))
        .await
        .expect("logout");
    assert_eq!(
        auth::session_user(&db.pool, token.as_str())
            .await
            .expect("lookup"),
        None
    );
    // A second logout with the same token is harmless.
    auth::logout(&db.pool, token.as_str(), &client(8))
        .await
        .expect("logout again");

    let mut conn = db.pool.get().await.expect("conn");
    let events = audit_events::latest(&mut conn, 1).await.expect("audit");
    assert_eq!(events[0].action, "auth.logout");
    assert_eq!(events[0].result, "success");
}

#[tokio::test(flavor = "multi_thread")]
async fn garbage_session_tokens_find_nobody() {
    let db = TestDb::new().await;
    for token in ["", "not-a-token", &"x".repeat(1000)] {
        assert_eq!(
            auth::session_user(&db.pool, token).await.expect("lookup"),
            None
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn admin_bootstrap_is_idempotent_and_prints_a_password_only_the_first_time() {
    let db = TestDb::new().await;
    let first = auth::ensure_admin(&db.pool, None).await.expect("bootstrap");
    let password = first.expect("a generated password the first time");
    assert_eq!(password.len(), 20);
    assert_eq!(
        auth::ensure_admin(&db.pool, None).await.expect("again"),
        None
    );
    assert_eq!(
        auth::ensure_admin(&db.pool, Some("other".into()))
            .await
            .expect("again"),
        None
    );

    let mut conn = db.pool.get().await.expect("conn");
    assert_eq!(users::count(&mut conn).await.expect("count"), 1);
    let admin = users::find_by_username(&mut conn, "admin")
        .await
        .expect("find")
        .expect("admin");
    assert!(admin.is_admin);
    assert!(admin.password_hash.starts_with("$argon2id$"));
    auth::login(&db.pool, "admin", &password, &client(9))
        .await
        .expect("the printed password works");
}

#[tokio::test(flavor = "multi_thread")]
async fn admin_bootstrap_with_a_given_password_prints_nothing() {
    let db = TestDb::new().await;
    assert_eq!(
        auth::ensure_admin(&db.pool, Some("from-env".into()))
            .await
            .expect("bootstrap"),
        None
    );
    auth::login(&db.pool, "admin", "from-env", &client(9))
        .await
        .expect("the given password works");
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_username_gives_a_field_error() {
    let db = TestDb::new().await;
    let err = auth::login(&db.pool, "bad name!", "pw", &client(10))
        .await
        .expect_err("invalid");
    let app: AppError = err.into();
    assert_eq!(app.code, "invalid");
    assert!(app.field_message("username").is_some());
    assert!(app.field_message("password").is_none());

    let long = "p".repeat(257);
    let app: AppError = auth::login(&db.pool, "admin", &long, &client(10))
        .await
        .expect_err("invalid")
        .into();
    assert!(app.field_message("password").is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn disabled_user_cannot_sign_in_or_keep_a_session() {
    let db = TestDb::new().await;
    with_admin(&db, "s3cret-pass").await;
    let (token, _) = auth::login(&db.pool, "admin", "s3cret-pass", &client(11))
        .await
        .expect("login");
    let mut conn = db.pool.get().await.expect("conn");
    diesel::update(backend::db::schema::users::table)
        .set(backend::db::schema::users::disabled.eq(true))
        .execute(&mut conn)
        .await
        .expect("disable");
    assert_eq!(
        auth::session_user(&db.pool, token.as_str())
            .await
            .expect("lookup"),
        None
    );
    let err = auth::login(&db.pool, "admin", "s3cret-pass", &client(11))
        .await
        .expect_err("refused");
    assert!(matches!(err, AuthError::BadCredentials));
}
