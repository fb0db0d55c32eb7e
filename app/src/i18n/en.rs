//! English, the default when the browser asks for nothing we have.

use super::catalog::*;

pub static EN: Messages = Messages {
    language_name: "English",
    shell: Shell {
        product_name: "Capstan",
        product_tagline: "Kubernetes console",
        skip_to_content: "Skip to main content",
        home_link_label: "Capstan home",
        open_navigation: "Open navigation",
        close_navigation: "Close navigation",
        main_navigation: "Main navigation",
        language: "Language",
        theme: "Theme",
        user_menu: "Account",
        signed_in_as: "Signed in as",
        administrator: "Administrator",
        user: "User",
        sign_out: "Sign out",
        signing_out: "Signing out…",
        loading: "Loading…",
    },
    nav: Nav {
        overview: "Overview",
        home: "Home",
        clusters: "Clusters",
        workloads: "Workloads",
        network: "Network",
        config: "Config",
        storage: "Storage",
        cluster: "Cluster",
        custom_resources: "Custom Resources",
        monitoring: "Monitoring",
        tasks: "Tasks",
        audit: "Audit",
    },
    theme: ThemeText {
        light: "Light",
        dark: "Dark",
        system: "System",
    },
    login: Login {
        page_title: "Sign in · Capstan",
        heading: "Sign in to Capstan",
        intro: "Manage your Kubernetes clusters from one place.",
        username: "User name",
        password: "Password",
        submit: "Sign in",
        submitting: "Signing in…",
        footer: "Forgot your password? Ask an administrator to reset it.",
    },
    home: Home {
        page_title: "Home · Capstan",
        welcome: |name| format!("Welcome, {name}"),
        intro: "Capstan is your console for Kubernetes: clusters, workloads, logs and more, on desktop and on your phone.",
        what_you_can_do: "What you can do here",
        account_title: "Your account",
        account_body: |user, role| {
            format!(
                "You are signed in as {user} ({role}). Sign out from the account menu at the top right."
            )
        },
        language_title: "Language",
        language_body: "Switch between English and 简体中文 from the header. Capstan remembers your choice on this browser.",
        theme_title: "Appearance",
        theme_body: "Choose a light or dark theme, or follow your system's setting. The choice is remembered too.",
        navigation_title: "Getting around",
        navigation_body: "The sidebar lists every part of the console. On a phone, open it with the menu button in the header.",
    },
    not_found: NotFound {
        page_title: "Page not found · Capstan",
        heading: "Page not found",
        body: "There is nothing at this address. It may have moved, or the link may be mistyped.",
        back_home: "Go to the home page",
    },
    errors: Errors {
        bad_credentials: "The user name or password is incorrect. Check both and try again.",
        rate_limited: "Too many sign-in attempts. Wait a minute, then try again.",
        auth_required: "You are not signed in, or your session expired. Sign in again.",
        invalid: "Some fields need your attention.",
        invalid_username: "Enter a valid user name.",
        invalid_password: "Enter a valid password.",
        network: "The server could not be reached. Check your connection and try again.",
        internal: "Something went wrong on the server. Try again; if it keeps happening, an administrator can find the details in the server log.",
        unknown: "Something went wrong. Try again.",
    },
};
