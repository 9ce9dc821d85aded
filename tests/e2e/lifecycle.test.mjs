// Process lifecycle: signals, restarts on the same data dir, crash durability, request ids.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { startServer, api, tempDir, removeTempDir, createOrg, clientFor } from "./harness.mjs";
import { nextNumber, orgCredentialId } from "./fixtures.mjs";

const cleanups = [];
after(async () => {
  for (const fn of cleanups.reverse()) await fn();
});
/** A data dir removed after the file's tests. */
function ownDataDir() {
  const dir = tempDir();
  cleanups.push(() => removeTempDir(dir));
  return dir;
}
/** Starts a server that is stopped after the file's tests (if a test did not stop it). */
async function start(options) {
  const server = await startServer(options);
  cleanups.push(() => server.stop());
  return server;
}

test("SIGTERM → exit code 0", async () => {
  const server = await start();
  await server.client.phoneNumbers.list();
  assert.deepEqual(await server.stop(), { code: 0, signal: null });
});

test("SIGINT → exit code 0", async () => {
  const server = await start();
  await server.client.phoneNumbers.list();
  assert.deepEqual(await server.kill("SIGINT"), { code: 0, signal: null });
});

test("data, keys and orgs survive a restart on the same data dir", async () => {
  const dataDir = ownDataDir();
  const apiKey = "e2e-restart-key-0123456789";
  const first = await start({ dataDir, apiKey });
  const orgB = await createOrg(first, "B");
  const credential = (provider, key) => orgCredentialId(first, provider, key);
  const made = [];
  for (const body of [
    { provider: "byo-phone-number", credentialId: await credential("byo-sip-trunk"), number: nextNumber(), name: "one" },
    { provider: "twilio", number: nextNumber(), twilioAccountSid: "AC1", twilioAuthToken: "restart-secret-token" },
    { provider: "vapi", sipUri: "sip:restart@example.com", authentication: { username: "restart-user-0123456789", password: "restart-pass-0123456789" } },
  ]) made.push(await first.client.phoneNumbers.create(body));
  const updated = await first.client.phoneNumbers.update({ id: made[0].id, body: { name: "one (renamed)" } });
  made[0] = updated;
  const deleted = await first.client.phoneNumbers.create({ provider: "telnyx", number: nextNumber(), credentialId: await credential("telnyx") });
  await first.client.phoneNumbers.delete({ id: deleted.id });
  const bNumber = await orgB.client.phoneNumbers.create({ provider: "vonage", number: nextNumber(), credentialId: await credential("vonage", orgB.apiKey) });
  const listBefore = await first.client.phoneNumbers.list();
  assert.deepEqual(await first.stop(), { code: 0, signal: null });

  // Restart with the same key; the env var only matters for an empty data dir.
  const second = await start({ dataDir, apiKey });
  assert.deepEqual(await second.client.phoneNumbers.list(), listBefore);
  for (const p of made) assert.deepEqual(await second.client.phoneNumbers.get({ id: p.id }), p);
  const err = await second.client.phoneNumbers.get({ id: deleted.id }).catch((e) => e);
  assert.equal(err.statusCode, 404);
  // Org B's key and number survived too.
  const b = clientFor(second.baseUrl, orgB.apiKey);
  assert.deepEqual(await b.phoneNumbers.list(), [bNumber]);
  // Updates keep working (and the sealed secret of the twilio number is still readable by the server).
  const renamed = await second.client.phoneNumbers.update({ id: made[1].id, body: { name: "after restart" } });
  assert.equal(renamed.name, "after restart");
  assert.equal("twilioAuthToken" in renamed, false);
  assert.deepEqual(await second.stop(), { code: 0, signal: null });

  // A different SWITCHBOARD_API_KEY does not replace the stored key of a non-empty data dir.
  const third = await start({ dataDir, apiKey: "some-other-key-0123456789" });
  const res = await api(third, "/phone-number");
  assert.equal(res.status, 401);
  const ok = await api(third, "/phone-number", { token: apiKey });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.length, 3);
  await third.stop();
});

