//! One exec session, independent of the transport: the command runs once (`ls /`), or a filter reads all
//! of stdin before it answers (`cat` with `-i`), or a shell reads stdin line by line (`sh` with `-i`), or a
//! shell talks to a terminal with echo and line editing (`-it`).

use crate::behaviour::shell::{EditorEvent, LineEditor, Shell, ShellContext};

/// Output of the session.
#[derive(Debug, PartialEq, Eq)]
pub enum Output {
    Stdout(Vec<u8>),
    Stderr(Vec<u8>),
    /// The command ended with this exit code; nothing follows.
    Exit(i32),
}

/// What the client asked for.
#[derive(Debug, Clone, Default)]
pub struct ExecOptions {
    pub command: Vec<String>,
    pub stdin: bool,
    pub tty: bool,
}

fn is_shell(program: &str) -> bool {
    matches!(
        program.rsplit('/').next().unwrap_or(program),
        "sh" | "bash" | "ash" | "zsh"
    )
}

/// A running exec.
pub struct ExecSession {
    shell: Shell,
    editor: LineEditor,
    tty: bool,
    /// Bytes of a non-tty stdin line not yet terminated by a newline, or, for a filter, all input so far.
    pending: Vec<u8>,
    /// A filter waiting for the end of its input (`kubectl exec -i pod -- wc -l`).
    filter: Option<Vec<String>>,
    finished: bool,
}

impl ExecSession {
    /// Starts the session and returns its first output (the whole result for a one-shot command).
    pub fn start(context: ShellContext, options: &ExecOptions) -> (Self, Vec<Output>) {
        let mut session = Self {
            shell: Shell::new(context),
            editor: LineEditor::default(),
            tty: options.tty,
            pending: Vec::new(),
            filter: None,
            finished: false,
        };
        let interactive_shell = options.command.first().is_some_and(|p| is_shell(p))
            && !options.command.iter().any(|a| a == "-c");
        let mut out = Vec::new();
        if interactive_shell {
            if !options.stdin {
                // A shell with no input reads end-of-file at once and exits successfully.
                out.push(session.finish(0));
            } else if options.tty {
                out.push(Output::Stdout(session.shell.prompt().into_bytes()));
            }
            return (session, out);
        }
        if options.stdin && !options.tty && Shell::reads_stdin(&options.command) {
            session.filter = Some(options.command.clone());
            return (session, out);
        }
        let result = session.shell.run_argv(&options.command);
        session.emit(&result.stdout, &result.stderr, &mut out);
        let code = result.exit.unwrap_or(result.status);
        out.push(session.finish(code));
        (session, out)
    }

    /// The client's terminal changed size; only a terminal session has one.
    pub fn on_resize(&mut self, width: u16, height: u16) {
        if self.tty && width > 0 && height > 0 {
            self.shell.set_size(width, height);
        }
    }

