// Calls over Vapi's WebSocket transport, through the real binary: POST /call through the SDK,
// a caller streaming 20 ms frames in real time, stand-ins for the custom transcriber, the custom
// voice and the LLM. What a caller and a customer's server would notice: the greeting, a turn,
// barge-in, each way of ending, both audio formats, refusals, a failing provider, a kill -9.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { startChatServer } from "./chats_helpers.mjs";
import { expectError, startServer } from "./harness.mjs";
import { startReceiver } from "./webhooks_receiver.mjs";
import {
  createWebsocketCall,
  dial,
  postCall,
  sleep,
  standinAssistant,
  startTranscriberStandin,
  startVoiceStandin,
  until,
  waitForCallStatus,
} from "./voice_helpers.mjs";

let env, transcriber, voice, receiver;

before(async () => {
  env = await startChatServer();
  transcriber = await startTranscriberStandin();
  voice = await startVoiceStandin();
  receiver = await startReceiver();
});

after(async () => {
  await env.stop();
  await transcriber.close();
  await voice.close();
  await receiver.close();
});

const PCM16 = { format: "pcm_s16le", container: "raw", sampleRate: 16000 };

async function assistantWith(extra = {}) {
  return env.server.client.assistants.create(standinAssistant(transcriber, voice, extra));
}

// A call on a new assistant, dialled; resolves {call, caller, session (the transcriber's)}.
async function liveCall(extra = {}, { audioFormat = PCM16 } = {}) {
  const assistant = await assistantWith(extra);
  const call = await createWebsocketCall(env.server, { assistantId: assistant.id, audioFormat });
  const sessionsBefore = transcriber.sessions.length;
  const caller = await dial(call.transport.websocketCallUrl, { format: audioFormat });
  // The transcriber's connection, once its start message has arrived.
  const session = await until(() => transcriber.sessions[sessionsBefore]?.start && transcriber.sessions[sessionsBefore], "the transcriber's start message");
  return { assistant, call, caller, session };
}

const waitForStatus = (id, status, ms) => waitForCallStatus(env.server.client, id, status, ms);

test("POST /call with the WebSocket transport answers a queued call and its URL", async () => {
  const assistant = await assistantWith();
  const call = await createWebsocketCall(env.server, { assistantId: assistant.id, audioFormat: PCM16 });
  assert.equal(call.type, "vapi.websocketCall");
  assert.equal(call.status, "queued");
  assert.equal(call.assistantId, assistant.id);
  const base = env.server.baseUrl.replace(/^http/, "ws");
  assert.equal(call.transport.websocketCallUrl, `${base}/${call.id}/transport`);
  assert.equal(call.transport.provider, "vapi.websocket");
  const stored = await env.server.client.calls.get({ id: call.id });
  assert.equal(stored.status, "queued");
});

test("refusals: a phone number with this transport, an unknown assistant, a bad audio format", async () => {
  const assistant = await assistantWith();
  let res = await postCall(env.server, {
    assistantId: assistant.id,
    phoneNumberId: "8f3b9d4e-36c1-4a47-9d4c-1f5c2b7f0a11",
    transport: { provider: "vapi.websocket" },
  });
  assert.equal(res.status, 400);
  assert.match(JSON.stringify(res.body.message), /phoneNumber/);
  res = await postCall(env.server, {
    assistantId: "8f3b9d4e-36c1-4a47-9d4c-1f5c2b7f0a11",
    transport: { provider: "vapi.websocket" },
  });
  assert.equal(res.status, 404, JSON.stringify(res.body));
  res = await postCall(env.server, {
    assistantId: assistant.id,
    transport: { provider: "vapi.websocket", audioFormat: { format: "mulaw", container: "raw", sampleRate: 16000 } },
  });
  assert.equal(res.status, 400);
  assert.match(JSON.stringify(res.body.message), /8000/);
  res = await postCall(env.server, { assistantId: assistant.id, transport: { provider: "vapi.websocket" }, assistant: { name: "x" } });
  assert.ok(res.status === 400 || res.status === 201);
});

