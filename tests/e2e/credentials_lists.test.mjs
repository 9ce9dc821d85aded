// GET /credential (every filter), the 400s of bad bodies and queries, and org isolation.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, api, createOrg, assertBadRequest } from "./harness.mjs";
import { credentialBody } from "./credentials_fixtures.mjs";

let server, other;
const made = [];  // oldest first

before(async () => {
  server = await startServer();
  other = await createOrg(server, "other team");
  for (const provider of ["openai", "deepgram", "byo-sip-trunk", "telnyx", "vonage", "webhook"]) {
    const res = await api(server, "/credential", { method: "POST", body: credentialBody(provider) });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    made.push(res.body);
    await new Promise((r) => setTimeout(r, 3));  // distinct createdAt
  }
});
after(async () => {
  await server?.stop();
});

const list = async (query = {}, token) => {
  const res = await api(server, "/credential", { query, token });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
};
const ids = (items) => items.map((c) => c.id);
const newestFirst = () => ids([...made].reverse());
const bad = (res) => ({ statusCode: res.status, body: res.body });
// Values of write-only fields in bodies that are refused: never stored, but recorded by the
// secrets audit, so each is unlike anything the tests store.
const REFUSED_KEY = "sk-proj-RefusedKey7Hq2";

test("list answers a plain array of the org's credentials, newest first, as created", async () => {
  const all = await list();
  assert.ok(Array.isArray(all));
  assert.deepEqual(all, [...made].reverse());
});

test("limit: 2 → the two newest; 0 → []; out of range or not a number → 400", async () => {
  assert.deepEqual(ids(await list({ limit: 2 })), newestFirst().slice(0, 2));
  assert.deepEqual(await list({ limit: 0 }), []);
  assertBadRequest(bad(await api(server, "/credential", { query: { limit: 1001 } })), "limit must not be greater than 1000");
  assertBadRequest(bad(await api(server, "/credential", { query: { limit: -1 } })), "limit must not be less than 0");
  assertBadRequest(bad(await api(server, "/credential", { query: { limit: "ten" } })),
    "limit must be a number conforming to the specified constraints");
});

test("createdAt filters: Gt/Lt strict, Ge/Le inclusive", async () => {
  const T = made[2].createdAt;
  assert.deepEqual(ids(await list({ createdAtGt: T })), ids(made.slice(3).reverse()));
  assert.deepEqual(ids(await list({ createdAtGe: T })), ids(made.slice(2).reverse()));
  assert.deepEqual(ids(await list({ createdAtLt: T })), ids(made.slice(0, 2).reverse()));
  assert.deepEqual(ids(await list({ createdAtLe: T })), ids(made.slice(0, 3).reverse()));
  assert.deepEqual(await list({ createdAtGt: T, createdAtLt: T }), []);
});

test("updatedAt filters follow updates", async () => {
  const cutoff = new Date().toISOString();
  await new Promise((r) => setTimeout(r, 3));
  const touched = await api(server, `/credential/${made[0].id}`, { method: "PATCH", body: { name: "OpenAI (rotated)" } });
  assert.equal(touched.status, 200);
  made[0] = touched.body;
  assert.deepEqual(ids(await list({ updatedAtGt: cutoff })), [made[0].id]);
  assert.deepEqual(ids(await list({ updatedAtGe: made[0].updatedAt })), [made[0].id]);
  assert.equal(ids(await list({ updatedAtLt: cutoff })).includes(made[0].id), false);
  assert.ok(ids(await list({ updatedAtLe: made[0].updatedAt })).includes(made[0].id));
  assertBadRequest(bad(await api(server, "/credential", { query: { updatedAtLe: "last week" } })),
    "updatedAtLe must be a valid ISO 8601 date string");
});

test("an unknown query parameter → 400 (the list takes no provider filter)", async () => {
  assertBadRequest(bad(await api(server, "/credential", { query: { provider: "openai" } })), "property provider should not exist");
});

