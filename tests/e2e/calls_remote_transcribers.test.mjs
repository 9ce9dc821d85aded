// Calls whose assistant transcribes with a remote streaming provider (AssemblyAI, ...), through
// the real binary aimed at each provider's stand-in (speech_standins/) with --speech-base-url,
// the model on the LLM stand-in and the voice on the custom-voice stand-in, over Vapi's
// WebSocket transport. Keys are the org's credentials, never the server's environment. The
// caller speaks; the provider's transcript becomes the user's turn, which the model answers and
// the voice speaks; a refused key, rate limiting and a dropped connection end the call with the
// provider's endedReason, unless the transcriber's fallbackPlan names another.
import { test, after, before, afterEach } from "node:test";
import assert from "node:assert/strict";
import { startChatServer } from "./chats_helpers.mjs";
import { api } from "./harness.mjs";
import { callEnded, createWebsocketCall, dial, speakingCaller, startVoiceStandin, until } from "./voice_helpers.mjs";
import { startAssemblyAiStandin } from "./speech_standins/assemblyai.mjs";
import { startGladiaStandin } from "./speech_standins/gladia.mjs";
import { startSpeechmaticsStandin } from "./speech_standins/speechmatics.mjs";
import { startOpenAiRealtimeStandin } from "./speech_standins/openai_realtime.mjs";
import { startElevenLabsStandin } from "./speech_standins/elevenlabs.mjs";
import { startCartesiaStandin } from "./speech_standins/cartesia.mjs";
import { startAzureSpeechStandin } from "./speech_standins/azure_speech.mjs";

const PCM16 = { format: "pcm_s16le", container: "raw", sampleRate: 16000 };

