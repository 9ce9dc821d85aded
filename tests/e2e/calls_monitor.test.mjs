// A live call's monitor through the real binary: monitor.listenUrl streams the call's audio to
// listeners (stereo 16-bit PCM at 16 kHz, the caller on the left, the assistant on the right,
// 20 ms frames) until the call ends; the assistant's monitorPlan turns each URL off or puts it
// behind the org's key. Written from Vapi's call-features.mdx ("Call Listen Feature") and the
// Monitor / MonitorPlan schemas.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { startChatServer } from "./chats_helpers.mjs";
import { createOrg } from "./harness.mjs";
import {
  createWebsocketCall,
  dial,
  listenTo,
  standinAssistant,
  startTranscriberStandin,
  startVoiceStandin,
  until,
  waitForCallStatus,
} from "./voice_helpers.mjs";

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

const PCM16 = { format: "pcm_s16le", container: "raw", sampleRate: 16000 };
const CALLER = 1111; // the caller streams +1111, -1111, ... : nothing else sounds like it

function callerPattern(frame, frameBytes) {
  const b = Buffer.alloc(frameBytes);
  for (let i = 0; i < frameBytes / 2; i++) b.writeInt16LE(i % 2 ? -CALLER : CALLER, 2 * i);
  return b;
}

async function newCall(assistantExtra = {}, callExtra = {}) {
  const assistant = await env.server.client.assistants.create(standinAssistant(transcriber, voice, assistantExtra));
  return createWebsocketCall(env.server, { assistantId: assistant.id, audioFormat: PCM16, ...callExtra });
}

const waitForStatus = (id, status, ms) => waitForCallStatus(env.server.client, id, status, ms);

