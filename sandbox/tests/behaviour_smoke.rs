//! Store-level smoke test of the behaviour loops (no HTTP): a Deployment becomes Ready pods.

use std::time::Duration;

use sandbox::Store;
use sandbox::behaviour::{BehaviourConfig, kubelet::timings::Timings, seed, spawn_loops};
use sandbox::selectors::LabelSelector;
use sandbox::store::GroupResource;
use tokio_util::sync::CancellationToken;

#[tokio::test]
async fn the_demo_shop_comes_up() {
    let store = Store::new();
    seed::demo::apply(&store);
    let shutdown = CancellationToken::new();
    let _loops = spawn_loops(&store, &BehaviourConfig { timings: Timings { scale: 0.1 } }, &shutdown);
    let pods = GroupResource::core("pods");
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let d = store.get(&GroupResource::new("apps", "deployments"), Some("shop"), "frontend").unwrap();
        if d["status"]["readyReplicas"] == 3 {
            break;
        }
    }
    for p in store.list(&pods, None, &LabelSelector::default()) {
        println!("{} {} {:?} {:?}", p["metadata"]["namespace"], p["metadata"]["name"], p.pointer("/spec/nodeName"), p.pointer("/status/phase"));
    }
    let d = store.get(&GroupResource::new("apps", "deployments"), Some("shop"), "frontend").unwrap();
    println!("{}", serde_json::to_string_pretty(&d["status"]).unwrap());
    let events = store.list(&GroupResource::core("events"), Some("shop"), &LabelSelector::default());
    for e in events.iter().take(30) {
        println!("{} {} {}", e["involvedObject"]["name"], e["reason"], e["message"]);
    }
    assert_eq!(d["status"]["readyReplicas"], 3);
    shutdown.cancel();
}
