//! The fake files a container shows to `ls` and `cat`: enough of a Linux tree to look familiar, with
//! contents derived from the pod (hostname, resolv.conf, the service-account mount).

use std::collections::BTreeMap;

/// A read-only file tree: file paths map to their contents; directories are implied by the paths.
#[derive(Debug, Clone, Default)]
pub struct FakeFilesystem {
    files: BTreeMap<String, String>,
}

/// What the filesystem needs to know about the container it belongs to.
pub struct FilesystemSeed<'a> {
    pub hostname: &'a str,
    pub namespace: &'a str,
    pub image: &'a str,
    pub pod_ip: &'a str,
}

impl FakeFilesystem {
    /// Builds the tree for one container.
    pub fn for_container(seed: &FilesystemSeed<'_>) -> Self {
        let alpine = matches!(
            super::super::program::image_base_name(seed.image),
            "busybox" | "alpine"
        );
        let os_release = if alpine {
            "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME=\"Alpine Linux v3.20\"\nHOME_URL=\"https://alpinelinux.org/\"\n"
        } else {
            "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nID=debian\nHOME_URL=\"https://www.debian.org/\"\n"
        };
        let mut files = BTreeMap::new();
        let mut add = |path: &str, body: String| {
            files.insert(path.to_owned(), body);
        };
        add("/etc/hostname", format!("{}\n", seed.hostname));
        add("/etc/os-release", os_release.to_owned());
        add(
            "/etc/hosts",
            format!(
                "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n{}\t{}\n",
                seed.pod_ip, seed.hostname
            ),
        );
        add(
            "/etc/resolv.conf",
            format!(
                "search {ns}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n",
                ns = seed.namespace
            ),
        );
        add("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n".to_owned());
        add(
            "/proc/version",
            "Linux version 6.8.0-sandbox (capstan@sandbox) #1 SMP PREEMPT_DYNAMIC\n".to_owned(),
        );
        add(
            "/var/run/secrets/kubernetes.io/serviceaccount/namespace",
            seed.namespace.to_owned(),
        );
        add(
            "/var/run/secrets/kubernetes.io/serviceaccount/token",
            "eyJhbGciOiJSUzI1NiJ9.sandbox.token\n".to_owned(),
        );
        add(
            "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt",
            "-----BEGIN CERTIFICATE-----\n(sandbox CA)\n-----END CERTIFICATE-----\n".to_owned(),
        );
        for dir in [
            "/bin/sh",
            "/bin/ls",
            "/bin/cat",
            "/bin/echo",
            "/usr/bin/env",
            "/tmp/.keep",
            "/root/.profile",
            "/home/.keep",
            "/dev/null",
            "/sys/.keep",
            "/usr/lib/.keep",
            "/var/log/.keep",
            "/opt/.keep",
            "/srv/.keep",
            "/mnt/.keep",
            "/run/.keep",
        ] {
            add(dir, String::new());
        }
        if super::super::program::image_base_name(seed.image) == "nginx" {
            add("/etc/nginx/nginx.conf", "user nginx;\nworker_processes auto;\nevents { worker_connections 1024; }\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n".to_owned());
            add("/usr/share/nginx/html/index.html", "<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head>\n<body><h1>Welcome to nginx!</h1></body></html>\n".to_owned());
        }
        Self { files }
    }

    /// The contents of a file, or why it cannot be read.
    pub fn read(&self, path: &str) -> Result<&str, &'static str> {
        match self.files.get(path) {
            Some(body) => Ok(body),
            None if self.is_dir(path) => Err("Is a directory"),
            None => Err("No such file or directory"),
        }
    }

    /// Whether `path` names a directory (the root, or a prefix of some file).
    pub fn is_dir(&self, path: &str) -> bool {
        let prefix = if path.ends_with('/') {
            path.to_owned()
        } else {
            format!("{path}/")
        };
        path == "/"
            || self
                .files
                .range(prefix.clone()..)
                .next()
                .is_some_and(|(p, _)| p.starts_with(&prefix))
    }

    /// The entries directly under a directory, sorted, with a trailing `/` on sub-directories; hidden
    /// placeholder files are left out.
    pub fn list(&self, dir: &str) -> Option<Vec<String>> {
        if !self.is_dir(dir) {
            return None;
        }
        let prefix = if dir.ends_with('/') {
            dir.to_owned()
        } else {
            format!("{dir}/")
        };
        let mut entries: Vec<String> = Vec::new();
        for path in self.files.keys().filter(|p| p.starts_with(&prefix)) {
            let rest = &path[prefix.len()..];
            let entry = match rest.split_once('/') {
                Some((child, _)) => format!("{child}/"),
                None => rest.to_owned(),
            };
            if !entry.starts_with('.')
                && entries.last() != Some(&entry)
                && !entries.contains(&entry)
            {
                entries.push(entry);
            }
        }
        entries.sort();
        Some(entries)
    }
}

/// Joins `path` onto `cwd` and removes `.` and `..` parts.
pub fn resolve(cwd: &str, path: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("{cwd}/{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("/{}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fs() -> FakeFilesystem {
        FakeFilesystem::for_container(&FilesystemSeed {
            hostname: "web-1",
            namespace: "shop",
            image: "nginx:1.27",
            pod_ip: "10.244.0.5",
        })
    }

    #[test]
    fn files_hold_pod_specific_contents() {
        assert_eq!(fs().read("/etc/hostname"), Ok("web-1\n"));
        assert!(
            fs().read("/etc/os-release")
                .is_ok_and(|s| s.contains("Debian"))
        );
        assert_eq!(fs().read("/etc"), Err("Is a directory"));
        assert_eq!(fs().read("/nope"), Err("No such file or directory"));
    }

    #[test]
    fn listing_shows_direct_children_only() {
        let root = fs().list("/").unwrap_or_default();
        assert!(root.contains(&"etc/".to_owned()) && root.contains(&"tmp/".to_owned()));
        assert!(
            fs().list("/etc")
                .unwrap_or_default()
                .contains(&"hostname".to_owned())
        );
        assert!(fs().list("/tmp").is_some_and(|e| e.is_empty()));
    }

    #[test]
    fn paths_resolve_against_the_working_directory() {
        assert_eq!(resolve("/etc", "../tmp/./x"), "/tmp/x");
        assert_eq!(resolve("/", "/etc/"), "/etc");
    }
}
