// An inbound Twilio call answered by an assistant talks over Twilio Media Streams: the
// routing's TwiML names /twilio/stream/{callId}; a stand-in for Twilio (twilio_stream_emulator.mjs)
// connects with a signed handshake, streams the caller's μ-law and plays back what it gets.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startChatServer } from "./chats_helpers.mjs";
import { startReceiver } from "./webhooks_receiver.mjs";
import { nextNumber } from "./fixtures.mjs";
import { twilioPost, twilioRing, nextCallSid } from "./telephony_helpers.mjs";
import { connectTwilioStream } from "./twilio_stream_emulator.mjs";
import { listenTo, standinAssistant, startTranscriberStandin, startVoiceStandin, until, waitForCallStatus } from "./voice_helpers.mjs";

const ACCOUNT = "AC0123456789abcdef0123456789abcdef";
const TOKEN = "twilio-auth-token-for-streams";

let env, transcriber, voice;
before(async () => {
  env = await startChatServer();
  transcriber = await startTranscriberStandin();
  voice = await startVoiceStandin();
});
after(async () => {
  await env.stop();
  await transcriber.close();
  await voice.close();
});

// Rings a Twilio number whose assistant is on the stand-ins; resolves {callId, streamUrl, callSid}.
async function ringAssistant(extra = {}, numberExtra = {}) {
  const client = env.server.client;
  const assistant = await client.assistants.create(standinAssistant(transcriber, voice, extra));
  const number = await client.phoneNumbers.create({
    provider: "twilio", number: nextNumber("+1415888"), twilioAccountSid: ACCOUNT,
    twilioAuthToken: TOKEN, assistantId: assistant.id, ...numberExtra,
  });
  const callSid = nextCallSid();
  const res = await twilioPost(env.server, "/twilio/inbound_call",
    twilioRing({ to: number.number, from: "+14155550199", accountSid: ACCOUNT, callSid }), { authToken: TOKEN });
  assert.equal(res.status, 200, res.body);
  const streamUrl = res.body.match(/<Stream url="([^"]+)"/)[1];
  const callId = streamUrl.split("/").pop();
  return { callId, streamUrl, callSid };
}

const waitForStatus = (id, status, ms) => waitForCallStatus(env.server.client, id, status, ms);

test("the stream's handshake must carry the number's signature", async () => {
  const { streamUrl, callId } = await ringAssistant({ firstMessage: "Hello." });
  await assert.rejects(connectTwilioStream(streamUrl, { signature: "bm90IGl0" }), (e) => e.status === 403);
  const stream = await connectTwilioStream(streamUrl, { authToken: TOKEN });
  stream.stop();
  const ended = await waitForStatus(callId, "ended");
  assert.equal(ended.endedReason, "customer-ended-call");
});

test("the greeting goes out as μ-law media ahead of real time, marked at its end", async () => {
  const { streamUrl, callId } = await ringAssistant({ firstMessage: "Hello, you have reached the clinic." });
  const stream = await connectTwilioStream(streamUrl, { authToken: TOKEN });
  // 35 characters × 40 ms = 1.4 s of audio = 11200 bytes of μ-law at 8 kHz.
  await until(() => stream.received >= 11000, "the greeting's audio", 5000);
  const first = stream.audioAt[0].at;
  const last = stream.audioAt[stream.audioAt.length - 1].at;
  assert.ok(last - first < 700, `Twilio buffers: the greeting may go out ahead (took ${last - first} ms)`);
  await until(() => stream.marks.length >= 1, "the answer's mark echoed after playback", 5000);
  assert.ok(stream.played >= 11000);
  stream.close();
  await waitForStatus(callId, "ended");
});

test("barge-in sends clear, and the next answer follows", async () => {
  const { streamUrl, callId } = await ringAssistant({ stopSpeakingPlan: { numWords: 1 } });
  const before = transcriber.sessions.length;
  const stream = await connectTwilioStream(streamUrl, { authToken: TOKEN });
  const session = await until(() => transcriber.sessions[before]?.start && transcriber.sessions[before], "transcriber");
  session.say("tell me everything about your opening hours and the parking", "final");
  await until(() => stream.received > 8000, "the answer being sent", 8000);
  session.say("stop", "partial");
  await until(() => stream.clears >= 1, "clear", 3000);
  assert.ok(stream.played < stream.received, "the clear came before Twilio played it all");
  stream.stop();
  await waitForStatus(callId, "ended");
});

test("Twilio's status callback ends the call", async () => {
  const { streamUrl, callId, callSid } = await ringAssistant({ firstMessage: "Hi." });
  const stream = await connectTwilioStream(streamUrl, { authToken: TOKEN });
  const call = await env.server.client.calls.get({ id: callId });
  const res = await twilioPost(env.server, "/twilio/status",
    { ...twilioRing({ to: "", from: "+14155550199", accountSid: ACCOUNT, callSid }), CallStatus: "completed", To: call.phoneNumber?.number ?? "" },
    { authToken: TOKEN });
  assert.ok(res.status === 204 || res.status === 404, `${res.status} ${res.body}`);
  stream.close();
  await waitForStatus(callId, "ended");
});

