// Sloppy and hostile clients at the HTTP layer: each gets a clear 4xx or a closed connection,
// quickly, and the server keeps serving everyone else.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, api } from "./harness.mjs";
import { nextNumber, orgCredentialId } from "./fixtures.mjs";
import { exchange, parseResponses, head } from "./hostile_wire.mjs";

let server;
before(async () => {
  server = await startServer({
    args: ["--header-timeout", "1", "--body-timeout", "1", "--first-byte-timeout", "1",
      "--idle-timeout", "2"],
  });
});
after(async () => {
  await server?.stop();
});

const json = { "Content-Type": "application/json" };

/** A raw POST /phone-number with `body` (a string or Buffer), exact Content-Length. */
async function postRaw(body, timeoutMs = 5000) {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const start = Date.now();
  const { text } = await exchange(server.baseUrl, [
    head(server, "POST", "/phone-number", {
      headers: { ...json, "Content-Length": bytes.length, Connection: "close" },
    }),
    bytes,
  ], { timeoutMs });
  const [response] = parseResponses(text);
  assert.ok(response, `no response: ${JSON.stringify(text.slice(0, 200))}`);
  return { ...response, ms: Date.now() - start };
}

test("slowloris: headers one byte at a time are cut at --header-timeout with 408", async () => {
  const request = head(server, "GET", "/phone-number");
  const chunks = [];
  for (const ch of request) chunks.push(ch, 200);
  const { text, closed, ms } = await exchange(server.baseUrl, chunks, { timeoutMs: 6000 });
  assert.ok(closed, "the connection should be closed");
  assert.ok(ms < 2500, `cut after ${ms} ms`);
  const [r] = parseResponses(text);
  assert.equal(r.status, 408);
  assert.deepEqual(r.json, {
    message: "Request timeout: the request did not arrive in time",
    error: "Request Timeout",
    statusCode: 408,
  });
  assert.equal(r.headers.connection, "close");
});

test("a connection that never sends a byte is closed after --first-byte-timeout", async () => {
  const { text, closed, ms } = await exchange(server.baseUrl, [], { timeoutMs: 5000 });
  assert.equal(text, "");
  assert.ok(closed);
  assert.ok(ms < 2500, `closed after ${ms} ms`);
});

test("a keep-alive connection is closed after --idle-timeout, not before", async () => {
  const get = head(server, "GET", "/health", { token: null });
  const { text, closed, ms } = await exchange(server.baseUrl, [get, 1000, get], { timeoutMs: 6000 });
  assert.equal(parseResponses(text).length, 2);
  assert.ok(closed);
  assert.ok(ms >= 2500 && ms < 4500, `closed after ${ms} ms`);
});

test("a Content-Length longer than the body is a 408 at --body-timeout", async () => {
  const { text, closed, ms } = await exchange(server.baseUrl, [
    head(server, "POST", "/phone-number", { headers: { ...json, "Content-Length": 100 } }),
    '{"provider":"byo-phone-number"}',
  ]);
  assert.ok(closed);
  assert.ok(ms < 2500, `cut after ${ms} ms`);
  assert.equal(parseResponses(text)[0].status, 408);
});

test("a Content-Length shorter than the body: the body is cut there, the rest is a 400", async () => {
  const body = '{"name":"x"}';
  const { text, closed } = await exchange(server.baseUrl, [
    head(server, "POST", "/phone-number", { headers: { ...json, "Content-Length": 5 } }) + body,
  ]);
  const responses = parseResponses(text);
  assert.equal(responses.length, 2, text);
  assert.equal(responses[0].status, 400);
  assert.match(responses[0].json.message[0], /^Request body is not valid JSON: incomplete JSON/);
  assert.equal(responses[1].status, 400);
  assert.match(responses[1].json.message[0], /^Malformed HTTP request/);
  assert.ok(closed);
});

test("Content-Length together with Transfer-Encoding is refused (no request smuggling)", async () => {
  const { text, closed } = await exchange(server.baseUrl, [
    head(server, "POST", "/phone-number", {
      headers: { ...json, "Content-Length": 4, "Transfer-Encoding": "chunked" },
    }) + "0\r\n\r\n",
  ]);
  assert.equal(parseResponses(text)[0].status, 400);
  assert.ok(closed);
});

