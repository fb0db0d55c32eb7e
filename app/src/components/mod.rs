//! Pieces of the shell shared by every page.

pub mod header;
pub mod icons;
pub mod language_switch;
pub mod menu;
pub mod shell;
pub mod sidebar;
pub mod theme_switch;
pub mod user_menu;
