//! Rolling-update arithmetic of the Deployment controller, kept pure: how far the new ReplicaSet may grow
//! (maxSurge) and how far the old ones may shrink (maxUnavailable), given what is available now.

/// `maxSurge` / `maxUnavailable`: an absolute number or a percentage of the desired replicas.
pub fn resolve(
    value: Option<&serde_json::Value>,
    desired: i64,
    round_up: bool,
    default_percent: i64,
) -> i64 {
    let percent = |p: i64| {
        let scaled = desired * p;
        if round_up {
            (scaled + 99) / 100
        } else {
            scaled / 100
        }
    };
    match value {
        Some(serde_json::Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(serde_json::Value::String(s)) => s
            .trim_end_matches('%')
            .parse::<i64>()
            .map_or_else(|_| percent(default_percent), percent),
        _ => percent(default_percent),
    }
}

/// One ReplicaSet as the rollout sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SetCounts {
    /// `spec.replicas`.
    pub replicas: i64,
    /// `status.availableReplicas`.
    pub available: i64,
}

/// The replica counts to set: `(new, olds)` with `olds` in the same order as given (oldest first).
pub fn rolling_step(
    desired: i64,
    max_surge: i64,
    max_unavailable: i64,
    new: SetCounts,
    olds: &[SetCounts],
) -> (i64, Vec<i64>) {
    let max_unavailable = if max_surge == 0 && max_unavailable == 0 {
        1
    } else {
        max_unavailable
    };
    let total: i64 = new.replicas + olds.iter().map(|o| o.replicas).sum::<i64>();
    // Grow the new set within the surge budget.
    let room = (desired + max_surge - total).max(0);
    let new_target = if new.replicas >= desired {
        desired
    } else {
        (new.replicas + room).min(desired)
    };
    // Shrink old sets: first their unavailable pods (they serve nobody), then as far as availability allows.
    let min_available = desired - max_unavailable;
    let available: i64 = new.available + olds.iter().map(|o| o.available).sum::<i64>();
    let mut budget = (available - min_available).max(0);
    let mut targets = Vec::with_capacity(olds.len());
    for old in olds {
        let unhealthy = (old.replicas - old.available).max(0);
        let mut target = old.replicas - unhealthy;
        let cut = budget.min(target);
        target -= cut;
        budget -= cut;
        targets.push(target.max(0));
    }
    (new_target, targets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn percentages_round_like_kubernetes() {
        assert_eq!(resolve(None, 3, true, 25), 1);
        assert_eq!(resolve(None, 3, false, 25), 0);
        assert_eq!(resolve(Some(&json!("50%")), 4, false, 25), 2);
        assert_eq!(resolve(Some(&json!(2)), 10, true, 25), 2);
    }

    #[test]
    fn a_rollout_surges_then_retires_old_pods_as_new_ones_become_available() {
        let old = SetCounts {
            replicas: 3,
            available: 3,
        };
        let (new, olds) = rolling_step(
            3,
            1,
            0,
            SetCounts {
                replicas: 0,
                available: 0,
            },
            &[old],
        );
        assert_eq!((new, olds.clone()), (1, vec![3]));
        let (new, olds) = rolling_step(
            3,
            1,
            0,
            SetCounts {
                replicas: 1,
                available: 1,
            },
            &[old],
        );
        assert_eq!((new, olds), (1, vec![2]));
        let (new, olds) = rolling_step(
            3,
            1,
            0,
            SetCounts {
                replicas: 3,
                available: 3,
            },
            &[SetCounts {
                replicas: 1,
                available: 1,
            }],
        );
        assert_eq!((new, olds), (3, vec![0]));
    }

    #[test]
    fn broken_old_pods_go_first() {
        let (_, olds) = rolling_step(
            3,
            1,
            0,
            SetCounts {
                replicas: 1,
                available: 0,
            },
            &[SetCounts {
                replicas: 3,
                available: 1,
            }],
        );
        assert_eq!(olds, vec![1]);
    }
}
