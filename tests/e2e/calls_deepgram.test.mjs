// Calls whose assistant transcribes and speaks with Deepgram, through the real binary aimed at
// the Deepgram stand-in (speech_standins/deepgram.mjs) with --speech-base-url, the model on the
// LLM stand-in, over Vapi's WebSocket transport. The key is the org's deepgram credential
// (created through the API), never the server's environment.
import { test, after, before, afterEach } from "node:test";
import assert from "node:assert/strict";
import { startChatServer } from "./chats_helpers.mjs";
import { api } from "./harness.mjs";
import { callEnded, createWebsocketCall, dial, sleep, speakingCaller, until } from "./voice_helpers.mjs";
import { startDeepgramStandin } from "./speech_standins/deepgram.mjs";

const ORG_KEY = "dg-org-key-5f21";
const NAMED_KEY = "dg-named-key-90ab";
const NEWER_KEY = "dg-newer-key-c3d4";
const PCM16 = { format: "pcm_s16le", container: "raw", sampleRate: 16000 };

let env, deepgram;

before(async () => {
  deepgram = await startDeepgramStandin({ apiKeys: [ORG_KEY, NAMED_KEY, NEWER_KEY] });
  env = await startChatServer({ args: ["--speech-base-url", `deepgram=${deepgram.url}`], env: { DEEPGRAM_API_KEY: "" } });
  await credential(ORG_KEY);
});

after(async () => {
  await env.stop();
  await deepgram.close();
});

afterEach(() => {
  Object.assign(deepgram.behaviour, { listen: "ok", speak: "ok", dropAfterMs: 1500, firstByteDelayMs: 0 });
});

async function credential(apiKey) {
  const { status, body } = await api(env.server, "/credential", { method: "POST", body: { provider: "deepgram", apiKey } });
  assert.equal(status, 201, JSON.stringify(body));
  return body;
}

const TRANSCRIBER = {
  provider: "deepgram",
  model: "nova-2",
  language: "en",
  endpointing: 300,
  smartFormat: true,
  keywords: ["snuffleupagus:5", "krieger"],
  keyterm: ["order number"],
};
const VOICE = { provider: "deepgram", voiceId: "asteria" };

function assistantBody({ transcriber = {}, voice = {}, ...extra } = {}) {
  return {
    name: "deepgram",
    model: { provider: "openai", model: "gpt-4o", messages: [{ role: "system", content: "Be brief." }] },
    transcriber: { ...TRANSCRIBER, ...transcriber },
    voice: { ...VOICE, ...voice },
    ...extra,
  };
}

async function liveCall(assistant, { source } = {}) {
  const created = await env.server.client.assistants.create(assistant);
  const call = await createWebsocketCall(env.server, { assistantId: created.id, audioFormat: PCM16 });
  const caller = await dial(call.transport.websocketCallUrl, { format: PCM16, source });
  return { call, caller };
}

const ended = (id, ms) => callEnded(env.server, id, ms);

// The stand-in's listen sessions for the call: the one opened after `mark`.
const sessionAfter = (mark) => until(() => deepgram.listens[mark], "the Deepgram listen connection");

