// Create / get / update / delete of credentials, every type, with fetch (the SDK 2.0.1 has no
// credentials client). Secrets are write-only: never in a response, a log, or the data dir.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, api, dataDirBytes, ISO_MS, UUID_V4 } from "./harness.mjs";
import { PROVIDERS, SECRET_PATHS, credentialBody, withoutSecrets, secret } from "./credentials_fixtures.mjs";

const NOT_FOUND = { message: "Credential not found", error: "Not Found", statusCode: 404 };

let server;
const sentSecrets = [];
const created = {};  // provider → created credential

before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

/** Asserts no secret sent so far appears in `value` (a parsed body or text). */
function assertNoSecrets(label, value) {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  for (const s of sentSecrets) assert.ok(!text.includes(s), `${label} leaked ${s}`);
}

test("every credential type of the document (and telnyx) is accepted: 58 types", () => {
  assert.equal(PROVIDERS.length, 58);
});

test("create each type with a realistic body → 201, echoed without its secrets", async () => {
  for (const provider of PROVIDERS) {
    const body = credentialBody(provider, sentSecrets);
    const res = await api(server, "/credential", { method: "POST", body });
    assert.equal(res.status, 201, `${provider}: ${JSON.stringify(res.body)}`);
    const { id, orgId, createdAt, updatedAt, ...rest } = res.body;
    assert.match(id, UUID_V4);
    assert.equal(typeof orgId, "string");
    assert.match(createdAt, ISO_MS);
    assert.equal(updatedAt, createdAt);
    assert.deepEqual(rest, withoutSecrets(body, SECRET_PATHS[provider]), provider);
    assertNoSecrets(`create ${provider}`, res.body);
    created[provider] = res.body;
  }
});

test("get returns each credential exactly as created", async () => {
  for (const provider of PROVIDERS) {
    const res = await api(server, `/credential/${created[provider].id}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, created[provider], provider);
  }
});

test("the id in the path is matched case-insensitively", async () => {
  const { id } = created.openai;
  const res = await api(server, `/credential/${id.toUpperCase()}`);
  assert.equal(res.status, 200);
  assert.equal(res.body.id, id);
});

test("update rotates a secret: not returned, the rest unchanged, updatedAt advances", async () => {
  const before = created.openai;
  const rotated = secret("sk-proj-");
  sentSecrets.push(rotated);
  const res = await api(server, `/credential/${before.id}`, { method: "PATCH", body: { apiKey: rotated } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal("apiKey" in res.body, false);
  assert.equal(res.body.name, before.name);
  assert.equal(res.body.createdAt, before.createdAt);
  assert.ok(res.body.updatedAt > before.updatedAt);
  assertNoSecrets("rotate", res.body);
});

test("update with the provider stated, renaming, and with null removing the name", async () => {
  const { id } = created.anthropic;
  const renamed = await api(server, `/credential/${id}`, { method: "PATCH", body: { provider: "anthropic", name: "Claude (staging)" } });
  assert.equal(renamed.status, 200);
  assert.equal(renamed.body.name, "Claude (staging)");
  const cleared = await api(server, `/credential/${id}`, { method: "PATCH", body: { name: null } });
  assert.equal(cleared.status, 200);
  assert.equal("name" in cleared.body, false);
  assert.deepEqual((await api(server, `/credential/${id}`)).body, cleared.body);
});

test("update replaces a nested plan; its new secret stays hidden, the rest is shown", async () => {
  const { id } = created["byo-sip-trunk"];
  const password = secret("sip-");
  sentSecrets.push(password);
  const plan = { authUsername: "acme-trunk-user-2", authPassword: password, sipRegisterPlan: { realm: "sip.example.net" } };
  const res = await api(server, `/credential/${id}`, { method: "PATCH", body: { outboundAuthenticationPlan: plan } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body.outboundAuthenticationPlan, { authUsername: "acme-trunk-user-2", sipRegisterPlan: { realm: "sip.example.net" } });
  assert.deepEqual(res.body.gateways, created["byo-sip-trunk"].gateways);
  assertNoSecrets("plan update", res.body);
});

test("update of types the document gives no Update DTO (minimax, tavus, telnyx, ...) works", async () => {
  for (const provider of ["minimax", "smallest-ai", "speechmatics", "supabase", "tavus", "telnyx"]) {
    const res = await api(server, `/credential/${created[provider].id}`, { method: "PATCH", body: { name: `${provider} renamed` } });
    assert.equal(res.status, 200, `${provider}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.name, `${provider} renamed`);
  }
});

