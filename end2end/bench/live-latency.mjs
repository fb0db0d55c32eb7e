// Browser benchmark of the live resource list (run it with `bash scripts/bench-browser.sh`).
//
// 1 000 ConfigMaps are written to in the sandbox at a steady rate (1 000 changes/s by default)
// while Debian's Chromium shows a page of them. The page records when each row's
// resourceVersion appears; the writer records when it sent the change that produced it. Prints:
// - change in the cluster → row updated in the browser: p50/p95/p99 over every change that
//   landed on the shown page (50 rows, so ~5% of the changes),
// - the same with a page of 1 000 rows (the rows near the viewport are drawn),
// - scrolling that page while it changes: frame intervals and the renderer's busy time.
// A benchmark prints figures; it asserts nothing.

import fs from 'node:fs';
import https from 'node:https';
import { chromium } from '@playwright/test';

const base = process.env.CAPSTAN_URL ?? 'http://127.0.0.1:3000';
const rate = Number(process.env.BENCH_RATE ?? 1000);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const objects = 1000;
const namespace = 'bench-live';

// --- the cluster, through its own API (the kubeconfig the sandbox writes) ------------------
const kubeconfig = fs.readFileSync(process.env.CAPSTAN_E2E_SANDBOX_KUBECONFIG ?? '', 'utf8');
const server = new URL(kubeconfig.match(/server:\s*(\S+)/)[1]);
const token = kubeconfig.match(/token:\s*(\S+)/)[1];
const ca = Buffer.from(kubeconfig.match(/certificate-authority-data:\s*(\S+)/)[1], 'base64');
const agent = new https.Agent({ keepAlive: true, maxSockets: 32, ca });

function kube(method, path, body, contentType = 'application/json') {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request(
      {
        host: server.hostname,
        port: server.port,
        path,
        method,
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(data ? { 'content-type': contentType, 'content-length': Buffer.byteLength(data) } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode, body: text ? JSON.parse(text) : null }));
      },
    );
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

const nameOf = (i) => `bench-${String(i).padStart(4, '0')}`;

async function seed() {
  await kube('POST', '/api/v1/namespaces', { metadata: { name: namespace } });
  for (let i = 0; i < objects; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, objects - i) }, (_, k) =>
        kube('POST', `/api/v1/namespaces/${namespace}/configmaps`, {
          metadata: { name: nameOf(i + k) },
          data: { v: '0' },
        }),
      ),
    );
  }
}

/** Writes `rate` changes a second for `seconds`, round-robin over every object; returns what
 * was sent: name → [{version, sent}], and the rate achieved. */
async function churn(rateWanted, duration) {
  const sent = new Map();
  const tickMs = 10;
  const perTick = rateWanted / (1000 / tickMs);
  let next = 0;
  let owed = 0;
  let done = 0;
  const inFlight = new Set();
  const start = Date.now();
  while (Date.now() - start < duration * 1000) {
    owed += perTick;
    while (owed >= 1) {
      owed -= 1;
      const name = nameOf(next);
      next = (next + 1) % objects;
      const at = performance.timeOrigin + performance.now();
      const p = kube(
        'PATCH',
        `/api/v1/namespaces/${namespace}/configmaps/${name}`,
        { data: { v: String(at) } },
        'application/merge-patch+json',
      ).then((res) => {
        done += 1;
        const version = res.body?.metadata?.resourceVersion;
        if (version) {
          if (!sent.has(name)) sent.set(name, []);
          sent.get(name).push({ version, sent: at });
        }
      });
      inFlight.add(p);
      p.finally(() => inFlight.delete(p));
    }
    await new Promise((r) => setTimeout(r, tickMs));
  }
  await Promise.all(inFlight);
  return { sent, achieved: done / ((Date.now() - start) / 1000) };
}

// --- the browser ----------------------------------------------------------------------------
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });

async function signIn() {
  await page.goto(`${base}/login`);
  await page.waitForSelector('html[data-hydrated="true"]');
  await page.fill('[data-testid=login-username]', process.env.CAPSTAN_ADMIN_USER ?? 'admin');
  await page.fill('[data-testid=login-password]', process.env.CAPSTAN_ADMIN_PASSWORD ?? '');
  await page.click('[data-testid=login-submit]');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  await page.goto(`${base}/clusters`);
  await page.waitForSelector('html[data-hydrated="true"]');
  return page.getByTestId('cluster-row-sandbox').getAttribute('data-cluster-id');
}

