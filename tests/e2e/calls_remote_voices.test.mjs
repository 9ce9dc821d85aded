// Calls whose assistant speaks with ElevenLabs, Cartesia, OpenAI, LMNT, Rime, Azure or PlayHT,
// through the real binary: the server is pointed at local stand-ins for their APIs (--speech-base-url) and takes the
// keys from the org's credentials, as on Vapi. A caller on the WebSocket transport hears the
// greeting and an answer; each stand-in saw its own auth, path and the body the voice config
// asks for; a refused key ends the call with the provider's endedReason; a stream cut midway
// ends it too, promptly.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { startChatServer } from "./chats_helpers.mjs";
import { api, createOrg } from "./harness.mjs";
import { readSsml, regionOf, startAzureSpeechStandin } from "./speech_standins/azure_speech.mjs";
import { startCartesiaStandin } from "./speech_standins/cartesia.mjs";
import { startElevenLabsStandin } from "./speech_standins/elevenlabs.mjs";
import { startLmntStandin } from "./speech_standins/lmnt.mjs";
import { startOpenAiSpeechStandin } from "./speech_standins/openai_speech.mjs";
import { startPlayHtStandin } from "./speech_standins/playht.mjs";
import { startRimeStandin } from "./speech_standins/rime.mjs";
import { createWebsocketCall, dial, sleep, standinAssistant, startTranscriberStandin, until, waitForCallStatus } from "./voice_helpers.mjs";

const PCM16 = { format: "pcm_s16le", container: "raw", sampleRate: 16000 };
const MS_PER_CHAR = 40;  // the stand-ins' tone length per character of text

