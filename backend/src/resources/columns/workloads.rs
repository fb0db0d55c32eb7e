//! Deployments, stateful sets, daemon sets, replica sets, jobs, cron jobs and autoscalers.

use chrono::Utc;
use model::resources::{Column, ColumnType, Tone};
use serde_json::Value;

use super::{
    Obj, Projector, arr, col, containers_and_images, i, json_time_cell, n, or_none, parse_time, s,
    selector_text, short_duration,
};

const TEMPLATE: &str = "/spec/template/spec/containers";

fn wide_template() -> [Column; 3] {
    [
        col("containers", "Containers", ColumnType::Text, 1),
        col("images", "Images", ColumnType::Text, 1),
        col("selector", "Selector", ColumnType::Text, 1),
    ]
}

fn num(id: &str, title: &str) -> Column {
    col(id, title, ColumnType::Number, 0)
}

fn age() -> Column {
    col("age", "Age", ColumnType::Age, 0)
}

pub(super) fn columns(p: &Projector) -> Vec<Column> {
    let mut c = match p {
        Projector::Deployment => vec![
            num("ready", "Ready"),
            num("up_to_date", "Up-to-date"),
            num("available", "Available"),
            age(),
        ],
        Projector::StatefulSet => vec![num("ready", "Ready"), age()],
        Projector::DaemonSet => vec![
            num("desired", "Desired"),
            num("current", "Current"),
            num("ready", "Ready"),
            num("up_to_date", "Up-to-date"),
            num("available", "Available"),
            col("node_selector", "Node selector", ColumnType::Text, 0),
            age(),
        ],
        Projector::ReplicaSet => vec![
            num("desired", "Desired"),
            num("current", "Current"),
            num("ready", "Ready"),
            age(),
        ],
        Projector::Job => vec![
            col("status", "Status", ColumnType::Status, 0),
            num("completions", "Completions"),
            col("duration", "Duration", ColumnType::Text, 0),
            age(),
        ],
        Projector::CronJob => vec![
            col("schedule", "Schedule", ColumnType::Text, 0),
            col("timezone", "Timezone", ColumnType::Text, 0),
            col("suspend", "Suspend", ColumnType::Text, 0),
            num("active", "Active"),
            col("last_schedule", "Last schedule", ColumnType::Age, 0),
            age(),
        ],
        _ => {
            return vec![
                col("reference", "Reference", ColumnType::Text, 0),
                col("targets", "Targets", ColumnType::Text, 0),
                num("min_pods", "Min pods"),
                num("max_pods", "Max pods"),
                num("replicas", "Replicas"),
                age(),
            ];
        }
    };
    match p {
        // kubectl's wide stateful set table has no selector.
        Projector::StatefulSet => c.extend(wide_template().into_iter().take(2)),
        _ => c.extend(wide_template()),
    }
    c
}

pub(super) fn cells(p: &Projector, o: &Obj) -> (Vec<String>, Tone) {
    let d = o.data;
    let (containers, images) = containers_and_images(
        d,
        if *p == Projector::CronJob {
            "/spec/jobTemplate/spec/template/spec/containers"
        } else {
            TEMPLATE
        },
    );
    let selector = or_none(selector_text(d.pointer(if *p == Projector::CronJob {
        "/spec/jobTemplate/spec/selector"
    } else {
        "/spec/selector"
    })));
    let age = o.created_cell();
    let desired = i(d, "/spec/replicas").unwrap_or(1);
    let ready = i(d, "/status/readyReplicas").unwrap_or(0);
    let (mut cells, tone) = match p {
        Projector::Deployment => {
            let available = i(d, "/status/availableReplicas").unwrap_or(0);
            let stuck = arr(d, "/status/conditions").iter().any(|c| {
                s(c, "/type") == "Progressing" && s(c, "/reason") == "ProgressDeadlineExceeded"
            });
            let tone = if stuck {
                Tone::Bad
            } else {
                replicas_tone(desired, ready.min(available))
            };
            (
                vec![
                    format!("{ready}/{desired}"),
                    n(d, "/status/updatedReplicas"),
                    available.to_string(),
                    age,
                ],
                tone,
            )
        }
        Projector::StatefulSet => (
            vec![format!("{ready}/{desired}"), age],
            replicas_tone(desired, ready),
        ),
        Projector::DaemonSet => {
            let want = i(d, "/status/desiredNumberScheduled").unwrap_or(0);
            let ready = i(d, "/status/numberReady").unwrap_or(0);
            let node_selector = d
                .pointer("/spec/template/spec/nodeSelector")
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .unwrap_or_default();
            (
                vec![
                    want.to_string(),
                    n(d, "/status/currentNumberScheduled"),
                    ready.to_string(),
                    n(d, "/status/updatedNumberScheduled"),
                    n(d, "/status/numberAvailable"),
                    or_none(node_selector),
                    age,
                ],
                replicas_tone(want, ready),
            )
        }
        Projector::ReplicaSet => (
            vec![
                desired.to_string(),
                n(d, "/status/replicas"),
                ready.to_string(),
                age,
            ],
            replicas_tone(desired, ready),
        ),
        Projector::Job => {
            let (status, tone) = job_status(d);
            (
                vec![status.into(), job_completions(d), job_duration(d), age],
                tone,
            )
        }
        Projector::CronJob => {
            let suspended = d.pointer("/spec/suspend").and_then(Value::as_bool) == Some(true);
            (
                vec![
                    s(d, "/spec/schedule").to_string(),
                    or_none(s(d, "/spec/timeZone").to_string()),
                    if suspended { "True" } else { "False" }.into(),
                    arr(d, "/status/active").len().to_string(),
                    json_time_cell(d, "/status/lastScheduleTime"),
                    age,
                ],
                if suspended {
                    Tone::Warning
                } else {
                    Tone::Neutral
                },
            )
        }
        _ => return hpa_cells(o),
    };
    cells.push(containers);
    cells.push(images);
    if *p != Projector::StatefulSet {
        cells.push(selector);
    }
    (cells, tone)
}

