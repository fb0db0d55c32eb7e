//! Log lines a simulated container writes: nginx-style access logs, database chatter or application
//! lines, derived from a per-container seed and the line's index so they look alive yet need no storage.

use chrono::{DateTime, Utc};

use crate::behaviour::noise::{mix, pick, unit};
use crate::behaviour::program::LineStyle;

/// The banner a program prints when it starts, before its steady stream.
pub fn banner(style: LineStyle, component: &str, at: DateTime<Utc>) -> Vec<String> {
    let stamp = at.format("%Y/%m/%d %H:%M:%S");
    match style {
        LineStyle::AccessLog => vec![
            "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration".to_owned(),
            "/docker-entrypoint.sh: Configuration complete; ready for start up".to_owned(),
            format!("{stamp} [notice] 1#1: using the \"epoll\" event method"),
            format!("{stamp} [notice] 1#1: nginx/1.27.3"),
            format!("{stamp} [notice] 1#1: start worker processes"),
        ],
        LineStyle::Database => vec![
            format!("{} UTC [1] LOG:  starting PostgreSQL 16.4 on x86_64-pc-linux-gnu", at.format("%Y-%m-%d %H:%M:%S%.3f")),
            format!("{} UTC [1] LOG:  listening on IPv4 address \"0.0.0.0\", port 5432", at.format("%Y-%m-%d %H:%M:%S%.3f")),
            format!("{} UTC [1] LOG:  database system is ready to accept connections", at.format("%Y-%m-%d %H:%M:%S%.3f")),
        ],
        LineStyle::Application => vec![
            format!("{} INFO  {component}: starting version=1.8.2 commit=4f2a9c1", at.format("%Y-%m-%dT%H:%M:%S%.3fZ")),
            format!("{} INFO  {component}: listening on 0.0.0.0:8080", at.format("%Y-%m-%dT%H:%M:%S%.3fZ")),
        ],
        LineStyle::Quiet => Vec::new(),
    }
}

/// The `index`-th line of the steady stream, written at `at`.
pub fn steady_line(
    style: LineStyle,
    component: &str,
    seed: u64,
    index: u64,
    at: DateTime<Utc>,
) -> String {
    let r = |salt: u64| mix(seed ^ salt, index);
    match style {
        LineStyle::AccessLog => {
            const PATHS: [&str; 8] = [
                "/",
                "/index.html",
                "/api/products",
                "/api/cart",
                "/static/app.js",
                "/static/style.css",
                "/healthz",
                "/api/products/42",
            ];
            const AGENTS: [&str; 4] = [
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
                "kube-probe/1.35",
                "curl/8.5.0",
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
            ];
            let status = match r(3) % 100 {
                0..=86 => 200,
                87..=91 => 304,
                92..=96 => 404,
                _ => 500,
            };
            let method = if r(4) % 10 == 0 { "POST" } else { "GET" };
            format!(
                "10.244.{}.{} - - [{}] \"{method} {} HTTP/1.1\" {status} {} \"-\" \"{}\"",
                r(1) % 4,
                2 + r(2) % 250,
                at.format("%d/%b/%Y:%H:%M:%S +0000"),
                pick(&PATHS, seed ^ 5, index),
                if status == 304 { 0 } else { 180 + r(6) % 9000 },
                pick(&AGENTS, seed ^ 7, index),
            )
        }
        LineStyle::Database => {
            let stamp = at.format("%Y-%m-%d %H:%M:%S%.3f");
            match r(1) % 6 {
                0 => format!(
                    "{stamp} UTC [{}] LOG:  checkpoint starting: time",
                    20 + r(2) % 80
                ),
                1 => format!(
                    "{stamp} UTC [{}] LOG:  checkpoint complete: wrote {} buffers ({:.1}%); write={:.3} s",
                    20 + r(2) % 80,
                    r(3) % 400,
                    unit(seed, index) * 3.0,
                    unit(seed ^ 9, index) * 2.0
                ),
                2 => format!(
                    "{stamp} UTC [{}] LOG:  automatic vacuum of table \"shop.public.orders\": index scans: 1",
                    100 + r(2) % 900
                ),
                _ => format!(
                    "{stamp} UTC [{}] LOG:  duration: {:.3} ms  statement: SELECT * FROM products WHERE id = {}",
                    100 + r(2) % 900,
                    unit(seed ^ 11, index) * 40.0,
                    r(4) % 5000
                ),
            }
        }
        LineStyle::Application => {
            const EVENTS: [&str; 8] = [
                "handled request method=GET path=/api/v1/items status=200",
                "handled request method=POST path=/api/v1/items status=201",
                "cache refresh completed entries=1024",
                "handled request method=GET path=/api/v1/items/{id} status=200",
                "connection pool stats active=4 idle=12",
                "handled request method=GET path=/healthz status=200",
                "upstream call catalog.shop.svc:8080 status=200",
                "handled request method=DELETE path=/api/v1/items/{id} status=204",
            ];
            let level = match r(1) % 50 {
                0 => "ERROR",
                1..=3 => "WARN ",
                _ => "INFO ",
            };
            let event =
                pick(&EVENTS, seed ^ 13, index).replace("{id}", &(r(2) % 10_000).to_string());
            format!(
                "{} {level} {component}: {event} request_id={:08x} duration_ms={}",
                at.format("%Y-%m-%dT%H:%M:%S%.3fZ"),
                r(3) as u32,
                1 + r(4) % 250
            )
        }
        LineStyle::Quiet => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_log_lines_look_like_nginx_and_vary() {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let a = steady_line(LineStyle::AccessLog, "nginx", 1, 0, at);
        let b = steady_line(LineStyle::AccessLog, "nginx", 1, 1, at);
        assert!(a.contains(" HTTP/1.1\" "), "{a}");
        assert_ne!(a, b);
        assert_eq!(a, steady_line(LineStyle::AccessLog, "nginx", 1, 0, at));
    }

    #[test]
    fn application_lines_name_their_component() {
        let line = steady_line(
            LineStyle::Application,
            "cart",
            3,
            9,
            DateTime::<Utc>::UNIX_EPOCH,
        );
        assert!(line.contains(" cart: "), "{line}");
    }
}
