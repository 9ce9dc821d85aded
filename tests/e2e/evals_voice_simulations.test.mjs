// Voice simulations through the official SDK, with the built-in speech engines (no cloud key)
// and the LLM stand-in: the item's target runs in a real call over the WebSocket transport, the
// tester speaks into it (flite), the call hears it (pocketsphinx), and the item is evaluated
// from the call's transcript.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { UUID_V4 } from "./harness.mjs";
import { startChatServer, assistantBody } from "./chats_helpers.mjs";

// The target books as soon as it hears the caller, and tells the (stand-in) tester to hang up:
// the stand-in's tester calls endCall when its last user message says "call endCall".
const TARGET_SYSTEM = "You book cleanings.";
function script(record) {
  const messages = Array.isArray(record.body?.messages) ? record.body.messages : [];
  const system = messages.filter((m) => m.role === "system").map((m) => String(m.content)).join(" ");
  if (system.includes(TARGET_SYSTEM) && messages.some((m) => m.role === "user")) return "Booked for Tuesday. Goodbye, call endCall.";
  return undefined;
}

let env, client;
before(async () => {
  env = await startChatServer({ standin: { script } });
  client = env.server.client;
});
after(async () => {
  await env?.stop();
});

const booked = { structuredOutput: { name: "booked", description: "say true", schema: { type: "boolean" } }, comparator: "=", value: true };

async function endedRun(id, ms = 40000) {
  const until = Date.now() + ms;
  for (;;) {
    const run = await client.simulationRuns.simulationRunControllerFindOne({ id });
    if (run.status === "ended") return run;
    if (Date.now() > until) throw new Error(`simulation run ${id} still ${run.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test("a voice simulation plays in a real call of the target: the tester is heard, the call is evaluated", async () => {
  const target = await client.assistants.create(assistantBody("Riley", TARGET_SYSTEM, {}, { firstMessage: "Hi, Riley here." }));
  const personality = await client.simulationPersonalities.personalityControllerCreate({ name: "Pat", assistant: assistantBody("Pat", "You are a caller.") });
  const created = await client.simulationRuns.simulationRunControllerCreate({
    simulations: [{ type: "simulation", scenario: { name: "Book", instructions: "Book a cleaning.", evaluations: [booked] }, personalityId: personality.id }],
    target: { type: "assistant", assistantId: target.id },
    transport: { provider: "vapi.websocket" },
  });
  assert.equal(created.transport.provider, "vapi.websocket");

  // While it plays, the item holds two slots (the tester's and the target's call).
  const until = Date.now() + 10000;
  while ((await client.simulationRuns.simulationRunControllerFindItems({ id: created.id }))[0].status === "queued") {
    assert.ok(Date.now() < until, "the item never started");
    await new Promise((r) => setTimeout(r, 20));
  }
  const busy = await client.simulations.simulationControllerGetConcurrency();
  assert.equal(busy.activeSimulations, 2);
  assert.equal(busy.availableToStart, 1);

  const run = await endedRun(created.id);
  const [item] = await client.simulationRuns.simulationRunControllerFindItems({ id: run.id });
  assert.equal(item.status, "passed", item.failureReason);
  assert.equal(item.configurations.transport.provider, "vapi.websocket");
  assert.match(item.callId, UUID_V4);
  assert.deepEqual(item.results.evaluations.map((e) => [e.name, e.extractedValue, e.passed]), [["booked", true, true]]);
  assert.ok(item.results.latencyMetrics.turnCount >= 1, JSON.stringify(item.results.latencyMetrics));
  assert.ok(item.results.latencyMetrics.avgTurn > 0);

  // The call is a call like any other: ended by the tester hanging up, with its transcript.
  const call = await client.calls.get({ id: item.callId });
  assert.equal(call.type, "vapi.websocketCall");
  assert.equal(call.assistantId, target.id);
  assert.equal(call.status, "ended");
  assert.equal(call.endedReason, "customer-ended-call");
  assert.deepEqual(call.metadata, { simulationRunId: run.id, simulationRunItemId: item.id });
  const transcript = call.artifact.transcript;
  assert.match(transcript, /^AI: Hi, Riley here\.\n/);
  // The tester said "You said: Hi, Riley here."; pocketsphinx heard some of it.
  const heard = transcript.split("\n").filter((l) => l.startsWith("User: ")).join(" ");
  assert.match(heard, /said|riley|here/i, transcript);
  assert.match(transcript, /AI: Booked for Tuesday\. Goodbye, call endCall\./);
  assert.equal(item.metadata.call.transcript, transcript);
  assert.deepEqual(item.metadata.call.messages, call.artifact.messagesOpenAIFormatted);
  assert.equal(item.metadata.call.monitor?.listenUrl, call.monitor?.listenUrl);

  const idle = await client.simulations.simulationControllerGetConcurrency();
  assert.equal(idle.activeSimulations, 0);
  assert.equal(idle.availableToStart, 2);
});

test("a voice item whose target cannot take a call fails, naming why", async () => {
  const german = await client.assistants.create(assistantBody("Klaus", TARGET_SYSTEM, {}, { transcriber: { provider: "vapi", language: "de" } }));
  const created = await client.simulationRuns.simulationRunControllerCreate({
    simulations: [{ type: "simulation", scenario: { name: "x", instructions: "x", evaluations: [booked] }, personality: { name: "Pat", assistant: assistantBody("Pat", "x") } }],
    target: { type: "assistant", assistantId: german.id },
    transport: { provider: "vapi.websocket" },
  });
  const run = await endedRun(created.id, 10000);
  const [item] = await client.simulationRuns.simulationRunControllerFindItems({ id: run.id });
  assert.equal(item.status, "failed");
  assert.match(item.failureReason, /^The target's call could not start: .*de/);
  assert.equal(item.callId, undefined);
});

test("canceling a voice run hangs its call up at once and frees its slots", async () => {
  // A long greeting: the item is still in its call when it is canceled.
  const target = await client.assistants.create(assistantBody("Long", TARGET_SYSTEM, {}, { firstMessage: "Hello. ".repeat(40) }));
  const created = await client.simulationRuns.simulationRunControllerCreate({
    simulations: [{ type: "simulation", scenario: { name: "x", instructions: "x", evaluations: [booked] }, personality: { name: "Pat", assistant: assistantBody("Pat", "x") } }],
    target: { type: "assistant", assistantId: target.id },
    transport: { provider: "vapi.websocket" },
  });
  const until = Date.now() + 10000;
  let item;
  while (!(item = (await client.simulationRuns.simulationRunControllerFindItems({ id: created.id }))[0]).callId) {
    assert.ok(Date.now() < until, "the item's call never started");
    await new Promise((r) => setTimeout(r, 20));
  }
  const canceled = await client.simulationRuns.simulationRunControllerCancelGroup({ id: created.id });
  assert.equal(canceled.endedReason, "canceled");
  for (;;) {
    const call = await client.calls.get({ id: item.callId });
    if (call.status === "ended") {
      assert.equal(call.endedReason, "customer-ended-call");
      break;
    }
    assert.ok(Date.now() < until + 5000, "the canceled item's call went on");
    await new Promise((r) => setTimeout(r, 50));
  }
  while ((await client.simulations.simulationControllerGetConcurrency()).activeSimulations !== 0) {
    assert.ok(Date.now() < until + 10000, "the canceled item kept its slots");
    await new Promise((r) => setTimeout(r, 50));
  }
  const [after] = await client.simulationRuns.simulationRunControllerFindItems({ id: created.id });
  assert.equal(after.status, "canceled");
});
