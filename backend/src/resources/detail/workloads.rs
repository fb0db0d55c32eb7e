//! Deployments, stateful sets, daemon sets, replica sets, jobs, cron jobs and autoscalers: the
//! replica counts a rollout is judged by, strategies, selectors, images and schedules.

use chrono::Utc;
use model::detail::{FieldValue, ObjectDetail};
use serde_json::Value;

use super::Ctx;
use super::fields::{Facts, Table, arr, b, cell, i, obj_ref, s, selector_query, time};

/// The images of a pod template, one value each.
fn images(v: &Value, template: &str) -> Vec<FieldValue> {
    arr(v, &format!("{template}/spec/containers"))
        .iter()
        .map(|c| FieldValue::code(s(c, "/image")))
        .collect()
}

fn selector(f: &mut Facts, v: &Value, pointer: &str) {
    if let Some(sel) = selector_query(v.pointer(pointer)) {
        f.code("selector", "Selector", sel);
    }
}

fn revision(f: &mut Facts, v: &Value) {
    f.text(
        "revision",
        "Revision",
        s(
            v,
            "/metadata/annotations/deployment.kubernetes.io~1revision",
        ),
    );
}

pub(super) fn deployment(d: &mut ObjectDetail, v: &Value) {
    let mut f = Facts::default();
    f.number(
        "replicas_desired",
        "Desired replicas",
        Some(i(v, "/spec/replicas").unwrap_or(1)),
    );
    f.number(
        "replicas_ready",
        "Ready",
        Some(i(v, "/status/readyReplicas").unwrap_or(0)),
    );
    f.number(
        "replicas_updated",
        "Up to date",
        Some(i(v, "/status/updatedReplicas").unwrap_or(0)),
    );
    f.number(
        "replicas_available",
        "Available",
        Some(i(v, "/status/availableReplicas").unwrap_or(0)),
    );
    f.number(
        "replicas_unavailable",
        "Unavailable",
        i(v, "/status/unavailableReplicas"),
    );
    f.text("strategy", "Strategy", s(v, "/spec/strategy/type"));
    f.text(
        "max_surge",
        "Max surge",
        int_or_string(v, "/spec/strategy/rollingUpdate/maxSurge"),
    );
    f.text(
        "max_unavailable",
        "Max unavailable",
        int_or_string(v, "/spec/strategy/rollingUpdate/maxUnavailable"),
    );
    selector(&mut f, v, "/spec/selector");
    f.add("images", "Images", images(v, "/spec/template"));
    f.flag(
        "paused",
        "Paused",
        Some(b(v, "/spec/paused").unwrap_or(false)),
    );
    revision(&mut f, v);
    f.number(
        "min_ready_seconds",
        "Min ready (s)",
        i(v, "/spec/minReadySeconds"),
    );
    f.number(
        "progress_deadline",
        "Progress deadline (s)",
        i(v, "/spec/progressDeadlineSeconds"),
    );
    f.number(
        "revision_history_limit",
        "Revision history limit",
        i(v, "/spec/revisionHistoryLimit"),
    );
    d.summary.extend(f.fields);
}

