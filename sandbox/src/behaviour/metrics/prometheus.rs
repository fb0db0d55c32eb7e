//! `GET /metrics`: cAdvisor- and kube-state-metrics-style series in the Prometheus text format, for a
//! real Prometheus to scrape. The body is rendered lazily, one family and a few hundred objects at a
//! time, as the client reads it, so a 150 000-pod scrape never holds the whole text in memory.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::body::Body;
use axum::http::header;
use axum::response::Response;
use bytes::Bytes;
use chrono::Utc;
use futures::stream::{self, StreamExt};
use serde_json::Value;

use super::series::{DEPLOYMENT_FAMILIES, Family, NODE_FAMILIES, POD_FAMILIES};
use crate::behaviour::object::kinds;
use crate::selectors::LabelSelector;
use crate::store::Store;

/// Objects rendered per chunk.
const CHUNK: usize = 500;

/// One unit of lazy work: a family header, or a slice of objects of that family.
enum Piece {
    Header(&'static Family),
    Objects(&'static Family, Arc<Vec<Arc<Value>>>, usize),
}

fn plan(families: &'static [Family], objects: Arc<Vec<Arc<Value>>>) -> Vec<Piece> {
    let mut pieces = Vec::new();
    for family in families {
        pieces.push(Piece::Header(family));
        for start in (0..objects.len()).step_by(CHUNK) {
            pieces.push(Piece::Objects(family, objects.clone(), start));
        }
    }
    pieces
}

/// Serves a scrape.
pub async fn scrape(store: Store) -> Response {
    let all = |kind| Arc::new(store.list(&kind, None, &LabelSelector::default()));
    let mut pieces = plan(&POD_FAMILIES, all(kinds::pods()));
    pieces.extend(plan(&NODE_FAMILIES, all(kinds::nodes())));
    pieces.extend(plan(&DEPLOYMENT_FAMILIES, all(kinds::deployments())));
    let t = Utc::now();
    let body = stream::iter(pieces).map(move |piece| {
        let mut out = String::new();
        match piece {
            Piece::Header(f) => {
                let _ = writeln!(
                    out,
                    "# HELP {} {}\n# TYPE {} {}",
                    f.name, f.help, f.name, f.kind
                );
            }
            Piece::Objects(f, objects, start) => {
                for obj in objects.iter().skip(start).take(CHUNK) {
                    (f.render)(obj, t, &mut out);
                }
            }
        }
        Ok::<Bytes, std::io::Error>(Bytes::from(out))
    });
    let mut response = Response::new(Body::from_stream(body));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}
