//! Pieces of the shell shared by every page.

pub mod cluster_badges;
pub mod cluster_icons;
pub mod cluster_switcher;
pub mod code_editor;
pub mod current_cluster;
pub mod env_banner;
pub mod form_fields;
pub mod header;
pub mod icons;
pub mod language_switch;
pub mod menu;
pub mod resource_nav;
pub mod shell;
pub mod sidebar;
pub mod theme_switch;
pub mod user_menu;