pub(super) fn statefulset(d: &mut ObjectDetail, v: &Value) {
    let ns = d.namespace.clone();
    let mut f = Facts::default();
    f.number(
        "replicas_desired",
        "Desired replicas",
        Some(i(v, "/spec/replicas").unwrap_or(1)),
    );
    f.number(
        "replicas_ready",
        "Ready",
        Some(i(v, "/status/readyReplicas").unwrap_or(0)),
    );
    f.number(
        "replicas_current",
        "Current",
        Some(i(v, "/status/currentReplicas").unwrap_or(0)),
    );
    f.number(
        "replicas_updated",
        "Up to date",
        Some(i(v, "/status/updatedReplicas").unwrap_or(0)),
    );
    f.number(
        "replicas_available",
        "Available",
        i(v, "/status/availableReplicas"),
    );
    let service = s(v, "/spec/serviceName");
    f.link(
        "service",
        "Service",
        service,
        obj_ref("services", ns.as_deref(), service),
    );
    f.text(
        "pod_management",
        "Pod management",
        s(v, "/spec/podManagementPolicy"),
    );
    f.text("strategy", "Strategy", s(v, "/spec/updateStrategy/type"));
    f.number(
        "partition",
        "Partition",
        i(v, "/spec/updateStrategy/rollingUpdate/partition"),
    );
    selector(&mut f, v, "/spec/selector");
    f.add("images", "Images", images(v, "/spec/template"));
    f.code(
        "current_revision",
        "Current revision",
        s(v, "/status/currentRevision"),
    );
    f.code(
        "update_revision",
        "Update revision",
        s(v, "/status/updateRevision"),
    );
    let claims: Vec<FieldValue> = arr(v, "/spec/volumeClaimTemplates")
        .iter()
        .map(|c| FieldValue::code(s(c, "/metadata/name")))
        .collect();
    f.add("claim_templates", "Volume claim templates", claims);
    d.summary.extend(f.fields);
}

pub(super) fn daemonset(d: &mut ObjectDetail, v: &Value) {
    let mut f = Facts::default();
    let n = |p: &str| Some(i(v, p).unwrap_or(0));
    f.number(
        "replicas_desired",
        "Desired",
        n("/status/desiredNumberScheduled"),
    );
    f.number(
        "replicas_current",
        "Current",
        n("/status/currentNumberScheduled"),
    );
    f.number("replicas_ready", "Ready", n("/status/numberReady"));
    f.number(
        "replicas_updated",
        "Up to date",
        n("/status/updatedNumberScheduled"),
    );
    f.number(
        "replicas_available",
        "Available",
        n("/status/numberAvailable"),
    );
    f.number(
        "misscheduled",
        "Misscheduled",
        i(v, "/status/numberMisscheduled"),
    );
    f.text("strategy", "Strategy", s(v, "/spec/updateStrategy/type"));
    f.text(
        "max_unavailable",
        "Max unavailable",
        int_or_string(v, "/spec/updateStrategy/rollingUpdate/maxUnavailable"),
    );
    selector(&mut f, v, "/spec/selector");
    f.map(
        "node_selector",
        "Node selector",
        super::fields::pairs(v, "/spec/template/spec/nodeSelector"),
    );
    f.add("images", "Images", images(v, "/spec/template"));
    d.summary.extend(f.fields);
}

pub(super) fn replicaset(d: &mut ObjectDetail, v: &Value) {
    let mut f = Facts::default();
    f.number(
        "replicas_desired",
        "Desired replicas",
        Some(i(v, "/spec/replicas").unwrap_or(1)),
    );
    f.number(
        "replicas_current",
        "Current",
        Some(i(v, "/status/replicas").unwrap_or(0)),
    );
    f.number(
        "replicas_ready",
        "Ready",
        Some(i(v, "/status/readyReplicas").unwrap_or(0)),
    );
    f.number(
        "replicas_available",
        "Available",
        Some(i(v, "/status/availableReplicas").unwrap_or(0)),
    );
    selector(&mut f, v, "/spec/selector");
    f.add("images", "Images", images(v, "/spec/template"));
    revision(&mut f, v);
    d.summary.extend(f.fields);
}