test("a turn: the caller's speech is transcribed by Deepgram, answered, and spoken by Aura", async () => {
  const mark = deepgram.listens.length;
  const speaksBefore = deepgram.speaks.length;
  const llmMark = env.standin.requests.length;
  const { call, caller } = await liveCall(assistantBody({ firstMessage: "Hi." }), { source: speakingCaller });
  const session = await sessionAfter(mark);
  assert.equal(session.headers.authorization, `Token ${ORG_KEY}`);
  const p = session.params;
  assert.deepEqual(
    {
      model: p.get("model"),
      language: p.get("language"),
      encoding: p.get("encoding"),
      sample_rate: p.get("sample_rate"),
      channels: p.get("channels"),
      interim_results: p.get("interim_results"),
      endpointing: p.get("endpointing"),
      smart_format: p.get("smart_format"),
      keywords: p.getAll("keywords"),
      keyterm: p.getAll("keyterm"),
    },
    {
      model: "nova-2",
      language: "en",
      encoding: "linear16",
      sample_rate: "16000",
      channels: "1",
      interim_results: "true",
      endpointing: "300",
      smart_format: "true",
      keywords: ["snuffleupagus:5", "krieger"],
      keyterm: [], // keyterm is for nova-3
    },
  );
  // The greeting is spoken by Aura.
  const greeting = await until(() => deepgram.speaks.slice(speaksBefore).find((s) => s.body?.text === "Hi."), "the greeting's speak request");
  assert.equal(greeting.headers.authorization, `Token ${ORG_KEY}`);
  assert.deepEqual(
    Object.fromEntries(["model", "encoding", "sample_rate", "container"].map((k) => [k, greeting.params.get(k)])),
    { model: "aura-2-asteria-en", encoding: "linear16", sample_rate: "16000", container: "none" },
  );
  // The caller's words become the user's turn, which the model answers.
  const request = await until(() => env.standin.requests.slice(llmMark).find((r) => r.path.endsWith("/chat/completions")), "the model's request", 15000);
  const last = request.body.messages[request.body.messages.length - 1];
  assert.deepEqual({ role: last.role, content: last.content }, { role: "user", content: "what is the weather like?" });
  await until(() => deepgram.speaks.find((s) => s.body?.text?.includes("You said: what is the weather like?")), "the answer's speak request");
  const heardBefore = caller.audioMs();
  await until(() => caller.audioMs() > heardBefore + 500, "the answer's audio at the caller");
  assert.ok(caller.messagesOf("transcript").some((m) => m.role === "user" && m.transcriptType === "partial"), "the interim as a partial");
  assert.ok(caller.messagesOf("transcript").some((m) => m.role === "user" && m.transcriptType === "final" && m.transcript === "what is the weather like?"));
  assert.ok(session.bytes > 16000 * 2 * 1.5, "mono 16 kHz audio reached Deepgram in real time");
  caller.send({ type: "hangup" });
  const done = await ended(call.id);
  assert.equal(done.endedReason, "customer-ended-call");
  assert.match(done.artifact.transcript, /User: what is the weather like\?/);
  await until(() => session.closeStreams === 1, "CloseStream when the call ended");
});

test("the assistant's credentialIds pick that deepgram credential, not the org's newest", async () => {
  // Vapi's DeepgramTranscriber and DeepgramVoice have no credentialId; an assistant names the
  // credentials it may use with credentialIds.
  const named = await credential(NAMED_KEY);
  await credential(NEWER_KEY);
  const mark = deepgram.listens.length;
  const speaksBefore = deepgram.speaks.length;
  const { call, caller } = await liveCall(assistantBody({ firstMessage: "Hello.", transcriber: { model: "nova-3" }, credentialIds: [named.id] }));
  const session = await sessionAfter(mark);
  assert.equal(session.headers.authorization, `Token ${NAMED_KEY}`);
  assert.equal(session.params.get("model"), "nova-3");
  assert.deepEqual(session.params.getAll("keyterm"), ["order number"]);
  assert.deepEqual(session.params.getAll("keywords"), []); // nova-3 takes keyterm instead
  const greeting = await until(() => deepgram.speaks.slice(speaksBefore).find((s) => s.body?.text === "Hello."), "the greeting");
  assert.equal(greeting.headers.authorization, `Token ${NAMED_KEY}`);
  caller.send({ type: "hangup" });
  await ended(call.id);
});

test("without credentialIds the org's newest deepgram credential is used", async () => {
  const mark = deepgram.listens.length;
  const { call, caller } = await liveCall(assistantBody());
  const session = await sessionAfter(mark);
  assert.equal(session.headers.authorization, `Token ${NEWER_KEY}`);
  caller.send({ type: "hangup" });
  await ended(call.id);
});

test("finals are held until UtteranceEnd, then reach the model as one turn", async () => {
  const mark = deepgram.listens.length;
  const llmMark = env.standin.requests.length;
  const { call, caller } = await liveCall(assistantBody());
  const session = await sessionAfter(mark);
  await until(() => session.bytes > 0, "audio at Deepgram");
  session.say("I would like", { isFinal: true, speechFinal: false });
  session.say("to book a table", { isFinal: true, speechFinal: false });
  await sleep(1200);
  const asked = () => env.standin.requests.slice(llmMark).find((r) => r.path.endsWith("/chat/completions"));
  assert.equal(asked(), undefined, "no turn before Deepgram said the utterance ended");
  assert.ok(!caller.messagesOf("transcript").some((m) => m.transcriptType === "final"));
  session.utteranceEnd();
  const request = await until(asked, "the model's request");
  assert.equal(request.body.messages.at(-1).content, "I would like to book a table");
  caller.send({ type: "hangup" });
  await ended(call.id);
});

