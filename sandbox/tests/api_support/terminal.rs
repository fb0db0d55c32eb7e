//! kubectl under a pseudo-terminal, through util-linux's `script`, the way `kubectl exec -it` runs when
//! a person types: kubectl sees a terminal on stdin, puts it in raw mode and asks for a TTY session.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::{Sandbox, kubectl_path};

/// What kubectl printed to its terminal, and whether it exited successfully.
pub struct TerminalRun {
    pub output: String,
    pub success: bool,
}

impl Sandbox {
    /// Runs `kubectl args` (words that need no shell quoting) under a pseudo-terminal. For each step
    /// `(typed, wait_for)` it waits until the terminal shows `wait_for`, then types `typed`; then it
    /// waits up to 20 s in all for kubectl to end by itself.
    pub fn kubectl_in_terminal(&self, args: &[&str], steps: &[(&str, &str)]) -> TerminalRun {
        let command = std::iter::once(kubectl_path().display().to_string())
            .chain(args.iter().map(|a| (*a).to_owned()))
            .collect::<Vec<_>>()
            .join(" ");
        let mut child = Command::new("script")
            .args(["-qfec", &command, "/dev/null"])
            .env("KUBECONFIG", &self.kubeconfig)
            .env("TERM", "xterm")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the `script` utility (util-linux) runs");
        let mut stdout = child.stdout.take().expect("stdout is piped");
        let (tx, rx) = mpsc::channel::<Vec<u8>>();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    return;
                }
            }
        });
        let mut output = Vec::new();
        let mut stdin = child.stdin.take().expect("stdin is piped");
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut seen = 0;
        for (typed, wait_for) in steps {
            while !String::from_utf8_lossy(&output[seen..]).contains(wait_for) {
                let left = deadline.saturating_duration_since(Instant::now());
                match rx.recv_timeout(left) {
                    Ok(bytes) => output.extend(bytes),
                    Err(_) => {
                        let _ = child.kill();
                        panic!(
                            "timed out waiting for {wait_for:?} in the terminal; it showed:\n{}",
                            String::from_utf8_lossy(&output)
                        );
                    }
                }
            }
            seen = output.len();
            stdin.write_all(typed.as_bytes()).expect("type into script");
            stdin.flush().expect("flush");
        }
        // Stdin stays open until kubectl ends by itself: an early end-of-file would end the session.
        while let Ok(bytes) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            output.extend(bytes);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
        }
        drop(stdin);
        let status = child.wait().expect("script finishes");
        TerminalRun {
            output: String::from_utf8_lossy(&output).into_owned(),
            success: status.success(),
        }
    }
}
