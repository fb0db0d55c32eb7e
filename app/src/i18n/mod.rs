//! One i18n layer for every visible string: a typed catalog per language (see [`catalog`]) and
//! a reactive context holding the chosen language.
//!
//! Why hand-written rather than `leptos_i18n`: the compiler rejects a language that lacks a key
//! (a struct literal must name every field), it adds no crates to the WASM bundle, and the
//! language cookie shares one code path with the theme cookie (see [`crate::preferences`]).

pub mod catalog;
mod en;
mod zh;

use leptos::prelude::*;
use model::AppError;

pub use catalog::Messages;

/// A language the console speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    /// Every language, in the order the switch lists them.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The short code stored in the cookie and accepted in `?lang=`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// The BCP 47 tag for `<html lang>`: screen readers and font selection rely on it.
    pub fn html_lang(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }

    /// Reads a language tag or code (`en`, `en-GB`, `zh`, `zh-CN`, `zh-Hans`); `None` for others.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "zh" => Some(Lang::Zh),
            _ => None,
        }
    }

    /// The best language for an `Accept-Language` header: highest weight first, English when
    /// nothing we speak is asked for.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Lang::parse) else {
                continue;
            };
            let weight = parts
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            if best.is_none_or(|(w, _)| weight > w) {
                best = Some((weight, lang));
            }
        }
        best.map(|(_, lang)| lang).unwrap_or_default()
    }

    /// This language's messages.
    pub fn messages(self) -> &'static Messages {
        match self {
            Lang::En => &en::EN,
            Lang::Zh => &zh::ZH,
        }
    }
}

/// The chosen language, shared by every component through context.
#[derive(Clone, Copy)]
pub struct I18n {
    lang: RwSignal<Lang>,
}

impl I18n {
    /// Provides the context; called once by the app root.
    pub fn provide(initial: Lang) -> I18n {
        let i18n = I18n {
            lang: RwSignal::new(initial),
        };
        provide_context(i18n);
        i18n
    }

    /// The current language (tracked: views re-render when it changes).
    pub fn lang(self) -> Lang {
        self.lang.get()
    }

    /// The current language's messages (tracked).
    pub fn t(self) -> &'static Messages {
        self.lang.get().messages()
    }

    pub fn set(self, lang: Lang) {
        self.lang.set(lang);
    }
}

/// The i18n context provided by [`crate::App`].
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// The sentence to show for an error from the server, in the user's language.
pub fn error_message(t: &'static Messages, err: &AppError) -> String {
    let e = &t.errors;
    match err.code.as_str() {
        "auth.bad_credentials" => e.bad_credentials.into(),
        "auth.rate_limited" => e.rate_limited.into(),
        "auth.required" => e.auth_required.into(),
        "invalid" => e.invalid.into(),
        "network" => e.network.into(),
        "internal" => e.internal.into(),
        "cluster.not_found" => e.cluster_not_found.into(),
        "cluster.name_taken" => e.cluster_name_taken.into(),
        "cluster.admin_required" => e.cluster_admin_required.into(),
        "cluster.confirmation_mismatch" => e.cluster_confirmation_mismatch.into(),
        "cluster.unreachable" => e.cluster_unreachable.into(),
        code if code.starts_with("cluster.kubeconfig") && !std::ptr::eq(t, Lang::En.messages()) => {
            e.kubeconfig_invalid.into()
        }
        // An unknown code from a newer server: its English message beats a vague one.
        _ if !err.message.is_empty() && std::ptr::eq(t, Lang::En.messages()) => err.message.clone(),
        _ => e.unknown.into(),
    }
}

/// A list column's title in `t`'s language.
pub fn column_title(t: &'static Messages, id: &str, server_title: &str) -> String {
    t.resources
        .column_titles
        .iter()
        .find(|(key, _)| *key == id)
        .map_or_else(
            || server_title.to_string(),
            |(_, title)| (*title).to_string(),
        )
}

/// The message for one form field, if the server refused it.
///
/// Field errors carry no code, only an English sentence: English shows it as sent, Chinese
/// shows a sentence per field that covers the reasons the server gives (empty, too long), or
/// a general one for fields without their own.
pub fn field_error(lang: Lang, err: &AppError, field: &str) -> Option<String> {
    let message = err.field_message(field)?;
    let e = &lang.messages().errors;
    Some(match (lang, field) {
        (Lang::En, _) if !message.is_empty() => message.to_owned(),
        (_, "password") => e.invalid_password.into(),
        (_, "username") => e.invalid_username.into(),
        (_, "name") => lang.messages().clusters.name_invalid.into(),
        _ => e.invalid.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_heaviest_language_we_speak() {
        assert_eq!(
            Lang::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"),
            Lang::Zh
        );
        assert_eq!(
            Lang::from_accept_language("fr-FR,en;q=0.5,zh;q=0.4"),
            Lang::En
        );
        assert_eq!(Lang::from_accept_language("de,fr"), Lang::En);
        assert_eq!(Lang::from_accept_language(""), Lang::En);
        assert_eq!(
            Lang::from_accept_language("en;q=0.2, zh-Hans;q=0.7"),
            Lang::Zh
        );
    }

    #[test]
    fn known_error_codes_are_translated() {
        let err = AppError::new(
            model::ErrorKind::Unauthenticated,
            "auth.bad_credentials",
            "x",
        );
        assert_eq!(
            error_message(Lang::Zh.messages(), &err),
            "用户名或密码错误，请检查后重试。"
        );
        let unknown = AppError::new(model::ErrorKind::Internal, "new.code", "Server says so.");
        assert_eq!(
            error_message(Lang::En.messages(), &unknown),
            "Server says so."
        );
        assert_eq!(
            error_message(Lang::Zh.messages(), &unknown),
            "出现了问题，请重试。"
        );
    }

    #[test]
    fn column_titles_follow_the_language_and_keep_unknown_columns() {
        assert_eq!(
            column_title(Lang::Zh.messages(), "restarts", "Restarts"),
            "重启次数"
        );
        assert_eq!(
            column_title(Lang::En.messages(), "restarts", "Restarts"),
            "Restarts"
        );
        assert_eq!(
            column_title(Lang::Zh.messages(), "widgets", "Widgets"),
            "Widgets"
        );
    }

    #[test]
    fn field_errors_follow_the_language() {
        let err = AppError::invalid_field("username", "User names are at most 64 characters.");
        assert_eq!(
            field_error(Lang::En, &err, "username").as_deref(),
            Some("User names are at most 64 characters.")
        );
        assert!(
            field_error(Lang::Zh, &err, "username")
                .unwrap()
                .contains("用户名")
        );
        assert_eq!(field_error(Lang::Zh, &err, "password"), None);
    }
}
