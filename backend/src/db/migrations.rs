//! The Diesel migrations under `/migrations`, embedded in the binary.

use diesel::migration::MigrationSource;
use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel_async::{AsyncMigrationHarness, RunQueryDsl};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::db::DbPool;
use crate::db::pool::{DbError, establish};

/// Every migration this build knows.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations");

/// Applies pending migrations on the database `url` points at.
///
/// Diesel's harness is synchronous; diesel-async runs it with `block_in_place`, so this needs
/// the multi-threaded tokio runtime.
pub async fn migrate(url: &str) -> Result<(), DbError> {
    let conn = establish(url).await?;
    let mut harness = AsyncMigrationHarness::new(conn);
    let applied = harness
        .run_pending_migrations(MIGRATIONS)
        .map_err(|e| DbError::Migration(e.to_string()))?;
    for version in applied {
        tracing::info!(%version, "applied migration");
    }
    Ok(())
}

#[derive(QueryableByName)]
struct AppliedVersion {
    #[diesel(sql_type = Text)]
    version: String,
}

/// Whether some migration of this build is not applied yet (for `/readyz`).
///
/// Reads Diesel's bookkeeping table directly, so it stays async and needs no blocking thread.
pub async fn pending_migrations(pool: &DbPool) -> Result<bool, DbError> {
    let mut conn = pool.get().await?;
    let table_exists: Option<String> =
        diesel::select(diesel::dsl::sql::<diesel::sql_types::Nullable<Text>>(
            "to_regclass('__diesel_schema_migrations')::text",
        ))
        .get_result(&mut conn)
        .await?;
    if table_exists.is_none() {
        return Ok(true);
    }
    let applied: Vec<AppliedVersion> =
        diesel::sql_query("SELECT version FROM __diesel_schema_migrations")
            .load(&mut conn)
            .await?;
    let known = MigrationSource::<diesel::pg::Pg>::migrations(&MIGRATIONS)
        .map_err(|e| DbError::Migration(e.to_string()))?;
    Ok(known.iter().any(|m| {
        let version = m.name().version().to_string();
        !applied.iter().any(|a| a.version == version)
    }))
}