test("HTTP/1.0: answered as HTTP/1.0, then the connection closes", async () => {
  const { text, closed } = await exchange(server.baseUrl, [
    head(server, "GET", "/phone-number?limit=1", { version: "1.0" }),
  ]);
  const [r] = parseResponses(text);
  assert.equal(r.statusLine, "HTTP/1.0 200 OK");
  assert.deepEqual(r.json, []);
  assert.ok(closed);
});

test("HTTP/1.0 with keep-alive stays open for a second request", async () => {
  const get = head(server, "GET", "/health", { version: "1.0", token: null,
    headers: { Connection: "keep-alive" } });
  const { text } = await exchange(server.baseUrl, [get, 100, get], { timeoutMs: 800 });
  const responses = parseResponses(text);
  assert.equal(responses.length, 2);
  assert.equal(responses[0].headers.connection, "keep-alive");
});

test("pipelined requests are answered in order", async () => {
  const ids = ["p1", "p2", "p3", "p4"];
  const paths = ["/health", "/phone-number?limit=1", "/nope", "/health"];
  const stream = ids
    .map((id, i) => head(server, "GET", paths[i], {
      headers: { "X-Request-Id": id, ...(i === ids.length - 1 ? { Connection: "close" } : {}) },
    }))
    .join("");
  const { text, closed } = await exchange(server.baseUrl, [stream]);
  const responses = parseResponses(text);
  assert.deepEqual(responses.map((r) => r.headers["x-request-id"]), ids);
  assert.deepEqual(responses.map((r) => r.status), [200, 200, 404, 200]);
  assert.ok(closed);
});

test("100,000 levels of nesting: a quick 400 that says why", async () => {
  const deep = "[".repeat(100_000) + "]".repeat(100_000);
  const r = await postRaw(`{"provider":"byo-phone-number","name":${deep}}`);
  assert.equal(r.status, 400);
  assert.equal(r.json.message[0],
    "Request body is not valid JSON: nested deeper than 256 levels at position 293");
  assert.ok(r.ms < 2000, `${r.ms} ms`);
  const objects = '{"a":'.repeat(100_000) + "1" + "}".repeat(100_000);
  assert.equal((await postRaw(objects)).status, 400);
});

test("invalid UTF-8 in a JSON string: 400 naming it", async () => {
  const body = Buffer.concat([
    Buffer.from('{"provider":"byo-phone-number","credentialId":"c","name":"caf'),
    Buffer.from([0xc3, 0x28]),
    Buffer.from('"}'),
  ]);
  const r = await postRaw(body);
  assert.equal(r.status, 400);
  assert.deepEqual(r.json, {
    message: ["Request body is not valid JSON: invalid UTF-8 at position 61"],
    error: "Bad Request",
    statusCode: 400,
  });
});

test("a huge array is parsed and refused quickly, with at most 100 messages", async () => {
  const items = Array.from({ length: 150_000 }, () => "1").join(",");
  const r = await postRaw(`{"provider":"byo-phone-number","credentialId":"c","hooks":[${items}]}`);
  assert.equal(r.status, 400);
  assert.ok(r.json.message.length <= 100);
  assert.ok(r.ms < 3000, `${r.ms} ms`);
});

test("duplicate JSON keys: the last value wins, as JSON.parse does", async () => {
  const number = nextNumber();
  // The first credentialId names nothing: dropped, it is never checked either.
  const credentialId = await orgCredentialId(server, "byo-sip-trunk");
  const raw = `{"provider":"byo-phone-number","credentialId":"c1","name":"first","number":"${number}",` +
    `"name":"second","credentialId":"${credentialId}"}`;
  assert.deepEqual(Object.keys(JSON.parse(raw)), ["provider", "credentialId", "name", "number"]);
  const created = await api(server, "/phone-number", { method: "POST", rawBody: raw });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.name, JSON.parse(raw).name);
  assert.equal(created.body.credentialId, credentialId);
  const fetched = await api(server, `/phone-number/${created.body.id}`);
  assert.equal(fetched.body.name, "second");
  // The last value is the one validated too: a bad value hidden behind a good one is caught.
  const hidden = await api(server, "/phone-number", {
    method: "POST",
    rawBody: `{"provider":"byo-phone-number","credentialId":"c","name":"ok","name":42}`,
  });
  assert.equal(hidden.status, 400);
  assert.deepEqual(hidden.body.message, ["name must be a string"]);
});

test("after all that, the server still answers", async () => {
  const r = await api(server, "/phone-number", { query: { limit: 1 } });
  assert.equal(r.status, 200);
});
