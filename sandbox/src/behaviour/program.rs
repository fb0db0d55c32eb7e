//! What a simulated container "does": read from its image, command and args, so that `busybox` with
//! `sh -c "echo hi; exit 1"` prints `hi` and exits 1, `sleep 3600` runs an hour, and `nginx` serves forever.
//! The kubelet turns this into container states and the log module into lines.

use std::time::Duration;

/// How long a container runs once started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunLength {
    /// A server or a `sleep infinity`: runs until killed.
    Forever,
    /// Exits on its own after `after` with `code`.
    Exits { after: Duration, code: i32 },
}

/// The flavour of log lines a container writes while it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineStyle {
    /// Web server access logs (nginx, httpd, traefik, envoy).
    AccessLog,
    /// A database server (postgres, mysql, redis, mongo).
    Database,
    /// A generic application logging structured lines.
    Application,
    /// Writes only what its command echoes (busybox scripts, jobs).
    Quiet,
}

/// A shell loop's body, written again and again: `while true; do echo tick; sleep 0.5; done`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repeat {
    /// The lines one pass echoes.
    pub lines: Vec<String>,
    /// One pass: the loop's `sleep`, or [`FIREHOSE`] for a loop that never sleeps.
    pub every: Duration,
}

/// How often a loop without `sleep` writes a line: a chatty container, 20 000 lines a second.
pub const FIREHOSE: Duration = Duration::from_micros(50);

/// The simulated behaviour of one container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    /// Lines printed right after start (from `echo` in the command).
    pub startup_lines: Vec<String>,
    /// When it stops.
    pub run: RunLength,
    /// What it logs while running.
    pub style: LineStyle,
    /// Whether PID 1 ignores SIGTERM (a shell running `sleep`), so deletion waits the whole grace period.
    pub ignores_sigterm: bool,
    /// A loop's lines, which replace the image's steady lines.
    pub repeat: Option<Repeat>,
}

/// Whether pulling `image` must fail: the way tests and demos ask for an `ErrImagePull`.
pub fn image_is_missing(image: &str) -> bool {
    let tag = image.rsplit_once(':').map(|(_, t)| t).unwrap_or("");
    image.contains("does-not-exist") || image.contains("nonexistent") || tag == "missing"
}

/// The image's repository name without registry, path or tag: `docker.io/library/nginx:1.27` → `nginx`.
pub fn image_base_name(image: &str) -> &str {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    last.split(':').next().unwrap_or(last)
}

fn style_for_image(image: &str) -> LineStyle {
    match image_base_name(image) {
        "nginx"
        | "httpd"
        | "traefik"
        | "envoy"
        | "caddy"
        | "haproxy"
        | "ingress-nginx-controller" => LineStyle::AccessLog,
        "postgres" | "mysql" | "mariadb" | "redis" | "mongo" | "etcd" => LineStyle::Database,
        "busybox" | "alpine" | "ubuntu" | "debian" | "perl" | "bash" | "curlimages/curl"
        | "curl" => LineStyle::Quiet,
        _ => LineStyle::Application,
    }
}

/// Images whose default command is a shell that exits at once when there is no terminal.
fn image_exits_without_command(image: &str) -> bool {
    matches!(
        image_base_name(image),
        "busybox" | "alpine" | "ubuntu" | "debian" | "bash" | "fedora"
    )
}

/// Reads the container's behaviour from its image and command line.
pub fn program_for(image: &str, command: &[String], args: &[String]) -> Program {
    let style = style_for_image(image);
    let argv: Vec<&str> = command.iter().chain(args).map(String::as_str).collect();
    let mut program = Program {
        startup_lines: Vec::new(),
        run: RunLength::Forever,
        style,
        ignores_sigterm: false,
        repeat: None,
    };
    if argv.is_empty() {
        if image_exits_without_command(image) {
            program.run = RunLength::Exits {
                after: Duration::from_millis(200),
                code: 0,
            };
        }
        return program;
    }
    let is_shell = matches!(argv[0], "sh" | "/bin/sh" | "bash" | "/bin/bash" | "ash");
    if is_shell && argv.get(1) == Some(&"-c") {
        let script = argv[2..].join(" ");
        program.ignores_sigterm = true;
        interpret_script(&script, &mut program);
    } else if is_shell {
        program.run = RunLength::Exits {
            after: Duration::from_millis(200),
            code: 0,
        };
    } else {
        let mut elapsed = Duration::ZERO;
        interpret_statement(&argv.join(" "), &mut program, &mut elapsed);
    }
    program
}

/// Walks a `sh -c` script statement by statement; stops at the first statement that decides the end.
fn interpret_script(script: &str, program: &mut Program) {
    if script.contains("while true") || script.contains("while :") {
        program.run = RunLength::Forever;
        program.repeat = loop_body(script);
        return;
    }
    if script.contains("tail -f") {
        program.run = RunLength::Forever;
        collect_echoes(script, program);
        return;
    }
    let mut elapsed = Duration::ZERO;
    for statement in script.split([';', '\n']).flat_map(|s| s.split("&&")) {
        if interpret_statement(statement.trim(), program, &mut elapsed) {
            return;
        }
    }
    program.run = RunLength::Exits {
        after: elapsed.max(Duration::from_millis(300)),
        code: 0,
    };
}

