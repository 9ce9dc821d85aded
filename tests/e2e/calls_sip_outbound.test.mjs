// Outbound calls through a SIP trunk: POST /call (the official SDK) with a byo-phone-number on a
// byo-sip-trunk credential dials the credential's gateway, sipp here. It challenges with digest
// auth (401), rings, answers with SDP naming an RTP peer in this process, which hears the
// assistant's greeting (the built-in speech), then hangs up (BYE). The other outcomes: a busy
// gateway (486), a phone nobody answers within transport.dialTimeout (CANCEL), a call ended
// here once answered (BYE), a trunk with no outbound gateway (400), a vapi SIP number calling a
// customer's sipUri straight, and a kill -9 mid-call (ended on restart, with its report). A call
// ended here while it rings is CANCELled: sip_carrier_test.cpp.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startChatServer } from "./chats_helpers.mjs";
import { api } from "./harness.mjs";
import { startReceiver } from "./telephony_helpers.mjs";
import { callEnded, until } from "./voice_helpers.mjs";
import { freeSipPort, sippGateway, rtpPeer, linear } from "./sip_helpers.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const UNIT_SCENARIOS = join(HERE, "..", "unit", "sip");

let env, receiver, client, assistant;
before(async () => {
  receiver = await startReceiver();
  env = await startChatServer({ args: ["--sip-port", String(await freeSipPort()), "--rtp-ports", "33000-33099"] });
  client = env.server.client;
  assistant = await client.assistants.create({
    name: "sip caller",
    firstMessage: "Hello, the clinic here.",
    model: { provider: "openai", model: "gpt-4o", messages: [{ role: "system", content: "Be brief." }] },
    server: { url: `${receiver.url}/hook` },
    serverMessages: ["status-update", "end-of-call-report"],
  });
});
after(async () => {
  await env?.stop();
  await receiver?.close();
});

let lines = 0;
// A byo-phone-number on a byo-sip-trunk credential whose one gateway is sipp at `port`.
async function trunkNumber(port, gateway = {}) {
  const credential = await api(env.server, "/credential", {
    method: "POST",
    body: {
      provider: "byo-sip-trunk",
      gateways: [{ ip: "127.0.0.1", port, ...gateway }],
      outboundAuthenticationPlan: { authUsername: "trunkuser", authPassword: "s3cret" },
    },
  });
  assert.equal(credential.status, 201, JSON.stringify(credential.body));
  return client.phoneNumbers.create({
    provider: "byo-phone-number",
    number: `+1415555${String(100 + ++lines).padStart(4, "0")}`,
    credentialId: credential.body.id,
  });
}

const messagesOf = (callId, type) =>
  receiver.requests.filter((r) => r.body?.message?.type === type && r.body.message.call?.id === callId).map((r) => r.body.message);
const reportOf = (callId) =>
  receiver.waitFor((r) => r.body?.message?.type === "end-of-call-report" && r.body.message.call?.id === callId, 10000);