test("another org sees none of these credentials, and cannot read, change or delete them", async () => {
  assert.deepEqual(await list({}, other.apiKey), []);
  const notFound = { message: "Credential not found", error: "Not Found", statusCode: 404 };
  for (const method of ["GET", "PATCH", "DELETE"]) {
    const res = await api(server, `/credential/${made[1].id}`, { method, token: other.apiKey, body: method === "PATCH" ? { name: "mine now" } : undefined });
    assert.equal(res.status, 404, method);
    assert.deepEqual(res.body, notFound);
  }
  assert.deepEqual((await api(server, `/credential/${made[1].id}`)).body, made[1]);
  // Its own credentials are its own.
  const own = await api(server, "/credential", { method: "POST", token: other.apiKey, body: credentialBody("openai") });
  assert.equal(own.status, 201);
  assert.deepEqual(ids(await list({}, other.apiKey)), [own.body.id]);
  assert.equal(ids(await list()).includes(own.body.id), false);
});

test("without an API key → 401", async () => {
  const res = await api(server, "/credential", { token: null });
  assert.equal(res.status, 401);
});

// ---------------------------------------------------------------------------------------------
// bad bodies

const post = (body, opts = {}) => api(server, "/credential", { method: "POST", body, ...opts });

test("no provider, or an unknown one → 400 listing every provider", async () => {
  for (const body of [{ apiKey: REFUSED_KEY }, { provider: "acme", apiKey: REFUSED_KEY }, { provider: 7 }]) {
    const [message] = assertBadRequest(bad(await post(body)));
    assert.match(message, /^provider must be one of the following values: 11labs, anthropic, /);
    assert.match(message, /, telnyx, /);
  }
});

test("a required field missing → 400 naming it", async () => {
  assertBadRequest(bad(await post({ provider: "openai", name: "no key" })), "apiKey must be a string");
  assertBadRequest(bad(await post({ provider: "vonage", apiKey: "c0ffee42" })), "apiSecret must be a string");
  assertBadRequest(bad(await post({ provider: "byo-sip-trunk", name: "no gateways" })), "gateways must be an array");
  assertBadRequest(bad(await post({ provider: "telnyx" })), "apiKey must be a string");
});

test("nested plans are validated: gateway port, auth plan type, bucket plan fields", async () => {
  assertBadRequest(bad(await post({ provider: "byo-sip-trunk", gateways: [{ ip: "10.0.0.1", port: 70000 }] })),
    "gateways.0.port must not be greater than 65535");
  const [plan] = assertBadRequest(bad(await post({ provider: "webhook", authenticationPlan: { type: "basic", token: "tok_RefusedPlan9Zx" } })));
  assert.match(plan, /^authenticationPlan\.type must be one of the following values: /);
  assertBadRequest(bad(await post({ provider: "s3-compatible", bucketPlan: { name: "b" } })), "bucketPlan.url must be a string");
});

test("unknown properties, wrong types and a name over 40 characters → 400", async () => {
  assertBadRequest(bad(await post({ provider: "openai", apiKey: REFUSED_KEY, organization: "org-1" })),
    "property organization should not exist");
  assertBadRequest(bad(await post({ provider: "openai", apiKey: 12345678 })), "apiKey must be a string");
  assertBadRequest(bad(await post({ provider: "openai", apiKey: REFUSED_KEY, name: "n".repeat(41) })),
    "name must be shorter than or equal to 40 characters");
});

test("a body that is not a JSON object → 400; another content type → 415", async () => {
  assertBadRequest(bad(await post(undefined, { rawBody: "[1,2]" })), "Request body must be a JSON object");
  assertBadRequest(bad(await post(undefined, { rawBody: "{\"provider\": " })));
  const form = await post(undefined, { rawBody: "provider=openai", headers: { "Content-Type": "application/x-www-form-urlencoded" } });
  assert.equal(form.status, 415);
  // Nothing was created by any of the rejected requests.
  assert.equal((await list()).length, made.length);
});