// Per provider: its stand-in, the good key, a voice config as a Vapi user writes it, what the
// stand-in must have received for it, the text a request carries, and the reasons a refused key
// and a failed stream end the call with.
const PROVIDERS = {
  "11labs": {
    start: startElevenLabsStandin,
    key: "sk_e2e_eleven_7f1c",
    voice: { provider: "11labs", voiceId: "21m00Tcm4TlvDq8ikWAM", model: "eleven_flash_v2_5", stability: 0.4, similarityBoost: 0.8, style: 0.1, speed: 1.05, optimizeStreamingLatency: 2 },
    textOf: (r) => r.json?.text,
    expect(r, key) {
      assert.equal(r.headers["xi-api-key"], key);
      assert.equal(r.path, "/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM/stream");
      assert.deepEqual(r.query, { output_format: "pcm_16000", optimize_streaming_latency: "2" });
      assert.equal(r.json.model_id, "eleven_flash_v2_5");
      assert.deepEqual(r.json.voice_settings, { stability: 0.4, similarity_boost: 0.8, style: 0.1, speed: 1.05 });
    },
    refused: "pipeline-error-eleven-labs-invalid-api-key",
    failed: "pipeline-error-eleven-labs-voice-failed",
  },
  cartesia: {
    start: startCartesiaStandin,
    key: "sk_car_e2e_3b9d",
    voice: { provider: "cartesia", voiceId: "a0e99841-438c-4a64-b679-ae501e7d6091", model: "sonic-3", language: "en", generationConfig: { speed: 1.1, volume: 0.9 } },
    textOf: (r) => r.json?.transcript,
    expect(r, key) {
      assert.equal(r.headers["x-api-key"], key);
      assert.match(r.headers["cartesia-version"], /^\d{4}-\d\d-\d\d$/);
      assert.equal(r.path, "/tts/bytes");
      assert.equal(r.json.model_id, "sonic-3");
      assert.deepEqual(r.json.voice, { mode: "id", id: "a0e99841-438c-4a64-b679-ae501e7d6091" });
      assert.equal(r.json.language, "en");
      assert.deepEqual(r.json.output_format, { container: "raw", encoding: "pcm_s16le", sample_rate: 16000 });
      assert.deepEqual(r.json.generation_config, { speed: 1.1, volume: 0.9 });
    },
    refused: "pipeline-error-cartesia-voice-failed",
    failed: "pipeline-error-cartesia-voice-failed",
  },
  openai: {
    start: startOpenAiSpeechStandin,
    key: "sk-e2e-openai-voice-5a2e",
    voice: { provider: "openai", voiceId: "alloy", model: "gpt-4o-mini-tts", speed: 1.2, instructions: "Speak calmly." },
    textOf: (r) => r.json?.input,
    expect(r, key) {
      assert.equal(r.headers.authorization, `Bearer ${key}`);
      assert.equal(r.path, "/v1/audio/speech");
      assert.deepEqual(
        { model: r.json.model, voice: r.json.voice, response_format: r.json.response_format, speed: r.json.speed, instructions: r.json.instructions },
        { model: "gpt-4o-mini-tts", voice: "alloy", response_format: "pcm", speed: 1.2, instructions: "Speak calmly." },
      );
    },
    refused: "pipeline-error-openai-voice-failed",
    failed: "pipeline-error-openai-voice-failed",
  },
  lmnt: {
    start: startLmntStandin,
    key: "lmnt_e2e_key_8c41",
    voice: { provider: "lmnt", voiceId: "morgan", language: "en", speed: 1.25 },
    textOf: (r) => r.json?.text,
    expect(r, key) {
      assert.equal(r.headers["x-api-key"], key);
      assert.ok(r.headers["lmnt-version"], "the lmnt-version header");
      assert.equal(r.path, "/v1/ai/speech/bytes");
      assert.deepEqual(
        { voice: r.json.voice, format: r.json.format, sample_rate: r.json.sample_rate, language: r.json.language, speed: r.json.speed },
        { voice: "morgan", format: "pcm_s16le", sample_rate: 16000, language: "en", speed: 1.25 },
      );
    },
    refused: "pipeline-error-lmnt-voice-failed",
    failed: "pipeline-error-lmnt-voice-failed",
  },
  "rime-ai": {
    start: startRimeStandin,
    key: "rime_e2e_key_2d7f",
    voice: { provider: "rime-ai", voiceId: "luna", model: "mistv2", language: "en", speed: 2, reduceLatency: true },
    textOf: (r) => r.json?.text,
    expect(r, key) {
      assert.equal(r.headers.authorization, `Bearer ${key}`);
      assert.equal(r.headers.accept, "audio/pcm");
      assert.equal(r.path, "/v1/rime-tts");
      assert.deepEqual(
        { speaker: r.json.speaker, modelId: r.json.modelId, lang: r.json.lang, samplingRate: r.json.samplingRate, speedAlpha: r.json.speedAlpha, reduceLatency: r.json.reduceLatency },
        { speaker: "luna", modelId: "mistv2", lang: "en", samplingRate: 16000, speedAlpha: 0.5, reduceLatency: true },
      );
    },
    refused: "pipeline-error-rime-ai-voice-failed",
    failed: "pipeline-error-rime-ai-voice-failed",
  },
  azure: {
    start: startAzureSpeechStandin,
    key: "az_e2e_key_61b0",
    credential: { service: "speech", region: "uk" },
    voice: { provider: "azure", voiceId: "andrew", speed: 1.2 },
    textOf: (r) => readSsml(r.raw).text,
    expect(r, key) {
      assert.equal(r.headers["ocp-apim-subscription-key"], key);
      assert.equal(r.headers["x-microsoft-outputformat"], "raw-16khz-16bit-mono-pcm");
      assert.equal(regionOf(r), "uksouth", "the credential's region, as Azure names it");
      const { voice, rate } = readSsml(r.raw);
      assert.deepEqual({ voice, rate }, { voice: "en-US-AndrewMultilingualNeural", rate: "1.2" });
    },
    refused: "pipeline-error-azure-voice-failed",
    failed: "pipeline-error-azure-voice-failed",
  },
  playht: {
    start: (options) => startPlayHtStandin({ ...options, userId: "ph-user-e2e-9a" }),
    key: "ph_e2e_key_5e3c",
    credential: { userId: "ph-user-e2e-9a" },
    voice: { provider: "playht", voiceId: "jennifer", model: "Play3.0-mini", speed: 1.1, emotion: "female_happy", voiceGuidance: 3 },
    textOf: (r) => r.json?.text,
    expect(r, key) {
      assert.equal(r.headers.authorization, key);
      assert.equal(r.headers["x-user-id"], "ph-user-e2e-9a");
      assert.equal(r.path, "/api/v2/tts/stream");
      assert.deepEqual(
        { voice: r.json.voice, voice_engine: r.json.voice_engine, output_format: r.json.output_format, sample_rate: r.json.sample_rate, speed: r.json.speed, emotion: r.json.emotion, voice_guidance: r.json.voice_guidance },
        { voice: "jennifer", voice_engine: "Play3.0-mini", output_format: "wav", sample_rate: 16000, speed: 1.1, emotion: "female_happy", voice_guidance: 3 },
      );
    },
    refused: "pipeline-error-playht-401-unauthorized",
    failed: "pipeline-error-playht-voice-failed",
  },
};

