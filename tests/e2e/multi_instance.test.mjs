// Two instances on one PostgreSQL database behind a round-robin proxy, driven through the
// official SDK as one server: a write through one instance is read through the other (its
// response cache told by LISTEN/NOTIFY), a deleted key is refused by both, a file uploaded
// through one is served by the other, a live call's controlUrl works through either, a
// carrier's status callback reaching the wrong instance ends the call where it is live, and the
// calls of an instance killed -9 are ended by the other with their reports. Runs only on
// PostgreSQL (SB_E2E_POSTGRES_URL).
//
// "At once" means within the change feed's bounded delay (about a millisecond: docs/
// multi-instance.md); reads are retried for up to kBound so a loaded machine cannot fail
// the test, and a stale read past it does.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { randomBytes } from "node:crypto";
import { startServer, clientFor, expectError, runCli, api, tempDir, removeTempDir } from "./harness.mjs";
import { startReceiver } from "./webhooks_receiver.mjs";
import { nextNumber } from "./fixtures.mjs";
import { twilioRing, twilioSignature, nextCallSid } from "./telephony_helpers.mjs";
import { connectTwilioStream } from "./twilio_stream_emulator.mjs";
import {
  dial,
  listenTo,
  standinAssistant,
  startTranscriberStandin,
  startVoiceStandin,
  until,
  waitForCallStatus,
} from "./voice_helpers.mjs";

const POSTGRES = process.env.SB_E2E_POSTGRES_URL;
const skip = POSTGRES ? false : "needs PostgreSQL (SB_E2E_POSTGRES_URL)";
const kBound = 1000;  // ms
const kHeartbeatMs = 300; // an instance silent for 3 beats is dead

/** A round-robin HTTP proxy: request i goes to backends[i % n]; `served` counts per backend. */
function startProxy() {
  const proxy = { backends: [], served: [], next: 0 };
  const server = http.createServer((req, res) => {
    const i = proxy.next++ % proxy.backends.length;
    proxy.served[i] = (proxy.served[i] ?? 0) + 1;
    const target = new URL(proxy.backends[i]);
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      proxy.url = `http://127.0.0.1:${server.address().port}`;
      proxy.close = () => new Promise((done) => server.close(done));
      resolve(proxy);
    }),
  );
}

/** Retries `read` until `ok(value)` or kBound ms passed; resolves the last value. */
async function eventually(read, ok) {
  const start = Date.now();
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() - start > kBound) return value;
    await new Promise((r) => setTimeout(r, 5));
  }
}

let proxy, a, b, client, dataDirs = [];
let receiver, transcriber, voice;
before(async () => {
  if (skip) return;
  proxy = await startProxy();
  receiver = await startReceiver();
  transcriber = await startTranscriberStandin();
  voice = await startVoiceStandin();
  // Every instance: the same secret key (sealed provider secrets open anywhere) and the same
  // public URL (the proxy's), as behind a real load balancer.
  const env = { SWITCHBOARD_SECRET_KEY: randomBytes(32).toString("hex") };
  // Short heartbeats and webhook leases, so a killed instance's calls and messages are taken
  // over within the test's patience.
  const args = ["--public-url", proxy.url, "--instance-heartbeat-ms", String(kHeartbeatMs),
    "--webhook-lease-seconds", "2"];
  dataDirs = [tempDir(), tempDir()];
  a = await startServer({ env, args, dataDir: dataDirs[0] });
  b = await startServer({ env, args, dataDir: dataDirs[1], database: a.database, apiKey: a.apiKey });
  proxy.backends = [a.baseUrl, b.baseUrl];
  client = clientFor(proxy.url, a.apiKey);
});
after(async () => {
  await a?.stop();
  await b?.stop();
  await proxy?.close();
  await receiver?.close();
  await transcriber?.close();
  await voice?.close();
  for (const dir of dataDirs) removeTempDir(dir);
});

