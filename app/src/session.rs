//! The UI's one door to the auth server functions (`crate::auth::api`, owned by the backend
//! side). TEMPORARY development stand-ins until that module lands; replaced by a re-export.

use leptos::prelude::*;
use model::AppError;
use model::auth::UserInfo;

#[server]
pub async fn login(username: String, password: String, next: Option<String>) -> Result<(), AppError> {
    _ = next;
    if username.is_empty() {
        return Err(AppError::invalid_field("username", "Enter your user name."));
    }
    if password != "admin" {
        return Err(AppError::new(model::ErrorKind::Unauthenticated, "auth.bad_credentials", "Wrong."));
    }
    Ok(())
}

#[server]
pub async fn logout() -> Result<(), AppError> {
    Ok(())
}

#[server]
pub async fn current_user() -> Result<Option<UserInfo>, AppError> {
    Ok(Some(UserInfo { id: "1".into(), username: "admin".into(), display_name: "Administrator".into(), is_admin: true }))
}
