// A transcriber's and a voice's fallbackPlan, through the real binary: when the provider in use
// fails mid-call the next one of the plan takes over and the call goes on; only when every one
// has failed does the call end, with the first failure's reason. Stand-ins for the custom
// transcriber, custom voices and the LLM.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { startChatServer } from "./chats_helpers.mjs";
import {
  createWebsocketCall,
  dial,
  standinAssistant,
  startTranscriberStandin,
  startVoiceStandin,
  until,
} from "./voice_helpers.mjs";

let env, transcriber, spare, voice, broken, alsoBroken;

before(async () => {
  env = await startChatServer();
  transcriber = await startTranscriberStandin();
  spare = await startTranscriberStandin();
  voice = await startVoiceStandin({ msPerChar: 20 });
  broken = await startVoiceStandin({ behaviour: () => ({ status: 500 }) });
  alsoBroken = await startVoiceStandin({ behaviour: () => ({ status: 503 }) });
});

after(async () => {
  await env.stop();
  for (const s of [transcriber, spare, voice, broken, alsoBroken]) await s.close();
});

const PCM16 = { format: "pcm_s16le", container: "raw", sampleRate: 16000 };
const customVoice = (standin) => ({ provider: "custom-voice", server: { url: standin.url } });
const customTranscriber = (standin) => ({ provider: "custom-transcriber", server: { url: standin.url } });

async function liveCall(extra) {
  const assistant = await env.server.client.assistants.create(standinAssistant(transcriber, voice, extra));
  const call = await createWebsocketCall(env.server, { assistantId: assistant.id, audioFormat: PCM16 });
  const caller = await dial(call.transport.websocketCallUrl, { format: PCM16 });
  return { call, caller };
}

const getCall = (id) => env.server.client.calls.get({ id });
const saidBy = (standin, text) => standin.requests.filter((r) => r.body.message.text === text).length;

test("a voice that fails hands the utterance to the next voice of its fallbackPlan, for the rest of the call", async () => {
  const sessionsBefore = transcriber.sessions.length;
  const { call, caller } = await liveCall({
    firstMessage: "Hello from the fallback.",
    voice: { ...customVoice(broken), fallbackPlan: { voices: [customVoice(voice)] } },
  });
  await until(() => caller.audioMs() >= 300, "the first message's audio from the fallback voice");
  assert.equal(saidBy(broken, "Hello from the fallback."), 1);
  assert.equal(saidBy(voice, "Hello from the fallback."), 1);

  const session = await until(() => transcriber.sessions[sessionsBefore]?.start && transcriber.sessions[sessionsBefore], "the transcriber");
  session.say("are you still there?", "final");
  await until(() => saidBy(voice, "You said: are you still there?") === 1, "the answer spoken by the fallback voice");
  assert.equal(saidBy(broken, "You said: are you still there?"), 0, "the failed voice is not asked again");
  assert.equal((await getCall(call.id)).status, "in-progress");
  caller.close();
});

test("a transcriber that fails mid-call is replaced by the next one of its fallbackPlan", async () => {
  const before = { main: transcriber.sessions.length, spare: spare.sessions.length };
  const { call, caller } = await liveCall({
    transcriber: { ...customTranscriber(transcriber), fallbackPlan: { transcribers: [customTranscriber(spare)] } },
  });
  const first = await until(() => transcriber.sessions[before.main]?.start && transcriber.sessions[before.main], "the first transcriber");
  first.close();
  const second = await until(() => spare.sessions[before.spare]?.start && spare.sessions[before.spare], "the fallback transcriber's start message");
  await until(() => second.frames > 10, "audio reaching the fallback transcriber");
  second.say("what time is it?", "final");
  await until(() => saidBy(voice, "You said: what time is it?") === 1, "the answer to what the fallback heard");
  const live = await getCall(call.id);
  assert.equal(live.status, "in-progress");
  caller.close();
});

test("when every voice of the plan fails the call ends with the first one's reason", async () => {
  const { call, caller } = await liveCall({
    firstMessage: "Nobody will hear this.",
    voice: { ...customVoice(broken), fallbackPlan: { voices: [customVoice(alsoBroken)] } },
  });
  const ended = await until(async () => {
    const c = await getCall(call.id);
    return c.status === "ended" && c;
  }, "the call ended", 15000);
  assert.equal(ended.endedReason, "pipeline-error-custom-voice-failed");
  assert.equal(saidBy(alsoBroken, "Nobody will hear this."), 1, "the fallback was tried");
  await caller.closed;
});
