// Inbound SIP calls, with sipp as the softphone's signalling and an RTP peer in this process as
// its media: a call to a vapi number's sipUri user answered by an assistant on the built-in
// speech (flite speaks the greeting, pocketsphinx hears the caller's phrase), X- headers as
// template variables, BYE from either side, CANCEL while ringing, RFC 4733 digits reaching a
// keypadInputPlan assistant, a byo-sip-trunk gateway's call, the answers that are no call
// (unknown user 404, a trunk source no gateway names 403, no common codec 488, no assistant
// 480, a transfer 302, --max-calls 503), /metrics' RTP streams, and a kill -9 mid-call.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startChatServer } from "./chats_helpers.mjs";
import { api, tempDir, removeTempDir } from "./harness.mjs";
import { startReceiver } from "./telephony_helpers.mjs";
import { callEnded, until } from "./voice_helpers.mjs";
import { freeSipPort, sipp, rtpPeer, pcmuOf, linear } from "./sip_helpers.mjs";

let env, sipPort, receiver, dir, client;
before(async () => {
  dir = tempDir("switchboard-sip-calls-");
  receiver = await startReceiver();
  sipPort = await freeSipPort();
  env = await startChatServer({ args: ["--sip-port", String(sipPort), "--rtp-ports", "31000-31999"] });
  client = env.server.client;
});
after(async () => {
  await env?.stop();
  await receiver?.close();
  removeTempDir(dir);
});

let users = 0;
// A vapi number with a fresh SIP user, answered by an assistant on the built-in speech.
async function sipNumber(assistant = {}) {
  const created = await client.assistants.create({
    name: "sip desk",
    firstMessage: "Hello {{first_name}}.",
    model: { provider: "openai", model: "gpt-4o", messages: [{ role: "system", content: "Be brief." }] },
    server: { url: `${receiver.url}/hook` },
    ...assistant,
  });
  const user = `desk-${++users}`;
  const number = await client.phoneNumbers.create({ provider: "vapi", sipUri: `sip:${user}@127.0.0.1`, assistantId: created.id });
  return { user, number };
}

// The one call on `number`.
async function callOn(number) {
  const calls = await until(async () => {
    const found = (await client.calls.list({ limit: 1000 })).filter((c) => c.phoneNumberId === number.id);
    return found.length ? found : null;
  }, "the call on the number");
  assert.equal(calls.length, 1);
  return calls[0];
}

// The final answer the server's log shows for the INVITE to `user` (e.g. "404 Not Found").
async function finalAnswer(user) {
  const server = env.server;
  const inviteLine = new RegExp(`sip: INVITE Call-ID (\\S+) sip:${user}@`);
  const callId = (await until(() => server.stderr().match(inviteLine), `the INVITE to ${user}`, 5000))[1];
  const ended = new RegExp(`sip: Call-ID ${callId.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} ended \\((\\d{3} [^)]*)\\)`);
  return (await until(() => server.stderr().match(ended), `the end of ${callId}`, 5000))[1];
}

// 8 kHz μ-law of `text` spoken by flite.
function spoken(text) {
  const path = join(dir, "phrase.wav");
  execFileSync("flite", ["-voice", "slt", "-t", text, "-o", path]);
  const wav = readFileSync(path);
  return pcmuOf(wav.subarray(wav.indexOf("data") + 8));
}

// The first burst of audio the server sends (its greeting): resolves once it has paused.
async function greeting(peer) {
  await until(() => peer.packets.length >= 20 && performance.now() - peer.packets.at(-1).at > 300, "the greeting", 15000);
  return peer.packets.slice();
}

