//! One file per page.

pub mod apps;
pub mod audit;
pub mod clusters;
pub mod home;
pub mod login;
pub mod logs;
pub mod not_found;
pub mod resources;
pub mod terminal;
