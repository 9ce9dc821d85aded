// Outbound phone calls through Telnyx: POST /call with a Telnyx number (imported, so its
// connection is this server's TeXML application) reads the number's connection, creates a
// TeXML call on it with inline TeXML that streams the media back here, and follows the call
// through Telnyx's signed status callbacks; the stand-in (telnyx_calls_standin.mjs) answers as
// Telnyx does. Transfers (the transferCall tool) go through Call Control, on outbound and
// inbound calls alike.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { startReceiver } from "./webhooks_receiver.mjs";
import { nextNumber } from "./fixtures.mjs";
import { api } from "./harness.mjs";
import { nextCallSid, telnyxHeaders } from "./telephony_helpers.mjs";
import { connectTelnyxStream } from "./telnyx_stream_emulator.mjs";
import { sleep, standinAssistant, until } from "./voice_helpers.mjs";
import { startOutboundRig } from "./outbound_helpers.mjs";

const API_KEY = "KEY0123456789TELNYXOUTBOUND";
const telnyxKeys = generateKeyPairSync("ed25519");
const TELNYX_PUBLIC = telnyxKeys.publicKey.export({ format: "der", type: "spki" }).subarray(12).toString("base64");

let rig, env, providers, transcriber, voice, number, credential, assistant, customer, waitForStatus;