test("update with another provider → 400, and nothing changes", async () => {
  const { id } = created.deepgram;
  const before = (await api(server, `/credential/${id}`)).body;
  const res = await api(server, `/credential/${id}`, { method: "PATCH", body: { provider: "openai", apiKey: "sk-proj-OtherProvider0" } });
  assert.equal(res.status, 400);
  assert.deepEqual(res.body, {
    message: ["provider cannot be changed: this credential is deepgram, not openai"],
    error: "Bad Request",
    statusCode: 400,
  });
  assert.deepEqual((await api(server, `/credential/${id}`)).body, before);
});

test("update is validated against the stored type's DTO", async () => {
  const { id } = created.twilio;
  const res = await api(server, `/credential/${id}`, { method: "PATCH", body: { apiUrl: "https://x.example", accountSid: 42 } });
  assert.equal(res.status, 400);
  assert.deepEqual(res.body.message, ["accountSid must be a string", "property apiUrl should not exist"]);
});

test("delete returns the credential; then get, update and delete → 404", async () => {
  const doomed = created.groq;
  const res = await api(server, `/credential/${doomed.id}`, { method: "DELETE" });
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, doomed);
  for (const method of ["GET", "PATCH", "DELETE"]) {
    const again = await api(server, `/credential/${doomed.id}`, { method, body: method === "PATCH" ? { name: "x" } : undefined });
    assert.equal(again.status, 404, method);
    assert.deepEqual(again.body, NOT_FOUND);
  }
});

test("a missing id → 404 with the exact body; a non-uuid id → 400", async () => {
  const missing = "00000000-0000-4000-8000-000000000000";
  for (const method of ["GET", "PATCH", "DELETE"]) {
    const res = await api(server, `/credential/${missing}`, { method, body: method === "PATCH" ? { name: "x" } : undefined });
    assert.equal(res.status, 404);
    assert.deepEqual(res.body, NOT_FOUND);
    const bad = await api(server, "/credential/cred_abc123", { method, body: method === "PATCH" ? { name: "x" } : undefined });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.message, ["id must be a UUID"]);
  }
});

test("secrets never appear in any response, log line, or the data dir while running", async () => {
  assert.ok(sentSecrets.length > 60, `only ${sentSecrets.length} secrets were sent`);
  assertNoSecrets("list", (await api(server, "/credential", { query: { limit: 1000 } })).body);
  for (const c of Object.values(created)) assertNoSecrets("get", (await api(server, `/credential/${c.id}`)).body);
  // A rejected create does not echo one either.
  const leaked = secret("sk-proj-");
  sentSecrets.push(leaked);
  const rejected = await api(server, "/credential", { method: "POST", body: { provider: "openai", apiKey: leaked, name: "n".repeat(41) } });
  assert.equal(rejected.status, 400);
  assertNoSecrets("400", rejected.body);
  assertNoSecrets("stdout", server.stdout());
  assertNoSecrets("stderr", server.stderr());
  for (const { name, text } of dataDirBytes(server.dataDir)) assertNoSecrets(name, text);
  // Sanity: the grep can find what is stored in plaintext.
  const all = dataDirBytes(server.dataDir).map((f) => f.text).join("");
  assert.ok(all.includes("acme-trunk-user-2"), "non-secret fields should be in the database");
});

test("after a clean shutdown the data dir holds no plaintext secret", async () => {
  const status = await server.stop({ keepData: true });
  assert.deepEqual(status, { code: 0, signal: null });
  for (const { name, text } of dataDirBytes(server.dataDir)) assertNoSecrets(name, text);
});
