// Browser benchmark of the live resource list (run it with `bash scripts/bench-browser.sh`).
//
// 1 000 ConfigMaps are written to in the sandbox at a steady rate (1 000 changes/s by default)
// while Debian's Chromium shows a page of them. The page records when each row's
// resourceVersion appears; the writer records when it sent the change that produced it. Prints:
// - change in the cluster → row updated in the browser: p50/p95/p99 over every change that
//   landed on the shown page (50 rows, so ~5% of the changes),
// - the same with a page of 1 000 rows (the rows near the viewport are drawn),
// - scrolling that page while it changes: frame intervals and the renderer's busy time,
// - at scale (a second sandbox of 5 000 nodes / 150 000 pods, imported like any cluster; skip
//   with BENCH_PODS=0): the cold pod cache seen from the browser, warm pages (all pods, one
//   namespace, a label, a text filter), re-sorting by a click, the server's RSS, and change →
//   row latency on the all-namespaces pod list while 1 000 pods a second change across the
//   cluster.
// A benchmark prints figures; it asserts nothing.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';

const base = process.env.CAPSTAN_URL ?? 'http://127.0.0.1:3000';
const rate = Number(process.env.BENCH_RATE ?? 1000);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const pods = Number(process.env.BENCH_PODS ?? 150000);
const objects = 1000;
const namespace = 'bench-live';

// --- a cluster, through its own API (the kubeconfig a sandbox writes) ----------------------
function clusterApi(kubeconfig) {
  const server = new URL(kubeconfig.match(/server:\s*(\S+)/)[1]);
  const token = kubeconfig.match(/token:\s*(\S+)/)[1];
  const ca = Buffer.from(kubeconfig.match(/certificate-authority-data:\s*(\S+)/)[1], 'base64');
  const agent = new https.Agent({ keepAlive: true, maxSockets: 32, ca });
  const call = (method, path, body, contentType = 'application/json') => new Promise((resolve, reject) => {
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
  /** Follows a watch, noting when each `name@resourceVersion` arrives; `stop()` ends it. */
  call.watch = (path) => {
    const arrived = new Map();
    let buffer = '';
    const req = https.request(
      { host: server.hostname, port: server.port, path, agent, headers: { authorization: `Bearer ${token}`, accept: 'application/json' } },
      (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          const at = performance.timeOrigin + performance.now();
          buffer += chunk;
          let end;
          while ((end = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, end);
            buffer = buffer.slice(end + 1);
            const object = line ? JSON.parse(line).object : null;
            if (object?.metadata) arrived.set(`${object.metadata.name}@${object.metadata.resourceVersion}`, at);
          }
        });
      },
    );
    req.on('error', () => {});
    req.end();
    return { arrived, stop: () => req.destroy() };
  };
  call.close = () => agent.destroy();
  return call;
}

const kube = clusterApi(fs.readFileSync(process.env.CAPSTAN_E2E_SANDBOX_KUBECONFIG ?? '', 'utf8'));

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

/** The n-th change of the ConfigMap churn: round-robin over every object. */
const configMapChange = (n) => ({
  api: kube,
  name: nameOf(n % objects),
  path: `/api/v1/namespaces/${namespace}/configmaps/${nameOf(n % objects)}`,
  body: (at) => ({ data: { v: String(at) } }),
});

/** Writes `rate` changes a second for `seconds`, the n-th one being `change(n)`; returns what
 * was sent: name → [{version, sent}], and the rate achieved. */
