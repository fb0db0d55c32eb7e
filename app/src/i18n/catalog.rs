//! The shape of every message the UI shows.
//!
//! Each language is one `static` value of [`Messages`]. A struct literal must name every field,
//! so a language missing a key does not compile: completeness is enforced by the compiler rather
//! than checked at run time. Messages with values in them are plain `fn` pointers, so word order
//! can differ between languages.

/// Every visible string of the console, grouped by the part of the UI that shows it.
pub struct Messages {
    /// The language's own name, as shown in the language switch.
    pub language_name: &'static str,
    pub shell: Shell,
    pub nav: Nav,
    pub theme: ThemeText,
    pub login: Login,
    pub home: Home,
    pub not_found: NotFound,
    pub errors: Errors,
}

/// The frame around every page: header, skip link, drawer, menus.
pub struct Shell {
    pub product_name: &'static str,
    pub product_tagline: &'static str,
    pub skip_to_content: &'static str,
    pub home_link_label: &'static str,
    pub open_navigation: &'static str,
    pub close_navigation: &'static str,
    pub main_navigation: &'static str,
    pub language: &'static str,
    pub theme: &'static str,
    pub user_menu: &'static str,
    pub signed_in_as: &'static str,
    pub administrator: &'static str,
    pub user: &'static str,
    pub sign_out: &'static str,
    pub signing_out: &'static str,
    pub loading: &'static str,
}

/// Sidebar groups and items. Groups for later issues are named here so the structure is
/// settled, but the sidebar shows a group only once it has pages.
pub struct Nav {
    pub overview: &'static str,
    pub home: &'static str,
    pub clusters: &'static str,
    pub workloads: &'static str,
    pub network: &'static str,
    pub config: &'static str,
    pub storage: &'static str,
    pub cluster: &'static str,
    pub custom_resources: &'static str,
    pub monitoring: &'static str,
    pub tasks: &'static str,
    pub audit: &'static str,
}

/// Names of the colour themes.
pub struct ThemeText {
    pub light: &'static str,
    pub dark: &'static str,
    pub system: &'static str,
}

/// The sign-in page.
pub struct Login {
    pub page_title: &'static str,
    pub heading: &'static str,
    pub intro: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub submit: &'static str,
    pub submitting: &'static str,
    pub footer: &'static str,
}

/// The home page.
pub struct Home {
    pub page_title: &'static str,
    pub welcome: fn(&str) -> String,
    pub intro: &'static str,
    pub what_you_can_do: &'static str,
    pub account_title: &'static str,
    pub account_body: fn(&str, &str) -> String,
    pub language_title: &'static str,
    pub language_body: &'static str,
    pub theme_title: &'static str,
    pub theme_body: &'static str,
    pub navigation_title: &'static str,
    pub navigation_body: &'static str,
}

/// The page shown for an address that leads nowhere.
pub struct NotFound {
    pub page_title: &'static str,
    pub heading: &'static str,
    pub body: &'static str,
    pub back_home: &'static str,
}

/// Translations of the error codes the server sends (see `model::AppError::code`).
pub struct Errors {
    pub bad_credentials: &'static str,
    pub rate_limited: &'static str,
    pub auth_required: &'static str,
    pub invalid: &'static str,
    pub invalid_username: &'static str,
    pub invalid_password: &'static str,
    pub network: &'static str,
    pub internal: &'static str,
    pub unknown: &'static str,
}