test("a write through one instance is read through the other, cached reads included", { skip }, async () => {
  const tool = await client.tools.create({ type: "function", function: { name: "lookup" } });
  // Both instances read it twice, so both have it (and the list) in their response caches.
  for (let i = 0; i < 4; ++i) assert.equal((await client.tools.get({ id: tool.id })).function.name, "lookup");
  for (let i = 0; i < 4; ++i) assert.ok((await client.tools.list()).some((t) => t.id === tool.id));
  for (const [writer, reader, name] of [[a, b, "lookup_b"], [b, a, "lookup_a"]]) {
    await clientFor(writer.baseUrl, a.apiKey).tools.update({ id: tool.id, body: { function: { name } } });
    const read = await eventually(() => api(reader, `/tool/${tool.id}`), (r) => r.body.function?.name === name);
    assert.equal(read.body.function.name, name, "the other instance served a stale copy");
  }
  const other = await clientFor(a.baseUrl, a.apiKey).tools.create({ type: "function", function: { name: "second" } });
  const list = await eventually(() => api(b, "/tool"), (r) => r.body.some((t) => t.id === other.id));
  assert.ok(list.body.some((t) => t.id === other.id), "the other instance served a stale list");
  await clientFor(b.baseUrl, a.apiKey).tools.delete({ id: tool.id });
  const gone = await eventually(() => api(a, `/tool/${tool.id}`), (r) => r.status === 404);
  assert.equal(gone.status, 404, "a deleted tool is still served by the other instance");
  // Through the proxy, as a client sees it: one server.
  for (let i = 0; i < 4; ++i) {
    const err = await expectError(client.tools.get({ id: tool.id }));
    assert.equal(err.statusCode, 404);
  }
  assert.ok(proxy.served[0] > 0 && proxy.served[1] > 0, "both instances answered");
});

/** Runs `switchboard org ...` on the shared database; resolves its JSON line. */
async function orgCli(...args) {
  const { code, stdout, stderr } = await runCli(["org", ...args, "--database", a.database]);
  assert.equal(code, 0, stderr);
  return JSON.parse(stdout.trim());
}

test("a rotated key: the new one works everywhere, the deleted one is refused everywhere", { skip }, async () => {
  const { orgId, apiKey: oldKey } = await orgCli("create", "rotating");
  const { orgId: sameOrg, apiKey: newKey } = await orgCli("add-key", orgId);
  assert.equal(sameOrg, orgId);
  assert.notEqual(newKey, oldKey);
  const oldClient = clientFor(proxy.url, oldKey), newClient = clientFor(proxy.url, newKey);
  const assistant = await oldClient.assistants.create({ name: "Rotating" });
  for (let i = 0; i < 4; ++i) {
    // Both instances remember both keys; they name one org.
    assert.equal((await oldClient.assistants.get({ id: assistant.id })).orgId, orgId);
    assert.equal((await newClient.assistants.get({ id: assistant.id })).orgId, orgId);
  }
  const { code, stdout, stderr } = await runCli(["org", "delete-key", oldKey, "--database", a.database]);
  assert.equal(code, 0, stderr);
  assert.equal(stdout.trim(), "deleted");
  for (const server of [a, b]) {
    const r = await eventually(() => api(server, "/assistant", { token: oldKey }), (r) => r.status === 401);
    assert.equal(r.status, 401, "a deleted key still works on one instance");
    assert.equal((await api(server, `/assistant/${assistant.id}`, { token: newKey })).status, 200);
  }
  const again = await runCli(["org", "delete-key", oldKey, "--database", a.database]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /no org has this API key/);
  const unknownOrg = await runCli(["org", "add-key", "00000000-0000-4000-8000-000000000000", "--database", a.database]);
  assert.equal(unknownOrg.code, 1);
  assert.match(unknownOrg.stderr, /no org has the id/);
});

test("a file uploaded through one instance is served by every instance", { skip }, async () => {
  const data = "Opening hours: 9am to 6pm.\n".repeat(100);
  const form = new FormData();
  form.append("file", new Blob([data], { type: "text/plain" }), "hours.txt");
  const uploaded = await api(a, "/file", { method: "POST", rawBody: form });
  assert.equal(uploaded.status, 201, JSON.stringify(uploaded.body));
  const path = new URL(uploaded.body.url).pathname;
  assert.ok(uploaded.body.url.startsWith(proxy.url), "the file's URL is the public one");
  for (const server of [a, b]) {
    const content = await fetch(new URL(path, server.baseUrl));
    assert.equal(content.status, 200);
    assert.equal(await content.text(), data);
    assert.equal((await fetch(new URL(path + "/text", server.baseUrl))).status, 200);
  }
  await clientFor(b.baseUrl, a.apiKey).files.delete({ id: uploaded.body.id });
  for (const server of [a, b]) assert.equal((await fetch(new URL(path, server.baseUrl))).status, 404);
});