test("with no assistant server, the number's server gets the live call's messages, which name the number", async () => {
  const receiver = await startReceiver();
  try {
    const { streamUrl, callId } = await ringAssistant(
      { firstMessage: "Hello.", serverMessages: ["transcript", "end-of-call-report"] },
      { server: { url: receiver.url("/number-server") } },
    );
    const stream = await connectTwilioStream(streamUrl, { authToken: TOKEN });
    await until(() => transcriber.latest()?.start, "the transcriber");
    transcriber.latest().say("hello there.", "final");
    await until(() => receiver.hits("/number-server").some((h) => h.json.message.type === "transcript"), "a transcript at the number's server");
    stream.stop();
    await waitForStatus(callId, "ended");
    const hits = await until(() => {
      const all = receiver.hits("/number-server");
      return all.some((h) => h.json.message.type === "end-of-call-report") && all;
    }, "the report at the number's server");
    for (const h of hits) assert.match(h.json.message.phoneNumber.number, /^\+1415888/, h.json.message.type);
  } finally {
    await receiver.close();
  }
});

test("the first status-update of a Twilio call answered by an assistant carries its monitor", async () => {
  const receiver = await startReceiver();
  try {
    const { streamUrl, callId } = await ringAssistant(
      { firstMessage: "Hello." },
      { server: { url: receiver.url("/number-server") } },
    );
    const updates = () => receiver.hits("/number-server").filter((h) => h.json.message.type === "status-update");
    const first = await until(() => updates()[0], "the first status-update");
    assert.equal(first.json.message.status, "in-progress");
    const base = env.server.baseUrl;
    assert.equal(first.json.message.call.monitor?.listenUrl, `${base.replace(/^http/, "ws")}/${callId}/listen`);
    assert.equal(first.json.message.call.monitor?.controlUrl, `${base}/${callId}/control`);
    assert.match(first.json.message.phoneNumber.number, /^\+1415888/);
    const stream = await connectTwilioStream(streamUrl, { authToken: TOKEN });
    stream.stop();
    await waitForStatus(callId, "ended");
    await until(() => updates().some((h) => h.json.message.status === "ended"), "the ended status-update");
    assert.equal(updates().filter((h) => h.json.message.status === "in-progress").length, 1);
  } finally {
    await receiver.close();
  }
});

test("a Twilio call has monitor.listenUrl: its greeting, sent to Twilio ahead, is heard in real time", async () => {
  const { streamUrl, callId } = await ringAssistant({ firstMessage: "Hello, you have reached the clinic." });
  const live = await env.server.client.calls.get({ id: callId });
  const base = env.server.baseUrl;
  assert.equal(live.monitor.listenUrl, `${base.replace(/^http/, "ws")}/${callId}/listen`);
  assert.equal(live.monitor.controlUrl, `${base}/${callId}/control`);
  const listener = await listenTo(live.monitor.listenUrl);
  const stream = await connectTwilioStream(streamUrl, { authToken: TOKEN });
  // 35 characters × 40 ms = 1.4 s of the voice stand-in's tone, all sent to Twilio at once.
  await until(() => stream.received >= 11000, "the greeting's audio at Twilio", 5000);
  await until(() => listener.frames.length >= 110, "2.2 s of frames at the listener", 10000);
  const loudFrames = listener.frames.filter((f) => {
    for (let i = 2; i + 1 < f.bytes.length; i += 4) if (Math.abs(f.bytes.readInt16LE(i)) > 8000) return true;
    return false;
  });
  assert.ok(loudFrames.length >= 50, `${loudFrames.length} frames of the greeting on the right`);
  const span = loudFrames[loudFrames.length - 1].at - loudFrames[0].at;
  assert.ok(span >= 1000, `the greeting reached the listener in ${span} ms, not as it played`);
  stream.stop();
  assert.equal(await listener.closed, 1000);
  const ended = await waitForStatus(callId, "ended");
  assert.equal(ended.monitor.listenUrl, live.monitor.listenUrl);
});

test("keys the caller presses reach the model as one keypad entry, per the assistant's keypadInputPlan", async () => {
  const { streamUrl, callId, callSid } = await ringAssistant({
    keypadInputPlan: { enabled: true, timeoutSeconds: 5, delimiters: "#" },
  });
  const stream = await connectTwilioStream(streamUrl, { authToken: TOKEN, accountSid: ACCOUNT, callSid });
  await waitForStatus(callId, "in-progress");
  for (const key of ["4", "2", "#"]) stream.pressKey(key);
  const call = await until(async () => {
    const c = await env.server.client.calls.get({ id: callId });
    return c.messages?.some((m) => m.role === "bot" && m.message === "You said: User's Keypad Entry: 42") && c;
  }, "the answer to the keypad entry");
  assert.deepEqual(call.messages.filter((m) => m.role === "user").map((m) => m.message), ["User's Keypad Entry: 42"]);
  stream.stop();
  await waitForStatus(callId, "ended");
});
