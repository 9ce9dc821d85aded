// Transfers and keys on live SIP calls, with sipp as the caller's PBX or phone and an RTP peer
// in this process: transferCall with sipVerb refer (REFER with the destination's headers in
// Refer-To, 202, NOTIFY 200 → assistant-forwarded-call), a transfer whose target is busy
// (NOTIFY 486: the call goes on, the model is told), sipVerb bye and dial through the control
// URL (dial: a second sipp as the destination, its RTP peer bridged to the caller's, PCMU to
// PCMA and back; a busy destination leaving the caller with the assistant), the dtmf tool's keys as RFC 4733 events and as SIP INFO, and INFO keys from the caller
// reaching a keypadInputPlan assistant.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startChatServer } from "./chats_helpers.mjs";
import { callEnded, until } from "./voice_helpers.mjs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { freeSipPort, sipp, sippGateway, rtpPeer, linear, linearOfAlaw } from "./sip_helpers.mjs";

const SCENARIOS = join(dirname(fileURLToPath(import.meta.url)), "sip");
const HERE_UNIT = join(dirname(fileURLToPath(import.meta.url)), "..", "unit", "sip");

let env, sipPort, client;
before(async () => {
  sipPort = await freeSipPort();
  env = await startChatServer({ args: ["--sip-port", String(sipPort), "--rtp-ports", "32000-32999"] });
  client = env.server.client;
});
after(async () => {
  await env?.stop();
});

let users = 0;
// A vapi number with a fresh SIP user, answered by an assistant on the built-in speech.
async function sipNumber({ tools = [], ...assistant } = {}) {
  const created = await client.assistants.create({
    name: "sip transfers",
    firstMessage: "Hi.",
    model: { provider: "openai", model: "gpt-4o", messages: [{ role: "system", content: "Be brief." }], tools },
    ...assistant,
  });
  const user = `xfer-${++users}`;
  const number = await client.phoneNumbers.create({ provider: "vapi", sipUri: `sip:${user}@127.0.0.1`, assistantId: created.id });
  return { user, number };
}

// The one call on `number`, once it is in progress (answered, its media going).
async function liveCallOn(number) {
  return until(async () => {
    const found = (await client.calls.list({ limit: 1000 })).filter((c) => c.phoneNumberId === number.id);
    return found.length === 1 && found[0].status === "in-progress" ? found[0] : null;
  }, "the call on the number, in progress");
}

// The greeting has been sent (its audio has paused).
const greeted = (peer) =>
  until(() => peer.packets.length >= 10 && performance.now() - peer.packets.at(-1).at > 300, "the greeting", 15000);