before(async () => {
  rig = await startOutboundRig({ carrier: "telnyx", standin: { telnyxSigningKey: telnyxKeys.privateKey }, args: ["--telnyx-public-key", TELNYX_PUBLIC] });
  ({ env, providers, transcriber, voice, assistant, customer, waitForStatus } = rig);
  const created = await api(env.server, "/credential", { method: "POST", body: { provider: "telnyx", apiKey: API_KEY } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  credential = created.body;
  number = await env.server.client.phoneNumbers.create({ provider: "telnyx", number: nextNumber("+1415888"), credentialId: credential.id });
});
after(() => rig.close());

const dialled = (callId) => providers.telnyxCalls.find((c) => c.form.Texml?.includes(callId));

test("telnyx: an answered call streams back, talks, and ends when Telnyx completes it", async () => {
  const receiver = await startReceiver();
  try {
    const to = customer();
    const call = await env.server.client.calls.create({
      phoneNumberId: number.id, customer: { number: to },
      assistant: rig.reportingAssistant(receiver),
    });
    assert.equal(call.type, "outboundPhoneCall");
    assert.equal(call.phoneCallProvider, "telnyx");
    assert.equal(call.status, "queued");

    const telnyx = await until(() => dialled(call.id), "the TeXML call request");
    // Dialled on the connection the number's import assigned to it, with the credential's key.
    assert.equal(telnyx.connectionId, providers.telnyxNumber(API_KEY, number.number).connection_id);
    assert.equal(telnyx.apiKey, API_KEY);
    assert.equal(telnyx.form.To, to);
    assert.equal(telnyx.form.From, number.number);
    assert.equal(telnyx.form.Timeout, 4, "rings for 5/6 of --call-connect-timeout 5");
    assert.deepEqual(telnyx.events, ["initiated", "ringing", "answered", "completed"]);
    assert.equal(telnyx.form.StatusCallback, `${env.server.baseUrl}/telnyx/outbound_status/${call.id}`);
    assert.match(telnyx.form.Texml, new RegExp(`<Connect><Stream url="ws://[^"]+/telnyx/stream/${call.id}\\?token=[0-9a-f]{32}&amp;callId=${call.id}" bidirectionalMode="rtp"/></Connect>`));

    const stream = await until(() => telnyx.stream, "the media stream connected back", 5000);
    const live = await waitForStatus(call.id, "in-progress");
    assert.equal(live.phoneCallProviderId, telnyx.sid);
    await until(() => stream.received >= 10000, "the greeting's audio at the callee", 5000);
    const greeting = stream.received;
    const session = await until(() => transcriber.sessions.find((s) => s.start && s.bytes > 0 && !s.used), "the transcriber");
    session.used = true;
    session.say("can I move my appointment", "final");
    await until(() => stream.received > greeting + 4000, "the answer's audio at the callee", 8000);

    stream.stop();
    const ended = await waitForStatus(call.id, "ended");
    assert.equal(ended.endedReason, "customer-ended-call");
    await until(() => telnyx.callbacks.some((c) => c.status === "completed"), "Telnyx's completed callback");
    for (const c of telnyx.callbacks.filter((c) => c.status !== "completed")) assert.equal(c.answer, 204, JSON.stringify(c));
    const { statuses, report } = await rig.messagesAt(receiver);
    assert.deepEqual(statuses, ["queued", "ringing", "in-progress", "ended"]);
    assert.match(report.artifact.transcript, /can I move my appointment/);
  } finally {
    await receiver.close();
  }
});

for (const [outcome, reason] of [["busy", "customer-busy"], ["no-answer", "customer-did-not-answer"]]) {
  test(`telnyx: a call Telnyx reports ${outcome} ends with ${reason}`, async () => {
    const call = await env.server.client.calls.create({ phoneNumberId: number.id, assistantId: assistant.id, customer: { number: customer({ outcome }) } });
    const ended = await waitForStatus(call.id, "ended");
    assert.equal(ended.endedReason, reason);
    assert.equal(ended.phoneCallProviderId, dialled(call.id).sid);
  });
}

test("telnyx: a dial Telnyx refuses ends at once, its endedMessage saying why", async () => {
  const call = await env.server.client.calls.create({ phoneNumberId: number.id, assistantId: assistant.id, customer: { number: customer({ outcome: "reject" }) } });
  const ended = await waitForStatus(call.id, "ended");
  assert.equal(ended.endedReason, "call.in-progress.error-providerfault-transport-never-connected");
  assert.match(ended.endedMessage, /Telnyx refused the call \(HTTP 422\).*Invalid destination number/);
});

test("telnyx: a call whose stream never connects ends at the connect timeout and is hung up at Telnyx", async () => {
  const call = await env.server.client.calls.create({ phoneNumberId: number.id, assistantId: assistant.id, customer: { number: customer({ outcome: "silent" }) } });
  const ended = await waitForStatus(call.id, "ended", 10000);
  assert.equal(ended.endedReason, "call.in-progress.error-providerfault-transport-never-connected");
  const telnyx = dialled(call.id);
  await until(() => telnyx.hangups === 1, "the Call Control hang-up");
  await until(() => telnyx.callbacks.some((c) => c.status === "canceled" && c.answer === 204), "Telnyx's final callback");
});

test("telnyx: forged callbacks 403, a stream without the call's token is refused, a number without its credential cannot dial", async () => {
  const call = await env.server.client.calls.create({ phoneNumberId: number.id, assistantId: assistant.id, customer: { number: customer({ outcome: "silent" }) } });
  const telnyx = await until(() => dialled(call.id), "the TeXML call request");
  const path = `/telnyx/outbound_status/${call.id}`;
  const body = new URLSearchParams({ CallSid: telnyx.sid, CallStatus: "busy" }).toString();
  const post = (headers) => fetch(env.server.baseUrl + path, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers }, body });
  assert.equal((await post({})).status, 403);
  assert.equal((await post(telnyxHeaders(body, generateKeyPairSync("ed25519").privateKey))).status, 403);
  assert.equal((await post(telnyxHeaders(body + "&x=1", telnyxKeys.privateKey))).status, 403);
  // The Twilio route does not take Telnyx's calls.
  assert.equal((await fetch(`${env.server.baseUrl}/twilio/outbound_status/${call.id}`, { method: "POST", body })).status, 404);

  const url = `${env.server.baseUrl.replace("http", "ws")}/telnyx/stream/${call.id}?callId=${call.id}`;
  await assert.rejects(connectTelnyxStream(url), (e) => e.status >= 400);
  assert.equal((await env.server.client.calls.get({ id: call.id })).status, "queued");
  assert.equal((await post(telnyxHeaders(body, telnyxKeys.privateKey))).status, 204);
  assert.equal((await waitForStatus(call.id, "ended")).endedReason, "customer-busy");

  // A number whose credential is gone cannot dial (its key went with it).
  const other = await api(env.server, "/credential", { method: "POST", body: { provider: "telnyx", apiKey: "KEY-TO-BE-DELETED" } });
  const orphan = await env.server.client.phoneNumbers.create({ provider: "telnyx", number: nextNumber("+1415889"), credentialId: other.body.id });
  assert.equal((await api(env.server, `/credential/${other.body.id}`, { method: "DELETE" })).status, 200);
  const refused = await api(env.server, "/call", { method: "POST", body: { phoneNumberId: orphan.id, assistantId: assistant.id, customer: { number: customer() } } });
  assert.equal(refused.status, 400, JSON.stringify(refused.body));
  assert.match(JSON.stringify(refused.body.message), /credentialId must name a telnyx credential/);
});

