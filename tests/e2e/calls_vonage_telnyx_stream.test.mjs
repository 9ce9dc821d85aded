// Inbound Vonage and Telnyx calls answered by an assistant talk over each carrier's media
// stream: the NCCO / TeXML names /vonage/stream/{callId} or /telnyx/stream/{callId}; stand-ins
// for the carriers (vonage_stream_emulator.mjs, telnyx_stream_emulator.mjs) connect, stream
// the caller's audio (Telnyx's partly out of order) and play back what they get.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { startChatServer } from "./chats_helpers.mjs";
import { credential, nextNumber } from "./fixtures.mjs";
import { nextCallSid, telnyxHeaders, vonageJwt } from "./telephony_helpers.mjs";
import { connectVonageStream } from "./vonage_stream_emulator.mjs";
import { connectTelnyxStream } from "./telnyx_stream_emulator.mjs";
import { mulaw, standinAssistant, startTranscriberStandin, startVoiceStandin, until, sleep, waitForCallStatus } from "./voice_helpers.mjs";

const CALLER = "+14155550199";
const VONAGE_SECRET = "vonage-signature-secret";
const telnyxKeys = generateKeyPairSync("ed25519");
const TELNYX_PUBLIC = telnyxKeys.publicKey.export({ format: "der", type: "spki" }).subarray(12).toString("base64");

let env, transcriber, voice, vonageCredentialId;
before(async () => {
  env = await startChatServer({ args: ["--telnyx-public-key", TELNYX_PUBLIC] });
  transcriber = await startTranscriberStandin();
  voice = await startVoiceStandin();
  vonageCredentialId = await credential(env.server, { provider: "vonage", apiKey: "vonage-key", apiSecret: VONAGE_SECRET });
});
after(async () => {
  await env.stop();
  await transcriber.close();
  await voice.close();
});

async function post(path, body, headers) {
  const res = await fetch(env.server.baseUrl + path, { method: "POST", headers, body });
  return { status: res.status, body: await res.text() };
}

// Each carrier: how its number is made, how it rings (resolving {callId, connect(opts)}), and
// what its audio looks like on the wire.
const carriers = {
  vonage: {
    async ring(assistantId) {
      const number = await env.server.client.phoneNumbers.create({ provider: "vonage", number: nextNumber("+1415777"), credentialId: vonageCredentialId, assistantId });
      const body = JSON.stringify({ from: CALLER.slice(1), to: number.number.slice(1), uuid: randomUUID(), conversation_uuid: `CON-${randomUUID()}` });
      const res = await post("/vonage/inbound_call", body, { "Content-Type": "application/json", Authorization: `Bearer ${vonageJwt(VONAGE_SECRET, body)}` });
      assert.equal(res.status, 200, res.body);
      const endpoint = JSON.parse(res.body)[0].endpoint[0];
      assert.equal(endpoint["content-type"], "audio/l16;rate=16000");
      const callId = endpoint.headers.callId;
      return { callId, url: endpoint.uri, connect: (opts = {}, url = endpoint.uri) => connectVonageStream(url, { headers: endpoint.headers, ...opts }) };
    },
    bytesPerMs: 32, // 16-bit PCM at 16 kHz
    // The caller's frame `k`: a steady level that rises with k.
    level: (level) => {
      const frame = Buffer.alloc(640);
      for (let i = 0; i < 320; i++) frame.writeInt16LE(level, i * 2);
      return frame;
    },
  },
  telnyx: {
    async ring(assistantId) {
      const number = await env.server.client.phoneNumbers.create({ provider: "telnyx", number: nextNumber("+1415778"), credentialId: await credential(env.server, { provider: "telnyx", apiKey: "KEY0123456789" }), assistantId });
      const body = new URLSearchParams({ CallSid: `v3:${nextCallSid()}`, From: CALLER, To: number.number, CallStatus: "ringing", Direction: "inbound", AccountSid: "telnyx-account" }).toString();
      const res = await post("/telnyx/inbound_call", body, { "Content-Type": "application/x-www-form-urlencoded", ...telnyxHeaders(body, telnyxKeys.privateKey) });
      assert.equal(res.status, 200, res.body);
      const url = res.body.match(/<Stream url="([^"]+)"/)[1].replaceAll("&amp;", "&");
      const callId = new URL(url).searchParams.get("callId");
      assert.equal(new URL(url).pathname, `/telnyx/stream/${callId}`);
      return { callId, url, connect: (opts = {}, to = url) => connectTelnyxStream(to, opts) };
    },
    bytesPerMs: 8, // PCMU at 8 kHz
    level: (level) => Buffer.alloc(160, mulaw(level)),
  },
};

