//! Line editing for an exec session with a terminal (`kubectl exec -it`): the remote side of a tty echoes
//! what is typed and handles backspace, Ctrl-C, Ctrl-U and Ctrl-D, since the local terminal is in raw mode.

/// What a chunk of typed input produced.
#[derive(Debug, PartialEq, Eq)]
pub enum EditorEvent {
    /// Bytes to send back to the terminal (echo, erase sequences).
    Echo(String),
    /// A complete line to run.
    Line(String),
    /// Ctrl-C: the line was abandoned.
    Interrupt,
    /// Ctrl-D on an empty line: end of input.
    EndOfInput,
}

/// The line being typed.
#[derive(Debug, Default)]
pub struct LineEditor {
    line: String,
    /// Bytes of an incomplete UTF-8 character or escape sequence carried to the next chunk.
    pending: Vec<u8>,
}

impl LineEditor {
    /// Feeds typed bytes; returns what they produced, in order.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<EditorEvent> {
        let mut events = Vec::new();
        let mut echo = String::new();
        let mut input = std::mem::take(&mut self.pending);
        input.extend_from_slice(bytes);
        let text = match std::str::from_utf8(&input) {
            Ok(text) => text.to_owned(),
            Err(e) => {
                let valid = e.valid_up_to();
                self.pending = input[valid..].to_vec();
                String::from_utf8_lossy(&input[..valid]).into_owned()
            }
        };
        let mut chars = text.chars().peekable();
        let flush = |echo: &mut String, events: &mut Vec<EditorEvent>| {
            if !echo.is_empty() {
                events.push(EditorEvent::Echo(std::mem::take(echo)));
            }
        };
        while let Some(c) = chars.next() {
            match c {
                '\r' | '\n' => {
                    echo.push_str("\r\n");
                    flush(&mut echo, &mut events);
                    events.push(EditorEvent::Line(std::mem::take(&mut self.line)));
                    if c == '\r' && chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                }
                '\x7f' | '\x08' => {
                    if self.line.pop().is_some() {
                        echo.push_str("\x08 \x08");
                    }
                }
                '\x03' => {
                    echo.push_str("^C\r\n");
                    flush(&mut echo, &mut events);
                    self.line.clear();
                    events.push(EditorEvent::Interrupt);
                }
                '\x04' => {
                    if self.line.is_empty() {
                        flush(&mut echo, &mut events);
                        events.push(EditorEvent::EndOfInput);
                        return events;
                    }
                }
                '\x15' => {
                    for _ in 0..self.line.chars().count() {
                        echo.push_str("\x08 \x08");
                    }
                    self.line.clear();
                }
                '\x1b' => {
                    // Arrow keys and other escape sequences: swallowed, since there is no history to move in.
                    if chars.peek() == Some(&'[') {
                        chars.next();
                        while let Some(&n) = chars.peek() {
                            chars.next();
                            if n.is_ascii_alphabetic() || n == '~' {
                                break;
                            }
                        }
                    }
                }
                '\t' => {}
                c if c.is_control() => {}
                c => {
                    self.line.push(c);
                    echo.push(c);
                }
            }
        }
        flush(&mut echo, &mut events);
        events
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_characters_are_echoed_and_enter_submits() {
        let mut editor = LineEditor::default();
        let events = editor.feed(b"ls\r");
        assert_eq!(
            events,
            vec![
                EditorEvent::Echo("ls\r\n".into()),
                EditorEvent::Line("ls".into())
            ]
        );
    }

    #[test]
    fn backspace_erases_and_ctrl_c_abandons() {
        let mut editor = LineEditor::default();
        editor.feed(b"lx");
        assert_eq!(
            editor.feed(b"\x7f"),
            vec![EditorEvent::Echo("\x08 \x08".into())]
        );
        assert_eq!(
            editor.feed(b"s\r").last(),
            Some(&EditorEvent::Line("ls".into()))
        );
        editor.feed(b"rm -rf");
        assert!(editor.feed(b"\x03").contains(&EditorEvent::Interrupt));
        assert_eq!(
            editor.feed(b"\r").last(),
            Some(&EditorEvent::Line(String::new()))
        );
    }

    #[test]
    fn ctrl_d_ends_input_only_on_an_empty_line() {
        let mut editor = LineEditor::default();
        editor.feed(b"ab");
        assert!(!editor.feed(b"\x04").contains(&EditorEvent::EndOfInput));
        editor.feed(b"\x15");
        assert_eq!(editor.feed(b"\x04"), vec![EditorEvent::EndOfInput]);
    }

    #[test]
    fn split_utf8_characters_survive_chunking() {
        let mut editor = LineEditor::default();
        let bytes = "é\r".as_bytes();
        editor.feed(&bytes[..1]);
        assert_eq!(
            editor.feed(&bytes[1..]).last(),
            Some(&EditorEvent::Line("é".into()))
        );
    }
}