test("an instance with another secret key is refused at start, saying why", { skip }, async () => {
  const dir = tempDir();
  dataDirs.push(dir);
  const { code, stderr } = await runCli(
    ["serve", "--port", "0", "--data-dir", dir, "--database", a.database, "--access-log", "off"],
    { SWITCHBOARD_SECRET_KEY: randomBytes(32).toString("hex"), DATABASE_URL: "" },
  );
  assert.equal(code, 1);
  assert.match(stderr, /sealed with another secret key: every instance on one database must run with the same SWITCHBOARD_SECRET_KEY/);
});

/**
 * A WebSocket call created on `on` (it owns the call) whose caller connects through `via`
 * (relayed to `on` when it is the other instance).
 */
async function liveCallOn(on, assistantExtra = {}, via = on) {
  const onClient = clientFor(on.baseUrl, a.apiKey);
  const assistant = await onClient.assistants.create(standinAssistant(transcriber, voice, { firstMessage: "Hi.", ...assistantExtra }));
  const call = await onClient.calls.create({ assistantId: assistant.id, transport: { provider: "vapi.websocket" } });
  // Its URLs are the public (proxy's) ones, the proxy here passes no upgrades: the socket goes
  // to `via` itself.
  const url = new URL(call.transport.websocketCallUrl);
  const caller = await dial(via.baseUrl.replace(/^http/, "ws") + url.pathname + url.search);
  await until(() => caller.audio.length > 0, "the greeting");
  return { call, caller };
}

const controlThrough = (server, call, body) =>
  fetch(new URL(new URL(call.monitor.controlUrl).pathname, server.baseUrl), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });

test("a live call's socket, listener and controlUrl reaching the other instance are relayed to the call's own", { skip }, async () => {
  // Created on a, its caller connected through b: the media passes through b to a.
  const { call, caller } = await liveCallOn(a, {}, b);
  const listener = await listenTo(`${b.baseUrl.replace(/^http/, "ws")}/${call.id}/listen`);
  await until(() => listener.frames.length >= 25, "half a second of frames at a listener on b", 10000);
  assert.ok(listener.frames.every((f) => f.bytes.length === 1280), "the call's 20 ms stereo frames");
  assert.ok(call.monitor.controlUrl.startsWith(proxy.url), "the controlUrl is the public one");
  const text = "Relayed through the other instance.";
  const said = await controlThrough(b, call, { type: "say", content: text });
  assert.equal(said.status, 200, await said.text());
  await until(() => voice.requests.find((r) => r.body.message.text === text), "the relayed say's synthesis");
  const refused = await controlThrough(b, call, { type: "nonsense" });
  assert.equal(refused.status, 400, "the owner's answer comes back as it is");
  const ended = await controlThrough(b, call, { type: "end-call" });
  assert.equal(ended.status, 200);
  await caller.closed;
  assert.equal(await listener.closed, 1000, "the relayed listener is closed normally at the end");
  await waitForCallStatus(client, call.id, "ended");
  for (const server of [a, b]) {
    const gone = await controlThrough(server, call, { type: "end-call" });
    assert.equal(gone.status, 404, "an ended call is live nowhere");
  }
});

/** Twilio's form post to `server` itself, signed over the public URL Twilio was given. */
async function twilioPostTo(server, path, params, authToken) {
  const headers = {
    "Content-Type": "application/x-www-form-urlencoded",
    "X-Twilio-Signature": twilioSignature(authToken, proxy.url + path, params),
  };
  const res = await fetch(server.baseUrl + path, { method: "POST", headers, body: new URLSearchParams(params).toString() });
  return { status: res.status, body: await res.text() };
}