let env, transcriber;
let refusedOrg;  // an org whose credentials hold keys the stand-ins refuse
const standins = {};

async function createCredential(provider, apiKey, token) {
  const extra = PROVIDERS[provider]?.credential ?? {};
  const res = await api(env.server, "/credential", { method: "POST", body: { provider, apiKey, ...extra }, token });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
}

before(async () => {
  transcriber = await startTranscriberStandin();
  const args = [];
  for (const [name, p] of Object.entries(PROVIDERS)) {
    standins[name] = await p.start({ apiKey: p.key, msPerChar: MS_PER_CHAR, firstByteMs: 100 });
    args.push("--speech-base-url", `${name}=${standins[name].url}`);
  }
  env = await startChatServer({ args });
  for (const [name, p] of Object.entries(PROVIDERS)) await createCredential(name, p.key);
  refusedOrg = await createOrg(env.server, "refused-keys");
  for (const name of Object.keys(PROVIDERS)) await createCredential(name, "wrong-key", refusedOrg.apiKey);
});

after(async () => {
  await env?.stop();
  await transcriber?.close();
  for (const s of Object.values(standins)) await s.close();
});

const waitForStatus = (id, status, ms = 15000, client = env.server.client) => waitForCallStatus(client, id, status, ms);

// A call of the org `client` is for whose assistant speaks with `voice`, dialled; resolves
// {call, caller}, and `session` (the transcriber's) once it has started when `transcribing`
// (a call that fails at once may end before its transcriber starts).
async function liveCall(voice, firstMessage, { client = env.server.client, transcribing = false, assistant: extra = {} } = {}) {
  const assistant = await client.assistants.create(standinAssistant(transcriber, { url: "http://unused.invalid" }, { voice, firstMessage, ...extra }));
  const call = await createWebsocketCall({ client }, { assistantId: assistant.id, audioFormat: PCM16 });
  const sessionsBefore = transcriber.sessions.length;
  const caller = await dial(call.transport.websocketCallUrl, { format: PCM16 });
  if (!transcribing) return { call, caller };
  const session = await until(() => transcriber.sessions[sessionsBefore]?.start && transcriber.sessions[sessionsBefore], "the transcriber's start message");
  return { call, caller, session };
}

for (const [name, p] of Object.entries(PROVIDERS)) {
  test(`${name}: the greeting and an answer reach the caller, asked for as the voice config says`, async () => {
    const standin = standins[name];
    const { call, caller, session } = await liveCall(p.voice, "Hello there.", { transcribing: true });
    const greeting = await until(() => standin.requests.find((r) => p.textOf(r) === "Hello there."), "the greeting's request");
    p.expect(greeting, p.key);
    // 12 characters of tone; the pipeline may trim a few ms at the edges (and resamples OpenAI's).
    await until(() => caller.audioMs() >= 12 * MS_PER_CHAR * 0.9, "the greeting's audio");
    session.say("Tell me more.", "final");  // the LLM stand-in answers "You said: Tell me more."
    const answer = await until(() => standin.requests.find((r) => p.textOf(r) === "You said: Tell me more."), "the answer's request");
    p.expect(answer, p.key);
    await until(() => caller.audioMs() >= (12 + 23) * MS_PER_CHAR * 0.9, "the answer's audio", 15000);
    // And no more than that: OpenAI's 24 kHz taken for 16 kHz would last half as long again.
    await sleep(300);
    assert.ok(caller.audioMs() <= (12 + 23) * MS_PER_CHAR * 1.15, `${caller.audioMs()} ms of audio`);
    caller.close();
    const ended = await waitForStatus(call.id, "ended");
    assert.equal(ended.endedReason, "customer-ended-call");
  });

  test(`${name}: a refused key ends the call with ${p.refused}`, async () => {
    const { call, caller } = await liveCall(p.voice, "Hello.", { client: refusedOrg.client });
    const ended = await waitForStatus(call.id, "ended", 15000, refusedOrg.client);
    assert.equal(ended.endedReason, p.refused);
    await caller.closed;
    const refused = standins[name].requests.find((r) => p.textOf(r) === "Hello." && r.at >= Date.parse(call.createdAt));
    assert.ok(refused, "the stand-in was asked");
  });

  test(`${name}: a stream cut midway does not hang the call`, async () => {
    const standin = standins[name];
    standin.behaviour = (r) => (p.textOf(r) === "Cut me off here, please." ? { cutAfterBytes: 3001 * 4 } : {});
    try {
      const started = Date.now();
      const { call, caller } = await liveCall(p.voice, "Cut me off here, please.");
      const ended = await waitForStatus(call.id, "ended", 10000);
      assert.equal(ended.endedReason, p.failed);
      await caller.closed;
      assert.ok(caller.audioMs() > 0, "what arrived before the cut was played");
      assert.ok(Date.now() - started < 10000);
      assert.ok(standin.requests.some((r) => r.cut));
    } finally {
      standin.behaviour = undefined;
    }
  });
}

