// Insights over the events table through the official SDK: two real calls over the WebSocket
// transport (one with a turn, one hung up at once) record their events, and a bar insight's
// preview counts them, filters them on their data, and gives their percentage per call.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { startChatServer } from "./chats_helpers.mjs";
import { expectError } from "./harness.mjs";
import {
  createWebsocketCall,
  dial,
  standinAssistant,
  startTranscriberStandin,
  startVoiceStandin,
  until,
  waitForCallStatus,
} from "./voice_helpers.mjs";

let env, transcriber, voice;
const assistants = [];


after(async () => {
  await env.stop();
  await transcriber.close();
  await voice.close();
});

const PCM16 = { format: "pcm_s16le", container: "raw", sampleRate: 16000 };
const waitForStatus = (id, status) => waitForCallStatus(env.server.client, id, status);

// A call on a new assistant, in progress; resolves {call, caller, session}.
async function liveCall() {
  const assistant = await env.server.client.assistants.create(standinAssistant(transcriber, voice, { firstMessage: "Hi." }));
  assistants.push(assistant.id);
  const call = await createWebsocketCall(env.server, { assistantId: assistant.id, audioFormat: PCM16 });
  const before = transcriber.sessions.length;
  const caller = await dial(call.transport.websocketCallUrl, { format: PCM16 });
  const session = await until(() => transcriber.sessions[before]?.start && transcriber.sessions[before], "the transcriber");
  await waitForStatus(call.id, "in-progress");
  return { call, caller, session };
}

const RANGE = () => ({ start: new Date(Date.now() - 3600_000).toISOString(), end: new Date(Date.now() + 60_000).toISOString(), step: "year" });
const on = (event, operation, name, filters) => ({ type: "vapiql-json", table: "events", on: event, operation, name, ...(filters ? { filters } : {}) });
const total = (query) => query.result.reduce((sum, row) => sum + row.value, 0);

before(async () => {
  env = await startChatServer();
  transcriber = await startTranscriberStandin();
  voice = await startVoiceStandin();
  // A turn: the caller's words, the model's answer spoken, then the caller hangs up.
  const first = await liveCall();
  first.session.say("what is the weather like?", "final");
  await until(() => voice.requests.find((r) => r.body.message.text.includes("You said: what is the weather like?")), "the answer");
  const heard = first.caller.audioMs();
  await until(() => first.caller.audioMs() > heard + 300, "the answer's audio");
  first.caller.send({ type: "hangup" });
  await waitForStatus(first.call.id, "ended");
  // No turn: hung up once in progress.
  const second = await liveCall();
  second.caller.send({ type: "hangup" });
  await waitForStatus(second.call.id, "ended");
});

test("a bar insight counts the calls' events, filtered on their data", async () => {
  const preview = await env.server.client.insight.insightControllerPreview({
    type: "bar", name: "Call events", timeRange: RANGE(),
    queries: [
      on("call.started", "count", "started"),
      on("call.ended", "count", "hung up", [{ column: "endedReason", operator: "=", value: "customer-ended-call" }]),
      on("call.ended", "count", "other ends", [{ column: "endedReason", operator: "!=", value: "customer-ended-call" }]),
      on("assistant.transcriber.finalTranscript", "count", "finals"),
      on("assistant.model.responseSucceeded", "count", "answers", [{ column: "provider", operator: "=", value: "openai" }]),
      on("assistant.model.responseSucceeded", "count", "slow answers", [{ column: "latency", operator: ">", value: 60_000 }]),
      on("assistant.voice.requestFailed", "count", "never recorded here"),
    ],
  });
  assert.deepEqual(
    Object.fromEntries(preview.result.map((q) => [q.name, total(q)])),
    { started: 2, "hung up": 2, "other ends": 0, finals: 1, answers: 1, "slow answers": 0, "never recorded here": 0 },
  );
});

test("a percentage is the events per 100 calls, also per group of the events' calls", async () => {
  const answered = on("assistant.model.responseSucceeded", "percentage", "answered");
  const whole = await env.server.client.insight.insightControllerPreview({ type: "bar", name: "Answered", timeRange: RANGE(), queries: [answered] });
  assert.deepEqual(whole.result[0].result.map((r) => r.value), [50]);
  const grouped = await env.server.client.insight.insightControllerPreview({
    type: "bar", name: "Answered", groupBy: "assistantId", timeRange: RANGE(), queries: [answered],
  });
  const byAssistant = Object.fromEntries(grouped.result[0].result.map((r) => [r.assistantId, r.value]));
  assert.deepEqual(byAssistant, { [assistants[0]]: 100, [assistants[1]]: 0 });
});

test("events queries a bar insight does not allow → 400", async () => {
  const bad = (body) => expectError(env.server.client.insight.insightControllerPreview({ name: "x", timeRange: RANGE(), ...body }));
  let err = await bad({ type: "bar", queries: [on("call.ended", "count", "q", [{ column: "cost", operator: "=", value: "x" }])] });
  assert.equal(err.statusCode, 400);
  assert.match(JSON.stringify(err.body), /cost is not a field of call.ended events \(they carry endedReason\)/);
  err = await bad({ type: "bar", queries: [on("call.ended", "count", "q", [{ column: "endedReason", operator: ">", value: "x" }])] });
  assert.equal(err.statusCode, 400);
  err = await bad({ type: "pie", queries: [on("call.ended", "count", "q")] });
  assert.equal(err.statusCode, 400);
});

test("a long call's events reach storage in batches while it runs, the rest with its end", async () => {
  const { call, caller, session } = await liveCall();
  for (let i = 0; i < 300; ++i) session.say(`word ${i}`, "partial");
  const partials = async () => {
    const preview = await env.server.client.insight.insightControllerPreview({
      type: "bar", name: "Partials", groupBy: "assistantId", timeRange: RANGE(),
      queries: [on("assistant.transcriber.partialTranscript", "count", "partials")],
    });
    return preview.result[0].result.find((r) => r.assistantId === assistants[2])?.value ?? 0;
  };
  // A batch of 256 events (these and the call's others) is stored on its own while it is live.
  const live = await until(async () => await partials(), "the first batch", 10000, 100);
  assert.ok(live > 200 && live < 300, `${live} partial transcripts stored while live`);
  assert.equal((await env.server.client.calls.get({ id: call.id })).status, "in-progress");
  caller.send({ type: "hangup" });
  await waitForStatus(call.id, "ended");
  assert.equal(await partials(), 300);
});
