//! The cluster pages: the list of every cluster, import, one cluster's overview and settings;
//! and the API-token
//! page, which sits with them because tokens are how scripts reach the same clusters.

mod connection_test;
pub mod import;
pub mod list;
pub mod overview;
pub mod settings;
mod settings_fields;
mod token_fields;
pub mod tokens;

use leptos::prelude::*;
use model::auth::UserInfo;

use crate::components::shell::use_current_user;

/// Whether the signed-in user is an administrator (tracked). Pages hide what only admins may
/// do; the server refuses it anyway.
pub fn is_admin() -> Signal<bool> {
    let user = use_current_user();
    Signal::derive(move || {
        user.get()
            .and_then(Result::ok)
            .flatten()
            .is_some_and(|u: UserInfo| u.is_admin)
    })
}