const waitForStatus = (id, status, ms) => waitForCallStatus(env.server.client, id, status, ms);

async function assistant(extra) {
  return (await env.server.client.assistants.create(standinAssistant(transcriber, voice, extra))).id;
}

// The customer channel of what the transcriber got (stereo, customer first), as 5 ms means.
function customerLevels(audio) {
  const pcm = Buffer.concat(audio);
  const levels = [];
  for (let at = 0; at + 4 * 80 <= pcm.length; at += 4 * 80) {
    let sum = 0;
    for (let i = 0; i < 80; i++) sum += pcm.readInt16LE(at + i * 4);
    levels.push(sum / 80);
  }
  return levels;
}

for (const [name, carrier] of Object.entries(carriers)) {
  test(`${name}: a stream for no live call → 404, for a call already streaming → 409`, async () => {
    const { url, callId, connect } = await carrier.ring(await assistant({ firstMessage: "Hi." }));
    await assert.rejects(connect({}, url.replaceAll(callId, randomUUID())), (e) => e.status === 404);
    const stream = await connect();
    await assert.rejects(connect(), (e) => e.status === 409);
    stream.close();
    assert.equal((await waitForStatus(callId, "ended")).endedReason, "customer-ended-call");
  });

  test(`${name}: the greeting arrives in the carrier's format, ahead of real time, marked at its end`, async () => {
    const { callId, connect } = await carrier.ring(await assistant({ firstMessage: "Hello, you have reached the clinic." }));
    const stream = await connect();
    // 35 characters × 40 ms = 1.4 s of audio.
    const bytes = 1400 * carrier.bytesPerMs;
    await until(() => stream.received >= bytes - 40 * carrier.bytesPerMs, "the greeting's audio", 5000);
    const span = stream.audioAt[stream.audioAt.length - 1].at - stream.audioAt[0].at;
    assert.ok(span < 700, `the carrier queues: the greeting may go out ahead (took ${span} ms)`);
    if (name === "vonage") assert.equal(stream.oddFrames, 0, "every frame is 640 bytes");
    else assert.equal(stream.oddChunks, 0, "every chunk is whole 20 ms frames of PCMU");
    const marks = () => (name === "vonage" ? stream.notifies : stream.marks);
    await until(() => marks().length >= 1, "the answer's mark echoed after playback", 5000);
    assert.ok(stream.played >= bytes - 40 * carrier.bytesPerMs);
    stream.close();
    await waitForStatus(callId, "ended");
  });

  test(`${name}: the caller's audio reaches the transcriber in order, and an answer comes back`, async () => {
    const { callId, connect } = await carrier.ring(await assistant({}));
    const before = transcriber.sessions.length;
    // For 2.5 s a level rising frame by frame (reordering gone wrong shows as a step down), then
    // silence, so that the answer is not taken for an interruption.
    const stream = await connect({ source: (k) => carrier.level(k < 125 ? 300 + 40 * k : 0) });
    const session = await until(() => transcriber.sessions[before]?.start && transcriber.sessions[before], "the transcriber");
    await sleep(3000);
    if (name === "telnyx") assert.ok(stream.swapped >= 10, `${stream.swapped} pairs sent out of order`);
    const all = customerLevels(session.audio);
    const levels = all.slice(0, all.indexOf(Math.max(...all)) + 1).filter((l) => l > 200);
    assert.ok(levels.length > 200, `${levels.length} windows of the rising level`);
    for (let i = 1; i < levels.length; i++)
      assert.ok(levels[i] >= levels[i - 1] - 30, `the level steps down at window ${i}: ${levels[i - 1]} → ${levels[i]}`);
    const answered = stream.received;
    session.say("hello there.", "final");
    await until(async () => {
      const c = await env.server.client.calls.get({ id: callId });
      return c.messages?.some((m) => m.role === "bot" && m.message === "You said: hello there.");
    }, "the answer", 15000);
    await until(() => stream.received > answered, "the answer's audio");
    stream.close();
    await waitForStatus(callId, "ended");
  });

  test(`${name}: barge-in takes back what the carrier has not played`, async () => {
    const { callId, connect } = await carrier.ring(await assistant({ stopSpeakingPlan: { numWords: 1 } }));
    const before = transcriber.sessions.length;
    const stream = await connect();
    const session = await until(() => transcriber.sessions[before]?.start && transcriber.sessions[before], "the transcriber");
    session.say("tell me everything about your opening hours and the parking", "final");
    await until(() => stream.received > 1000 * carrier.bytesPerMs, "the answer being sent", 8000);
    session.say("stop", "partial");
    await until(() => stream.clears >= 1, "clear", 3000);
    assert.ok(stream.played < stream.received, "the clear came before the carrier played it all");
    stream.close();
    await waitForStatus(callId, "ended");
  });

  test(`${name}: keys the caller presses reach a keypadInputPlan assistant as one entry`, async () => {
    const { callId, connect } = await carrier.ring(await assistant({ keypadInputPlan: { enabled: true, timeoutSeconds: 5, delimiters: "#" } }));
    const stream = await connect();
    for (const key of ["4", "2", "#"]) stream.pressKey(key);
    const call = await until(async () => {
      const c = await env.server.client.calls.get({ id: callId });
      return c.messages?.some((m) => m.role === "bot" && m.message === "You said: User's Keypad Entry: 42") && c;
    }, "the answer to the keypad entry");
    assert.deepEqual(call.messages.filter((m) => m.role === "user").map((m) => m.message), ["User's Keypad Entry: 42"]);
    stream.close();
    assert.equal((await waitForStatus(callId, "ended")).endedReason, "customer-ended-call");
  });
}

