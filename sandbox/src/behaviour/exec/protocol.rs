//! The Kubernetes remote-command channel protocol over WebSocket (`v4.channel.k8s.io`,
//! `v5.channel.k8s.io`): every binary message starts with a channel byte, 0 stdin, 1 stdout, 2 stderr,
//! 3 the final Status, 4 terminal resize; v5 adds 255, "this stream is closed", followed by the channel.

use serde_json::{Value, json};

pub const STDIN: u8 = 0;
pub const STDOUT: u8 = 1;
pub const STDERR: u8 = 2;
pub const ERROR: u8 = 3;
pub const RESIZE: u8 = 4;
pub const CLOSE: u8 = 255;

/// The subprotocols served, preferred first.
pub const PROTOCOLS: [&str; 2] = ["v5.channel.k8s.io", "v4.channel.k8s.io"];

/// A message from the client.
#[derive(Debug, PartialEq, Eq)]
pub enum Incoming {
    Stdin(Vec<u8>),
    Resize {
        width: u16,
        height: u16,
    },
    /// v5: the client closed one of its streams (stdin, in practice).
    Closed(u8),
    Ignored,
}

/// Decodes one binary message.
pub fn decode(message: &[u8]) -> Incoming {
    let Some((&channel, payload)) = message.split_first() else {
        return Incoming::Ignored;
    };
    match channel {
        STDIN => Incoming::Stdin(payload.to_vec()),
        RESIZE => {
            let size: Value = serde_json::from_slice(payload).unwrap_or(Value::Null);
            let dim = |k: &str| {
                size.get(k)
                    .and_then(Value::as_u64)
                    .unwrap_or(0)
                    .min(u64::from(u16::MAX)) as u16
            };
            Incoming::Resize {
                width: dim("Width"),
                height: dim("Height"),
            }
        }
        CLOSE => payload
            .first()
            .map_or(Incoming::Ignored, |&c| Incoming::Closed(c)),
        _ => Incoming::Ignored,
    }
}

/// Prefixes `payload` with `channel`.
pub fn frame(channel: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 1);
    out.push(channel);
    out.extend_from_slice(payload);
    out
}

/// The Status sent on channel 3 when the command ends: `Success`, or a failure carrying the exit code
/// in `details.causes` with reason `ExitCode`, which is where kubectl and kube-rs read it from.
pub fn exit_status(code: i32, command: &[String]) -> Value {
    if code == 0 {
        return json!({"metadata": {}, "status": "Success"});
    }
    json!({
        "metadata": {},
        "status": "Failure",
        "message": format!("command terminated with non-zero exit code: error executing command [{}], exit code {code}", command.join(" ")),
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": code.to_string()}]},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_decode_by_channel() {
        assert_eq!(decode(&[0, b'l', b's']), Incoming::Stdin(b"ls".to_vec()));
        assert_eq!(
            decode(b"\x04{\"Width\":120,\"Height\":40}"),
            Incoming::Resize {
                width: 120,
                height: 40
            }
        );
        assert_eq!(decode(&[255, 0]), Incoming::Closed(0));
        assert_eq!(decode(&[]), Incoming::Ignored);
    }

    #[test]
    fn failures_carry_the_exit_code_as_a_cause() {
        let status = exit_status(3, &["sh".into(), "-c".into(), "exit 3".into()]);
        assert_eq!(status["details"]["causes"][0]["reason"], "ExitCode");
        assert_eq!(status["details"]["causes"][0]["message"], "3");
        assert_eq!(exit_status(0, &[])["status"], "Success");
    }
}
