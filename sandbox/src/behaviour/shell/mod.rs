//! A small POSIX-ish shell for `kubectl exec`: enough built-ins (`echo`, `ls`, `cat`, `env`, `hostname`,
//! `ps`, `pwd`, `cd`, `exit`, …) to make a terminal into a simulated container feel real. It is pure: lines
//! in, bytes out, so the exec transport and the tests drive it the same way.

mod filesystem;
mod filters;
mod line_editor;
mod words;

pub use filesystem::{FakeFilesystem, FilesystemSeed};
pub use line_editor::{EditorEvent, LineEditor};

/// What a container's shell knows about its surroundings.
#[derive(Debug, Clone)]
pub struct ShellContext {
    pub hostname: String,
    /// Environment variables in the order `env` prints them.
    pub env: Vec<(String, String)>,
    /// The container's main command line, shown by `ps` as PID 1.
    pub main_process: String,
    pub filesystem: FakeFilesystem,
}

/// The result of running one line.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    /// Exit status of the last command.
    pub status: i32,
    /// `Some(code)` when the line asked the shell to exit.
    pub exit: Option<i32>,
}

/// One shell session: working directory and last status survive between lines.
pub struct Shell {
    context: ShellContext,
    cwd: String,
    last_status: i32,
    /// The terminal's size as the client last said, `(columns, rows)`; `None` without a terminal.
    size: Option<(u16, u16)>,
}

impl Shell {
    pub fn new(context: ShellContext) -> Self {
        Self {
            context,
            cwd: "/".to_owned(),
            last_status: 0,
            size: None,
        }
    }

    /// The client resized the terminal (`kubectl exec -it` sends this on every window change).
    pub fn set_size(&mut self, columns: u16, rows: u16) {
        self.size = Some((columns, rows));
    }

    /// The prompt an interactive shell shows (`/ # ` like busybox's ash, as root).
    pub fn prompt(&self) -> String {
        format!("{} # ", self.cwd)
    }

