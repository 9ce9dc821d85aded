// Server messages as a receiver sees them: sessions created, updated and deleted through the
// SDK send session.created / session.updated / session.deleted to the server by precedence
// (the assistant's, else the org's, set with PATCH /org/{id}), with the server's headers, a
// stable X-Message-Id, and the credential's bearer token or HMAC signature, verified here
// independently; one session's messages arrive one at a time, in order.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, api, createOrg, UUID_V4, ISO_MS } from "./harness.mjs";
import { smallAssistant } from "./agents_fixtures.mjs";
import { startReceiver, hmacHex, sleep } from "./webhooks_receiver.mjs";

let server, receiver, orgId;
before(async () => {
  receiver = await startReceiver();
  server = await startServer();
});
after(async () => {
  await server?.stop();
  await receiver?.close();
});

async function assistantWith(serverObject) {
  const a = await server.client.assistants.create(smallAssistant("Webhooks", serverObject ? { server: serverObject } : {}));
  orgId = a.orgId;
  return a;
}

async function credential(authenticationPlan) {
  const res = await api(server, "/credential", {
    method: "POST",
    body: { provider: "webhook", name: "receiver", authenticationPlan },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
}

test("session.created, .updated and .deleted reach the assistant's server in order, with its headers", async () => {
  const path = "/shape";
  const assistant = await assistantWith({ url: receiver.url(path), headers: { "X-Team": "blue" } });
  const sessions = server.client.sessions;
  const session = await sessions.create({ name: "Booking", assistantId: assistant.id, customer: { number: "+14155550100" } });
  await sessions.update({ id: session.id, name: "Booking (moved)" });
  await sessions.delete({ id: session.id });
  const hits = await receiver.waitFor(path, 3);
  assert.deepEqual(hits.map((h) => h.json.message.type), ["session.created", "session.updated", "session.deleted"]);
  const ids = new Set();
  for (const h of hits) {
    assert.equal(h.method, "POST");
    assert.equal(h.headers["content-type"], "application/json");
    assert.equal(h.headers["x-team"], "blue");
    assert.match(h.headers["x-message-id"], UUID_V4);
    ids.add(h.headers["x-message-id"]);
    assert.deepEqual(Object.keys(h.json), ["message"]);
    const m = h.json.message;
    assert.equal(typeof m.timestamp, "number");
    assert.ok(Math.abs(Date.now() - m.timestamp) < 60000);
    assert.equal(m.session.id, session.id);
    assert.equal(m.session.orgId, orgId);
    assert.match(m.session.updatedAt, ISO_MS);
    assert.deepEqual(m.customer, { number: "+14155550100" });
  }
  assert.equal(ids.size, 3, "every message has an id of its own");
  assert.deepEqual(hits[0].json.message.session, session);
  assert.equal(hits[1].json.message.session.name, "Booking (moved)");
  assert.equal(hits[2].json.message.session.name, "Booking (moved)");
});

test("a bearer credential's token is in the header it names; an explicit Authorization wins", async () => {
  const cred = await credential({ type: "bearer", token: "tok-3f9a" });
  const a = await assistantWith({ url: receiver.url("/bearer"), credentialId: cred });
  await server.client.sessions.create({ assistantId: a.id });
  const [hit] = await receiver.waitFor("/bearer", 1);
  assert.equal(hit.headers.authorization, "Bearer tok-3f9a");

  const named = await credential({ type: "bearer", token: "tok-77", headerName: "X-Api-Token", bearerPrefixEnabled: false });
  const b = await assistantWith({ url: receiver.url("/bearer-named"), credentialId: named });
  await server.client.sessions.create({ assistantId: b.id });
  const [hit2] = await receiver.waitFor("/bearer-named", 1);
  assert.equal(hit2.headers["x-api-token"], "tok-77");
  assert.equal(hit2.headers.authorization, undefined);

  const c = await assistantWith({ url: receiver.url("/bearer-override"), credentialId: cred, headers: { Authorization: "Basic b3ZlcnJpZGU=" } });
  await server.client.sessions.create({ assistantId: c.id });
  const [hit3] = await receiver.waitFor("/bearer-override", 1);
  assert.equal(hit3.headers.authorization, "Basic b3ZlcnJpZGU=");
});

test("an HMAC credential signs timestamp.body; the signature verifies with the secret", async () => {
  const secret = "whk-secret-5d1e";
  const cred = await credential({ type: "hmac", secretKey: secret, algorithm: "sha256" });
  const a = await assistantWith({ url: receiver.url("/hmac"), credentialId: cred });
  await server.client.sessions.create({ assistantId: a.id });
  const [hit] = await receiver.waitFor("/hmac", 1);
  const timestamp = hit.headers["x-timestamp"];
  assert.match(timestamp, /^\d{10}$/);
  assert.ok(Math.abs(Number(timestamp) - Date.now() / 1000) < 60);
  assert.equal(hit.headers["x-signature"], hmacHex(secret, `${timestamp}.${hit.raw}`));
  assert.notEqual(hit.headers["x-signature"], hmacHex("another secret", `${timestamp}.${hit.raw}`));

  const github = await credential({ type: "hmac", secretKey: secret, algorithm: "sha512", signatureHeader: "X-Hub-Signature", signaturePrefix: "sha512=", includeTimestamp: false });
  const b = await assistantWith({ url: receiver.url("/hmac-github"), credentialId: github });
  await server.client.sessions.create({ assistantId: b.id });
  const [hit2] = await receiver.waitFor("/hmac-github", 1);
  assert.equal(hit2.headers["x-hub-signature"], "sha512=" + hmacHex(secret, hit2.raw, "sha512"));
});

test("the org's server, set with PATCH /org/{id}, gets the messages when the assistant has none", async () => {
  const a = await assistantWith(null);
  const before = await api(server, `/org/${orgId}`);
  assert.equal(before.status, 200);
  assert.equal(before.body.id, orgId);
  assert.match(before.body.createdAt, ISO_MS);
  assert.equal(before.body.server, undefined);

  const patched = await api(server, `/org/${orgId}`, {
    method: "PATCH",
    body: { name: "Acme Voice", server: { url: receiver.url("/org"), headers: { "X-Org": "acme" } } },
  });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  assert.equal(patched.body.name, "Acme Voice");
  assert.deepEqual(patched.body.server, { url: receiver.url("/org"), headers: { "X-Org": "acme" } });
  assert.ok(patched.body.updatedAt > before.body.updatedAt);
  assert.deepEqual((await api(server, `/org/${orgId}`)).body, patched.body);

  const session = await server.client.sessions.create({ assistantId: a.id });
  const [hit] = await receiver.waitFor("/org", 1);
  assert.equal(hit.json.message.session.id, session.id);
  assert.equal(hit.headers["x-org"], "acme");

  // The assistant's own server still comes first.
  const own = await assistantWith({ url: receiver.url("/own") });
  await server.client.sessions.create({ assistantId: own.id });
  await receiver.waitFor("/own", 1);
  await sleep(300);
  assert.equal(receiver.hits("/org").length, 1);
});

test("/org/{id}: another org's id is 404, bodies are validated, a server credential must be the org's", async () => {
  const other = await api(server, "/org/00000000-0000-4000-8000-000000000000");
  assert.equal(other.status, 404);
  assert.equal(other.body.message, "Org not found");
  const otherPatch = await api(server, "/org/00000000-0000-4000-8000-000000000000", { method: "PATCH", body: { name: "x" } });
  assert.equal(otherPatch.status, 404);
  const bad = await api(server, `/org/${orgId}`, { method: "PATCH", body: { server: { url: "http://x", timeoutSeconds: 999 } } });
  assert.equal(bad.status, 400);
  const dangling = await api(server, `/org/${orgId}`, {
    method: "PATCH",
    body: { server: { url: "http://x", credentialId: "00000000-0000-4000-8000-000000000001" } },
  });
  assert.equal(dangling.status, 400);
  assert.match(JSON.stringify(dangling.body.message), /credentialId/);
  assert.equal((await api(server, `/org/${orgId}`, { token: null })).status, 401);

  // Another org's key sees this org as missing, and cannot change it.
  const intruder = await createOrg(server, "intruder");
  const mine = await api(server, `/org/${orgId}`);
  for (const method of ["GET", "PATCH"]) {
    const res = await api(server, `/org/${orgId}`, { method, token: intruder.apiKey, body: method === "PATCH" ? { name: "taken over" } : undefined });
    assert.deepEqual(res.body, { message: "Org not found", error: "Not Found", statusCode: 404 }, method);
  }
  assert.deepEqual((await api(server, `/org/${orgId}`)).body, mine.body);
  assert.equal((await api(server, `/org/${intruder.orgId}`, { token: intruder.apiKey })).body.name, "intruder");
});

test("one session's messages go one at a time: the next waits for the previous answer", async () => {
  const path = "/ordered";
  let open = 0;
  let overlapped = false;
  receiver.on(path, () => {
    open += 1;
    if (open > 1) overlapped = true;
    setTimeout(() => (open -= 1), 150);
    return { status: 200, delayMs: 150 };
  });
  const a = await assistantWith({ url: receiver.url(path) });
  const sessions = server.client.sessions;
  const session = await sessions.create({ name: "v0", assistantId: a.id });
  for (let i = 1; i <= 5; i++) await sessions.update({ id: session.id, name: `v${i}` });
  const hits = await receiver.waitFor(path, 6);
  assert.deepEqual(hits.map((h) => h.json.message.session.name), ["v0", "v1", "v2", "v3", "v4", "v5"]);
  for (let i = 1; i < hits.length; i++) assert.ok(hits[i].at - hits[i - 1].at >= 145, `gap ${i}`);
  assert.equal(overlapped, false);
});