/** Opens the list and starts recording when each (row, version) first appears. */
async function openList(id, size) {
  await page.goto(`${base}/clusters/${id}/resources/configmaps?ns=${namespace}&size=${size}`);
  await page.waitForSelector('html[data-hydrated="true"]');
  await page.waitForSelector('[data-testid=live-status][data-state=live]');
  await page.evaluate(() => {
    const seen = [];
    window.__seen = seen;
    const note = (tr) => {
      const name = tr.dataset.testid?.slice('resource-row-'.length);
      if (name) seen.push([name, tr.dataset.version, performance.timeOrigin + performance.now()]);
    };
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'attributes') note(r.target);
        for (const n of r.addedNodes ?? []) if (n.nodeName === 'TR') note(n);
      }
    }).observe(document.querySelector('[data-testid=resource-table] tbody'), {
      subtree: true, childList: true, attributes: true, attributeFilter: ['data-version'],
    });
  });
}

/** Latencies of every sent change whose version the page showed. */
async function latencies(sent) {
  const seen = await page.evaluate(() => window.__seen);
  const shownAt = new Map(seen.map(([name, version, at]) => [`${name}@${version}`, at]));
  const out = [];
  let onPage = 0;
  const shownNames = new Set(seen.map(([name]) => name));
  for (const [name, changes] of sent) {
    if (!shownNames.has(name)) continue;
    for (const { version, sent: at } of changes) {
      onPage += 1;
      const shown = shownAt.get(`${name}@${version}`);
      if (shown !== undefined) out.push(shown - at);
    }
  }
  return { values: out.sort((a, b) => a - b), onPage };
}

/** Seconds the page's renderer spent on script, layout and style so far (Chrome's counters). */
async function rendererTimes(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const pick = (name) => metrics.find((m) => m.name === name)?.value ?? 0;
  return {
    script: pick('ScriptDuration'),
    layout: pick('LayoutDuration'),
    style: pick('RecalcStyleDuration'),
    tasks: pick('TaskDuration'),
  };
}

const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
const ms = (v) => `${v.toFixed(1)} ms`;

function report(label, { values, onPage }, achieved) {
  console.log(
    `${label}: ${values.length} of ${onPage} changes on the page seen (the rest superseded before drawing); ` +
      `p50 ${ms(pct(values, 50))}, p95 ${ms(pct(values, 95))}, p99 ${ms(pct(values, 99))}, max ${ms(values.at(-1) ?? NaN)}; ` +
      `cluster changes ${achieved.toFixed(0)}/s`,
  );
}

await seed();
const id = await signIn();

// 1. A normal page of 50 rows while the whole namespace churns.
await openList(id, 50);
let run = await churn(rate, seconds);
await page.waitForTimeout(1500);
report('50 rows shown', await latencies(run.sent), run.achieved);

// 2. 1 000 rows on the page (the browser draws those near the viewport).
await openList(id, 1000);
await page.waitForFunction(() => document.querySelector('[data-testid=resource-count]')?.textContent?.includes('1000'));
run = await churn(rate, seconds);
await page.waitForTimeout(1500);
report('1000 rows on the page', await latencies(run.sent), run.achieved);

// 3. The same page scrolled top to bottom and back while it churns: frame intervals, and
// where the renderer's time went.
const frames = page.evaluate(
  (duration) =>
    new Promise((resolve) => {
      const intervals = [];
      let last = performance.now();
      const end = last + duration;
      let down = true;
      const step = (now) => {
        intervals.push(now - last);
        last = now;
        const max = document.documentElement.scrollHeight - innerHeight;
        if (scrollY >= max - 1) down = false;
        if (scrollY <= 0) down = true;
        scrollBy(0, down ? 120 : -120);
        if (now < end) requestAnimationFrame(step);
        else resolve(intervals);
      };
      requestAnimationFrame(step);
    }),
  seconds * 1000,
);
const cdp = await page.context().newCDPSession(page);
await cdp.send('Performance.enable');
const before = await rendererTimes(cdp);
run = await churn(rate, seconds);
const intervals = (await frames).sort((a, b) => a - b);
const after = await rendererTimes(cdp);
console.log(
  `scrolling 1000 live rows: ${intervals.length} frames, interval p50 ${ms(pct(intervals, 50))}, ` +
    `p95 ${ms(pct(intervals, 95))}, ${intervals.filter((v) => v > 50).length} frames over 50 ms; cluster changes ${run.achieved.toFixed(0)}/s`,
);
console.log(
  `renderer time while scrolling 1000 live rows for ${seconds} s: ` +
    Object.keys(after).map((k) => `${k} ${((after[k] - before[k]) * 1000).toFixed(0)} ms`).join(', '),
);

await browser.close();
await kube('DELETE', `/api/v1/namespaces/${namespace}`);
agent.destroy();
