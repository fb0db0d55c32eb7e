//! Terminals in the browser: the control messages of the terminal WebSocket. Keystrokes travel
//! browser → server as binary frames and the terminal's output server → browser as binary
//! frames; everything else is one of these, as JSON text frames.

use serde::{Deserialize, Serialize};

use crate::{AppError, FieldError};

/// The longest custom command line accepted.
pub const MAX_COMMAND: usize = 1024;

/// Browser → server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TerminalRequest {
    /// The terminal's size changed (columns × rows).
    Resize { cols: u16, rows: u16 },
}

/// Server → browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TerminalEvent {
    /// Attached: keystrokes reach the shell from now on.
    Connected { container: String, command: String },
    /// The shell ended (exit, the container stopped, idle too long); `code` when it exited.
    Exited {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code: Option<i32>,
        message: String,
    },
    /// The terminal could not start (no such container, no shell, a read-only cluster, …).
    Error { error: AppError },
}

/// The command a terminal runs, split into words: `/bin/sh` when none is given.
pub fn command_words(command: &str) -> Result<Vec<String>, FieldError> {
    let command = command.trim();
    let invalid = |message: &str| FieldError {
        field: "command".into(),
        message: message.into(),
    };
    if command.len() > MAX_COMMAND {
        return Err(invalid(
            "The command is too long (at most 1024 characters).",
        ));
    }
    if command.chars().any(char::is_control) {
        return Err(invalid("The command cannot contain control characters."));
    }
    let words: Vec<String> = command.split_whitespace().map(str::to_string).collect();
    if words.is_empty() {
        return Ok(vec!["/bin/sh".into()]);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_split_into_words_and_default_to_sh() {
        assert_eq!(command_words("  ").unwrap_or_default(), ["/bin/sh"]);
        assert_eq!(
            command_words("/bin/bash -l").unwrap_or_default(),
            ["/bin/bash", "-l"]
        );
        assert!(command_words("sh\u{7}").is_err());
        assert!(command_words(&"x".repeat(MAX_COMMAND + 1)).is_err());
    }

    #[test]
    fn control_messages_are_tagged_json() {
        let resize: TerminalRequest =
            serde_json::from_str(r#"{"type":"resize","cols":120,"rows":40}"#)
                .unwrap_or(TerminalRequest::Resize { cols: 0, rows: 0 });
        assert_eq!(
            resize,
            TerminalRequest::Resize {
                cols: 120,
                rows: 40
            }
        );
        let exited = serde_json::to_value(TerminalEvent::Exited {
            code: Some(0),
            message: "exit".into(),
        })
        .unwrap_or_default();
        assert_eq!(exited["type"], "exited");
    }
}