// Per provider: its stand-in, the key it takes, a transcriber config as a Vapi user writes it,
// what the stand-in must have received for it (`expect`, given the stand-in's session), the
// transcript the model must get, how to make the stand-in refuse the key (401), rate limit
// (429) or drop the connection (`fail`), and the reasons those end the call with. The stand-ins
// that also serve a provider's voice keep these switches on `listening`, not `behaviour`.
const PROVIDERS = {
  "assembly-ai": {
    start: startAssemblyAiStandin,
    fail: (standin, how) => Object.assign(standin.behaviour, { listen: how, dropAfterMs: 800 }),
    key: "aai-e2e-key-41c7",
    transcriber: { provider: "assembly-ai", language: "en", formatTurns: true, endOfTurnConfidenceThreshold: 0.6, maxTurnSilence: 300, keytermsPrompt: ["Switchboard"] },
    expect(session, key) {
      assert.equal(session.headers.authorization, key);
      const p = session.params;
      assert.deepEqual(
        Object.fromEntries(["sample_rate", "encoding", "speech_model", "format_turns", "end_of_turn_confidence_threshold", "max_turn_silence", "keyterms_prompt"].map((k) => [k, p.get(k)])),
        { sample_rate: "16000", encoding: "pcm_s16le", speech_model: "universal-streaming-english", format_turns: "true", end_of_turn_confidence_threshold: "0.6", max_turn_silence: "300", keyterms_prompt: '["Switchboard"]' },
      );
    },
    // formatTurns: the formatted end of turn is the final, not the unformatted one before it.
    heard: "What is the weather like?",
    refused: "pipeline-error-assembly-ai-returning-401-invalid-credentials",
    rateLimited: "pipeline-error-assembly-ai-transcriber-failed",
    dropped: "pipeline-error-assembly-ai-transcriber-failed",
  },
  gladia: {
    start: startGladiaStandin,
    fail: (standin, how) => Object.assign(standin.behaviour, how === "drop" ? { listen: "drop", dropAfterMs: 800 } : { init: how }),
    key: "gladia-e2e-key-7d20",
    transcriber: { provider: "gladia", model: "solaria-1", languageBehaviour: "manual", language: "en", endpointing: 0.3, speechThreshold: 0.6, receivePartialTranscripts: true, region: "eu-west" },
    expect(session, key) {
      const { headers, params, body } = session.init;
      assert.equal(headers["x-gladia-key"], key);
      assert.equal(params.get("region"), "eu-west");
      assert.deepEqual(
        body,
        {
          encoding: "wav/pcm",
          bit_depth: 16,
          sample_rate: 16000,
          channels: 1,
          model: "solaria-1",
          endpointing: 0.3,
          language_config: { languages: ["en"], code_switching: false },
          pre_processing: { speech_threshold: 0.6 },
          messages_config: { receive_partial_transcripts: true, receive_final_transcripts: true },
        },
      );
    },
    heard: "what is the weather like?",
    refused: "pipeline-error-gladia-transcriber-failed",
    rateLimited: "pipeline-error-gladia-transcriber-failed",
    dropped: "pipeline-error-gladia-transcriber-failed",
  },
  speechmatics: {
    start: startSpeechmaticsStandin,
    fail: (standin, how) => Object.assign(standin.behaviour, { listen: how, dropAfterMs: 800 }),
    key: "sm-e2e-key-0b61",
    transcriber: { provider: "speechmatics", model: "default", language: "en", operatingPoint: "standard", region: "us", maxDelay: 1500, endOfTurnSensitivity: 0.75, customVocabulary: [{ content: "Switchboard", soundsLike: ["switch bored"] }] },
    expect(session, key) {
      assert.equal(session.headers.authorization, `Bearer ${key}`);
      assert.deepEqual(session.start, {
        message: "StartRecognition",
        audio_format: { type: "raw", encoding: "pcm_s16le", sample_rate: 16000 },
        transcription_config: {
          language: "en",
          operating_point: "standard",
          enable_partials: true,
          max_delay: 1.5,
          conversation_config: { end_of_utterance_silence_trigger: 0.4 },
          additional_vocab: [{ content: "Switchboard", sounds_like: ["switch bored"] }],
        },
      });
    },
    heard: "what is the weather like?",
    refused: "pipeline-error-speechmatics-transcriber-failed",
    rateLimited: "pipeline-error-speechmatics-transcriber-failed",
    dropped: "pipeline-error-speechmatics-transcriber-failed",
  },
  openai: {
    start: startOpenAiRealtimeStandin,
    fail: (standin, how) => Object.assign(standin.behaviour, { listen: how, dropAfterMs: 800 }),
    key: "sk-e2e-openai-5a3c",
    transcriber: { provider: "openai", model: "gpt-4o-mini-transcribe", language: "en" },
    expect(session, key) {
      assert.equal(session.headers.authorization, `Bearer ${key}`);
      assert.equal(session.params.get("intent"), "transcription");
    },
    heard: "what is the weather like?",
    refused: "pipeline-error-openai-transcriber-failed",
    rateLimited: "pipeline-error-openai-transcriber-failed",
    dropped: "pipeline-error-openai-transcriber-failed",
  },
  "11labs": {
    start: startElevenLabsStandin,
    fail: (standin, how) => Object.assign(standin.listening, { listen: how, dropAfterMs: 800 }),
    key: "xi-e2e-key-93d1",
    transcriber: { provider: "11labs", model: "scribe_v2_realtime", language: "en", silenceThresholdSeconds: 0.5, confidenceThreshold: 0.4 },
    expect(session, key) {
      assert.equal(session.headers["xi-api-key"], key);
      assert.deepEqual(Object.fromEntries(session.params), {
        model_id: "scribe_v2_realtime", audio_format: "pcm_16000", commit_strategy: "vad", vad_silence_threshold_secs: "0.5", vad_threshold: "0.4", language_code: "en",
      });
    },
    heard: "what is the weather like?",
    refused: "pipeline-error-eleven-labs-transcriber-failed",
    rateLimited: "pipeline-error-eleven-labs-transcriber-failed",
    dropped: "pipeline-error-eleven-labs-transcriber-failed",
  },
  cartesia: {
    start: startCartesiaStandin,
    fail: (standin, how) => Object.assign(standin.listening, { listen: how, dropAfterMs: 800 }),
    key: "sk_car_e2e_4f2a",
    transcriber: { provider: "cartesia", model: "ink-whisper", language: "en" },
    expect(session, key) {
      assert.equal(session.headers["x-api-key"], key);
      assert.equal(session.headers["cartesia-version"], "2026-03-01");
      assert.equal(session.path, "/stt/websocket");
      assert.deepEqual(Object.fromEntries(session.params), { model: "ink-whisper", language: "en", encoding: "pcm_s16le", sample_rate: "16000" });
    },
    heard: "what is the weather like?",
    refused: "pipeline-error-cartesia-transcriber-failed",
    rateLimited: "pipeline-error-cartesia-transcriber-failed",
    dropped: "pipeline-error-cartesia-transcriber-failed",
  },
  azure: {
    start: startAzureSpeechStandin,
    fail: (standin, how) => Object.assign(standin.listening, { listen: how, dropAfterMs: 800 }),
    key: "az-e2e-key-17c5",
    credential: { service: "speech", region: "uk" },
    transcriber: { provider: "azure", language: "en-GB", segmentationStrategy: "Time", segmentationSilenceTimeoutMs: 400 },
    expect(session, key) {
      assert.equal(session.headers["ocp-apim-subscription-key"], key);
      assert.equal(session.path, "/uksouth/speech/recognition/conversation/cognitiveservices/v1", "the credential's region, as Azure names it");
      assert.deepEqual(Object.fromEntries(session.params), { language: "en-GB", format: "simple", segmentationSilenceTimeoutMs: "400" });
    },
    heard: "what is the weather like?",
    refused: "pipeline-error-azure-speech-transcriber-failed",
    rateLimited: "pipeline-error-azure-speech-transcriber-failed",
    dropped: "pipeline-error-azure-speech-transcriber-failed",
  },
};

