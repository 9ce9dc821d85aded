// Outbound phone calls through Vonage: POST /call with a Vonage number (imported, so its
// credential keeps the private key of this server's Vonage application) creates a Voice API
// call signed with that key, whose NCCO connects the call's audio (L16 16 kHz) to this server,
// and follows it through Vonage's signed JSON events; the stand-in (vonage_calls_standin.mjs)
// checks the token against the application's public key and answers as Vonage does.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startReceiver } from "./webhooks_receiver.mjs";
import { nextNumber } from "./fixtures.mjs";
import { api } from "./harness.mjs";
import { vonageJwt } from "./telephony_helpers.mjs";
import { connectVonageStream } from "./vonage_stream_emulator.mjs";
import { sleep, until } from "./voice_helpers.mjs";
import { startOutboundRig } from "./outbound_helpers.mjs";

const API_KEY = "vonagekey1";
const API_SECRET = "VonageSecret1";

let rig, env, providers, transcriber, voice, number, credential, assistant, customer, waitForStatus;

before(async () => {
  rig = await startOutboundRig({ carrier: "vonage" });
  ({ env, providers, transcriber, voice, assistant, customer, waitForStatus } = rig);
  const created = await api(env.server, "/credential", { method: "POST", body: { provider: "vonage", apiKey: API_KEY, apiSecret: API_SECRET } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  credential = created.body;
  number = await env.server.client.phoneNumbers.create({ provider: "vonage", number: nextNumber("+1415999"), credentialId: credential.id });
});
after(() => rig.close());

const dialled = (callId) => providers.vonageCalls.find((c) => JSON.stringify(c.form.ncco).includes(callId));

test("vonage: an answered call streams back, talks, and ends when Vonage completes it", async () => {
  const receiver = await startReceiver();
  try {
    const to = customer();
    const call = await env.server.client.calls.create({
      phoneNumberId: number.id, customer: { number: to },
      assistant: rig.reportingAssistant(receiver),
    });
    assert.equal(call.phoneCallProvider, "vonage");
    assert.equal(call.status, "queued");

    const vonage = await until(() => dialled(call.id), "the Voice API call request");
    // Signed for the application the number's import made (the stand-in verified the token).
    assert.equal(vonage.app.id, (await api(env.server, `/credential/${credential.id}`)).body.vonageApplicationId);
    assert.deepEqual(vonage.form.to, [{ type: "phone", number: to.slice(1) }]);
    assert.deepEqual(vonage.form.from, { type: "phone", number: number.number.slice(1) });
    assert.deepEqual(vonage.form.event_url, [`${env.server.baseUrl}/vonage/outbound_status/${call.id}`]);
    assert.equal(vonage.form.event_method, "POST");
    assert.equal(vonage.form.ringing_timer, 4, "rings for 5/6 of --call-connect-timeout 5");
    const [connect] = vonage.form.ncco;
    assert.equal(connect.action, "connect");
    assert.equal(connect.endpoint[0].type, "websocket");
    assert.equal(connect.endpoint[0]["content-type"], "audio/l16;rate=16000");
    assert.match(connect.endpoint[0].uri, new RegExp(`^ws://[^/]+/vonage/stream/${call.id}\\?token=[0-9a-f]{32}$`));
    assert.deepEqual(connect.endpoint[0].headers, { callId: call.id });

    const stream = await until(() => vonage.stream, "the media stream connected back", 5000);
    const live = await waitForStatus(call.id, "in-progress");
    assert.equal(live.phoneCallProviderId, vonage.sid);
    // The greeting's audio, L16 at 16 kHz (32 bytes a millisecond).
    await until(() => stream.received >= 32000, "the greeting's audio at the callee", 5000);
    const session = await until(() => transcriber.sessions.find((s) => s.start && s.bytes > 0 && !s.used), "the transcriber");
    session.used = true;
    const greeting = stream.received;
    session.say("I would like to confirm my booking", "final");
    await until(() => stream.received > greeting + 16000, "the answer's audio at the callee", 8000);

    stream.close();
    const ended = await waitForStatus(call.id, "ended");
    assert.equal(ended.endedReason, "customer-ended-call");
    await until(() => vonage.callbacks.some((c) => c.status === "completed"), "Vonage's completed event");
    for (const c of vonage.callbacks.filter((c) => c.status !== "completed")) assert.equal(c.answer, 204, JSON.stringify(c));
    const { statuses, report } = await rig.messagesAt(receiver);
    assert.deepEqual(statuses, ["queued", "ringing", "in-progress", "ended"]);
    assert.match(report.artifact.transcript, /confirm my booking/);
  } finally {
    await receiver.close();
  }
});

for (const [outcome, reason] of [["busy", "customer-busy"], ["no-answer", "customer-did-not-answer"], ["failed", "vonage-failed-to-connect-call"]]) {
  test(`vonage: a call Vonage reports ${outcome} ends with ${reason}`, async () => {
    const call = await env.server.client.calls.create({ phoneNumberId: number.id, assistantId: assistant.id, customer: { number: customer({ outcome }) } });
    const ended = await waitForStatus(call.id, "ended");
    assert.equal(ended.endedReason, reason);
    assert.equal(ended.phoneCallProviderId, dialled(call.id).sid);
  });
}

test("vonage: a dial Vonage refuses ends at once, its endedMessage saying why", async () => {
  const call = await env.server.client.calls.create({ phoneNumberId: number.id, assistantId: assistant.id, customer: { number: customer({ outcome: "reject" }) } });
  const ended = await waitForStatus(call.id, "ended");
  assert.equal(ended.endedReason, "vonage-failed-to-connect-call");
  assert.match(ended.endedMessage, /Vonage refused the call \(HTTP 400\).*Invalid number/);
});

test("vonage: a call whose stream never connects ends at the connect timeout and is hung up at Vonage", async () => {
  const call = await env.server.client.calls.create({ phoneNumberId: number.id, assistantId: assistant.id, customer: { number: customer({ outcome: "silent" }) } });
  const ended = await waitForStatus(call.id, "ended", 10000);
  assert.equal(ended.endedReason, "call.in-progress.error-providerfault-transport-never-connected");
  const vonage = dialled(call.id);
  await until(() => vonage.updates?.some((u) => u.action === "hangup"), "the hang-up");
  await until(() => vonage.callbacks.some((c) => c.status === "canceled" && c.answer === 204), "Vonage's final event");
});

test("vonage: forged events 403, a stream without the call's token is refused; each credential's import keys its own application", async () => {
  const call = await env.server.client.calls.create({ phoneNumberId: number.id, assistantId: assistant.id, customer: { number: customer({ outcome: "silent" }) } });
  const vonage = await until(() => dialled(call.id), "the Voice API call request");
  const path = `/vonage/outbound_status/${call.id}`;
  const body = JSON.stringify({ status: "busy", uuid: vonage.sid });
  const post = (headers) => fetch(env.server.baseUrl + path, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body });
  assert.equal((await post({})).status, 403);
  assert.equal((await post({ Authorization: `Bearer ${vonageJwt("NotTheSecret1", body)}` })).status, 403);
  assert.equal((await post({ Authorization: `Bearer ${vonageJwt(API_SECRET, body + " ")}` })).status, 403);

  const url = `${env.server.baseUrl.replace("http", "ws")}/vonage/stream/${call.id}`;
  await assert.rejects(connectVonageStream(url, { headers: { callId: call.id } }), (e) => e.status >= 400);
  assert.equal((await env.server.client.calls.get({ id: call.id })).status, "queued");
  assert.equal((await post({ Authorization: `Bearer ${vonageJwt(API_SECRET, body)}` })).status, 204);
  assert.equal((await waitForStatus(call.id, "ended")).endedReason, "customer-busy");

  // Another account's credential: its import makes that account's application its own keys.
  const bare = await api(env.server, "/credential", { method: "POST", body: { provider: "vonage", apiKey: "vonagekey2", apiSecret: "VonageSecret2" } });
  const fresh = await env.server.client.phoneNumbers.create({ provider: "vonage", number: nextNumber("+1415998"), credentialId: bare.body.id });
  assert.ok(fresh.id);
  const keyed = await api(env.server, "/call", { method: "POST", body: { phoneNumberId: fresh.id, assistantId: assistant.id, customer: { number: customer({ outcome: "busy" }) } } });
  assert.equal(keyed.status, 201, "the import gave this credential its application key");
});

test("vonage: the transferCall tool moves the call to the destination with a new NCCO, and the call ends forwarded", async () => {
  const frontDesk = "+16505550177";
  const call = await rig.askedToTransfer(number.id, { type: "number", number: frontDesk, message: "Putting you through." }, dialled);
  const vonage = dialled(call.id);
  const [ncco] = await until(() => vonage.transfers, "the transfer sent to Vonage", 10000);
  assert.deepEqual(ncco, [{ action: "connect", from: customerOf(call), endpoint: [{ type: "phone", number: frontDesk.slice(1) }] }]);
  const ended = await waitForStatus(call.id, "ended");
  assert.equal(ended.endedReason, "assistant-forwarded-call");
  // A transferred call goes on at Vonage: it is not hung up.
  await sleep(200);
  assert.equal(vonage.updates.filter((u) => u.action === "hangup").length, 0);
});

const customerOf = (call) => call.customer.number.slice(1);
