//! Hands the form's YAML to the "Create from YAML" page through the tab's session storage: the
//! text can be longer than an address may be, and it never leaves the browser.

#[cfg(feature = "hydrate")]
const KEY: &str = "capstan.app-yaml";

/// Keeps `yaml` for the create page to pick up.
#[cfg(feature = "hydrate")]
pub fn put(yaml: &str) {
    if let Ok(Some(storage)) = leptos::prelude::window().session_storage() {
        _ = storage.set_item(KEY, yaml);
    }
}

/// The YAML the form left, once.
#[cfg(feature = "hydrate")]
pub fn take() -> Option<String> {
    let storage = leptos::prelude::window().session_storage().ok().flatten()?;
    let yaml = storage.get_item(KEY).ok().flatten()?;
    _ = storage.remove_item(KEY);
    Some(yaml)
}