test("a call through the trunk: digest auth, ringing, the greeting over RTP, the gateway's BYE ends it", async () => {
  const peer = await rtpPeer();
  const gateway = await sippGateway(join(HERE, "sip", "gateway_digest_answer_bye.xml"), { keys: { rtp_port: peer.port } });
  try {
    const number = await trunkNumber(gateway.port);
    const call = await client.calls.create({ phoneNumberId: number.id, assistantId: assistant.id, customer: { number: "+14155550123" } });
    assert.equal(call.type, "outboundPhoneCall");
    assert.equal(call.status, "queued");
    assert.equal(call.phoneCallProvider, "vapi");
    assert.equal(call.phoneCallTransport, "sip");

    // While the greeting plays (the gateway hangs up 3 s after answering) the call is live.
    await until(() => peer.packets.length >= 20, "the greeting's first audio", 10000);
    const live = await client.calls.get({ id: call.id });
    assert.equal(live.status, "in-progress");
    assert.ok(live.phoneCallProviderId && live.phoneCallProviderId !== call.id, "the SIP Call-ID is the provider's id");
    // The greeting: G.711 μ-law frames of 20 ms, and speech, not silence.
    await until(() => performance.now() - peer.packets.at(-1).at > 300, "the greeting's end", 10000);
    const greeted = peer.packets.slice();
    assert.ok(greeted.every((p) => p.payloadType === 0 && p.payload.length === 160));
    let energy = 0;
    for (const p of greeted) for (const b of p.payload) energy += Math.abs(linear(b));
    assert.ok(energy / (greeted.length * 160) > 200, "the greeting is not silent");

    const ended = await callEnded(env.server, call.id, 10000);
    assert.equal(ended.endedReason, "customer-ended-call");
    assert.equal(ended.phoneCallTransport, "sip");
    const run = await gateway.done;
    assert.equal(run.status, 0, run.errors);
    const report = (await reportOf(call.id)).body.message;
    assert.equal(report.endedReason, "customer-ended-call");
    assert.deepEqual(messagesOf(call.id, "status-update").map((m) => m.status), ["queued", "ringing", "in-progress", "ended"]);
  } finally {
    gateway.kill();
    await peer.close();
  }
});

test("a busy gateway (486) ends the call customer-busy, with its report", async () => {
  const gateway = await sippGateway(join(UNIT_SCENARIOS, "uas_busy.xml"));
  try {
    const number = await trunkNumber(gateway.port);
    const call = await client.calls.create({ phoneNumberId: number.id, assistantId: assistant.id, customer: { number: "+14155550124" } });
    const ended = await callEnded(env.server, call.id, 10000);
    assert.equal(ended.endedReason, "customer-busy");
    assert.equal(ended.phoneCallProviderId, undefined, "no dialog was established");
    assert.equal((await reportOf(call.id)).body.message.endedReason, "customer-busy");
    const run = await gateway.done;
    assert.equal(run.status, 0, run.errors);
  } finally {
    gateway.kill();
  }
});

test("a phone that rings past transport.dialTimeout is cancelled: customer-did-not-answer", async () => {
  const gateway = await sippGateway(join(UNIT_SCENARIOS, "uas_cancelled.xml"));
  try {
    const number = await trunkNumber(gateway.port);
    const started = Date.now();
    const call = await client.calls.create({
      phoneNumberId: number.id, assistantId: assistant.id, customer: { number: "+14155550125" },
      transport: { provider: "vapi.sip", dialTimeout: 1 },
    });
    await until(async () => (await client.calls.get({ id: call.id })).status === "ringing", "ringing", 5000);
    const ended = await callEnded(env.server, call.id, 10000);
    assert.equal(ended.endedReason, "customer-did-not-answer");
    assert.ok(Date.now() - started >= 900, "rang for the dial timeout");
    const run = await gateway.done;
    assert.equal(run.status, 0, run.errors);  // it got the CANCEL
  } finally {
    gateway.kill();
  }
});

// Ends the call through its monitor.controlUrl, as a supervisor would.
async function endCall(call) {
  const res = await fetch(call.monitor.controlUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ type: "end-call" }) });
  assert.ok(res.ok, `end-call answered ${res.status}`);
}

test("a call dialled out transfers with REFER: a number is referred to the gateway that answered", async () => {
  const gateway = await sippGateway(join(HERE, "sip", "gateway_answer_refer.xml"));
  try {
    const number = await trunkNumber(gateway.port);
    const call = await client.calls.create({ phoneNumberId: number.id, assistantId: assistant.id, customer: { number: "+14155550129" } });
    await until(async () => (await client.calls.get({ id: call.id })).status === "in-progress", "in-progress", 5000);
    const transfer = { type: "transfer", destination: { type: "number", number: "+14155550123" } };
    const res = await fetch(call.monitor.controlUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(transfer) });
    assert.equal(res.status, 200, await res.text());
    // sipp checks the Refer-To, answers 202, NOTIFYs 200 and takes our BYE.
    const ended = await callEnded(env.server, call.id, 10000);
    assert.equal(ended.endedReason, "assistant-forwarded-call");
    const run = await gateway.done;
    assert.equal(run.status, 0, run.errors);
  } finally {
    gateway.kill();
  }
});