const wsBase = () => env.server.baseUrl.replace(/^http/, "ws");
const listenUrlOf = (id) => `${wsBase()}/${id}/listen`;
const postControl = (id, body, headers = {}) =>
  fetch(`${env.server.baseUrl}/${id}/control`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

test("monitor.listenUrl streams the caller on the left and the assistant on the right, 20 ms at a time, until the call ends", async () => {
  // 26 characters × 40 ms: about a second of the voice stand-in's 440 Hz tone (peak 12000).
  const call = await newCall({ firstMessage: "Hello, thanks for calling." });
  assert.equal(call.monitor.listenUrl, listenUrlOf(call.id));
  assert.equal(call.monitor.controlUrl, `${env.server.baseUrl}/${call.id}/control`);
  const stored = await env.server.client.calls.get({ id: call.id });
  assert.equal(stored.monitor.listenUrl, call.monitor.listenUrl);

  const listener = await listenTo(call.monitor.listenUrl); // before the caller: hears it all
  const caller = await dial(call.transport.websocketCallUrl, { source: callerPattern });
  listener.send("a listener's text is ignored");
  await until(() => listener.frames.length >= 150, "3 s of frames at the listener", 15000);

  for (const f of listener.frames) assert.equal(f.bytes.length, 1280, "20 ms of 16 kHz 16-bit stereo");
  const left = listener.left();
  const right = listener.right();
  const callerSamples = left.filter((v) => Math.abs(v) === CALLER).length;
  assert.ok(callerSamples >= 16000 * 2, `only ${callerSamples} samples of the caller on the left`);
  assert.ok(left.every((v) => v === 0 || Math.abs(v) === CALLER), "the left channel is the caller's alone");
  const loud = [];
  right.forEach((v, i) => Math.abs(v) > 8000 && loud.push(i));
  assert.ok(loud.length > 4000, `the greeting's tone on the right: ${loud.length} loud samples`);
  assert.ok(right.filter((v) => Math.abs(v) === CALLER).length < 20, "the caller is not on the right");
  // The greeting is heard in real time: its second of audio spans about a second of frames.
  const spanMs = (loud[loud.length - 1] - loud[0]) / 16;
  assert.ok(spanMs > 800 && spanMs < 1200, `the greeting spans ${spanMs} ms of the listener's audio`);

  // A frame about every 20 ms, not in bursts.
  const steady = listener.frames.slice(10);
  const gaps = steady.slice(1).map((f, i) => f.at - steady[i].at).sort((a, b) => a - b);
  const median = gaps[Math.floor(gaps.length / 2)];
  assert.ok(median >= 10 && median <= 30, `median gap ${median} ms between frames`);
  const elapsed = steady[steady.length - 1].at - steady[0].at;
  const expected = elapsed / 20;
  assert.ok(Math.abs(steady.length - 1 - expected) <= expected * 0.2 + 3,
    `${steady.length - 1} frames in ${elapsed} ms`);

  caller.send({ type: "end-call" });
  assert.equal(await listener.closed, 1000, "closed normally when the call ends");
  await waitForStatus(call.id, "ended");
  await assert.rejects(listenTo(call.monitor.listenUrl), (e) => e.status === 404);
});

test("an unknown call's listenUrl is refused with 404", async () => {
  await assert.rejects(listenTo(listenUrlOf("2b1d6a8e-4c3f-4e8a-9b1d-6a8e4c3f4e8a")), (e) => e.status === 404);
});

test("monitorPlan listenEnabled/controlEnabled false: no URL, and the endpoint is a 404", async () => {
  const call = await newCall({ firstMessage: "Hi.", monitorPlan: { listenEnabled: false, controlEnabled: false } });
  assert.equal(call.monitor?.listenUrl, undefined);
  assert.equal(call.monitor?.controlUrl, undefined);
  const caller = await dial(call.transport.websocketCallUrl);
  await assert.rejects(listenTo(listenUrlOf(call.id)), (e) => e.status === 404 && /listenEnabled/.test(e.body));
  const res = await postControl(call.id, { type: "say", content: "Not allowed." });
  assert.equal(res.status, 404);
  assert.match(await res.text(), /controlEnabled/);
  caller.close();
  await waitForStatus(call.id, "ended");
});

test("the call's assistantOverrides decide its monitorPlan too", async () => {
  const call = await newCall({}, { assistantOverrides: { monitorPlan: { listenEnabled: false } } });
  assert.equal(call.monitor.listenUrl, undefined);
  assert.equal(call.monitor.controlUrl, `${env.server.baseUrl}/${call.id}/control`);
  const caller = await dial(call.transport.websocketCallUrl);
  await assert.rejects(listenTo(listenUrlOf(call.id)), (e) => e.status === 404);
  caller.close();
  await waitForStatus(call.id, "ended");
});

test("authentication enabled: 401 without the org's key, open with it", async () => {
  const call = await newCall({
    firstMessage: "Hello there.",
    monitorPlan: { listenAuthenticationEnabled: true, controlAuthenticationEnabled: true },
  });
  assert.equal(call.monitor.listenUrl, listenUrlOf(call.id));
  const caller = await dial(call.transport.websocketCallUrl);
  const other = await createOrg(env.server, "monitor-other");
  for (const headers of [undefined, { Authorization: "Bearer not-a-key" }, { Authorization: `Bearer ${other.apiKey}` }])
    await assert.rejects(listenTo(call.monitor.listenUrl, { headers }), (e) => e.status === 401, JSON.stringify(headers));
  const auth = { Authorization: `Bearer ${env.server.apiKey}` };
  const listener = await listenTo(call.monitor.listenUrl, { headers: auth });
  await until(() => listener.frames.length >= 10, "frames with the org's key");

  assert.equal((await postControl(call.id, { type: "say", content: "Hi again." })).status, 401);
  assert.equal((await postControl(call.id, { type: "say", content: "Hi again." }, { Authorization: `Bearer ${other.apiKey}` })).status, 401);
  assert.equal((await postControl(call.id, { type: "say", content: "Hi again." }, auth)).status, 200);
  await until(() => voice.requests.find((r) => r.body.message.text === "Hi again."), "the said message's synthesis");

  caller.close();
  assert.equal(await listener.closed, 1000);
  await waitForStatus(call.id, "ended");
});

test("a call takes 8 listeners; the ninth is refused with 429", async () => {
  const call = await newCall({ firstMessage: "Hi." });
  const caller = await dial(call.transport.websocketCallUrl);
  const listeners = [];
  for (let i = 0; i < 8; i++) listeners.push(await listenTo(call.monitor.listenUrl));
  await assert.rejects(listenTo(call.monitor.listenUrl), (e) => e.status === 429);
  await until(() => listeners.every((l) => l.frames.length >= 5), "frames at every listener");
  caller.close();
  for (const l of listeners) assert.equal(await l.closed, 1000);
  await waitForStatus(call.id, "ended");
});