test("after SIGKILL, every number whose create got a 201 is still there", async (t) => {
  const dataDir = ownDataDir();
  const apiKey = "e2e-crash-key-0123456789";
  const first = await start({ dataDir, apiKey });
  const credentialId = await orgCredentialId(first, "byo-sip-trunk");
  const acknowledged = [];
  for (let i = 0; i < 10; i++)
    acknowledged.push(await first.client.phoneNumbers.create({ provider: "byo-phone-number", credentialId, number: nextNumber(), name: `seq ${i}` }));
  const updated = await first.client.phoneNumbers.update({ id: acknowledged[0].id, body: { name: "updated before crash" } });
  acknowledged[0] = updated;
  // A burst of concurrent creates, killed while (some of) them are in flight.
  // Plain fetch here: the SDK leaves its 60 s timeout timer armed after a network error, which
  // would keep the test process alive for a minute. Each promise is settled into a value right
  // away, so a connection reset is never an unhandled rejection.
  const inFlight = [];
  for (let i = 0; i < 30; i++)
    inFlight.push(
      api(first, "/phone-number", {
        method: "POST",
        body: { provider: "byo-phone-number", credentialId, number: nextNumber(), name: `burst ${i}` },
      }).then((res) => ({ res }), (error) => ({ error })),
    );
  await inFlight[0]; // at least one answered: the burst has reached the server
  const status = await first.kill("SIGKILL");
  assert.equal(status.signal, "SIGKILL");
  let answered = 0;
  for (const r of await Promise.all(inFlight)) {
    if (!r.res) continue; // cut off by the kill
    assert.equal(r.res.status, 201, JSON.stringify(r.res.body));
    acknowledged.push(r.res.body);
    answered += 1;
  }
  assert.ok(answered >= 1);
  t.diagnostic(`burst: ${answered} of ${inFlight.length} creates answered before the kill`);

  const second = await start({ dataDir, apiKey });
  const list = await second.client.phoneNumbers.list({ limit: 1000 });
  const byId = new Map(list.map((p) => [p.id, p]));
  for (const p of acknowledged) assert.deepEqual(byId.get(p.id), p, `lost ${p.name}`);
  // Nothing half-written: every stored number is complete.
  for (const p of list) {
    assert.equal(p.provider, "byo-phone-number");
    assert.equal(p.credentialId, credentialId);
    assert.equal(p.status, "active");
  }
  // And the restarted server accepts writes.
  const after = await second.client.phoneNumbers.create({ provider: "byo-phone-number", credentialId, number: nextNumber() });
  assert.equal((await second.client.phoneNumbers.get({ id: after.id })).id, after.id);
  await second.stop();
});

test("SIGTERM lets an in-flight request finish", async () => {
  const server = await start();
  const { port } = new URL(server.baseUrl);
  const credentialId = await orgCredentialId(server, "byo-sip-trunk");
  const body = JSON.stringify({ provider: "byo-phone-number", credentialId, number: "+12065559999", name: "in flight" });
  const half = Math.floor(body.length / 2);
  const socket = net.connect(Number(port), "127.0.0.1");
  await new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  let response = "";
  socket.on("data", (d) => (response += d));
  const closed = new Promise((resolve) => socket.on("close", resolve));
  socket.write(
    `POST /phone-number HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${server.apiKey}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n` +
    body.slice(0, half),
  );
  // Prove the server has parsed the headers: a second request on another connection is answered.
  assert.equal((await api(server, "/health")).status, 200);
  await new Promise((r) => setTimeout(r, 100)); // let the server read the first half
  server.process.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 100));
  socket.write(body.slice(half));
  await closed;
  assert.match(response, /^HTTP\/1\.1 201 /, response);
  assert.ok(response.includes('"name":"in flight"'), response);
  assert.deepEqual(await server.exited, { code: 0, signal: null });
});

test("after SIGTERM the server stops accepting connections", async () => {
  const server = await start();
  const url = server.baseUrl;
  await server.stop();
  await assert.rejects(fetch(`${url}/health`));
});

// ---------------------------------------------------------------------------------------------
// request ids

test("x-request-id: present on every response; an incoming X-Request-Id is echoed", async () => {
  const server = await start();
  const cases = [
    ["/phone-number", {}],
    ["/phone-number", { method: "POST", body: { foo: 1 } }], // 400
    ["/phone-number/3f2b8c1d-9e4a-4b6c-8d7e-1f0a2b3c4d5e", {}], // 404
    ["/phone-number", { token: null }], // 401
    ["/nope", {}], // unknown route
    ["/health", { token: null }],
  ];
  const seen = new Set();
  for (const [path, opts] of cases) {
    const res = await api(server, path, opts);
    const id = res.headers.get("x-request-id");
    assert.ok(id && id.length > 0, `${path} ${res.status} has no x-request-id`);
    seen.add(id);
    const echoed = await api(server, path, { ...opts, headers: { "X-Request-Id": "abc-123" } });
    assert.equal(echoed.headers.get("x-request-id"), "abc-123", `${path} ${echoed.status}`);
  }
  assert.equal(seen.size, cases.length, "generated request ids are unique");
  // Through the SDK as well.
  const { rawResponse } = await server.client.phoneNumbers.list().withRawResponse();
  assert.ok(rawResponse.headers.get("x-request-id"));
  const { rawResponse: raw2 } = await server.client.phoneNumbers
    .create({ provider: "vapi", sipUri: "sip:req-id@example.com" }, { headers: { "X-Request-Id": "abc-123" } })
    .withRawResponse();
  assert.equal(raw2.status, 201);
  assert.equal(raw2.headers.get("x-request-id"), "abc-123");
  await server.stop();
});