// Both destinations the transferCall tool takes, through Call Control's transfer.
for (const [kind, destination, expected] of [
  ["number", { type: "number", number: "+16505550177", extension: "42", message: "Putting you through." },
    (call) => ({ to: "+16505550177", send_digits_on_answer: "ww42", from: call.customer.number })],
  ["sip", { type: "sip", sipUri: "sip:desk@pbx.example", sipHeaders: { "X-Ticket": "7" }, callerId: "{{phoneNumber.number}}", message: "One moment." },
    () => ({ to: "sip:desk@pbx.example", custom_headers: [{ name: "X-Ticket", value: "7" }], from: number.number })],
]) {
  test(`telnyx: the transferCall tool moves the call to a ${kind} through Call Control, and the call ends forwarded`, async () => {
    const call = await rig.askedToTransfer(number.id, destination, dialled);
    const telnyx = dialled(call.id);
    const [sent] = await until(() => telnyx.transfers, "the transfer sent to Telnyx", 10000);
    assert.deepEqual(sent, expected(call));
    assert.ok(voice.requests.some((r) => r.body.message.text === destination.message), "the message was said first");
    const ended = await waitForStatus(call.id, "ended");
    assert.equal(ended.endedReason, "assistant-forwarded-call");
    await telnyx.stream.closed;
    // A transferred call goes on at Telnyx, bridged to the destination: it is not hung up.
    await sleep(200);
    assert.equal(telnyx.hangups, undefined);
  });
}

test("telnyx: an inbound call's transferCall goes through Call Control too, by its CallSid", async () => {
  const frontDesk = "+16505550188";
  const desk = await env.server.client.assistants.create(standinAssistant(transcriber, voice, {
    firstMessage: "Hello.",
    model: {
      provider: "openai", model: "gpt-4o", messages: [{ role: "system", content: "Transfer callers who ask for a person." }],
      tools: [{ type: "transferCall", destinations: [{ type: "number", number: frontDesk, message: "" }] }],
    },
  }));
  const inbound = await env.server.client.phoneNumbers.create({ provider: "telnyx", number: nextNumber("+1415887"), credentialId: credential.id, assistantId: desk.id });
  const caller = customer();
  const sid = `v3:${nextCallSid()}`;
  const body = new URLSearchParams({ CallSid: sid, From: caller, To: inbound.number, CallStatus: "ringing", Direction: "inbound", AccountSid: "f5586561-8ff0-4291-a51b-c7dfe4139ff9" }).toString();
  const res = await fetch(`${env.server.baseUrl}/telnyx/inbound_call`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", ...telnyxHeaders(body, telnyxKeys.privateKey) }, body });
  assert.equal(res.status, 200);
  const url = (await res.text()).match(/<Stream url="([^"]+)"/)[1].replaceAll("&amp;", "&");
  const callId = new URL(url).searchParams.get("callId");
  // The call as the stand-in's Telnyx runs it, so Call Control can find it by its id.
  const telnyx = { sid, apiKey: API_KEY, ended: false, stream: await connectTelnyxStream(url, { callControlId: sid }) };
  providers.telnyxCalls.push(telnyx);
  await waitForStatus(callId, "in-progress");
  const session = await until(() => transcriber.sessions.find((s) => s.start && s.bytes > 0 && !s.used), "the transcriber");
  session.used = true;
  session.say(`call transferCall with {"destination":"${frontDesk}"}`, "final");
  const [sent] = await until(() => telnyx.transfers, "the transfer sent to Telnyx", 10000);
  assert.deepEqual(sent, { to: frontDesk, from: caller });
  const ended = await waitForStatus(callId, "ended");
  assert.equal(ended.type, "inboundPhoneCall");
  assert.equal(ended.endedReason, "assistant-forwarded-call");
  await telnyx.stream.closed;
});
