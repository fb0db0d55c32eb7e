//! Small pieces every cluster view shares: status dot and badge, environment badge, read-only
//! marker and a relative time. One place decides each cluster's colours and labels, so the
//! list, the overview, the switcher and the banner never disagree.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use model::clusters::{ClusterStatus, Environment};

use crate::i18n::{Messages, use_i18n};

/// Words for a status, in the reader's language.
pub fn status_label(t: &'static Messages, status: ClusterStatus) -> &'static str {
    let c = &t.clusters;
    match status {
        ClusterStatus::Unknown => c.status_unknown,
        ClusterStatus::Healthy => c.status_healthy,
        ClusterStatus::Warning => c.status_warning,
        ClusterStatus::Error => c.status_error,
        ClusterStatus::Unavailable => c.status_unavailable,
    }
}

/// Words for an environment, in the reader's language.
pub fn environment_label(t: &'static Messages, env: Environment) -> &'static str {
    let c = &t.clusters;
    match env {
        Environment::Production => c.env_production,
        Environment::Staging => c.env_staging,
        Environment::Development => c.env_development,
        Environment::Other => c.env_other,
    }
}

/// The cluster's own colour when it is a valid `#rrggbb`, else its environment's default. The
/// check matters: the value ends up in a `style` attribute.
pub fn cluster_colour(colour: &str, env: Environment) -> String {
    let valid = colour.len() == 7
        && colour.starts_with('#')
        && colour[1..].chars().all(|c| c.is_ascii_hexdigit());
    if valid {
        return colour.to_ascii_lowercase();
    }
    match env {
        Environment::Production => "#d92d20",
        Environment::Staging => "#dc6803",
        Environment::Development => "#079455",
        Environment::Other => "#667085",
    }
    .to_string()
}

/// Black or white, whichever reads better on `background` (a `#rrggbb`): the banner takes any
/// colour an admin picks and must stay legible (WCAG contrast against both candidates).
pub fn text_colour_on(background: &str) -> &'static str {
    let channel = |i: usize| {
        let v = u8::from_str_radix(background.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0);
        let c = f64::from(v) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
    let against_white = 1.05 / (luminance + 0.05);
    let against_black = (luminance + 0.05) / 0.05;
    if against_white >= against_black {
        "#ffffff"
    } else {
        "#000000"
    }
}

/// A coloured dot for a status; decorative, the label next to it carries the meaning.
#[component]
pub fn StatusDot(#[prop(into)] status: Signal<ClusterStatus>) -> impl IntoView {
    view! {
        <span class=move || format!("status-dot status-{}", status.get().as_str()) aria-hidden="true"></span>
    }
}

/// Dot and label; the reason (why it is not healthy) shows as a tooltip and, because a phone
/// has no hover, as a line of text under it.
#[component]
pub fn StatusBadge(status: ClusterStatus, reason: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let title = reason.clone();
    let reason_line = reason.filter(|_| status != ClusterStatus::Healthy).map(
        |r| view! { <span class="status-reason" data-testid="cluster-status-reason">{r}</span> },
    );
    view! {
        <span class="status-cell">
            <span
                class=format!("status-badge status-{}", status.as_str())
                title=title
                data-testid="cluster-status"
                data-status=status.as_str()
            >
                <StatusDot status=status/>
                {move || status_label(i18n.t(), status)}
            </span>
            {reason_line}
        </span>
    }
}

/// The environment's name beside a swatch of the cluster's colour.
#[component]
pub fn EnvBadge(env: Environment, #[prop(into)] colour: String) -> impl IntoView {
    let i18n = use_i18n();
    let colour = cluster_colour(&colour, env);
    view! {
        <span class=format!("env-badge env-{}", env.as_str()) data-testid="cluster-env">
            <span class="env-swatch" style=format!("background:{colour}") aria-hidden="true"></span>
            {move || environment_label(i18n.t(), env)}
        </span>
    }
}

/// Marks a read-only cluster.
#[component]
pub fn ReadOnlyMarker() -> impl IntoView {
    let i18n = use_i18n();
    view! { <span class="tag tag-read-only" data-testid="cluster-read-only">{move || i18n.t().clusters.read_only}</span> }
}

/// Milliseconds since the epoch, in the browser; `None` on the server.
fn browser_now_ms() -> Option<f64> {
    #[cfg(not(feature = "ssr"))]
    {
        Some(web_sys::js_sys::Date::now())
    }
    #[cfg(feature = "ssr")]
    {
        None
    }
}

/// "5 min ago" once the page is live; the server (and hydration) render the absolute UTC time,
/// so server and browser agree on the first render whatever their clocks say.
#[component]
pub fn RelativeTime(at: Option<DateTime<Utc>>) -> impl IntoView {
    let i18n = use_i18n();
    let now = RwSignal::new(None::<f64>);
    // Starts after hydration, then ticks every 30 s so "just now" ages while the page is open.
    Effect::new(move |_| {
        now.set(browser_now_ms());
        if let Ok(handle) = set_interval_with_handle(
            move || now.set(browser_now_ms()),
            std::time::Duration::from_secs(30),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    let Some(at) = at else {
        return view! { <span class="muted">{move || i18n.t().clusters.never}</span> }.into_any();
    };
    let absolute = at.format("%Y-%m-%d %H:%M UTC").to_string();
    let millis = at.timestamp_millis();
    let shown = absolute.clone();
    let text = move || {
        let c = &i18n.t().clusters;
        let Some(now) = now.get() else {
            return shown.clone();
        };
        let minutes = ((now - millis as f64) / 60_000.0).floor() as i64;
        match minutes {
            ..1 => c.just_now.to_string(),
            1..60 => (c.minutes_ago)(minutes),
            60..1440 => (c.hours_ago)(minutes / 60),
            _ => (c.days_ago)(minutes / 1440),
        }
    };
    view! { <time datetime=at.to_rfc3339() title=absolute>{text}</time> }.into_any()
}