test("a call ended here once answered is hung up: the gateway gets our BYE", async () => {
  const answering = await sippGateway(join(UNIT_SCENARIOS, "uas_answer.xml"));
  try {
    const number = await trunkNumber(answering.port);
    const call = await client.calls.create({ phoneNumberId: number.id, assistantId: assistant.id, customer: { number: "+14155550128" } });
    await until(async () => (await client.calls.get({ id: call.id })).status === "in-progress", "in-progress", 5000);
    await endCall(call);
    await callEnded(env.server, call.id);
    const run = await answering.done;
    assert.equal(run.status, 0, run.errors);  // it got the BYE
  } finally {
    answering.kill();
  }
});

test("a vapi SIP number calls a customer's sipUri straight; a vapi number cannot dial a phone number", async () => {
  const gateway = await sippGateway(join(UNIT_SCENARIOS, "uas_answer.xml"));
  try {
    const number = await client.phoneNumbers.create({ provider: "vapi", sipUri: "sip:front-desk@127.0.0.1", assistantId: assistant.id });
    const call = await client.calls.create({
      phoneNumberId: number.id, assistantId: assistant.id,
      customer: { sipUri: `sip:alice@127.0.0.1:${gateway.port}` },
    });
    assert.equal(call.phoneCallTransport, "sip");
    await until(async () => (await client.calls.get({ id: call.id })).status === "in-progress", "in-progress", 5000);
    await endCall(call);
    await callEnded(env.server, call.id);
    const run = await gateway.done;
    assert.equal(run.status, 0, run.errors);

    const res = await api(env.server, "/call", {
      method: "POST",
      body: { phoneNumberId: number.id, assistantId: assistant.id, customer: { number: "+14155550129" } },
    });
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.match(JSON.stringify(res.body.message), /customer\.sipUri is needed/);
    const sips = await api(env.server, "/call", {
      method: "POST",
      body: { phoneNumberId: number.id, assistantId: assistant.id, customer: { sipUri: "sips:alice@127.0.0.1" } },
    });
    assert.equal(sips.status, 400, JSON.stringify(sips.body));
  } finally {
    gateway.kill();
  }
});

test("a trunk without an outbound gateway cannot dial: 400", async () => {
  const number = await trunkNumber(5060, { outboundEnabled: false });
  const res = await api(env.server, "/call", {
    method: "POST",
    body: { phoneNumberId: number.id, assistantId: assistant.id, customer: { number: "+14155550126" } },
  });
  assert.equal(res.status, 400, JSON.stringify(res.body));
  assert.match(JSON.stringify(res.body.message), /no gateway to dial out through/);
});

test("a call dialled out and live when the server is killed (kill -9) is ended on restart, with its report", async () => {
  const gateway = await sippGateway(join(UNIT_SCENARIOS, "uas_answer.xml"), { timeoutMs: 20000 });
  try {
    const number = await trunkNumber(gateway.port);
    const call = await client.calls.create({ phoneNumberId: number.id, assistantId: assistant.id, customer: { number: "+14155550130" } });
    await until(async () => (await client.calls.get({ id: call.id })).status === "in-progress", "in-progress", 5000);
    await env.restart();
    client = env.server.client;
    const ended = await callEnded(env.server, call.id);
    assert.equal(ended.endedReason, "call.in-progress.error-vapifault-worker-died");
    assert.equal((await reportOf(call.id)).body.message.endedReason, "call.in-progress.error-vapifault-worker-died");
  } finally {
    gateway.kill();
  }
});
