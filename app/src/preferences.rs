//! The reader's language and colour theme: resolved on the server from cookies (so the first
//! HTML already has the right `<html lang>` and `data-theme`, with no flash), and changed in the
//! browser without a round trip.
//!
//! Order of precedence on the server: a `?lang=` / `?theme=` query (the switches' fallback when
//! WASM has not loaded; it also sets the cookie), then the cookie, then `Accept-Language` for the
//! language and "system" for the theme.

use crate::i18n::Lang;

pub const LANG_COOKIE: &str = "capstan_lang";
pub const THEME_COOKIE: &str = "capstan_theme";

/// A colour theme; `System` follows the operating system's `prefers-color-scheme`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
    #[default]
    System,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::Light, Theme::Dark, Theme::System];

    /// The value of `data-theme`, the cookie and `?theme=`.
    pub fn code(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::System => "system",
        }
    }

    pub fn parse(s: &str) -> Option<Theme> {
        Theme::ALL.into_iter().find(|t| t.code() == s.trim())
    }
}

/// The language and theme a page starts with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Initial {
    pub lang: Lang,
    pub theme: Theme,
}

/// What the page starts with. On the server it comes from the request; in the browser it is
/// read back from the attributes the server rendered on `<html>`, so hydration sees the same
/// values the server used.
pub fn initial() -> Initial {
    #[cfg(feature = "ssr")]
    {
        ssr::from_request()
    }
    #[cfg(not(feature = "ssr"))]
    {
        from_document()
    }
}

#[cfg(not(feature = "ssr"))]
fn from_document() -> Initial {
    let root = leptos::prelude::document().document_element();
    let attr = |name: &str| root.as_ref().and_then(|el| el.get_attribute(name));
    Initial {
        lang: attr("lang")
            .as_deref()
            .and_then(Lang::parse)
            .unwrap_or_default(),
        theme: attr("data-theme")
            .as_deref()
            .and_then(Theme::parse)
            .unwrap_or_default(),
    }
}

/// Remembers a choice in a cookie for a year. Called from event handlers, never during render.
pub fn remember(cookie: &str, value: &str) {
    #[cfg(not(feature = "ssr"))]
    {
        use wasm_bindgen::JsCast;
        let doc = leptos::prelude::document().unchecked_into::<web_sys::HtmlDocument>();
        _ = doc.set_cookie(&format!(
            "{cookie}={value}; Path=/; Max-Age=31536000; SameSite=Lax"
        ));
    }
    #[cfg(feature = "ssr")]
    {
        _ = (cookie, value);
    }
}

/// The value of one cookie in a `Cookie` header.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k.trim() == name).then(|| v.trim())
    })
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use http::header::{ACCEPT_LANGUAGE, COOKIE, HeaderValue, SET_COOKIE};
    use http::request::Parts;
    use leptos::prelude::use_context;
    use leptos_axum::ResponseOptions;

    pub(super) fn from_request() -> Initial {
        let Some(parts) = use_context::<Parts>() else {
            return Initial::default();
        };
        let header = |name| {
            parts
                .headers
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
        };
        let cookies = header(COOKIE).unwrap_or("");
        let query: Vec<(String, String)> = parts
            .uri
            .query()
            .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default();
        let queried = |key: &str| {
            query
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };

        let lang_from_query = queried("lang").and_then(Lang::parse);
        let theme_from_query = queried("theme").and_then(Theme::parse);
        if let Some(lang) = lang_from_query {
            set_cookie(LANG_COOKIE, lang.code());
        }
        if let Some(theme) = theme_from_query {
            set_cookie(THEME_COOKIE, theme.code());
        }

        let lang = lang_from_query
            .or_else(|| cookie_value(cookies, LANG_COOKIE).and_then(Lang::parse))
            .or_else(|| header(ACCEPT_LANGUAGE).map(Lang::from_accept_language))
            .unwrap_or_default();
        let theme = theme_from_query
            .or_else(|| cookie_value(cookies, THEME_COOKIE).and_then(Theme::parse))
            .unwrap_or_default();
        Initial { lang, theme }
    }

    fn set_cookie(name: &str, value: &str) {
        let Some(response) = use_context::<ResponseOptions>() else {
            return;
        };
        let cookie = format!("{name}={value}; Path=/; Max-Age=31536000; SameSite=Lax");
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            response.append_header(SET_COOKIE, v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_cookie_among_others() {
        let header = "session=abc; capstan_lang=zh; capstan_theme=dark";
        assert_eq!(cookie_value(header, LANG_COOKIE), Some("zh"));
        assert_eq!(cookie_value(header, THEME_COOKIE), Some("dark"));
        assert_eq!(cookie_value(header, "missing"), None);
    }

    #[test]
    fn theme_codes_round_trip() {
        for theme in Theme::ALL {
            assert_eq!(Theme::parse(theme.code()), Some(theme));
        }
        assert_eq!(Theme::parse("purple"), None);
    }
}
