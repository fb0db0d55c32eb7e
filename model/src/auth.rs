//! Who is signed in, as the browser sees it.

use serde::{Deserialize, Serialize};

/// The signed-in user, as shown in the header and used by the UI to hide what they may not do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInfo {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub is_admin: bool,
}
