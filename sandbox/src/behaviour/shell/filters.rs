//! The text filters people put after a pipe (`cat /etc/os-release | head -n 2`, `env | grep KUBE`,
//! `ps | wc -l`): they read the previous command's output instead of a file.

/// Runs filter `argv` over `input`; `None` when the command is not a filter.
pub fn run(argv: &[String], input: &str) -> Option<(String, i32)> {
    let name = argv.first()?.rsplit('/').next()?;
    let args = &argv[1..];
    let lines: Vec<&str> = input.lines().collect();
    let count = || -> usize {
        args.iter()
            .position(|a| a == "-n")
            .and_then(|i| args.get(i + 1))
            .or_else(|| {
                args.iter()
                    .find(|a| a.starts_with('-') && a[1..].parse::<usize>().is_ok())
            })
            .and_then(|n| n.trim_start_matches('-').parse().ok())
            .unwrap_or(10)
    };
    let joined = |selected: Vec<&str>| {
        selected
            .iter()
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    };
    let out = match name {
        "cat" if args.iter().all(|a| a.starts_with('-')) => input.to_owned(),
        "head" => joined(lines.iter().take(count()).copied().collect()),
        "tail" => joined(
            lines
                .iter()
                .skip(lines.len().saturating_sub(count()))
                .copied()
                .collect(),
        ),
        "grep" => {
            let invert = args.iter().any(|a| a == "-v");
            let ignore_case = args.iter().any(|a| a == "-i");
            let pattern = args.iter().find(|a| !a.starts_with('-'))?;
            let matches = |l: &str| {
                if ignore_case {
                    l.to_lowercase().contains(&pattern.to_lowercase())
                } else {
                    l.contains(pattern.as_str())
                }
            };
            let kept: Vec<&str> = lines
                .iter()
                .copied()
                .filter(|l| matches(l) != invert)
                .collect();
            let status = i32::from(kept.is_empty());
            return Some((joined(kept), status));
        }
        "wc" if args.iter().any(|a| a == "-l") => format!("{}\n", lines.len()),
        "wc" => format!(
            "{:>7} {:>7} {:>7}\n",
            lines.len(),
            input.split_whitespace().count(),
            input.len()
        ),
        "sort" => {
            let mut sorted = lines.clone();
            sorted.sort_unstable();
            if args.iter().any(|a| a == "-r") {
                sorted.reverse();
            }
            joined(sorted)
        }
        "uniq" => {
            let mut kept = lines.clone();
            kept.dedup();
            joined(kept)
        }
        _ => return None,
    };
    Some((out, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn head_tail_grep_and_wc_work_on_piped_text() {
        let text = "a\nb\nc\n";
        assert_eq!(
            run(&argv(&["head", "-n", "2"]), text),
            Some(("a\nb\n".into(), 0))
        );
        assert_eq!(run(&argv(&["tail", "-1"]), text), Some(("c\n".into(), 0)));
        assert_eq!(run(&argv(&["grep", "b"]), text), Some(("b\n".into(), 0)));
        assert_eq!(run(&argv(&["grep", "z"]), text).map(|(_, s)| s), Some(1));
        assert_eq!(run(&argv(&["wc", "-l"]), text), Some(("3\n".into(), 0)));
        assert_eq!(run(&argv(&["ls"]), text), None);
    }
}