pub(super) fn job(d: &mut ObjectDetail, v: &Value) {
    let mut f = Facts::default();
    let succeeded = i(v, "/status/succeeded").unwrap_or(0);
    let completions = match i(v, "/spec/completions") {
        Some(c) => format!("{succeeded}/{c}"),
        None => format!("{succeeded}/1"),
    };
    f.text("completions", "Completions", completions);
    f.number("parallelism", "Parallelism", i(v, "/spec/parallelism"));
    f.number(
        "active",
        "Active",
        Some(i(v, "/status/active").unwrap_or(0)),
    );
    f.number("succeeded", "Succeeded", Some(succeeded));
    f.number(
        "failed",
        "Failed",
        Some(i(v, "/status/failed").unwrap_or(0)),
    );
    f.number("backoff_limit", "Backoff limit", i(v, "/spec/backoffLimit"));
    f.text(
        "completion_mode",
        "Completion mode",
        s(v, "/spec/completionMode"),
    );
    f.time("start_time", "Started", time(v, "/status/startTime"));
    f.time(
        "completion_time",
        "Completed",
        time(v, "/status/completionTime"),
    );
    if let Some(start) = time(v, "/status/startTime") {
        let end = time(v, "/status/completionTime").unwrap_or_else(Utc::now);
        f.text(
            "duration",
            "Duration",
            duration((end - start).num_seconds()),
        );
    }
    f.number(
        "ttl_after_finished",
        "Deleted after finishing (s)",
        i(v, "/spec/ttlSecondsAfterFinished"),
    );
    f.flag("suspend", "Suspended", b(v, "/spec/suspend"));
    selector(&mut f, v, "/spec/selector");
    f.add("images", "Images", images(v, "/spec/template"));
    d.summary.extend(f.fields);
}

pub(super) fn cronjob(d: &mut ObjectDetail, v: &Value) {
    let ns = d.namespace.clone();
    let mut f = Facts::default();
    f.code("schedule", "Schedule", s(v, "/spec/schedule"));
    f.text("time_zone", "Time zone", s(v, "/spec/timeZone"));
    f.flag(
        "suspend",
        "Suspended",
        Some(b(v, "/spec/suspend").unwrap_or(false)),
    );
    f.text(
        "concurrency",
        "Concurrency policy",
        s(v, "/spec/concurrencyPolicy"),
    );
    f.time(
        "last_schedule",
        "Last scheduled",
        time(v, "/status/lastScheduleTime"),
    );
    f.time(
        "last_success",
        "Last succeeded",
        time(v, "/status/lastSuccessfulTime"),
    );
    let active: Vec<FieldValue> = arr(v, "/status/active")
        .iter()
        .map(|r| {
            let name = s(r, "/name");
            FieldValue::link(name, obj_ref("jobs.batch", ns.as_deref(), name))
        })
        .collect();
    let count = active.len();
    f.number("active_count", "Active jobs", Some(count as i64));
    f.add("active", "Running now", active);
    f.number(
        "successful_history",
        "Successful jobs kept",
        i(v, "/spec/successfulJobsHistoryLimit"),
    );
    f.number(
        "failed_history",
        "Failed jobs kept",
        i(v, "/spec/failedJobsHistoryLimit"),
    );
    f.number(
        "starting_deadline",
        "Starting deadline (s)",
        i(v, "/spec/startingDeadlineSeconds"),
    );
    f.add(
        "images",
        "Images",
        images(v, "/spec/jobTemplate/spec/template"),
    );
    d.summary.extend(f.fields);
}

pub(super) fn hpa(d: &mut ObjectDetail, v: &Value, ctx: &Ctx) {
    let mut f = Facts::default();
    let target_kind = s(v, "/spec/scaleTargetRef/kind");
    let target_name = s(v, "/spec/scaleTargetRef/name");
    let text = format!("{target_kind}/{target_name}");
    match ctx.key_of(s(v, "/spec/scaleTargetRef/apiVersion"), target_kind) {
        Some(key) => f.link(
            "target",
            "Target",
            &text,
            obj_ref(&key, d.namespace.as_deref(), target_name),
        ),
        None => f.text("target", "Target", text),
    }
    f.number(
        "min_replicas",
        "Min replicas",
        Some(i(v, "/spec/minReplicas").unwrap_or(1)),
    );
    f.number("max_replicas", "Max replicas", i(v, "/spec/maxReplicas"));
    f.number(
        "current_replicas",
        "Current replicas",
        Some(i(v, "/status/currentReplicas").unwrap_or(0)),
    );
    f.number(
        "desired_replicas",
        "Desired replicas",
        Some(i(v, "/status/desiredReplicas").unwrap_or(0)),
    );
    f.time(
        "last_scale",
        "Last scaled",
        time(v, "/status/lastScaleTime"),
    );
    d.summary.extend(f.fields);
    d.tables.extend(hpa_metrics(v));
}

