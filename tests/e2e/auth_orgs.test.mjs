// API keys and org isolation.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, expectError, api, createOrg, clientFor, runCli, PHONE_NUMBER_NOT_FOUND } from "./harness.mjs";
import { orgRefs } from "./fixtures.mjs";

let server, client, orgB, mine;
before(async () => {
  server = await startServer();
  client = server.client;
  const refs = await orgRefs(server);
  mine = await client.phoneNumbers.create({
    provider: "byo-phone-number", credentialId: refs.byoCredentialId, number: "+12065550001", name: "A's number",
    assistantId: refs.assistantId,
  });
});
after(async () => {
  await server?.stop();
});

function assertUnauthorized(res) {
  assert.equal(res.status, 401, JSON.stringify(res.body));
  assert.equal(typeof res.body.message, "string");
  assert.ok(res.body.message.length > 0);
  assert.equal(res.body.error, "Unauthorized");
  assert.equal(res.body.statusCode, 401);
}

// ---------------------------------------------------------------------------------------------
// API keys

test("the server prints the preset API key", async () => {
  assert.ok(server.stdout().includes(`API key: ${server.apiKey}`), server.stdout());
});

test("no Authorization header → 401 on every phone-number route", async () => {
  const routes = [
    ["GET", "/phone-number"],
    ["POST", "/phone-number"],
    ["GET", "/v2/phone-number"],
    ["GET", `/phone-number/${mine.id}`],
    ["PATCH", `/phone-number/${mine.id}`],
    ["DELETE", `/phone-number/${mine.id}`],
  ];
  for (const [method, path] of routes) {
    const body = method === "POST" || method === "PATCH" ? { name: "x" } : undefined;
    assertUnauthorized(await api(server, path, { method, body, token: null }));
  }
  assert.deepEqual(await client.phoneNumbers.get({ id: mine.id }), mine, "nothing changed");
});

test("auth is checked before validation: no key + invalid body → 401, not 400", async () => {
  assertUnauthorized(await api(server, "/phone-number", { method: "POST", body: { foo: 1 }, token: null }));
  assertUnauthorized(await api(server, "/phone-number/not-a-uuid", { token: null }));
});

test("a wrong key → 401 (SDK)", async () => {
  const wrong = clientFor(server.baseUrl, "00000000-0000-4000-8000-000000000000");
  const err = await expectError(wrong.phoneNumbers.list());
  assert.equal(err.statusCode, 401);
  assert.equal(err.body.error, "Unauthorized");
  assert.equal(err.body.statusCode, 401);
  assert.equal(typeof err.body.message, "string");
  const err2 = await expectError(wrong.phoneNumbers.get({ id: mine.id }));
  assert.equal(err2.statusCode, 401);
});

test("malformed Authorization headers → 401", async () => {
  for (const header of [server.apiKey, `Basic ${server.apiKey}`, "Bearer", "Bearer ", `Bearer ${server.apiKey}x`, `Bearer ${server.apiKey.slice(0, -1)}`]) {
    const res = await api(server, "/phone-number", { headers: { Authorization: header } });
    assertUnauthorized(res);
  }
});

test("the `bearer` scheme is case-insensitive", async () => {
  for (const scheme of ["bearer", "BEARER", "Bearer"]) {
    const res = await api(server, "/phone-number", { headers: { Authorization: `${scheme} ${server.apiKey}` } });
    assert.equal(res.status, 200, scheme);
    assert.deepEqual(res.body.map((p) => p.id), [mine.id]);
  }
});

test("the SDK's X-Fern-* headers are accepted", async () => {
  const res = await api(server, "/phone-number", {
    headers: { "X-Fern-Language": "JavaScript", "X-Fern-SDK-Name": "@vapi-ai/server-sdk", "X-Fern-SDK-Version": "2.0.1" },
  });
  assert.equal(res.status, 200);
});

// ---------------------------------------------------------------------------------------------
// orgs

test("org create prints {orgId, apiKey} and the key works immediately on the running server", async () => {
  orgB = await createOrg(server, "B");
  assert.notEqual(orgB.orgId, mine.orgId);
  assert.notEqual(orgB.apiKey, server.apiKey);
  assert.deepEqual(await orgB.client.phoneNumbers.list(), []);
  const { vonageCredentialId } = await orgRefs(server, orgB.apiKey);
  const created = await orgB.client.phoneNumbers.create({ provider: "vonage", number: "+12065550001", credentialId: vonageCredentialId, name: "B's number" });
  assert.equal(created.orgId, orgB.orgId);
});

test("org create on a data dir twice gives distinct orgs and keys", async () => {
  const c1 = await createOrg(server, "C1");
  const c2 = await createOrg(server, "C1");
  assert.notEqual(c1.orgId, c2.orgId);
  assert.notEqual(c1.apiKey, c2.apiKey);
});

test("org create without a name fails with a non-zero exit code", async () => {
  const { code } = await runCli(["org", "create", "--data-dir", server.dataDir]);
  assert.notEqual(code, 0);
});

test("another org gets the plain 404 for A's number on get / update / delete", async () => {
  for (const call of [
    () => orgB.client.phoneNumbers.get({ id: mine.id }),
    () => orgB.client.phoneNumbers.update({ id: mine.id, body: { name: "stolen" } }),
    () => orgB.client.phoneNumbers.update({ id: mine.id, body: { assistantId: null } }),
    () => orgB.client.phoneNumbers.delete({ id: mine.id }),
  ]) {
    const err = await expectError(call());
    assert.equal(err.statusCode, 404);
    assert.deepEqual(err.body, PHONE_NUMBER_NOT_FOUND);
  }
});

test("another org's lists don't include A's number", async () => {
  const list = await orgB.client.phoneNumbers.list();
  assert.deepEqual(list.map((p) => p.name), ["B's number"]);
  const v2 = await orgB.client.phoneNumbers.phoneNumberControllerFindAllPaginated({ search: "+12065550001" });
  assert.deepEqual(v2.results.map((p) => p.name), ["B's number"]);
  assert.equal(v2.metadata.totalItems, 1);
  const all = await orgB.client.phoneNumbers.phoneNumberControllerFindAllPaginated();
  assert.equal(all.results.some((p) => p.id === mine.id), false);
  const aList = await client.phoneNumbers.list();
  assert.deepEqual(aList.map((p) => p.id), [mine.id]);
});

test("A's number is unchanged after the other org's attempts", async () => {
  assert.deepEqual(await client.phoneNumbers.get({ id: mine.id }), mine);
});
