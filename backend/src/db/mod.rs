//! PostgreSQL access: the connection pool, migrations, the embedded server and (for tests)
//! isolated databases.

pub mod embedded;
mod embedded_user;
pub mod migrations;
pub mod models;
pub mod pool;
pub mod schema;
#[cfg(feature = "testing")]
pub mod testing;

use diesel_async::AsyncPgConnection;
use diesel_async::pooled_connection::deadpool::Pool;

pub use embedded::{EmbeddedOptions, EmbeddedPgError, EmbeddedPostgres};
pub use migrations::{migrate, pending_migrations};
pub use pool::{DbError, connect};

/// The one pool the whole process shares (diesel-async over deadpool).
pub type DbPool = Pool<AsyncPgConnection>;