/// Applies one statement; returns true when it decides how the program ends.
fn interpret_statement(statement: &str, program: &mut Program, elapsed: &mut Duration) -> bool {
    let mut words = statement.split_whitespace();
    let Some(first) = words.next() else {
        return false;
    };
    let rest: Vec<&str> = words.collect();
    let name = first.rsplit('/').next().unwrap_or(first);
    let ends_here = |code: i32, elapsed: Duration| RunLength::Exits {
        after: elapsed.max(Duration::from_millis(300)),
        code,
    };
    match name {
        "echo" | "printf" => program.startup_lines.push(unquote(&rest.join(" "))),
        "sleep" => match rest.first().copied() {
            Some("infinity") | None => {
                program.run = RunLength::Forever;
                return true;
            }
            Some(secs) => {
                *elapsed += Duration::from_secs_f64(
                    secs.trim_end_matches('s')
                        .parse::<f64>()
                        .unwrap_or(1.0)
                        .max(0.0),
                );
                program.ignores_sigterm = true;
            }
        },
        "exit" => {
            let code = rest.first().and_then(|c| c.parse().ok()).unwrap_or(0);
            program.run = ends_here(code, *elapsed);
            return true;
        }
        "false" => {
            program.run = ends_here(1, *elapsed);
            return true;
        }
        "true" | "date" | "ls" | "cat" | "env" => {}
        "perl" if statement.contains("bpi") => {
            program.startup_lines.push(PI_DIGITS.to_owned());
            *elapsed += Duration::from_secs(3);
        }
        _ => {
            // An unknown program started directly: a long-running process such as a server.
            program.run = RunLength::Forever;
            return true;
        }
    }
    if matches!(
        name,
        "echo" | "printf" | "sleep" | "true" | "date" | "ls" | "cat" | "env" | "perl"
    ) {
        program.run = ends_here(0, *elapsed);
    }
    false
}

/// A `while` loop's echoed lines and its sleep (a pass takes one line's time without one).
fn loop_body(script: &str) -> Option<Repeat> {
    let body = script.split_once(" do ").map_or(script, |(_, b)| b);
    let mut lines = Vec::new();
    let mut every = None;
    for statement in body.split([';', '\n']).map(str::trim) {
        if let Some(text) = statement.strip_prefix("echo ") {
            lines.push(unquote(text));
        } else if let Some(secs) = statement.strip_prefix("sleep ") {
            every = secs
                .trim_end_matches('s')
                .parse::<f64>()
                .ok()
                .filter(|s| s.is_finite() && *s > 0.0)
                .map(Duration::from_secs_f64);
        }
    }
    if lines.is_empty() {
        return None;
    }
    let every = every.unwrap_or(FIREHOSE * lines.len() as u32);
    Some(Repeat { lines, every })
}

fn collect_echoes(script: &str, program: &mut Program) {
    for statement in script.split([';', '\n']) {
        if let Some(text) = statement.trim().strip_prefix("echo ") {
            program.startup_lines.push(unquote(text));
        }
    }
}

fn unquote(text: &str) -> String {
    text.trim()
        .trim_matches(|c| c == '"' || c == '\'')
        .replace("\\n", "\n")
}

/// What `perl -Mbignum=bpi -wle 'print bpi(2000)'` (the Kubernetes Job example) prints, shortened.
const PI_DIGITS: &str = "3.14159265358979323846264338327950288419716939937510582097494459230781640628620899862803482534211706798214808651328230664709384460955058223172535940812848111745028410270193852110555964462294895493038196";

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn servers_run_forever_and_log_like_their_kind() {
        let nginx = program_for("nginx:1.27", &[], &[]);
        assert_eq!(nginx.run, RunLength::Forever);
        assert_eq!(nginx.style, LineStyle::AccessLog);
        assert_eq!(
            program_for("docker.io/library/postgres:16", &[], &[]).style,
            LineStyle::Database
        );
    }

    #[test]
    fn a_script_that_exits_gives_its_code_and_echoed_lines() {
        let p = program_for(
            "busybox",
            &argv(&["sh", "-c", "echo starting; exit 1"]),
            &[],
        );
        assert_eq!(p.startup_lines, vec!["starting"]);
        assert!(matches!(p.run, RunLength::Exits { code: 1, .. }));
    }

    #[test]
    fn sleep_runs_for_its_duration_then_succeeds() {
        let p = program_for("busybox", &argv(&["sleep", "5"]), &[]);
        assert_eq!(
            p.run,
            RunLength::Exits {
                after: Duration::from_secs(5),
                code: 0
            }
        );
        assert_eq!(
            program_for("busybox", &argv(&["sleep", "infinity"]), &[]).run,
            RunLength::Forever
        );
        let looping = program_for(
            "busybox",
            &argv(&["sh", "-c"]),
            &argv(&["while true; do echo tick; sleep 1; done"]),
        );
        assert_eq!(looping.run, RunLength::Forever);
        assert_eq!(
            looping.repeat,
            Some(Repeat {
                lines: vec!["tick".into()],
                every: Duration::from_secs(1)
            })
        );
        let chatty = program_for(
            "busybox",
            &argv(&["sh", "-c", "while true; do echo \"GET /healthz 200\"; done"]),
            &[],
        );
        assert_eq!(chatty.repeat.map(|r| r.every), Some(FIREHOSE));
    }

    #[test]
    fn a_bare_busybox_exits_at_once_with_success() {
        assert!(matches!(
            program_for("busybox:1.36", &[], &[]).run,
            RunLength::Exits { code: 0, .. }
        ));
    }

    #[test]
    fn missing_images_are_recognised() {
        assert!(image_is_missing("nginx:missing"));
        assert!(image_is_missing("registry.example/does-not-exist:1"));
        assert!(!image_is_missing("nginx:1.27"));
        assert_eq!(
            image_base_name("registry.k8s.io/ingress-nginx/controller:v1.11@sha256:abc"),
            "controller"
        );
    }
}
