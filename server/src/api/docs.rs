//! The OpenAPI document and a small self-contained page to browse it (no CDN, no download:
//! these machines and many customer networks are offline).

use std::sync::Arc;

use axum::http::header;
use axum::response::{Html, IntoResponse};
use axum::routing::{MethodRouter, get};

/// A route serving the document, rendered once at start-up.
pub fn openapi_json<S: Clone + Send + Sync + 'static>(
    doc: &utoipa::openapi::OpenApi,
) -> MethodRouter<S> {
    let body: Arc<str> = doc.to_pretty_json().unwrap_or_else(|_| "{}".into()).into();
    get(move || {
        let body = body.clone();
        async move {
            (
                [(header::CONTENT_TYPE, "application/json")],
                body.to_string(),
            )
                .into_response()
        }
    })
}

/// A page listing every operation of `/api/openapi.json` with its summary, parameters and answers.
pub async fn docs_page() -> Html<&'static str> {
    Html(DOCS_HTML)
}

const DOCS_HTML: &str = r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Capstan API</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:960px;padding:1rem;color:#1f2328}
h1{margin:.2rem 0}code,pre{font:13px ui-monospace,monospace}pre{background:#f6f8fa;padding:.6rem;overflow:auto;border-radius:6px}
details{border:1px solid #d0d7de;border-radius:6px;margin:.4rem 0;padding:.3rem .6rem}
summary{cursor:pointer}.m{display:inline-block;min-width:4.2rem;font-weight:600;text-transform:uppercase}
.get{color:#0969da}.post{color:#1a7f37}.put{color:#9a6700}.delete{color:#cf222e}
@media (prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}pre{background:#161b22}details{border-color:#30363d}}
</style></head>
<body><h1>Capstan API</h1>
<p>Authenticate with a personal API token: <code>Authorization: Bearer capstan_…</code>. Raw document: <a href="/api/openapi.json">/api/openapi.json</a>.</p>
<div id="ops" data-testid="api-operations">Loading…</div>
<script>
fetch('/api/openapi.json').then(r => r.json()).then(doc => {
  const ops = document.getElementById('ops'); ops.textContent = '';
  const esc = s => String(s ?? '').replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const [method, op] of Object.entries(item)) {
      const d = document.createElement('details');
      const params = (op.parameters || []).map(p => `<li><code>${esc(p.name)}</code> (${esc(p.in)}) ${esc(p.description)}</li>`).join('');
      const answers = Object.entries(op.responses || {}).map(([code, r]) => `<li><code>${esc(code)}</code> ${esc(r.description)}</li>`).join('');
      const body = op.requestBody ? `<p>Body: <code>${esc(JSON.stringify(op.requestBody.content?.['application/json']?.schema))}</code></p>` : '';
      d.innerHTML = `<summary><span class="m ${esc(method)}">${esc(method)}</span> <code>${esc(path)}</code> — ${esc(op.summary || '')}</summary>`
        + `<p>${esc(op.description || '')}</p>${params ? '<p>Parameters:</p><ul>' + params + '</ul>' : ''}${body}<p>Answers:</p><ul>${answers}</ul>`;
      ops.appendChild(d);
    }
  }
  const schemas = document.createElement('details');
  schemas.innerHTML = '<summary>Schemas</summary><pre>' + esc(JSON.stringify(doc.components?.schemas, null, 2)) + '</pre>';
  ops.appendChild(schemas);
}).catch(e => { document.getElementById('ops').textContent = 'Cannot load the document: ' + e; });
</script></body></html>"#;