let env, voice;
const standins = {};

before(async () => {
  voice = await startVoiceStandin();
  const args = [];
  for (const [name, p] of Object.entries(PROVIDERS)) {
    standins[name] = await p.start({ apiKey: p.key });
    args.push("--speech-base-url", `${name}=${standins[name].url}`);
  }
  env = await startChatServer({ args });
  for (const [name, p] of Object.entries(PROVIDERS)) {
    const res = await api(env.server, "/credential", { method: "POST", body: { provider: name, apiKey: p.key, ...p.credential } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }
});

after(async () => {
  await env?.stop();
  await voice?.close();
  for (const s of Object.values(standins)) await s.close();
});

afterEach(() => {
  for (const s of Object.values(standins)) Object.assign(s.listening ?? s.behaviour, { init: "ok", listen: "ok", dropAfterMs: 1500 });
});

async function liveCall(transcriber, extra = {}) {
  const assistant = await env.server.client.assistants.create({
    name: "remote transcriber",
    model: { provider: "openai", model: "gpt-4o", messages: [{ role: "system", content: "Be brief." }] },
    transcriber,
    voice: { provider: "custom-voice", server: { url: voice.url } },
    ...extra,
  });
  const call = await createWebsocketCall(env.server, { assistantId: assistant.id, audioFormat: PCM16 });
  const caller = await dial(call.transport.websocketCallUrl, { format: PCM16, source: speakingCaller });
  return { call, caller };
}

const ended = (id, ms) => callEnded(env.server, id, ms);

for (const [name, p] of Object.entries(PROVIDERS)) {
  test(`${name}: the caller's speech is transcribed, answered, and spoken`, async () => {
    const standin = standins[name];
    const mark = standin.sessions.length;
    const llmMark = env.standin.requests.length;
    const { call, caller } = await liveCall(p.transcriber, { firstMessage: "Hi." });
    const session = await until(() => standin.sessions[mark], `the ${name} connection`);
    // What the adapter sends first may still be on its way when the connection shows up.
    await until(() => {
      try {
        p.expect(session, p.key);
        return true;
      } catch {
        return false;
      }
    }, `what the ${name} stream starts with`).catch(() => {});
    p.expect(session, p.key);
    const request = await until(() => env.standin.requests.slice(llmMark).find((r) => r.path.endsWith("/chat/completions")), "the model's request", 15000);
    const last = request.body.messages.at(-1);
    assert.deepEqual({ role: last.role, content: last.content }, { role: "user", content: p.heard });
    await until(() => voice.requests.find((r) => r.body.message.text === `You said: ${p.heard}`), "the answer's voice request");
    const transcripts = caller.messagesOf("transcript").filter((m) => m.role === "user");
    assert.ok(transcripts.some((m) => m.transcriptType === "partial"), "a partial while the caller spoke");
    assert.deepEqual(transcripts.filter((m) => m.transcriptType === "final").map((m) => m.transcript), [p.heard]);
    caller.send({ type: "hangup" });
    const done = await ended(call.id);
    assert.equal(done.endedReason, "customer-ended-call");
    assert.match(done.artifact.transcript, new RegExp(`User: ${p.heard.replace("?", "\\?")}`));
  });

  for (const [what, listen, reason] of [
    ["refusing the key (401)", 401, p.refused],
    ["rate limiting the stream (429)", 429, p.rateLimited],
  ]) {
    test(`${name}: ${what} ends the call with ${reason}`, async () => {
      p.fail(standins[name], listen);
      const { call, caller } = await liveCall(p.transcriber);
      const done = await ended(call.id);
      assert.equal(done.endedReason, reason);
      await caller.closed;
    });
  }

  test(`${name}: the connection dropping mid-call ends the call with ${p.dropped}`, async () => {
    p.fail(standins[name], "drop");
    const { call, caller } = await liveCall(p.transcriber, { firstMessage: "Hi." });
    const done = await ended(call.id, 8000);
    assert.equal(done.endedReason, p.dropped);
    assert.ok(Date.parse(done.endedAt) - Date.parse(done.startedAt) >= 700, "it ended after the drop, not before");
    await caller.closed;
  });
}

test("assembly-ai: audio goes in messages AssemblyAI takes (50-1000 ms), Terminate at the end", async () => {
  const standin = standins["assembly-ai"];
  const mark = standin.sessions.length;
  const { call, caller } = await liveCall(PROVIDERS["assembly-ai"].transcriber);
  const session = await until(() => standin.sessions[mark], "the AssemblyAI connection");
  await until(() => session.messageMs.length >= 10, "audio at AssemblyAI");
  assert.ok(session.messageMs.every((ms) => ms >= 50 && ms <= 1000), JSON.stringify(session.messageMs.slice(0, 10)));
  caller.send({ type: "hangup" });
  await ended(call.id);
  await until(() => session.terminates === 1, "Terminate when the call ended");
});

test("assembly-ai: AssemblyAI closing for insufficient funds (4002) ends the call with that reason", async () => {
  Object.assign(standins["assembly-ai"].behaviour, { listen: 4002, dropAfterMs: 600 });
  const { call, caller } = await liveCall(PROVIDERS["assembly-ai"].transcriber);
  const done = await ended(call.id);
  assert.equal(done.endedReason, "pipeline-error-assembly-ai-returning-400-insufficent-funds");
  await caller.closed;
});

test("assembly-ai: a config AssemblyAI cannot serve is refused when the call is created, naming the field", async () => {
  const { status, body } = await api(env.server, "/call", {
    method: "POST",
    body: {
      assistant: { transcriber: { provider: "assembly-ai", language: "multi", speechModel: "universal-streaming-english" }, model: { provider: "openai", model: "gpt-4o" } },
      transport: { provider: "vapi.websocket" },
    },
  });
  assert.equal(status, 400, JSON.stringify(body));
  assert.match(JSON.stringify(body.message), /transcriber\.language/);
});

test("gladia: a session refused at its init (401) is never dialled; a call's end sends stop_recording", async () => {
  const standin = standins.gladia;
  const p = PROVIDERS.gladia;
  p.fail(standin, 401);
  const inits = standin.inits.length;
  const sessions = standin.sessions.length;
  const refused = await liveCall(p.transcriber);
  assert.equal((await ended(refused.call.id)).endedReason, p.refused);
  assert.equal(standin.inits.length, inits + 1, "the init was asked");
  assert.equal(standin.sessions.length, sessions, "no socket without a session");
  standin.behaviour.init = "ok";
  const { call, caller } = await liveCall(p.transcriber);
  const session = await until(() => standin.sessions[sessions], "the Gladia session");
  await until(() => session.bytes > 16000, "audio at Gladia");
  caller.send({ type: "hangup" });
  await ended(call.id);
  await until(() => session.stops === 1, "stop_recording when the call ended");
});

test("speechmatics: audio waits for RecognitionStarted; the call's end sends EndOfStream with the last seq_no", async () => {
  const standin = standins.speechmatics;
  const mark = standin.sessions.length;
  const { call, caller } = await liveCall(PROVIDERS.speechmatics.transcriber);
  const session = await until(() => standin.sessions[mark], "the Speechmatics connection");
  await until(() => session.seqNo >= 50, "a second of audio at Speechmatics");
  caller.send({ type: "hangup" });
  await ended(call.id);
  await until(() => session.endOfStream, "EndOfStream when the call ended");
  assert.equal(session.audioBeforeStart, 0);
  assert.equal(session.endOfStream.last_seq_no, session.seqNo);
});

test("openai: a transcription session of 24 kHz PCM in base64 appends", async () => {
  const standin = standins.openai;
  const mark = standin.sessions.length;
  const { call, caller } = await liveCall(PROVIDERS.openai.transcriber);
  const session = await until(() => standin.sessions[mark], "the OpenAI connection");
  await until(() => session.appends >= 50, "a second of audio at OpenAI");
  assert.deepEqual(session.update.session, {
    type: "transcription",
    audio: { input: { format: { type: "audio/pcm", rate: 24000 }, transcription: { model: "gpt-4o-mini-transcribe", language: "en" }, turn_detection: { type: "server_vad" } } },
  });
  // 20 ms at 24 kHz is 960 bytes; the resampler may hand out a sample more or less.
  const perAppend = session.bytes / session.appends;
  assert.ok(perAppend > 940 && perAppend < 980, `${perAppend} bytes per append`);
  caller.send({ type: "hangup" });
  await ended(call.id);
});

test("11labs: audio goes as input_audio_chunk messages of 20 ms of base64 16 kHz PCM", async () => {
  const standin = standins["11labs"];
  const mark = standin.sessions.length;
  const { call, caller } = await liveCall(PROVIDERS["11labs"].transcriber);
  const session = await until(() => standin.sessions[mark], "the ElevenLabs connection");
  await until(() => session.chunks >= 50, "a second of audio at ElevenLabs");
  assert.deepEqual([...session.sampleRates], [16000]);
  assert.equal(session.bytes / session.chunks, 640);
  caller.send({ type: "hangup" });
  await ended(call.id);
});

test("cartesia: ink-2 streams to the turn-detecting endpoint; the call's end sends close", async () => {
  const standin = standins.cartesia;
  const mark = standin.sessions.length;
  const llmMark = env.standin.requests.length;
  const { call, caller } = await liveCall({ provider: "cartesia", model: "ink-2" });
  const session = await until(() => standin.sessions[mark], "the Cartesia connection");
  assert.equal(session.path, "/stt/turns/websocket");
  assert.deepEqual(Object.fromEntries(session.params), { model: "ink-2", encoding: "pcm_s16le", sample_rate: "16000" });
  const request = await until(() => env.standin.requests.slice(llmMark).find((r) => r.path.endsWith("/chat/completions")), "the model's request", 15000);
  assert.equal(request.body.messages.at(-1).content, "what is the weather like?");
  caller.send({ type: "hangup" });
  await ended(call.id);
  await until(() => session.closes === 1, "close when the call ended");
});

test("azure: the session opens with speech.config, then audio/x-wav led by a 16 kHz mono WAV header", async () => {
  const standin = standins.azure;
  const mark = standin.sessions.length;
  const { call, caller } = await liveCall(PROVIDERS.azure.transcriber);
  const session = await until(() => standin.sessions[mark], "the Azure connection");
  await until(() => session.audioMessages >= 50, "a second of audio at Azure");
  assert.match(session.headers["x-connectionid"], /^[0-9a-f]{32}$/);
  assert.ok(session.config?.context, "speech.config before the audio");
  assert.deepEqual(session.context, { phraseDetection: { mode: "Conversation", conversation: { segmentation: { mode: "Custom", segmentationSilenceTimeoutMs: 400 } } } });
  assert.deepEqual(session.wavHeader, { sampleRate: 16000, channels: 1, bits: 16 });
  assert.equal(session.bytes / session.audioMessages, 640, "20 ms of 16 kHz PCM per message");
  caller.send({ type: "hangup" });
  await ended(call.id);
});

test("11labs refusing the key hands the call to the fallbackPlan's azure transcriber, which hears the turn", async () => {
  PROVIDERS["11labs"].fail(standins["11labs"], 401);
  const azure = standins.azure;
  const mark = azure.sessions.length;
  const llmMark = env.standin.requests.length;
  const transcriber = { ...PROVIDERS["11labs"].transcriber, fallbackPlan: { transcribers: [PROVIDERS.azure.transcriber] } };
  const { call, caller } = await liveCall(transcriber, { firstMessage: "Hi." });
  await until(() => azure.sessions[mark], "the fallback's Azure connection");
  const request = await until(() => env.standin.requests.slice(llmMark).find((r) => r.path.endsWith("/chat/completions")), "the model's request", 15000);
  assert.equal(request.body.messages.at(-1).content, PROVIDERS.azure.heard);
  caller.send({ type: "hangup" });
  assert.equal((await ended(call.id)).endedReason, "customer-ended-call");
});