test("vonage: a first message naming another call closes the socket and ends the call", async () => {
  const { callId, connect } = await carriers.vonage.ring(await assistant({ firstMessage: "Hi." }));
  const stream = await connect({ headers: { callId: randomUUID() } });
  assert.equal(await stream.closed, 1008);
  assert.equal(stream.received, 0);
  assert.equal((await waitForStatus(callId, "ended")).endedReason, "customer-ended-call");
});

test("telnyx: a stream URL whose callId is not the path's → 403", async () => {
  const { url, callId } = await carriers.telnyx.ring(await assistant({ firstMessage: "Hi." }));
  await assert.rejects(connectTelnyxStream(url.replace(`callId=${callId}`, `callId=${randomUUID()}`)), (e) => e.status === 403);
  const stream = await connectTelnyxStream(url);
  stream.stop();
  assert.equal((await waitForStatus(callId, "ended")).endedReason, "customer-ended-call");
});

test("telnyx: stop ends the call", async () => {
  const { callId, connect } = await carriers.telnyx.ring(await assistant({ firstMessage: "Hello." }));
  const stream = await connect();
  await waitForStatus(callId, "in-progress");
  stream.stop();
  assert.equal((await waitForStatus(callId, "ended")).endedReason, "customer-ended-call");
  assert.equal(await stream.closed, 1000);
});
