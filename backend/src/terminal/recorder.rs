//! The lines a user types into a terminal, for the audit log: keystrokes folded into lines the
//! way a shell's line editor would (backspace removes, Ctrl-C and Ctrl-U drop the line, escape
//! sequences such as arrow keys are left out), within fixed limits.

/// Lines kept per session; later ones are counted, not kept.
pub const MAX_LINES: usize = 1000;
/// Characters kept per line.
pub const MAX_LINE: usize = 1024;

#[derive(Debug, Default)]
pub struct Recorder {
    lines: Vec<String>,
    current: String,
    /// Lines typed beyond [`MAX_LINES`].
    pub dropped: usize,
    escape: Escape,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Escape {
    #[default]
    None,
    /// After ESC.
    Start,
    /// Inside `ESC [ …` until a final byte.
    Csi,
    /// After `ESC O`: one more byte.
    Ss3,
}

impl Recorder {
    pub fn feed(&mut self, bytes: &[u8]) {
        for c in String::from_utf8_lossy(bytes).chars() {
            match (self.escape, c) {
                (Escape::Start, '[') => self.escape = Escape::Csi,
                (Escape::Start, 'O') => self.escape = Escape::Ss3,
                (Escape::Start, _) | (Escape::Ss3, _) => self.escape = Escape::None,
                (Escape::Csi, c) if ('\u{40}'..='\u{7e}').contains(&c) => {
                    self.escape = Escape::None
                }
                (Escape::Csi, _) => {}
                (Escape::None, '\u{1b}') => self.escape = Escape::Start,
                (Escape::None, '\r' | '\n') => self.end_line(),
                (Escape::None, '\u{7f}' | '\u{8}') => {
                    self.current.pop();
                }
                (Escape::None, '\u{3}' | '\u{15}') => self.current.clear(),
                (Escape::None, c) if c.is_control() => {}
                (Escape::None, c) => {
                    if self.current.chars().count() < MAX_LINE {
                        self.current.push(c);
                    }
                }
            }
        }
    }

    fn end_line(&mut self) {
        let line = std::mem::take(&mut self.current);
        if line.trim().is_empty() {
            return;
        }
        if self.lines.len() < MAX_LINES {
            self.lines.push(line);
        } else {
            self.dropped += 1;
        }
    }

    /// The lines typed, with a line still being typed at the end.
    pub fn finish(mut self) -> (Vec<String>, usize) {
        self.end_line();
        (self.lines, self.dropped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keystrokes_fold_into_the_lines_a_shell_runs() {
        let mut r = Recorder::default();
        r.feed(b"echo hellp\x7fo\r");
        r.feed(b"ls -l\x1b[A\x1b[D\x1bOA /tmp\r");
        r.feed(b"rm -rf /\x03");
        r.feed(b"\r\r");
        r.feed("echo 你好".as_bytes());
        let (lines, dropped) = r.finish();
        assert_eq!(lines, ["echo hello", "ls -l /tmp", "echo 你好"]);
        assert_eq!(dropped, 0);
    }

    #[test]
    fn limits_hold() {
        let mut r = Recorder::default();
        for _ in 0..MAX_LINES + 5 {
            r.feed(b"x\n");
        }
        r.feed("y".repeat(MAX_LINE * 2).as_bytes());
        let (lines, dropped) = r.finish();
        assert_eq!((lines.len(), dropped), (MAX_LINES, 6));
    }
}