/// The metrics an autoscaler follows, target against current (autoscaling/v2, or v1's CPU).
fn hpa_metrics(v: &Value) -> Option<model::detail::DetailTable> {
    let mut t = Table::new(
        "metrics",
        "Metrics",
        &[
            ("metric", "Metric"),
            ("target", "Target"),
            ("current", "Current"),
        ],
    );
    if let Some(cpu) = i(v, "/spec/targetCPUUtilizationPercentage") {
        let current = i(v, "/status/currentCPUUtilizationPercentage")
            .map(|c| format!("{c}%"))
            .unwrap_or_else(|| "<unknown>".into());
        t.row(vec![
            cell("resource cpu"),
            cell(format!("{cpu}%")),
            cell(current),
        ]);
    }
    let currents = arr(v, "/status/currentMetrics");
    for m in arr(v, "/spec/metrics") {
        let kind = s(m, "/type");
        let (name, target) = metric_parts(m, kind, "target");
        let current = currents
            .iter()
            .find(|c| s(c, "/type") == kind && metric_parts(c, kind, "current").0 == name)
            .map(|c| amount(c, kind, "current"))
            .filter(|a| !a.is_empty())
            .unwrap_or_else(|| "<unknown>".into());
        t.row(vec![cell(name), cell(target), cell(current)]);
    }
    t.done()
}

/// A metric's name (`resource cpu`, `pods requests_per_second`) and its target or current amount.
fn metric_parts(m: &Value, kind: &str, side: &str) -> (String, String) {
    let body = key_of_type(kind);
    let name = match kind {
        "Resource" => format!("resource {}", s(m, &format!("/{body}/name"))),
        "ContainerResource" => format!(
            "resource {} of {}",
            s(m, &format!("/{body}/name")),
            s(m, &format!("/{body}/container"))
        ),
        _ => format!("{} {}", body, s(m, &format!("/{body}/metric/name"))),
    };
    (name, amount(m, kind, side))
}

fn amount(m: &Value, kind: &str, side: &str) -> String {
    let base = format!("/{}/{side}", key_of_type(kind));
    if let Some(u) = i(m, &format!("{base}/averageUtilization")) {
        format!("{u}%")
    } else if let Some(a) = m.pointer(&format!("{base}/averageValue")) {
        format!("{} (avg)", super::fields::scalar(a))
    } else {
        m.pointer(&format!("{base}/value"))
            .map(super::fields::scalar)
            .unwrap_or_default()
    }
}

/// `Resource` → `resource`, `ContainerResource` → `containerResource`.
fn key_of_type(kind: &str) -> String {
    let mut chars = kind.chars();
    chars
        .next()
        .map(|c| c.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// An int-or-string field (`25%` or `1`) as text.
fn int_or_string(v: &Value, pointer: &str) -> String {
    v.pointer(pointer)
        .map(super::fields::scalar)
        .unwrap_or_default()
}

/// `45s`, `3m10s`, `2h5m`, `3d4h`.
fn duration(seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{}s", s / 60, s % 60),
        3600..86_400 => format!("{}h{}m", s / 3600, (s % 3600) / 60),
        _ => format!("{}d{}h", s / 86_400, (s % 86_400) / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn autoscaler_metrics_pair_target_and_current() {
        let hpa = json!({
            "spec": {"metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}]},
            "status": {"currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 35}}}]},
        });
        let t = hpa_metrics(&hpa).expect("table");
        let texts: Vec<String> = t.rows[0].iter().map(|c| c[0].as_text()).collect();
        assert_eq!(texts, ["resource cpu", "80%", "35%"]);
    }

    #[test]
    fn durations_are_short() {
        assert_eq!(duration(45), "45s");
        assert_eq!(duration(190), "3m10s");
        assert_eq!(duration(7500), "2h5m");
        assert_eq!(duration(90_000), "1d1h");
    }
}