test("the transport URL takes one connection to one live call", async () => {
  const { call, caller } = await liveCall({ firstMessage: "Hi." });
  await assert.rejects(dial(call.transport.websocketCallUrl), (e) => e.status === 409);
  const unknown = call.transport.websocketCallUrl.replace(call.id, "2b1d6a8e-4c3f-4e8a-9b1d-6a8e4c3f4e8a");
  await assert.rejects(dial(unknown), (e) => e.status === 404);
  caller.send({ type: "end-call" });
  await caller.closed;
  await waitForStatus(call.id, "ended");
  await assert.rejects(dial(call.transport.websocketCallUrl), (e) => e.status === 404);
});

test("the greeting is spoken first, in real time, and the call is in progress", async () => {
  const { call, caller } = await liveCall({ firstMessage: "Hello, thanks for calling." });
  const stored = await waitForStatus(call.id, "in-progress");
  assert.ok(stored.startedAt);
  await until(() => voice.requests.find((r) => r.body.message.text === "Hello, thanks for calling."), "the voice request");
  const request = voice.requests.find((r) => r.body.message.text === "Hello, thanks for calling.");
  assert.equal(request.body.message.type, "voice-request");
  assert.equal(typeof request.body.message.sampleRate, "number");
  // 26 characters × 40 ms = 1040 ms of audio, which must take about that long to arrive.
  await until(() => caller.audioMs() >= 1000, "the greeting's audio", 5000);
  const first = caller.audio[0].at;
  const last = caller.audio[caller.audio.length - 1].at;
  assert.ok(last - first >= 800, `1 s of audio arrived in ${last - first} ms: not paced`);
  // Never ahead of real time by more than the small lead (60 ms) plus network slack.
  let received = 0;
  for (const a of caller.audio) {
    received += a.bytes.length / 32;
    assert.ok(received - (a.at - first) <= 150, `${received} ms of audio after ${a.at - first} ms`);
  }
  assert.ok(caller.messagesOf("speech-update").some((m) => m.role === "assistant" && m.status === "started"));
  caller.close();
  await waitForStatus(call.id, "ended");
});

test("a turn: the caller's words reach the model and its answer is spoken", async () => {
  const { call, caller, session } = await liveCall({ firstMessage: "Hi." });
  assert.deepEqual(
    { type: session.start.type, encoding: session.start.encoding, channels: session.start.channels },
    { type: "start", encoding: "linear16", channels: 2 },
  );
  await until(() => session.bytes > 16000 * 2 * 2 * 0.2, "stereo audio at the transcriber");
  const mark = env.standin.requests.length;
  session.say("what is the weather like?", "final");
  const request = await until(() => env.standin.requests.slice(mark).find((r) => r.path.endsWith("/chat/completions")), "the model's request");
  const last = request.body.messages[request.body.messages.length - 1];
  assert.equal(last.role, "user");
  assert.equal(last.content, "what is the weather like?");
  await until(() => voice.requests.find((r) => r.body.message.text.includes("You said: what is the weather like?")), "the answer's synthesis");
  const heardBefore = caller.audioMs();
  await until(() => caller.audioMs() > heardBefore + 500, "the answer's audio");
  assert.ok(caller.messagesOf("transcript").some((m) => m.role === "user" && m.transcriptType === "final"));
  caller.send({ type: "hangup" });
  const ended = await waitForStatus(call.id, "ended");
  assert.equal(ended.endedReason, "customer-ended-call");
  const roles = ended.artifact.messages.map((m) => m.role);
  assert.deepEqual(roles.slice(0, 3), ["bot", "user", "bot"]);
  assert.match(ended.artifact.transcript, /User: what is the weather like\?/);
});

