//! `login`, `logout`, `current_user`, and `require_user` for other server functions.
//!
//! Error codes the UI translates: `invalid` (with `fields` on `username` / `password`),
//! `auth.bad_credentials`, `auth.rate_limited`, `auth.required`, `internal`, `unavailable`.

use leptos::prelude::*;
use model::AppError;
use model::auth::UserInfo;

/// Signs in; on success sets the session cookie and redirects to `next` (a local path) or `/`.
#[server(prefix = "/api", endpoint = "auth/login")]
pub async fn login(
    username: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    let state = ssr::state()?;
    let client = ssr::client_info();
    let (token, _user) = backend::auth::login(&state.db, username.trim(), &password, &client)
        .await
        .map_err(AppError::from)?;
    ssr::set_session_cookie(token.as_str(), &state.config)?;
    leptos_axum::redirect(&ssr::safe_next(next.as_deref()));
    Ok(())
}

/// Signs out: deletes the session, clears the cookie, redirects to `/login`.
#[server(prefix = "/api", endpoint = "auth/logout")]
pub async fn logout() -> Result<(), AppError> {
    let state = ssr::state()?;
    if let Some(token) = ssr::session_token() {
        backend::auth::logout(&state.db, &token, &ssr::client_info())
            .await
            .map_err(AppError::from)?;
    }
    ssr::clear_session_cookie(&state.config)?;
    leptos_axum::redirect("/login");
    Ok(())
}

/// The signed-in user, or `None` for an anonymous visitor.
#[server(prefix = "/api", endpoint = "auth/current_user")]
pub async fn current_user() -> Result<Option<UserInfo>, AppError> {
    ssr::current_user().await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! Server-side helpers: state, cookies, the caller's address.

    use std::net::SocketAddr;

    use axum::extract::ConnectInfo;
    use backend::config::Config;
    use backend::{AppState, ClientInfo};
    use http::HeaderValue;
    use http::header::{COOKIE, SET_COOKIE, USER_AGENT};
    use http::request::Parts;
    use leptos::prelude::*;
    use leptos_axum::ResponseOptions;
    use model::AppError;
    use model::auth::UserInfo;

    /// The session cookie's name.
    pub const SESSION_COOKIE: &str = "capstan_session";

    /// Gives the response the HTTP status the error stands for (400, 401, 403, 404, 409, 502…)
    /// instead of the blanket 500 of a failed server function; the body stays the JSON error.
    pub fn failed(e: impl Into<AppError>) -> AppError {
        let e = e.into();
        if let (Some(response), Ok(status)) = (
            use_context::<ResponseOptions>(),
            http::StatusCode::from_u16(e.kind.http_status()),
        ) {
            response.set_status(status);
        }
        e
    }

    /// The shared state the server provides as context to SSR and server functions.
    pub fn state() -> Result<AppState, AppError> {
        use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState was not provided as Leptos context");
            AppError::internal()
        })
    }

    fn parts() -> Option<Parts> {
        use_context::<Parts>()
    }

    /// Address, user agent and request id of the current request.
    pub fn client_info() -> ClientInfo {
        let Some(parts) = parts() else {
            return ClientInfo::default();
        };
        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        ClientInfo {
            ip: parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip()),
            user_agent: header(USER_AGENT.as_str()).map(|ua| ua.chars().take(512).collect()),
            request_id: header("x-request-id"),
        }
    }

    /// The session token from the request's cookies, if any.
    pub fn session_token() -> Option<String> {
        let parts = parts()?;
        token_from_headers(&parts.headers)
    }

    /// Finds `capstan_session` among the `Cookie` headers.
    pub fn token_from_headers(headers: &http::HeaderMap) -> Option<String> {
        headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == SESSION_COOKIE)
            .map(|(_, value)| value.trim().to_string())
            .filter(|value| !value.is_empty())
    }

    /// The signed-in user: put in the request by the auth middleware, else looked up by cookie.
    pub async fn current_user() -> Result<Option<UserInfo>, AppError> {
        if let Some(user) = parts().and_then(|p| p.extensions.get::<UserInfo>().cloned()) {
            return Ok(Some(user));
        }
        let Some(token) = session_token() else {
            return Ok(None);
        };
        let state = state()?;
        backend::auth::session_user(&state.db, &token)
            .await
            .map_err(AppError::from)
    }

    /// For other server functions: the signed-in user, or `auth.required`.
    pub async fn require_user() -> Result<UserInfo, AppError> {
        current_user().await?.ok_or_else(AppError::unauthenticated)
    }

    fn cookie(value: &str, max_age_secs: i64, config: &Config) -> String {
        let secure = if config.secure_cookies {
            "; Secure"
        } else {
            ""
        };
        format!(
            "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
        )
    }

    fn append_set_cookie(value: String) -> Result<(), AppError> {
        let response = use_context::<ResponseOptions>().ok_or_else(|| {
            tracing::error!("ResponseOptions missing: not inside a leptos_axum request");
            AppError::internal()
        })?;
        let header = HeaderValue::from_str(&value).map_err(|e| {
            tracing::error!(error = %e, "session cookie is not a valid header value");
            AppError::internal()
        })?;
        response.append_header(SET_COOKIE, header);
        Ok(())
    }

    pub fn set_session_cookie(token: &str, config: &Config) -> Result<(), AppError> {
        // The browser may keep it as long as the server-side expiry could slide; the database
        // decides whether it is still valid.
        append_set_cookie(cookie(
            token,
            backend::auth::SESSION_TTL.num_seconds(),
            config,
        ))
    }

    pub fn clear_session_cookie(config: &Config) -> Result<(), AppError> {
        append_set_cookie(cookie("", 0, config))
    }

    /// `next` if it is a path on this site, else `/`: never an open redirect.
    pub fn safe_next(next: Option<&str>) -> String {
        match next {
            Some(path) if is_local_path(path) => path.to_string(),
            _ => "/".to_string(),
        }
    }

    fn is_local_path(path: &str) -> bool {
        path.starts_with('/')
            && !path.starts_with("//")
            && !path.starts_with("/\\")
            && path != "/login"
            && !path.starts_with("/login?")
            && path.len() <= 2048
            && !path.chars().any(|c| c.is_control() || c == '\\')
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn only_local_paths_are_followed() {
            assert_eq!(safe_next(Some("/clusters/a?x=1")), "/clusters/a?x=1");
            for bad in [
                "https://evil.example",
                "//evil.example",
                "/\\evil.example",
                "evil",
                "/a\nb",
                "/login",
            ] {
                assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
            }
            assert_eq!(safe_next(None), "/");
        }

        #[test]
        fn session_cookie_is_found_among_others() {
            let mut headers = http::HeaderMap::new();
            headers.insert(
                COOKIE,
                HeaderValue::from_static("theme=dark; capstan_session=abc; x=y"),
            );
            assert_eq!(token_from_headers(&headers).as_deref(), Some("abc"));
            headers.insert(COOKIE, HeaderValue::from_static("capstan_session="));
            assert_eq!(token_from_headers(&headers), None);
        }

        #[test]
        fn cookie_flags_follow_the_config() {
            let mut config = Config {
                data_dir: "/tmp".into(),
                secure_cookies: false,
            };
            let plain = cookie("t", 10, &config);
            assert!(
                plain.contains("HttpOnly")
                    && plain.contains("SameSite=Lax")
                    && plain.contains("Path=/")
            );
            assert!(!plain.contains("Secure"));
            config.secure_cookies = true;
            assert!(cookie("t", 10, &config).ends_with("; Secure"));
        }
    }
}