    /// Whether the session has ended.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    fn finish(&mut self, code: i32) -> Output {
        self.finished = true;
        Output::Exit(code)
    }

    fn emit(&self, stdout: &str, stderr: &str, out: &mut Vec<Output>) {
        // A terminal has one output stream and wants CR LF.
        let fix = |s: &str| {
            if self.tty {
                s.replace('\n', "\r\n")
            } else {
                s.to_owned()
            }
        };
        if !stdout.is_empty() {
            out.push(Output::Stdout(fix(stdout).into_bytes()));
        }
        if !stderr.is_empty() {
            let bytes = fix(stderr).into_bytes();
            out.push(if self.tty {
                Output::Stdout(bytes)
            } else {
                Output::Stderr(bytes)
            });
        }
    }

    fn run_line(&mut self, line: &str, out: &mut Vec<Output>) {
        let result = self.shell.run_line(line);
        self.emit(&result.stdout, &result.stderr, out);
        if let Some(code) = result.exit {
            out.push(self.finish(code));
        }
    }

    /// Feeds bytes typed or piped into stdin.
    pub fn on_stdin(&mut self, bytes: &[u8]) -> Vec<Output> {
        let mut out = Vec::new();
        if self.finished {
            return out;
        }
        if !self.tty {
            self.pending.extend_from_slice(bytes);
            if self.filter.is_some() {
                return out;
            }
            while let Some(pos) = self.pending.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = self.pending.drain(..=pos).collect();
                self.run_line(String::from_utf8_lossy(&line).trim_end(), &mut out);
                if self.finished {
                    return out;
                }
            }
            return out;
        }
        for event in self.editor.feed(bytes) {
            match event {
                EditorEvent::Echo(text) => out.push(Output::Stdout(text.into_bytes())),
                EditorEvent::Line(line) => {
                    self.run_line(&line, &mut out);
                    if self.finished {
                        return out;
                    }
                    out.push(Output::Stdout(self.shell.prompt().into_bytes()));
                }
                EditorEvent::Interrupt => {
                    out.push(Output::Stdout(self.shell.prompt().into_bytes()))
                }
                EditorEvent::EndOfInput => {
                    out.push(Output::Stdout(b"exit\r\n".to_vec()));
                    let code = self.shell.run_line("true").status;
                    out.push(self.finish(code));
                    return out;
                }
            }
        }
        out
    }

    /// The client closed stdin: a shell reading it runs what is left and exits.
    pub fn on_stdin_closed(&mut self) -> Vec<Output> {
        let mut out = Vec::new();
        if self.finished {
            return out;
        }
        if let Some(argv) = self.filter.take() {
            let input = String::from_utf8_lossy(&std::mem::take(&mut self.pending)).into_owned();
            let result = self.shell.run_argv_with_input(&argv, &input);
            self.emit(&result.stdout, &result.stderr, &mut out);
            out.push(self.finish(result.status));
            return out;
        }
        if !self.pending.is_empty() {
            let rest = String::from_utf8_lossy(&std::mem::take(&mut self.pending)).into_owned();
            self.run_line(rest.trim_end(), &mut out);
        }
        if !self.finished {
            let code = self.shell.run_line("").status;
            out.push(self.finish(code));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::behaviour::shell::{FakeFilesystem, FilesystemSeed};

    fn context() -> ShellContext {
        ShellContext {
            hostname: "web-0".into(),
            env: vec![("HOME".into(), "/root".into())],
            main_process: "nginx".into(),
            filesystem: FakeFilesystem::for_container(&FilesystemSeed {
                hostname: "web-0",
                namespace: "default",
                image: "nginx",
                pod_ip: "10.244.0.2",
            }),
        }
    }

    fn options(command: &[&str], stdin: bool, tty: bool) -> ExecOptions {
        ExecOptions {
            command: command.iter().map(|s| (*s).to_owned()).collect(),
            stdin,
            tty,
        }
    }

    #[test]
    fn a_one_shot_command_prints_and_exits() {
        let (session, out) =
            ExecSession::start(context(), &options(&["echo", "hello"], false, false));
        assert_eq!(
            out,
            vec![Output::Stdout(b"hello\n".to_vec()), Output::Exit(0)]
        );
        assert!(session.is_finished());
        let (_, out) = ExecSession::start(context(), &options(&["nope"], false, false));
        assert_eq!(out.last(), Some(&Output::Exit(127)));
    }

    #[test]
    fn a_piped_shell_runs_each_line_then_exits_at_end_of_input() {
        let (mut session, out) = ExecSession::start(context(), &options(&["sh"], true, false));
        assert!(out.is_empty());
        assert_eq!(
            session.on_stdin(b"hostname\nfalse"),
            vec![Output::Stdout(b"web-0\n".to_vec())]
        );
        assert_eq!(session.on_stdin_closed(), vec![Output::Exit(1)]);
    }

    #[test]
    fn a_piped_filter_answers_once_its_input_ends() {
        let (mut session, out) =
            ExecSession::start(context(), &options(&["wc", "-l"], true, false));
        assert!(out.is_empty());
        assert!(session.on_stdin(b"a\nb\n").is_empty());
        assert_eq!(
            session.on_stdin_closed(),
            vec![Output::Stdout(b"2\n".to_vec()), Output::Exit(0)]
        );
    }

    #[test]
    fn a_terminal_gets_a_prompt_echo_and_exit() {
        let (mut session, out) = ExecSession::start(context(), &options(&["/bin/sh"], true, true));
        assert_eq!(out, vec![Output::Stdout(b"/ # ".to_vec())]);
        let out = session.on_stdin(b"echo hi\r");
        assert_eq!(
            out,
            vec![
                Output::Stdout(b"echo hi\r\n".to_vec()),
                Output::Stdout(b"hi\r\n".to_vec()),
                Output::Stdout(b"/ # ".to_vec())
            ]
        );
        let out = session.on_stdin(b"exit 2\r");
        assert_eq!(out.last(), Some(&Output::Exit(2)));
    }

    #[test]
    fn a_terminal_knows_its_size_once_told() {
        let (mut session, _) = ExecSession::start(context(), &options(&["/bin/sh"], true, true));
        let out = session.on_stdin(b"stty size\r");
        assert!(out.iter().any(
            |o| matches!(o, Output::Stdout(b) if b.starts_with(b"stty: standard input: Not a tty"))
        ));
        session.on_resize(132, 40);
        let out = session.on_stdin(b"stty size; tput cols\r");
        assert!(
            out.contains(&Output::Stdout(b"40 132\r\n132\r\n".to_vec())),
            "{out:?}"
        );
    }
}