// A byo-sip-trunk credential with these gateways.
async function trunk(gateways) {
  const res = await api(env.server, "/credential", { method: "POST", body: { provider: "byo-sip-trunk", gateways } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

const reportOf = (callId) =>
  receiver.waitFor((r) => r.body?.message?.type === "end-of-call-report" && r.body.message.call?.id === callId, 10000);

test("a softphone calls a vapi SIP number: the built-in speech greets it, hears it, answers and hangs up", async () => {
  const { user, number } = await sipNumber({ endCallPhrases: ["you said"] });
  const peer = await rtpPeer();
  const mark = env.standin.requests.length;
  const run = sipp(sipPort, "call_until_bye.xml", { service: user, keys: { rtp_port: peer.port }, timeout: "40s" });
  let heard;
  try {
    const greeted = await greeting(peer);
    // G.711 μ-law frames of 20 ms, in sequence, sent on a 20 ms grid, and speech, not silence.
    assert.ok(greeted.every((p) => p.payloadType === 0 && p.payload.length === 160));
    for (let i = 1; i < greeted.length; i++) assert.equal(greeted[i].seq, (greeted[i - 1].seq + 1) & 0xffff);
    // Paced in real time: no packet arrives more than 100 ms ahead of its RTP time (a server
    // sending as fast as it synthesises would be seconds ahead), and the whole greeting is not
    // late by more than half a second.
    const t0 = greeted[0].at;
    const due = (p) => ((p.timestamp - greeted[0].timestamp) >>> 0) / 8;
    for (const p of greeted) assert.ok(p.at - t0 >= due(p) - 100, `a packet ${(due(p) - (p.at - t0)).toFixed(0)} ms early`);
    assert.ok(greeted.at(-1).at - t0 <= due(greeted.at(-1)) + 500, "the greeting was sent late");
    let energy = 0;
    for (const p of greeted) for (const b of p.payload) energy += Math.abs(linear(b));
    assert.ok(energy / (greeted.length * 160) > 200, "the greeting is not silent");
    // /metrics lists the stream while the call lasts.
    const metrics = await (await fetch(`${env.server.baseUrl}/metrics`)).text();
    assert.match(metrics, /^switchboard_rtp_streams_active 1$/m);
    assert.match(metrics, /^switchboard_rtp_jitter_ms\{call="[0-9a-f-]{36}"\} \d/m);

    // The phrase, then silence as a phone sends it (a packet every 20 ms): the end of the turn.
    const silence = (ms) => Buffer.alloc(8 * ms, 0xff);
    const playing = peer.play(Buffer.concat([silence(500), spoken("what is the weather like today"), silence(4000)]));
    const request = await until(
      () => env.standin.requests.slice(mark).find((r) => r.path.endsWith("/chat/completions")),
      "the model's request (pocketsphinx recognising the phrase)", 20000);
    heard = request.body.messages.at(-1).content;
    // pocketsphinx hears the caller. (Only a word or so of the phrase: its wideband model hears
    // 8 kHz phone audio badly, over any transport; see docs/sip.md.)
    assert.match(heard, /\w/, "pocketsphinx heard nothing");
    await playing;
    // The model says "You said: ...", an end-call phrase: the server says it and sends BYE.
    const sipped = await run;
    assert.equal(sipped.status, 0, sipped.errors);
  } finally {
    await run;
    await peer.close();
  }
  const call = await callEnded(env.server, (await callOn(number)).id);
  assert.equal(call.type, "inboundPhoneCall");
  assert.equal(call.phoneCallTransport, "sip");
  assert.equal(call.endedReason, "assistant-said-end-call-phrase");
  assert.match(call.customer.sipUri, /^sip:caller@127\.0\.0\.1/);
  // SIP transactions in /metrics: the INVITE received and answered 200, our BYE answered 200.
  const sipMetrics = await (await fetch(`${env.server.baseUrl}/metrics`)).text();
  assert.match(sipMetrics, /^switchboard_sip_requests_received_total\{method="INVITE"\} [1-9]\d*$/m);
  assert.match(sipMetrics, /^switchboard_sip_responses_sent_total\{method="INVITE",class="2xx"\} [1-9]\d*$/m);
  assert.match(sipMetrics, /^switchboard_sip_responses_received_total\{method="BYE",class="2xx"\} [1-9]\d*$/m);
  const report = (await reportOf(call.id)).body.message;
  // X-First_Name: John filled {{first_name}} of the greeting.
  assert.match(report.artifact.transcript, /Hello John/);
  assert.ok(report.artifact.transcript.includes(heard), "the caller's words are in the transcript");
});

test("a BYE from the caller ends the call (customer-ended-call) and its report is sent", async () => {
  const { user, number } = await sipNumber();
  const peer = await rtpPeer();
  try {
    const run = await sipp(sipPort, "call_caller_bye.xml", { service: user, keys: { rtp_port: peer.port }, holdMs: 1500 });
    assert.equal(run.status, 0, run.errors);
    assert.ok(peer.packets.length > 10, "the greeting's audio arrived");
  } finally {
    await peer.close();
  }
  const call = await callEnded(env.server, (await callOn(number)).id);
  assert.equal(call.endedReason, "customer-ended-call");
  assert.equal((await reportOf(call.id)).body.message.endedReason, "customer-ended-call");
});

test("the caller's RFC 4733 digits reach a keypadInputPlan assistant's model as one entry", async () => {
  const { user } = await sipNumber({
    firstMessage: "Enter your code.",
    endCallPhrases: ["you said"],
    keypadInputPlan: { enabled: true, timeoutSeconds: 5, delimiters: "#" },
  });
  const peer = await rtpPeer();
  const mark = env.standin.requests.length;
  const run = sipp(sipPort, "call_until_bye.xml", { service: user, keys: { rtp_port: peer.port }, timeout: "30s" });
  try {
    await greeting(peer);
    await peer.digits("42#");
    const request = await until(
      () => env.standin.requests.slice(mark).find((r) => r.path.endsWith("/chat/completions")),
      "the model's request", 10000);
    assert.match(request.body.messages.at(-1).content, /Keypad Entry: 42$/);
    assert.equal((await run).status, 0);
  } finally {
    await run;
    await peer.close();
  }
});

test("a CANCEL while the call rings ends it before it connects", async () => {
  const assistant = await client.assistants.create({ name: "late", model: { provider: "openai", model: "gpt-4o" } });
  // The number asks its server for an assistant, which takes its time: the caller gives up.
  receiver.respond((r) => (r.path === "/slow" ? { delayMs: 1500, body: { assistantId: assistant.id } } : {}));
  const number = await client.phoneNumbers.create({ provider: "vapi", sipUri: "sip:slow-desk@127.0.0.1", server: { url: `${receiver.url}/slow` } });
  // (Other paths keep getting {}: the handler stays, as the request may come after sipp ends.)
  const run = await sipp(sipPort, "call_cancelled.xml", { service: "slow-desk" });
  assert.equal(run.status, 0, run.errors);
  const call = await callEnded(env.server, (await callOn(number)).id, 10000);
  assert.equal(call.endedReason, "call.ringing.sip-inbound-caller-hungup-before-call-connect");
});

test("a byo-sip-trunk gateway's call rings the trunk's number; a source no gateway names is refused 403", async () => {
  const assistant = await client.assistants.create({ name: "trunk desk", firstMessage: "Hi.", model: { provider: "openai", model: "gpt-4o" } });
  const open = await trunk([{ ip: "127.0.0.0", netmask: 24, inboundEnabled: true }]);
  const number = await client.phoneNumbers.create({ provider: "byo-phone-number", credentialId: open.id, number: "+14155550199", assistantId: assistant.id });
  const peer = await rtpPeer();
  try {
    // The trunk dials the number without its '+'.
    const run = await sipp(sipPort, "call_caller_bye.xml", { service: "14155550199", keys: { rtp_port: peer.port, caller: "14155550123" } });
    assert.equal(run.status, 0, run.errors);
  } finally {
    await peer.close();
  }
  const call = await callEnded(env.server, (await callOn(number)).id);
  assert.equal(call.phoneCallTransport, "sip");
  assert.equal(call.customer.number, "+14155550123");

  const elsewhere = await trunk([{ ip: "192.0.2.10" }, { ip: "127.0.0.1", inboundEnabled: false }]);
  await client.phoneNumbers.create({ provider: "byo-phone-number", credentialId: elsewhere.id, number: "+14155550198", assistantId: assistant.id });
  assert.equal((await sipp(sipPort, "invite_refused.xml", { service: "+14155550198" })).status, 0);
  assert.equal(await finalAnswer("\\+14155550198"), "403 Forbidden");
});

test("a number routed to no assistant answers 480, and one routed to a transfer 302", async () => {
  const none = await client.phoneNumbers.create({ provider: "vapi", sipUri: "sip:nobody-answers@127.0.0.1" });
  assert.equal((await sipp(sipPort, "invite_refused.xml", { service: "nobody-answers" })).status, 0);
  assert.equal(await finalAnswer("nobody-answers"), "480 Temporarily Unavailable");
  // The call is stored, ended at the routing, as any inbound call.
  assert.equal((await callOn(none)).endedReason, "call-start-error-neither-assistant-nor-server-set");
  const forward = await client.phoneNumbers.create({
    provider: "vapi", sipUri: "sip:forwarded@127.0.0.1", fallbackDestination: { type: "number", number: "+14155550142" },
  });
  assert.equal((await sipp(sipPort, "invite_refused.xml", { service: "forwarded" })).status, 0);
  assert.equal(await finalAnswer("forwarded"), "302 Moved Temporarily");
  assert.equal((await callOn(forward)).status, "ended");
});

test("an unknown user is refused 404, and an offer without PCMU or PCMA 488", async () => {
  assert.equal((await sipp(sipPort, "invite_refused.xml", { service: "nobody-here" })).status, 0);
  assert.equal(await finalAnswer("nobody-here"), "404 Not Found");
  const { user } = await sipNumber();
  assert.equal((await sipp(sipPort, "invite_refused.xml", { service: user, keys: { codecs: "18" } })).status, 0);
  assert.equal(await finalAnswer(user), "488 Not Acceptable Here");
});

test("at --max-calls an INVITE is refused 503 with Retry-After, and taken again once a call ends", async () => {
  const port = await freeSipPort();
  const small = await startChatServer({ args: ["--sip-port", String(port), "--rtp-ports", "32000-32099", "--max-calls", "1"] });
  try {
    const assistant = await small.server.client.assistants.create({ name: "one line", firstMessage: "Hi.", model: { provider: "openai", model: "gpt-4o" } });
    await small.server.client.phoneNumbers.create({ provider: "vapi", sipUri: "sip:one-line@127.0.0.1", assistantId: assistant.id });
    const peer = await rtpPeer();
    try {
      const first = sipp(port, "call_caller_bye.xml", { service: "one-line", keys: { rtp_port: peer.port }, holdMs: 3000 });
      await until(() => peer.packets.length > 0, "the first call's audio");
      const busy = await sipp(port, "invite_refused.xml", { service: "one-line" });
      assert.equal(busy.status, 0, busy.errors);
      assert.match(small.server.stderr(), /ended \(503 Service Unavailable\)/);
      assert.equal((await first).status, 0);
      await until(async () => (await small.server.client.calls.list({ limit: 10 })).every((c) => c.status === "ended"), "the first call's end");
      const again = await sipp(port, "call_caller_bye.xml", { service: "one-line", keys: { rtp_port: peer.port }, holdMs: 300 });
      assert.equal(again.status, 0, again.errors);
    } finally {
      await peer.close();
    }
  } finally {
    await small.stop();
  }
});

// Last: it restarts the server.
test("a SIP call live when the server is killed (kill -9) is ended on restart, with its report", async () => {
  const { user, number } = await sipNumber();
  const peer = await rtpPeer();
  const abort = new AbortController();
  const run = sipp(sipPort, "call_caller_bye.xml", { service: user, keys: { rtp_port: peer.port }, holdMs: 30000, timeout: "40s", signal: abort.signal });
  try {
    await greeting(peer);
    const { id } = await callOn(number);
    await env.restart();
    client = env.server.client;
    const call = await callEnded(env.server, id);
    assert.equal(call.endedReason, "call.in-progress.error-vapifault-worker-died");
    assert.equal((await reportOf(id)).body.message.endedReason, "call.in-progress.error-vapifault-worker-died");
  } finally {
    abort.abort();
    await run;
    await peer.close();
  }
});
