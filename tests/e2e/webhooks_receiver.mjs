// A local webhook receiver for the server-message tests: records every request (arrival time,
// headers, raw body) per path, and answers each as the test says — any status, after a delay,
// or by dropping the connection.
import { createServer } from "node:http";
import { createHmac } from "node:crypto";

/**
 * Starts a receiver on a free port. Resolves {url(path), hits(path), on(path, fn), waitFor(path,
 * n, ms), close()}. `fn(hit, index)` returns {status, delayMs, until, drop, body}; default 200.
 * `until` is a promise: the answer waits for it (then for `delayMs`).
 */
export async function startReceiver() {
  const hits = new Map(); // path → [{at, headers, raw, json}]
  const behaviours = new Map();
  const waiters = new Set();
  const server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (d) => (raw += d));
    req.on("end", () => {
      const path = req.url;
      let json;
      try {
        json = JSON.parse(raw);
      } catch {
        json = undefined;
      }
      const hit = { at: Date.now(), method: req.method, headers: req.headers, raw, json };
      const list = hits.get(path) ?? [];
      list.push(hit);
      hits.set(path, list);
      for (const w of waiters) w();
      const fn = behaviours.get(path);
      const b = (fn ? fn(hit, list.length - 1) : undefined) ?? {};
      if (b.drop) {
        req.socket.destroy();
        return;
      }
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(b.status ?? 200, { "content-type": "application/json" });
        res.end(b.body ?? "{}");
      };
      const later = () => (b.delayMs ? setTimeout(send, b.delayMs) : send());
      if (b.until) b.until.then(later);
      else later();
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    url: (path) => base + path,
    hits: (path) => hits.get(path) ?? [],
    on(path, fn) {
      behaviours.set(path, fn);
    },
    /** Resolves the hits of `path` once there are at least `n`; rejects after `ms`. */
    waitFor(path, n, ms = 10000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const list = hits.get(path) ?? [];
          if (list.length < n) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(list);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${path}: ${(hits.get(path) ?? []).length} of ${n} requests after ${ms} ms`));
        }, ms);
        waiters.add(check);
        check();
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Gaps in ms between consecutive hits. */
export function gaps(list) {
  return list.slice(1).map((h, i) => h.at - list[i].at);
}

/** Asserts `actual` ms is within 10 % of `planned` ms (plus a few ms of transport). */
export function withinTenPercent(actual, planned) {
  return actual >= planned * 0.9 && actual <= planned * 1.1 + 30;
}

/** The hex HMAC-SHA256 of `${timestamp}.${body}`: the default signing of an hmac credential. */
export function hmacHex(secret, payload, algorithm = "sha256") {
  return createHmac(algorithm, secret).update(payload).digest("hex");
}

/** Resolves after `ms`. */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * GET /metrics (no key) parsed into {name: value} for samples with no label but the server's
 * `instance` (every webhook counter carries it); `instance` is that label's value.
 */
export async function metrics(server) {
  const res = await fetch(new URL("/metrics", server.baseUrl));
  const text = await res.text();
  const out = { status: res.status, contentType: res.headers.get("content-type"), text };
  for (const line of text.split("\n")) {
    const m = line.match(/^([a-z_]+)(?:\{instance="([^"]*)"\})? (\S+)$/);
    if (!m) continue;
    out[m[1]] = Number(m[3]);
    if (m[2]) out.instance = m[2];
  }
  return out;
}