async function churn(rateWanted, duration, change = configMapChange) {
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
      const { api, name, path, body } = change(next);
      next += 1;
      const at = performance.timeOrigin + performance.now();
      const p = api('PATCH', path, body(at), 'application/merge-patch+json').then((res) => {
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
// BENCH_REDUCED_MOTION=1: the rows do not flash (what users who ask for less motion get), to
// tell the flash's cost from the rest.
if (process.env.BENCH_REDUCED_MOTION === '1') await page.emulateMedia({ reducedMotion: 'reduce' });

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

/** Opens the ConfigMap list and starts recording when each (row, version) first appears. */
async function openList(id, size) {
  await openAndRecord(`${base}/clusters/${id}/resources/configmaps?ns=${namespace}&size=${size}`);
}

async function openAndRecord(url) {
  await page.goto(url, { timeout: 120_000 });
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

const id = await signIn();
if (process.env.BENCH_CONFIGMAPS !== '0') await configMaps(id);

// 4. At scale: a sandbox of 5 000 nodes and `pods` pods, imported like any cluster.
if (pods > 0) await atScale();

await browser.close();
kube.close();

/** 1-3: 1 000 ConfigMaps changing in the first cluster. */
async function configMaps(id) {
  await seed();

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

  await kube('DELETE', `/api/v1/namespaces/${namespace}`);
}

/** Starts a scale sandbox, imports it, and measures the pod list on it. */
async function atScale() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-bench-scale-'));
  const file = path.join(dir, 'kubeconfig');
  const started = Date.now();
  const child = spawn(process.env.CAPSTAN_SANDBOX_BIN, ['--bind', '127.0.0.1:0', '--kubeconfig', file,
    '--scenario', 'scale', '--nodes', '5000', '--pods', String(pods)], { stdio: 'ignore' });
  try {
    while (!fs.existsSync(file)) {
      if (child.exitCode !== null) throw new Error(`capstan-sandbox exited with ${child.exitCode}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 300));
    const kubeconfig = fs.readFileSync(file, 'utf8');
    const big = clusterApi(kubeconfig);
    // Seeded once it lists pods.
    for (;;) {
      const answer = await big('GET', '/api/v1/pods?limit=1').catch(() => null);
      if (answer?.status === 200 && answer.body?.items?.length) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    console.log(`scale sandbox (5000 nodes, ${pods} pods) up and seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const imported = await page.request.post(`${base}/api/v1/k8s/cluster`, {
      data: { name: `bench-scale-${Date.now().toString(36)}`, source: { type: 'kubeconfig', kubeconfig, context: null } },
    });
    if (!imported.ok()) throw new Error(`import failed: ${imported.status()} ${await imported.text()}`);
    const bigId = (await imported.json()).id;
    const rssBefore = serverRss();
    const list = `${base}/clusters/${bigId}/resources/pods`;

    // The cold cache: the first visit waits for every pod to be listed and projected.
    let t = performance.now();
    await page.goto(`${list}?size=50`, { timeout: 180_000 });
    await page.waitForSelector('[data-testid=resource-count]', { timeout: 5_000 }).catch(async (e) => {
      console.log(`the pod list did not show: ${(await page.locator('main').innerText()).slice(0, 600)}`);
      throw e;
    });
    const cold = performance.now() - t;
    await page.waitForSelector('html[data-hydrated="true"]');
    const count = await page.getByTestId('resource-count').textContent();
    console.log(`cold pod cache, first page in the browser: ${ms(cold)} (${count.trim()})`);
    console.log(`server RSS: ${mb(rssBefore)} before, ${mb(serverRss())} with ${pods} pods cached (the first cluster's caches included)`);

    // Warm pages, loaded whole (server render + hydration): medians of 5.
    const sample = (await big('GET', '/api/v1/pods?limit=1')).body.items[0];
    const warm = {
      'all pods': `${list}?size=50`,
      'one namespace': `${list}?ns=${sample.metadata.namespace}&size=50`,
      'a label': `${list}?l=${encodeURIComponent(`app=${sample.metadata.labels.app}`)}&size=50`,
      'a text filter': `${list}?q=${encodeURIComponent(sample.metadata.name.slice(0, 9))}&size=50`,
      'sorted by restarts, page 100': `${list}?sort=restarts&page=100&size=50`,
    };
    for (const [label, url] of Object.entries(warm)) {
      const times = [];
      for (let i = 0; i < 5; i += 1) {
        t = performance.now();
        await page.goto(url);
        await page.waitForSelector('[data-testid=resource-count]');
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      console.log(`warm page load, ${label}: median ${ms(pct(times, 50))}`);
    }

    // Re-sorting by a click (a client-side navigation: the server sorts, the page swaps rows).
    await page.goto(`${list}?size=50`);
    await page.waitForSelector('html[data-hydrated="true"]');
    const sorts = [];
    for (const column of ['restarts', 'age', 'restarts', 'age', 'name', 'restarts', 'age']) {
      const header = page.locator(`th:has([data-testid=sort-${column}])`);
      const before = await header.getAttribute('aria-sort');
      t = performance.now();
      await page.getByTestId(`sort-${column}`).click();
      await page.waitForFunction(
        ([c, b]) => document.querySelector(`th:has([data-testid=sort-${c}])`)?.getAttribute('aria-sort') !== b,
        [column, before],
      );
      sorts.push(performance.now() - t);
    }
    sorts.sort((a, b) => a - b);
    console.log(`re-sort all ${pods} pods by a click, until the page shows it: median ${ms(pct(sorts, 50))}, max ${ms(sorts.at(-1))}`);

    // Live: the first page of all pods while 1 000 pods a second change across the cluster;
    // one change in 20 lands on a pod the page shows.
    await openAndRecord(`${list}?size=50`);
    const shown = await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid=resource-table] tbody tr[data-uid]')].map((tr) => [
        tr.dataset.testid.slice('resource-row-'.length), tr.dataset.namespace]),
    );
    const pool = (await big('GET', '/api/v1/pods?limit=5000')).body.items.map((p) => [p.metadata.name, p.metadata.namespace]);
    const podChange = (n) => {
      const [name, ns] = n % 20 === 0 ? shown[(n / 20) % shown.length] : pool[(n * 7919) % pool.length];
      return {
        api: big,
        name,
        path: `/api/v1/namespaces/${ns}/pods/${name}`,
        body: (at) => ({ metadata: { annotations: { 'bench.capstan.io/at': String(at) } } }),
      };
    };
    // The cluster's own watch, beside the page: how much of the latency is the cluster's.
    const from = (await big('GET', '/api/v1/pods?limit=1')).body.metadata.resourceVersion;
    const watch = big.watch(`/api/v1/pods?watch=true&resourceVersion=${from}`);
    const run = await churn(rate, seconds, podChange);
    await page.waitForTimeout(1500);
    watch.stop();
    const onPage = new Set(shown.map(([name]) => name));
    const watched = [];
    for (const [name, changes] of run.sent) {
      if (!onPage.has(name)) continue;
      for (const { version, sent: at } of changes) {
        const arrived = watch.arrived.get(`${name}@${version}`);
        if (arrived !== undefined) watched.push(arrived - at);
      }
    }
    watched.sort((a, b) => a - b);
    report(`${pods} pods, first page of all namespaces`, await latencies(run.sent), run.achieved);
    console.log(`  the same changes through the cluster's own watch (kubectl get -w would see them): ` +
      `p50 ${ms(pct(watched, 50))}, p95 ${ms(pct(watched, 95))}, p99 ${ms(pct(watched, 99))}`);
    console.log(`server RSS after the churn: ${mb(serverRss())}`);

    await page.request.delete(`${base}/api/v1/k8s/cluster/${bigId}`);
    big.close();
  } finally {
    child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The Capstan server's resident memory, from /proc (scripts/e2e.sh passes its pid). */
function serverRss() {
  const pid = process.env.CAPSTAN_E2E_SERVER_PID;
  if (!pid) return NaN;
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? NaN) * 1024;
}

function mb(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}