fn replicas_tone(desired: i64, ready: i64) -> Tone {
    if desired == 0 {
        Tone::Neutral
    } else if ready >= desired {
        Tone::Good
    } else {
        Tone::Warning
    }
}

fn condition_true(d: &Value, kind: &str) -> bool {
    arr(d, "/status/conditions")
        .iter()
        .any(|c| s(c, "/type") == kind && s(c, "/status") == "True")
}

fn job_status(d: &Value) -> (&'static str, Tone) {
    if condition_true(d, "Complete") {
        ("Complete", Tone::Good)
    } else if condition_true(d, "Failed") {
        ("Failed", Tone::Bad)
    } else if condition_true(d, "FailureTarget") {
        ("FailureTarget", Tone::Bad)
    } else if condition_true(d, "SuccessCriteriaMet") {
        ("SuccessCriteriaMet", Tone::Good)
    } else if condition_true(d, "Suspended") {
        ("Suspended", Tone::Warning)
    } else {
        ("Running", Tone::Neutral)
    }
}

fn job_completions(d: &Value) -> String {
    let succeeded = i(d, "/status/succeeded").unwrap_or(0);
    match i(d, "/spec/completions") {
        Some(c) => format!("{succeeded}/{c}"),
        None => match i(d, "/spec/parallelism").unwrap_or(0) {
            p if p > 1 => format!("{succeeded}/1 of {p}"),
            _ => format!("{succeeded}/1"),
        },
    }
}

/// From start to completion; for a running job, up to when the row was last projected.
fn job_duration(d: &Value) -> String {
    let Some(start) = parse_time(s(d, "/status/startTime")) else {
        return String::new();
    };
    let end = parse_time(s(d, "/status/completionTime")).unwrap_or_else(Utc::now);
    short_duration((end - start).num_seconds())
}

fn hpa_cells(o: &Obj) -> (Vec<String>, Tone) {
    let d = o.data;
    let reference = format!(
        "{}/{}",
        s(d, "/spec/scaleTargetRef/kind"),
        s(d, "/spec/scaleTargetRef/name")
    );
    let current = arr(d, "/status/currentMetrics");
    let targets: Vec<String> = arr(d, "/spec/metrics")
        .iter()
        .map(|m| {
            let name = s(m, "/resource/name");
            let target = match i(m, "/resource/target/averageUtilization") {
                Some(u) => format!("{u}%"),
                None => s(m, "/resource/target/averageValue").to_string(),
            };
            let now = current
                .iter()
                .find(|c| s(c, "/resource/name") == name && !name.is_empty())
                .and_then(|c| {
                    i(c, "/resource/current/averageUtilization")
                        .map(|u| format!("{u}%"))
                        .or_else(|| {
                            c.pointer("/resource/current/averageValue")
                                .and_then(Value::as_str)
                                .map(str::to_string)
                        })
                })
                .unwrap_or_else(|| "<unknown>".into());
            if name.is_empty() {
                format!("{}: {now}/{target}", s(m, "/type").to_lowercase())
            } else {
                format!("{name}: {now}/{target}")
            }
        })
        .collect();
    let cells = vec![
        reference,
        or_none(targets.join(", ")),
        i(d, "/spec/minReplicas").unwrap_or(1).to_string(),
        n(d, "/spec/maxReplicas"),
        n(d, "/status/currentReplicas"),
        o.created_cell(),
    ];
    let able = arr(d, "/status/conditions")
        .iter()
        .all(|c| s(c, "/status") != "False" || s(c, "/type") == "ScalingLimited");
    (cells, if able { Tone::Neutral } else { Tone::Warning })
}