    /// Runs one command line: statements separated by `;`, `&&` and `||`.
    pub fn run_line(&mut self, line: &str) -> Outcome {
        let mut outcome = Outcome::default();
        let env_lookup = |name: &str, status: i32, ctx: &ShellContext| -> String {
            if name == "?" {
                return status.to_string();
            }
            ctx.env
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let statements = words::split_statements(line);
        let mut skip = false;
        for (statement, joiner) in statements {
            if !skip {
                let argvs: Vec<Vec<String>> = words::split_pipeline(&statement)
                    .iter()
                    .map(|segment| {
                        words::split_words(segment, |name| {
                            env_lookup(name, self.last_status, &self.context)
                        })
                    })
                    .filter(|argv| !argv.is_empty())
                    .collect();
                if !argvs.is_empty() {
                    self.last_status = self.run_pipeline(&argvs, &mut outcome);
                }
                if outcome.exit.is_some() {
                    break;
                }
            }
            // `a && b || c`: whether the next statement runs depends only on the status so far.
            skip = match joiner {
                words::Joiner::And => self.last_status != 0,
                words::Joiner::Or => self.last_status == 0,
                words::Joiner::Then => false,
            };
        }
        outcome.status = self.last_status;
        outcome
    }

    /// Runs `a | b | c`: each command's output becomes the next one's input; filters read it, other
    /// commands ignore it, as they would ignore their stdin. The status is the last command's.
    fn run_pipeline(&mut self, argvs: &[Vec<String>], out: &mut Outcome) -> i32 {
        let mut input: Option<String> = None;
        let mut status = 0;
        for (i, argv) in argvs.iter().enumerate() {
            let mut piece = Outcome::default();
            status = match input.take().and_then(|text| filters::run(argv, &text)) {
                Some((text, code)) => {
                    piece.stdout = text;
                    code
                }
                None => self.run_command(argv, &mut piece),
            };
            out.stderr.push_str(&piece.stderr);
            if piece.exit.is_some() {
                out.stdout.push_str(&piece.stdout);
                out.exit = piece.exit;
                return status;
            }
            if i + 1 == argvs.len() {
                out.stdout.push_str(&piece.stdout);
            } else {
                input = Some(piece.stdout);
            }
        }
        status
    }

    /// Whether `argv` is a filter that reads its standard input (`cat`, `wc -l`, `grep x`, `sort`…), so a
    /// `kubectl exec -i` of it must wait for what is piped in.
    pub fn reads_stdin(argv: &[String]) -> bool {
        filters::run(argv, "").is_some()
    }

    /// Runs an already-split filter over `input`, everything its standard input received.
    pub fn run_argv_with_input(&mut self, argv: &[String], input: &str) -> Outcome {
        let Some((stdout, status)) = filters::run(argv, input) else {
            return self.run_argv(argv);
        };
        self.last_status = status;
        Outcome {
            stdout,
            status,
            ..Outcome::default()
        }
    }

    /// Runs one already-split command (`kubectl exec pod -- ls /` arrives like this, without a shell).
    pub fn run_argv(&mut self, argv: &[String]) -> Outcome {
        let mut outcome = Outcome::default();
        self.last_status = self.run_command(argv, &mut outcome);
        outcome.status = self.last_status;
        outcome
    }

    fn run_command(&mut self, argv: &[String], out: &mut Outcome) -> i32 {
        let name = argv[0].rsplit('/').next().unwrap_or(&argv[0]);
        let args = &argv[1..];
        match name {
            "echo" => {
                let (newline, words) = match args.first().map(String::as_str) {
                    Some("-n") => (false, &args[1..]),
                    _ => (true, args),
                };
                out.stdout.push_str(&words.join(" "));
                if newline {
                    out.stdout.push('\n');
                }
                0
            }
            "pwd" => {
                out.stdout.push_str(&format!("{}\n", self.cwd));
                0
            }
            "cd" => {
                let target =
                    filesystem::resolve(&self.cwd, args.first().map_or("/root", String::as_str));
                if self.context.filesystem.is_dir(&target) {
                    self.cwd = target;
                    0
                } else {
                    out.stderr.push_str(&format!(
                        "sh: cd: can't cd to {}: No such file or directory\n",
                        args[0]
                    ));
                    2
                }
            }
            "ls" => self.list(args, out),
            "cat" => {
                let mut status = 0;
                for path in args.iter().filter(|a| !a.starts_with('-')) {
                    match self
                        .context
                        .filesystem
                        .read(&filesystem::resolve(&self.cwd, path))
                    {
                        Ok(body) => out.stdout.push_str(body),
                        Err(why) => {
                            out.stderr
                                .push_str(&format!("cat: can't open '{path}': {why}\n"));
                            status = 1;
                        }
                    }
                }
                status
            }
            "env" | "printenv" => {
                for (key, value) in &self.context.env {
                    if args.is_empty() || args.contains(key) {
                        out.stdout.push_str(&format!("{key}={value}\n"));
                    }
                }
                0
            }
            "hostname" => {
                out.stdout.push_str(&format!("{}\n", self.context.hostname));
                0
            }
            // `stty size` prints "rows columns"; `tput cols` / `tput lines` one of them.
            "stty" | "tput" => match (self.size, name, args.first().map(String::as_str)) {
                (None, _, _) => {
                    out.stderr
                        .push_str(&format!("{name}: standard input: Not a tty\n"));
                    1
                }
                (Some((cols, rows)), "stty", Some("size")) => {
                    out.stdout.push_str(&format!("{rows} {cols}\n"));
                    0
                }
                (Some((cols, _)), "tput", Some("cols")) => {
                    out.stdout.push_str(&format!("{cols}\n"));
                    0
                }
                (Some((_, rows)), "tput", Some("lines")) => {
                    out.stdout.push_str(&format!("{rows}\n"));
                    0
                }
                _ => {
                    out.stderr.push_str(&format!(
                        "{name}: only `stty size`, `tput cols` and `tput lines` are simulated\n"
                    ));
                    1
                }
            },
            "whoami" => {
                out.stdout.push_str("root\n");
                0
            }
            "id" => {
                out.stdout
                    .push_str("uid=0(root) gid=0(root) groups=0(root)\n");
                0
            }
            "uname" => {
                let all = args.iter().any(|a| a == "-a");
                out.stdout.push_str(if all {
                    "Linux sandbox 6.8.0-sandbox #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux\n"
                } else {
                    "Linux\n"
                });
                0
            }
            "date" => {
                out.stdout.push_str(&format!(
                    "{}\n",
                    chrono::Utc::now().format("%a %b %e %H:%M:%S UTC %Y")
                ));
                0
            }
            "ps" => {
                out.stdout.push_str("PID   USER     TIME  COMMAND\n");
                out.stdout.push_str(&format!(
                    "    1 root      0:00 {}\n",
                    self.context.main_process
                ));
                out.stdout
                    .push_str("   42 root      0:00 sh\n   57 root      0:00 ps\n");
                0
            }
            "clear" => {
                out.stdout.push_str("\x1b[H\x1b[2J");
                0
            }
            "true" | ":" | "sleep" => 0,
            "false" => 1,
            "exit" => {
                let code = args
                    .first()
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(self.last_status);
                out.exit = Some(code);
                code
            }
            "sh" | "bash" | "ash" if args.first().is_some_and(|a| a == "-c") => {
                let script = args[1..].join(" ");
                let inner = self.run_line(&script);
                out.stdout.push_str(&inner.stdout);
                out.stderr.push_str(&inner.stderr);
                out.exit = inner.exit;
                inner.exit.unwrap_or(inner.status)
            }
            _ => {
                out.stderr
                    .push_str(&format!("sh: {}: not found\n", argv[0]));
                127
            }
        }
    }

    fn list(&self, args: &[String], out: &mut Outcome) -> i32 {
        let long = args.iter().any(|a| a.starts_with('-') && a.contains('l'));
        let paths: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
        let targets: Vec<String> = if paths.is_empty() {
            vec![self.cwd.clone()]
        } else {
            paths.iter().map(|p| (*p).clone()).collect()
        };
        let mut status = 0;
        for target in &targets {
            let path = filesystem::resolve(&self.cwd, target);
            if let Some(entries) = self.context.filesystem.list(&path) {
                if targets.len() > 1 {
                    out.stdout.push_str(&format!("{target}:\n"));
                }
                for entry in entries {
                    let (name, is_dir) = match entry.strip_suffix('/') {
                        Some(dir) => (dir.to_owned(), true),
                        None => (entry, false),
                    };
                    if long {
                        let mode = if is_dir { "drwxr-xr-x" } else { "-rw-r--r--" };
                        out.stdout.push_str(&format!(
                            "{mode}    1 root     root          4096 Nov 23 05:49 {name}\n"
                        ));
                    } else {
                        out.stdout.push_str(&format!("{name}\n"));
                    }
                }
            } else if self.context.filesystem.read(&path).is_ok() {
                out.stdout.push_str(&format!("{target}\n"));
            } else {
                out.stderr
                    .push_str(&format!("ls: {target}: No such file or directory\n"));
                status = 1;
            }
        }
        status
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shell() -> Shell {
        Shell::new(ShellContext {
            hostname: "cart-7d9f-abc12".to_owned(),
            env: vec![
                ("PATH".to_owned(), "/usr/bin:/bin".to_owned()),
                ("GREETING".to_owned(), "hi there".to_owned()),
            ],
            main_process: "nginx: master process nginx -g daemon off;".to_owned(),
            filesystem: FakeFilesystem::for_container(&FilesystemSeed {
                hostname: "cart-7d9f-abc12",
                namespace: "shop",
                image: "busybox",
                pod_ip: "10.244.1.3",
            }),
        })
    }

    #[test]
    fn echo_prints_its_arguments_with_variables_expanded() {
        let out = shell().run_line("echo hello \"$GREETING\"");
        assert_eq!(out.stdout, "hello hi there\n");
        assert_eq!(out.status, 0);
    }

    #[test]
    fn unknown_commands_fail_with_127() {
        let out = shell().run_line("foo --bar");
        assert_eq!(out.stderr, "sh: foo: not found\n");
        assert_eq!(out.status, 127);
    }

    #[test]
    fn exit_ends_the_session_with_its_code() {
        assert_eq!(shell().run_line("exit 3").exit, Some(3));
        assert_eq!(
            shell()
                .run_argv(&["sh".into(), "-c".into(), "exit 4".into()])
                .exit,
            Some(4)
        );
    }

    #[test]
    fn cd_ls_and_cat_walk_the_fake_filesystem() {
        let mut sh = shell();
        assert_eq!(sh.run_line("cat /etc/hostname").stdout, "cart-7d9f-abc12\n");
        sh.run_line("cd /etc");
        assert_eq!(sh.run_line("pwd").stdout, "/etc\n");
        assert!(sh.run_line("ls").stdout.contains("os-release\n"));
        assert_eq!(sh.run_line("cat nope").status, 1);
    }

    #[test]
    fn pipes_feed_one_command_into_the_next() {
        let out = shell().run_line("cat /etc/os-release | grep ID | head -n 1");
        assert_eq!(out.stdout, "ID=alpine\n");
        assert_eq!(shell().run_line("env | wc -l").stdout, "2\n");
    }

    #[test]
    fn and_or_chains_follow_the_status() {
        let out = shell().run_line("false && echo no || echo yes; echo $?");
        assert_eq!(out.stdout, "yes\n0\n");
    }
}