test("barge-in stops the audio at once and the model hears only what the caller heard", async () => {
  const { call, caller, session } = await liveCall({ stopSpeakingPlan: { numWords: 2, backoffSeconds: 0.2 } });
  const long = "please tell me a long story about a lighthouse keeper and the sea and the storm";
  const mark = env.standin.requests.length;
  session.say(long, "final");
  await until(() => caller.audioMs() > 1500, "the answer playing", 8000);
  session.say("stop", "partial");
  const cutAt = Date.now();
  await until(() => caller.messagesOf("user-interrupted").length > 0, "user-interrupted");
  await sleep(600);
  const late = caller.audio.filter((a) => a.at > cutAt + 150);
  assert.equal(late.length, 0, `${late.length} audio frames arrived more than 150 ms after the cut`);
  session.say("stop, what time is it?", "final");
  const second = await until(() => env.standin.requests.slice(mark).filter((r) => r.path.endsWith("/chat/completions"))[1], "the next model request");
  const assistantTurns = second.body.messages.filter((m) => m.role === "assistant");
  const heard = assistantTurns[assistantTurns.length - 1].content;
  const full = `You said: ${long}`;
  assert.ok(heard.length > 0 && heard.length < full.length, `history kept "${heard}"`);
  assert.ok(full.startsWith(heard), `"${heard}" is not the beginning of the answer`);
  caller.close();
  await waitForStatus(call.id, "ended");
});

test("end-call phrases end the call after they are spoken, with the report sent", async () => {
  const { call, caller, session } = await liveCall({
    endCallPhrases: ["goodbye"],
    server: { url: receiver.url("/calls-phrase") },
    serverMessages: ["end-of-call-report", "status-update"],
  });
  await until(() => session.start, "the start message");
  session.say("goodbye then.", "final");  // the stand-in model answers "You said: goodbye then."
  const ended = await waitForStatus(call.id, "ended", 15000);
  assert.equal(ended.endedReason, "assistant-said-end-call-phrase");
  await caller.closed;
  const hits = await receiver.waitFor("/calls-phrase", 4);
  const types = hits.map((h) => h.json.message.type);
  assert.deepEqual(types, ["status-update", "status-update", "status-update", "end-of-call-report"]);
  const report = hits[3].json.message;
  assert.equal(report.endedReason, "assistant-said-end-call-phrase");
  assert.ok(report.artifact.messages.length >= 2);
});

