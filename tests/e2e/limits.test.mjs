// Limits: body size per route (413, answered before the body is read), rate limits per org and
// for unknown keys per address (429 with Retry-After), and the cap on connections.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, api, createOrg } from "./harness.mjs";
import { nextNumber, orgCredentialId } from "./fixtures.mjs";
import { connect, exchange, parseResponses, head } from "./hostile_wire.mjs";

let server, credentialId;
before(async () => {
  server = await startServer({
    args: ["--json-body-limit", "2000", "--body-limit", "8000", "--rate-limit", "2",
      "--rate-burst", "20", "--auth-rate-limit", "3", "--max-connections", "60",
      "--first-byte-timeout", "30", "--idle-timeout", "30"],
  });
  credentialId = await orgCredentialId(server, "byo-sip-trunk");  // one request of the rate budget
});
after(async () => {
  await server?.stop();
});

/** A byo-phone-number body padded with whitespace to `size` bytes. */
function paddedBody(size) {
  const body = JSON.stringify({ provider: "byo-phone-number", credentialId, number: nextNumber() });
  return body.slice(0, -1) + " ".repeat(Math.max(0, size - body.length)) + "}";
}

// Spreads requests over time so the org's rate limit (2/s, burst 20) stays out of the way.
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

test("a JSON body over the route's limit is a 413; the same size elsewhere is fine", async () => {
  const r = await api(server, "/phone-number", { method: "POST", rawBody: paddedBody(3000) });
  assert.equal(r.status, 413);
  assert.deepEqual(r.body, {
    message: "Request body is too large: at most 2000 bytes are accepted",
    error: "Payload Too Large",
    statusCode: 413,
  });
  const small = await api(server, "/phone-number", { method: "POST", rawBody: paddedBody(1900) });
  assert.equal(small.status, 201, JSON.stringify(small.body));
  // A route without a JSON body has the server-wide --body-limit.
  const health = await api(server, "/health", { method: "GET", token: null });
  assert.equal(health.status, 200);
  const { text } = await exchange(server.baseUrl, [
    head(server, "DELETE", `/phone-number/${small.body.id}`, {
      headers: { "Content-Length": 3000, Connection: "close" },
    }),
    "x".repeat(3000),
  ]);
  assert.equal(parseResponses(text)[0].status, 200);
  const tooBig = await exchange(server.baseUrl, [
    head(server, "DELETE", `/phone-number/${small.body.id}`, { headers: { "Content-Length": 9000 } }),
  ], { timeoutMs: 1000 });
  assert.equal(parseResponses(tooBig.text)[0].status, 413);
  await pause(1000);
});

test("the 413 comes right after the headers, without waiting for the body", async () => {
  const { text, closed, ms } = await exchange(server.baseUrl, [
    head(server, "POST", "/phone-number", {
      headers: { "Content-Type": "application/json", "Content-Length": 1_000_000 },
    }),
  ], { timeoutMs: 4000 });
  const [r] = parseResponses(text);
  assert.equal(r.status, 413);
  assert.equal(r.headers.connection, "close");
  assert.ok(closed && ms < 3000, `closed=${closed} after ${ms} ms`);
});

test("a client that sends a large refused body still reads the 413 (fetch, 3 MB)", async () => {
  const r = await api(server, "/phone-number", { method: "POST", rawBody: paddedBody(3_000_000) });
  assert.equal(r.status, 413);
  await pause(1000);
});

test("Expect: 100-continue over the limit gets the 413 instead of 100 Continue", async () => {
  const { text } = await exchange(server.baseUrl, [
    head(server, "POST", "/phone-number", {
      headers: { "Content-Type": "application/json", "Content-Length": 5000, Expect: "100-continue" },
    }),
  ], { timeoutMs: 1000 });
  assert.match(text, /^HTTP\/1\.1 413 /);
  assert.doesNotMatch(text, /100 Continue/);
});

test("over --rate-limit an org gets 429 with Retry-After; other orgs are not affected", async () => {
  await pause(1000);
  const other = await createOrg(server, "limits-other");
  const statuses = [];
  let limited;
  for (let i = 0; i < 40 && !limited; i++) {
    const r = await api(server, "/phone-number", { query: { limit: 1 } });
    statuses.push(r.status);
    if (r.status === 429) limited = r;
  }
  assert.ok(limited, `no 429 in ${statuses.join(",")}`);
  assert.ok(statuses.filter((s) => s === 200).length >= 15, statuses.join(","));
  assert.match(limited.headers.get("retry-after"), /^[1-9]\d*$/);
  assert.equal(limited.body.error, "Too Many Requests");
  assert.equal(limited.body.statusCode, 429);
  assert.match(limited.body.message, /^Rate limit exceeded: this org may make 2 requests per second\. Retry after \d+ seconds?\.$/);
  const theirs = await api(server, "/phone-number", { token: other.apiKey, query: { limit: 1 } });
  assert.equal(theirs.status, 200);
  // Waiting as told is enough.
  await pause(Number(limited.headers.get("retry-after")) * 1000);
  assert.equal((await api(server, "/phone-number", { query: { limit: 1 } })).status, 200);
});

test("a flood of unknown keys is answered 429 from memory; known keys still work", async () => {
  await pause(1000);
  const statuses = [];
  for (let i = 0; i < 10; i++)
    statuses.push((await api(server, "/phone-number", { token: `bad-key-${i}` })).status);
  assert.deepEqual(statuses.slice(0, 3), [401, 401, 401]);
  assert.ok(statuses.slice(3).every((s) => s === 429), statuses.join(","));
  const throttled = await api(server, "/phone-number", { token: "bad-key-x" });
  assert.equal(throttled.body.message.startsWith("Too many requests with unknown API keys"), true);
  assert.ok(throttled.headers.get("retry-after"));
  // The server's own (cached) key is not a lookup and is not throttled; neither is /health.
  assert.equal((await api(server, "/phone-number", { query: { limit: 1 } })).status, 200);
  assert.equal((await api(server, "/health", { token: null })).status, 200);
  assert.equal((await api(server, "/phone-number", { token: null })).status, 401);
});

test("at --max-connections, idle connections make room for active clients", async () => {
  await pause(1000);
  const idle = [];
  for (let i = 0; i < 70; i++) {
    const socket = await connect(server.baseUrl);
    socket.on("error", () => {});
    const entry = { socket, closed: false };
    socket.on("close", () => (entry.closed = true));
    idle.push(entry);
  }
  await pause(200);
  const r = await api(server, "/phone-number", { query: { limit: 1 } });
  assert.equal(r.status, 200);
  await pause(200);
  const closed = idle.filter((e) => e.closed).length;
  assert.ok(closed >= 10, `only ${closed} idle connections were closed`);
  for (const { socket } of idle) socket.destroy();
});