test("Twilio's status callback reaching the other instance ends the call where it is live: one report", { skip }, async () => {
  const path = "/multi-status";
  const account = "AC" + "0123456789abcdef".repeat(2);
  const token = "multi-instance-twilio-token";
  const onA = clientFor(a.baseUrl, a.apiKey);
  const assistant = await onA.assistants.create(standinAssistant(transcriber, voice, {
    firstMessage: "Hi.", server: { url: receiver.url(path) }, serverMessages: ["end-of-call-report"],
  }));
  const number = await onA.phoneNumbers.create({
    provider: "twilio", number: nextNumber("+1415777"), twilioAccountSid: account, twilioAuthToken: token,
    assistantId: assistant.id,
  });
  // The call rings on a, and its stream connects to a: a owns it.
  const callSid = nextCallSid();
  const ring = twilioRing({ to: number.number, from: "+14155550142", accountSid: account, callSid });
  const rang = await twilioPostTo(a, "/twilio/inbound_call", ring, token);
  assert.equal(rang.status, 200, rang.body);
  const streamUrl = rang.body.match(/<Stream url="([^"]+)"/)[1];
  const callId = streamUrl.split("/").pop();
  const stream = await connectTwilioStream(a.baseUrl.replace(/^http/, "ws") + new URL(streamUrl).pathname, {
    signature: twilioSignature(token, streamUrl, {}),
  });
  await until(() => stream.received > 0, "the greeting on a's stream");
  // Twilio's "completed" reaches b, which relays it to a; a ends its live call.
  const status = await twilioPostTo(b, "/twilio/status", { ...ring, CallStatus: "completed" }, token);
  assert.equal(status.status, 204, status.body);
  const ended = await waitForCallStatus(client, callId, "ended", 10000);
  assert.equal(ended.endedReason, "customer-ended-call");
  // a ended the live call itself: it closed the stream (ended only in the database, a's call
  // would go on talking until Twilio hung up)...
  const closed = await Promise.race([stream.closed.then(() => true), new Promise((r) => setTimeout(() => r(false), 5000))]);
  assert.ok(closed, "the owner closed the call's stream");
  await until(() => receiver.hits(path).length >= 1, "the report", 10000);
  await new Promise((r) => setTimeout(r, 500)); // a second report would come by now
  const reports = receiver.hits(path).filter((h) => h.json.message.type === "end-of-call-report");
  assert.equal(reports.length, 1, "one end-of-call-report, from the instance the call was live on");
  assert.equal(reports[0].json.message.call.id, callId);
  // ...and reported what was said on it.
  const said = reports[0].json.message.artifact.messagesOpenAIFormatted ?? [];
  assert.ok(said.some((m) => m.role === "assistant" && m.content === "Hi."), JSON.stringify(said));
  // The relayed callback is checked as one that came directly: a forged one is refused.
  const forged = await twilioPostTo(b, "/twilio/status", { ...ring, CallStatus: "completed" }, "not-the-token");
  assert.equal(forged.status, 403);
});

// Last in the file: it kills instance a.
test("the calls of an instance killed -9 are ended by the other, with their reports", { skip }, async () => {
  const path = "/multi-calls";
  const { call, caller } = await liveCallOn(a, {
    server: { url: receiver.url(path) },
    serverMessages: ["end-of-call-report", "status-update"],
  });
  const killedAt = Date.now();
  await a.kill("SIGKILL");
  await caller.closed;
  const ended = await waitForCallStatus(clientFor(b.baseUrl, a.apiKey), call.id, "ended", 10000);
  const tookMs = Date.now() - killedAt;
  assert.equal(ended.endedReason, "call.in-progress.error-vapifault-worker-died");
  // Dead after 3 silent beats, noticed on the next beat; slack for a loaded machine.
  assert.ok(tookMs < 3 * kHeartbeatMs + kHeartbeatMs + 3000, `ended ${tookMs} ms after the kill`);
  const report = await until(
    () => receiver.hits(path).find((h) => h.json.message.type === "end-of-call-report"), "the report", 10000);
  assert.equal(report.json.message.endedReason, "call.in-progress.error-vapifault-worker-died");
  assert.equal(report.json.message.call.id, call.id);
  const reports = receiver.hits(path).filter((h) => h.json.message.type === "end-of-call-report");
  assert.equal(reports.length, 1, "one report");
});