test("monitor.controlUrl: say speaks, end-call ends the call; a call not live is a 404", async () => {
  const { call, caller } = await liveCall({ firstMessage: "Hi." });
  assert.match(call.monitor.controlUrl, new RegExp(`/${call.id}/control$`));
  await until(() => caller.audio.length > 0, "the greeting");
  const control = (body) => fetch(call.monitor.controlUrl, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  assert.equal((await control({ type: "say", content: "This message was injected during the call." })).status, 200);
  await until(() => voice.requests.find((r) => r.body.message.text === "This message was injected during the call."), "the injected message's synthesis");
  assert.equal((await control({ type: "nonsense" })).status, 400);
  assert.equal((await control({ type: "end-call" })).status, 200);
  await caller.closed;
  await waitForStatus(call.id, "ended");
  assert.equal((await control({ type: "end-call" })).status, 404);
});

test("mu-law at 8 kHz: audio both ways in the caller's format", async () => {
  const mulaw = { format: "mulaw", container: "raw", sampleRate: 8000 };
  const { call, caller } = await liveCall({ firstMessage: "Hello there." }, { audioFormat: mulaw });
  await until(() => caller.audioMs() >= 400, "greeting audio");
  // 8 bytes per ms of mu-law; a frame is 160 bytes.
  assert.ok(caller.audio.every((a) => a.bytes.length % 160 === 0 || a.bytes.length < 160));
  caller.close();
  await waitForStatus(call.id, "ended");
});

test("a failing voice ends the call with its pipeline error, and the report still goes out", async () => {
  const failing = await startVoiceStandin({ behaviour: () => ({ status: 500 }) });
  try {
    const assistant = await env.server.client.assistants.create(
      standinAssistant(transcriber, failing, {
        firstMessage: "Hello.",
        server: { url: receiver.url("/calls-fail") },
        serverMessages: ["end-of-call-report"],
      }),
    );
    const call = await createWebsocketCall(env.server, { assistantId: assistant.id, audioFormat: PCM16 });
    const caller = await dial(call.transport.websocketCallUrl);
    const ended = await waitForStatus(call.id, "ended");
    assert.equal(ended.endedReason, "pipeline-error-custom-voice-failed");
    await caller.closed;
    const [report] = await receiver.waitFor("/calls-fail", 1);
    assert.equal(report.json.message.endedReason, "pipeline-error-custom-voice-failed");
  } finally {
    await failing.close();
  }
});

test("a call nobody connects to ends with transport-never-connected", async () => {
  const server = await startServer({ args: ["--call-connect-timeout", "1"], env: { OPENAI_BASE_URL: env.standin.openaiBase, OPENAI_API_KEY: "k" } });
  try {
    const assistant = await server.client.assistants.create(standinAssistant(transcriber, voice));
    const call = await createWebsocketCall(server, { assistantId: assistant.id });
    await sleep(1500);
    const ended = await server.client.calls.get({ id: call.id });
    assert.equal(ended.status, "ended");
    assert.equal(ended.endedReason, "call.in-progress.error-providerfault-transport-never-connected");
  } finally {
    await server.stop();
  }
});

test("--max-calls refuses a call beyond the limit with 429", async () => {
  const server = await startServer({ args: ["--max-calls", "1"], env: { OPENAI_BASE_URL: env.standin.openaiBase, OPENAI_API_KEY: "k" } });
  try {
    const assistant = await server.client.assistants.create(standinAssistant(transcriber, voice));
    await createWebsocketCall(server, { assistantId: assistant.id });
    const res = await postCall(server, { assistantId: assistant.id, transport: { provider: "vapi.websocket" } });
    assert.equal(res.status, 429);
    assert.match(JSON.stringify(res.body.message), /max-calls/);
  } finally {
    await server.stop();
  }
});

test("killed mid-call, the restarted server ends the call and sends its report", async () => {
  const first = await startServer({ env: { OPENAI_BASE_URL: env.standin.openaiBase, OPENAI_API_KEY: "k" } });
  const assistant = await first.client.assistants.create(
    standinAssistant(transcriber, voice, {
      firstMessage: "Hello.",
      server: { url: receiver.url("/calls-killed") },
      serverMessages: ["end-of-call-report"],
    }),
  );
  const call = await createWebsocketCall(first, { assistantId: assistant.id });
  const caller = await dial(call.transport.websocketCallUrl);
  await until(() => caller.audio.length > 0, "greeting audio");
  await first.kill("SIGKILL");
  await caller.closed;
  const second = await startServer({ dataDir: first.dataDir, apiKey: first.apiKey, env: { OPENAI_BASE_URL: env.standin.openaiBase, OPENAI_API_KEY: "k" } });
  try {
    const [report] = await receiver.waitFor("/calls-killed", 1);
    assert.equal(report.json.message.endedReason, "call.in-progress.error-vapifault-worker-died");
    const ended = await second.client.calls.get({ id: call.id });
    assert.equal(ended.status, "ended");
  } finally {
    await second.stop();
  }
});

test("SIGTERM lets a live call finish within the grace, then ends it with worker-shutdown", async () => {
  const server = await startServer({ args: ["--call-grace", "1"], env: { OPENAI_BASE_URL: env.standin.openaiBase, OPENAI_API_KEY: "k" } });
  const assistant = await server.client.assistants.create(
    standinAssistant(transcriber, voice, { server: { url: receiver.url("/calls-term") }, serverMessages: ["end-of-call-report"] }),
  );
  const call = await createWebsocketCall(server, { assistantId: assistant.id });
  const caller = await dial(call.transport.websocketCallUrl);
  await sleep(200);
  const t0 = Date.now();
  server.process.kill("SIGTERM");
  await caller.closed;
  const waited = Date.now() - t0;
  assert.ok(waited >= 900, `the call was cut after ${waited} ms, before its grace`);
  const [report] = await receiver.waitFor("/calls-term", 1);
  assert.equal(report.json.message.endedReason, "worker-shutdown");
  await server.stop();
});