test("11labs: a 429 (too many concurrent requests) ends the call with ElevenLabs' reason for it", async () => {
  const standin = standins["11labs"];
  standin.behaviour = (r) => (r.json?.text === "Busy?" ? { status: 429 } : {});
  try {
    const { call, caller } = await liveCall(PROVIDERS["11labs"].voice, "Busy?");
    const ended = await waitForStatus(call.id, "ended");
    assert.equal(ended.endedReason, "pipeline-error-eleven-labs-blocked-concurrent-requests-and-requested-upgrade");
    await caller.closed;
  } finally {
    standin.behaviour = undefined;
  }
});

test("playht: a 429 ends the call with PlayHT's exceeded-quota reason", async () => {
  const standin = standins.playht;
  standin.behaviour = (r) => (r.json?.text === "Quota?" ? { status: 429 } : {});
  try {
    const { call, caller } = await liveCall(PROVIDERS.playht.voice, "Quota?");
    const ended = await waitForStatus(call.id, "ended");
    assert.equal(ended.endedReason, "pipeline-error-playht-429-exceeded-quota");
    await caller.closed;
  } finally {
    standin.behaviour = undefined;
  }
});

test("11labs refusing falls back to the voice's fallbackPlan (cartesia), and the call goes on", async () => {
  const eleven = standins["11labs"];
  eleven.behaviour = (r) => (r.json?.text === "Fall back, please." ? { status: 401 } : {});
  try {
    const voice = { ...PROVIDERS["11labs"].voice, fallbackPlan: { voices: [PROVIDERS.cartesia.voice] } };
    const { call, caller } = await liveCall(voice, "Fall back, please.");
    await until(() => standins.cartesia.requests.find((r) => r.json?.transcript === "Fall back, please."), "the fallback's request");
    await until(() => caller.audioMs() >= 18 * MS_PER_CHAR * 0.9, "the fallback's audio");
    assert.equal((await env.server.client.calls.get({ id: call.id })).status, "in-progress");
    caller.close();
    const ended = await waitForStatus(call.id, "ended");
    assert.equal(ended.endedReason, "customer-ended-call");
  } finally {
    eleven.behaviour = undefined;
  }
});

test("an assistant's credentialIds pick its key over the org's newest", async () => {
  const standin = standins.openai;
  const p = PROVIDERS.openai;
  // The refused org's newest openai credential holds a wrong key; the good one, named by id, wins.
  const good = await createCredential("openai", p.key, refusedOrg.apiKey);
  await createCredential("openai", "wrong-and-newest", refusedOrg.apiKey);
  const named = await liveCall(p.voice, "Named by id.", { client: refusedOrg.client, assistant: { credentialIds: [good] } });
  const byId = await until(() => standin.requests.find((r) => p.textOf(r) === "Named by id."), "the request with the named key");
  assert.equal(byId.headers.authorization, `Bearer ${p.key}`);
  named.caller.close();
  await waitForStatus(named.call.id, "ended", 15000, refusedOrg.client);
});