test("KeepAlive goes to Deepgram while no audio is sent", async () => {
  const mark = deepgram.listens.length;
  const { call, caller } = await liveCall(assistantBody({ silenceTimeoutSeconds: 30 }));
  const session = await sessionAfter(mark);
  await until(() => session.bytes > 0, "audio at Deepgram");
  caller.stopAudio();
  await until(() => session.keepAlives > 0, "a KeepAlive", 10000);
  caller.send({ type: "hangup" });
  await ended(call.id);
});

test("Deepgram refusing the key (401) ends the call with the deepgram endedReason", async () => {
  deepgram.behaviour.listen = 401;
  const { call, caller } = await liveCall(assistantBody());
  const done = await ended(call.id);
  assert.equal(done.endedReason, "pipeline-error-deepgram-returning-401-invalid-credentials");
  await caller.closed;
});

test("Deepgram rate limiting the stream (429) ends the call as a transcriber failure", async () => {
  deepgram.behaviour.listen = 429;
  const { call, caller } = await liveCall(assistantBody());
  const done = await ended(call.id);
  assert.equal(done.endedReason, "pipeline-error-deepgram-transcriber-failed");
  await caller.closed;
});

test("Aura's audio is played as it arrives, however late its first byte", async () => {
  deepgram.behaviour.firstByteDelayMs = 700;
  const speaksBefore = deepgram.speaks.length;
  const { call, caller } = await liveCall(assistantBody({ firstMessage: "Good morning, how can I help?" }));
  const request = await until(() => deepgram.speaks[speaksBefore], "the greeting's speak request");
  await until(() => caller.audio.some((a) => a.bytes.some((b) => b !== 0)), "the greeting's audio");
  const first = caller.audio.find((a) => a.bytes.some((b) => b !== 0));
  assert.ok(first.at - request.at >= 650, `audio ${first.at - request.at} ms after the request`);
  // 29 characters at 40 ms each: about 1.2 s of speech, paced in real time.
  await until(() => caller.audioMs() > 1000, "the rest of the greeting");
  caller.send({ type: "hangup" });
  await ended(call.id);
});

test("Aura refusing to speak ends the call with pipeline-error-deepgram-voice-failed", async () => {
  deepgram.behaviour.speak = 401;
  const { call, caller } = await liveCall(assistantBody({ firstMessage: "Hi there." }));
  const done = await ended(call.id);
  assert.equal(done.endedReason, "pipeline-error-deepgram-voice-failed");
  await caller.closed;
});

for (const [mode, what, reason] of [
  ["drop", "the connection dropping", "pipeline-error-deepgram-returning-econnreset"],
  ["close-1011", "Deepgram closing with an error", "pipeline-error-deepgram-transcriber-failed"],
]) {
  test(`${what} mid-call ends the call without hanging`, async () => {
    Object.assign(deepgram.behaviour, { listen: mode, dropAfterMs: 800 });
    const mark = deepgram.listens.length;
    const { call, caller } = await liveCall(assistantBody({ firstMessage: "Hi." }));
    await sessionAfter(mark);
    const done = await ended(call.id, 8000);
    assert.equal(done.endedReason, reason);
    assert.ok(Date.parse(done.endedAt) - Date.parse(done.startedAt) >= 700, "it ended after the drop, not before");
    await caller.closed;
  });
}

for (const model of ["flux-general-en", "whisper"]) {
  test(`a call with the ${model} model is refused when it is created, naming the field`, async () => {
    const { status, body } = await api(env.server, "/call", {
      method: "POST",
      body: { assistant: assistantBody({ transcriber: { model } }), transport: { provider: "vapi.websocket" } },
    });
    assert.equal(status, 400, JSON.stringify(body));
    assert.match(JSON.stringify(body.message), /transcriber\.model/);
  });
}