async function control(call, body) {
  const res = await fetch(`${env.server.baseUrl}/${call.id}/control`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

// The caller's side "says" this: the stand-in model calls the tool it names.
const userSays = (call, content) => control(call, { type: "add-message", message: { role: "user", content } });

// A model request after `mark` whose messages include `text`.
const modelHeard = (mark, text) =>
  until(() => env.standin.requests.slice(mark).find((r) => r.path.endsWith("/chat/completions") &&
    JSON.stringify(r.body.messages).includes(text)), `a model request with "${text}"`, 15000);

// Calls `user` from sipp running `scenario` with an RTP peer, runs `body(peer)` meanwhile, and
// checks that sipp's scenario went through (its checks passed, the server hung up as expected).
async function onSipCall(user, scenario, body, { holdMs } = {}) {
  const peer = await rtpPeer();
  const run = sipp(sipPort, scenario, { service: user, keys: { rtp_port: peer.port }, timeout: "30s", holdMs });
  try {
    await body(peer);
    const sipped = await run;
    assert.equal(sipped.status, 0, sipped.errors);
  } finally {
    await run;
    await peer.close();
  }
}

test("transferCall with sipVerb refer: REFER with the headers in Refer-To, NOTIFY 200, assistant-forwarded-call", async () => {
  const { user, number } = await sipNumber({
    tools: [{
      type: "transferCall",
      destinations: [{
        type: "sip", sipUri: "sip:desk@pbx.example", sipHeaders: { "X-Case": "42" }, message: "",
        transferPlan: { mode: "blind-transfer", sipVerb: "refer", sipHeadersInReferToEnabled: true },
      }],
    }],
    serverMessages: [],
  });
  await onSipCall(user, "call_refer.xml", async (peer) => {
    const call = await liveCallOn(number);
    await greeted(peer);
    assert.equal((await userSays(call, 'call transferCall with {"destination":"sip:desk@pbx.example"}')).status, 200);
    // sipp checks the Refer-To, answers 202, NOTIFYs 100 then 200, and takes the BYE.
    const ended = await callEnded(env.server, call.id);
    assert.equal(ended.endedReason, "assistant-forwarded-call");
  });
});

test("a REFER whose target is busy (NOTIFY 486) leaves the call with the assistant, told it failed", async () => {
  const { user, number } = await sipNumber({ endCallPhrases: ["you said"] });
  await onSipCall(user, "call_refer_busy.xml", async (peer) => {
    const call = await liveCallOn(number);
    await greeted(peer);
    const mark = env.standin.requests.length;
    // Through the control URL: a number destination is referred to the caller's PBX.
    const res = await control(call, { type: "transfer", destination: { type: "number", number: "+14155550123" } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await modelHeard(mark, "The transfer failed (the transfer target did not take the call (SIP 486))");
    // The model's answer ("You said: ...") is an end-call phrase: the server says it and BYEs.
    const ended = await callEnded(env.server, call.id);
    assert.equal(ended.endedReason, "assistant-said-end-call-phrase");
  });
});

test("sipVerb bye ends the call with BYE (assistant-forwarded-call); dial to a number is refused and the call goes on", async () => {
  const { user, number } = await sipNumber({ endCallPhrases: ["never said"] });
  await onSipCall(user, "call_until_bye.xml", async (peer) => {
    const call = await liveCallOn(number);
    await greeted(peer);
    const refused = await control(call, { type: "transfer", destination: { type: "sip" } });
    assert.equal(refused.status, 400);
    assert.match(JSON.stringify(refused.body.message), /sipUri/);
    const mark = env.standin.requests.length;
    const dial = { type: "number", number: "+14155550123", transferPlan: { mode: "blind-transfer", sipVerb: "dial" } };
    assert.equal((await control(call, { type: "transfer", destination: dial })).status, 200);
    await modelHeard(mark, "transferPlan.sipVerb dial calls a sip destination's sipUri");
    assert.equal((await client.calls.get({ id: call.id })).status, "in-progress");
    const bye = { type: "number", number: "+14155550123", transferPlan: { mode: "blind-transfer", sipVerb: "bye" } };
    assert.equal((await control(call, { type: "transfer", destination: bye })).status, 200);
    const ended = await callEnded(env.server, call.id);
    assert.equal(ended.endedReason, "assistant-forwarded-call");
  });
});

// Frames of one constant μ-law byte: a steady level the far side can recognise.
const level = (byte, frames) => Buffer.alloc(160 * frames, byte);

// A call from sipp transferred by dial to `transferPlan` at a desk (dest_answer_bye.xml: PCMA,
// its RTP peer `desk`, hanging up 5 s after answering, which ends the caller's leg), once the
// call has ended assistant-forwarded-call; `body(peer, desk)` runs then.
async function dialToDesk(transferPlan, body) {
  const { user, number } = await sipNumber({ endCallPhrases: ["never said"] });
  const desk = await rtpPeer();
  const gateway = await sippGateway(join(SCENARIOS, "dest_answer_bye.xml"), { keys: { rtp_port: desk.port } });
  try {
    await onSipCall(user, "call_until_bye.xml", async (peer) => {
      const call = await liveCallOn(number);
      await greeted(peer);
      const destination = { type: "sip", sipUri: `sip:desk@127.0.0.1:${gateway.port}`, sipHeaders: { "X-Case": "42" }, message: "", transferPlan };
      assert.equal((await control(call, { type: "transfer", destination })).status, 200);
      const ended = await callEnded(env.server, call.id);
      assert.equal(ended.endedReason, "assistant-forwarded-call");
      await body(peer, desk);
    });
    const run = await gateway.done;
    assert.equal(run.status, 0, run.errors);
  } finally {
    gateway.kill();
    await desk.close();
  }
}

test("sipVerb dial bridges the caller to the destination: audio both ways, and the destination's BYE ends the caller's leg", async () => {
  // Answered and bridged: the assistant has left (the call ended assistant-forwarded-call).
  await dialToDesk({ mode: "blind-transfer", sipVerb: "dial", dialTimeout: 10 }, async (peer, desk) => {
    // The caller speaks (μ-law 0x9f, +8316): the desk gets it as PCMA of the same level.
    const fromCaller = peer.packets.length;
    await peer.play(level(0x9f, 25));
    await until(() => desk.packets.filter((p) => p.payloadType === 8).length >= 15, "the caller's audio at the desk", 5000);
    const heard = desk.packets.filter((p) => p.payloadType === 8);
    assert.ok(heard.every((p) => p.payload.length === 160));
    const want = linear(0x9f);
    for (const p of heard) for (const b of p.payload) assert.ok(Math.abs(linearOfAlaw(b) - want) <= want * 0.07, `${linearOfAlaw(b)} vs ${want}`);
    // Our own sequence numbers and timestamps: consecutive numbers, the clock 160 a frame
    // (it runs on through a tick that found nothing to send: the legs' grids are apart).
    for (let i = 1; i < heard.length; i++) {
      assert.equal(heard[i].seq, (heard[i - 1].seq + 1) & 0xffff);
      const step = heard[i].timestamp - heard[i - 1].timestamp;
      assert.ok(step > 0 && step % 160 === 0, `timestamp step ${step}`);
    }
    // The desk answers (A-law 0xa5, +16896): the caller hears it as PCMU of the same level.
    await desk.play(level(0xa5, 25), { payloadType: 8 });
    const wantBack = linearOfAlaw(0xa5);
    const level16896 = (p) => p.payloadType === 0 && p.payload.every((b) => Math.abs(linear(b) - wantBack) <= wantBack * 0.07);
    await until(() => peer.packets.slice(fromCaller).filter(level16896).length >= 15, "the desk's audio at the caller", 5000);
    // The desk hangs up (5 s after answering): the caller gets BYE (call_until_bye.xml).
  });
});

test("warm-transfer-say-message with sipVerb dial: the destination hears the message in the assistant's voice before the caller joins", async () => {
  const plan = { mode: "warm-transfer-say-message", message: "A caller about an invoice.", sipVerb: "dial" };
  await dialToDesk(plan, async (peer, desk) => {
    // Before the caller joined, the desk got the message: a second or more of speech.
    const intro = desk.packets.filter((p) => p.payloadType === 8);
    assert.ok(intro.length >= 40, `${intro.length} packets of introduction`);
    let energy = 0;
    for (const p of intro) for (const b of p.payload) energy += Math.abs(linearOfAlaw(b));
    assert.ok(energy / (intro.length * 160) > 200, "the introduction is speech, not silence");
    // The caller is then bridged: its audio reaches the desk.
    const mark = desk.packets.length;
    await peer.play(level(0x9f, 15));
    await until(() => desk.packets.length >= mark + 10, "the caller's audio at the desk", 5000);
  });
});

test("sipVerb dial: the caller's BYE ends the destination's leg", async () => {
  const { user, number } = await sipNumber({ endCallPhrases: ["never said"] });
  // Answers and waits for our BYE.
  const gateway = await sippGateway(join(HERE_UNIT, "uas_answer.xml"));
  try {
    // The caller hangs up 5 s after the answer, after the transfer.
    await onSipCall(user, "call_caller_bye.xml", async (peer) => {
      const call = await liveCallOn(number);
      await greeted(peer);
      const destination = { type: "sip", sipUri: `sip:desk@127.0.0.1:${gateway.port}`, transferPlan: { sipVerb: "dial" } };
      assert.equal((await control(call, { type: "transfer", destination })).status, 200);
      assert.equal((await callEnded(env.server, call.id)).endedReason, "assistant-forwarded-call");
    }, { holdMs: 5000 });
    const run = await gateway.done;
    assert.equal(run.status, 0, run.errors);
  } finally {
    gateway.kill();
  }
});

test("sipVerb dial to a busy destination leaves the caller with the assistant, told why", async () => {
  const { user, number } = await sipNumber({ endCallPhrases: ["never said"] });
  const gateway = await sippGateway(join(HERE_UNIT, "uas_busy.xml"));
  try {
    await onSipCall(user, "call_until_bye.xml", async (peer) => {
      const call = await liveCallOn(number);
      await greeted(peer);
      const mark = env.standin.requests.length;
      const destination = { type: "sip", sipUri: `sip:desk@127.0.0.1:${gateway.port}`, transferPlan: { sipVerb: "dial" } };
      assert.equal((await control(call, { type: "transfer", destination })).status, 200);
      await modelHeard(mark, "The transfer failed (the destination is busy (SIP 486))");
      assert.equal((await client.calls.get({ id: call.id })).status, "in-progress");
      // The assistant still has the caller: its answer to the failure reaches the caller's RTP.
      const before = peer.packets.length;
      await until(() => peer.packets.length > before + 10, "the assistant speaking again", 10000);
      assert.equal((await control(call, { type: "end-call" })).status, 200);
      assert.equal((await callEnded(env.server, call.id)).endedReason, "customer-ended-call");
    });
  } finally {
    gateway.kill();
  }
});

test("the dtmf tool's keys reach the caller as RFC 4733 telephone-events", async () => {
  const { user, number } = await sipNumber({ tools: [{ type: "dtmf" }], endCallPhrases: ["tool said"] });
  await onSipCall(user, "call_until_bye.xml", async (peer) => {
    const call = await liveCallOn(number);
    await greeted(peer);
    const mark = peer.packets.length;
    await userSays(call, 'call dtmf with {"keys":"4#"}');
    // The model's "Tool said: Pressed 4#" is an end-call phrase: the call ends after the keys.
    assert.equal((await callEnded(env.server, call.id)).endedReason, "assistant-said-end-call-phrase");
    const events = peer.packets.slice(mark).filter((p) => p.payloadType === 101);
    // Per key: a marked start, updates, three end packets, all on the key's one timestamp.
    const keys = [...new Set(events.map((p) => p.timestamp))].map((ts) => events.filter((p) => p.timestamp === ts));
    assert.deepEqual(keys.map((k) => k[0].payload[0]), [4, 11]);
    for (const k of keys) {
      assert.ok(k[0].marker, "the first packet of a key has the marker");
      assert.ok(k.slice(1).every((p) => !p.marker));
      const ends = k.filter((p) => p.payload[1] & 0x80);
      assert.equal(ends.length, 3, "three end packets");
      assert.ok(ends.every((p) => p.payload.readUInt16BE(2) === 800), "100 ms long");
      assert.equal(k[0].payload[1] & 0x3f, 10, "volume 10");
      for (let i = 1; i < k.length; i++) assert.equal(k[i].seq, (k[i - 1].seq + 1) & 0xffff);
    }
  });
});

test("with sipInfoDtmfEnabled the dtmf tool's keys go as SIP INFO (application/dtmf-relay)", async () => {
  const { user, number } = await sipNumber({ tools: [{ type: "dtmf", sipInfoDtmfEnabled: true }], endCallPhrases: ["tool said"] });
  await onSipCall(user, "call_info_digits_out.xml", async (peer) => {
    const call = await liveCallOn(number);
    await greeted(peer);
    const mark = peer.packets.length;
    await userSays(call, 'call dtmf with {"keys":"42"}');
    // sipp checks the INFOs (Signal=4, then Signal=2) before it takes the BYE.
    await callEnded(env.server, call.id);
    assert.ok(peer.packets.slice(mark).every((p) => p.payloadType !== 101), "no RTP events as well");
  });
});

test("keys the caller sends as SIP INFO reach a keypadInputPlan assistant's model as one entry", async () => {
  const { user } = await sipNumber({
    firstMessage: "Enter your code.",
    endCallPhrases: ["you said"],
    keypadInputPlan: { enabled: true, timeoutSeconds: 5, delimiters: "#" },
  });
  const mark = env.standin.requests.length;
  await onSipCall(user, "call_info_digits_in.xml", async () => {
    const request = await modelHeard(mark, "Keypad Entry: 42");
    assert.match(request.body.messages.at(-1).content, /Keypad Entry: 42$/);
  }, { holdMs: 2500 });
});
