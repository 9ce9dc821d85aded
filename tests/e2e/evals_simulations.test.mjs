// Simulations through the official SDK against the LLM stand-in: personalities, scenarios,
// simulations and suites stored like other resources; a run whose AI tester talks to the
// target assistant through the chat engine, each item evaluated by structured outputs
// extracted from its transcript; the concurrency bound. (Voice runs:
// evals_voice_simulations.test.mjs.)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { expectError, assertBadRequest, UUID_V4 } from "./harness.mjs";
import { startChatServer, assistantBody, scripted, eventually } from "./chats_helpers.mjs";
import { startReceiver } from "./webhooks_receiver.mjs";

let env, server, client, receiver;
before(async () => {
  receiver = await startReceiver();
  env = await startChatServer();
  ({ server } = env);
  client = server.client;
});
after(async () => {
  await env?.stop();
  await receiver?.close();
});

const ZERO = "00000000-0000-4000-8000-000000000000";
const tester = { name: "Plain Pat", assistant: assistantBody("Pat", "You are a caller.") };
// The stand-in answers "say X" with X: the extraction question is the output's description.
const booked = { structuredOutput: { name: "booked", description: "say true", schema: { type: "boolean" } }, comparator: "=", value: true };
const count = { structuredOutput: { name: "count", description: "say 3", schema: { type: "number" } }, comparator: ">", value: 5 };

async function endedRun(id) {
  const until = Date.now() + 20000;
  for (;;) {
    const run = await client.simulationRuns.simulationRunControllerFindOne({ id });
    if (run.status === "ended") return run;
    if (Date.now() > until) throw new Error(`simulation run ${id} still ${run.status}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test("personalities, scenarios, simulations and suites: create, read, list, update, delete, references", async () => {
  const personality = await client.simulationPersonalities.personalityControllerCreate(tester);
  assert.match(personality.id, UUID_V4);
  assert.equal(personality.assistant.model.model, "gpt-4o");
  const scenario = await client.simulationScenarios.scenarioControllerCreate({ name: "Book", instructions: "Book a cleaning.", evaluations: [booked] });
  assert.deepEqual(await client.simulationScenarios.scenarioControllerFindOne({ id: scenario.id }), scenario);
  assertBadRequest(await expectError(client.simulationScenarios.scenarioControllerCreate({ name: "x", instructions: "y", evaluations: [{ comparator: "=", value: true }] })),
    "evaluations.0 must have exactly one of structuredOutputId or structuredOutput");
  assertBadRequest(await expectError(client.simulations.simulationControllerCreate({ scenarioId: ZERO, personalityId: personality.id })),
    `scenarioId must be the id of an existing simulation scenario of this org (${ZERO} is not)`);
  const simulation = await client.simulations.simulationControllerCreate({ name: "Booking", scenarioId: scenario.id, personalityId: personality.id });
  const suite = await client.simulationSuites.simulationSuiteControllerCreate({ name: "All", simulationIds: [simulation.id] });
  assert.deepEqual(suite.targetAssignments, []);
  assert.ok((await client.simulations.simulationControllerFindAll({})).some((s) => s.id === simulation.id));
  const renamed = await client.simulationScenarios.scenarioControllerUpdate({ id: scenario.id, name: "Book again" });
  assert.equal(renamed.name, "Book again");
  assert.equal((await client.simulationSuites.simulationSuiteControllerRemove({ id: suite.id })).id, suite.id);
  assert.equal((await expectError(client.simulationSuites.simulationSuiteControllerFindOne({ id: suite.id }))).statusCode, 404);
});

test("a run plays each simulation and iteration to its end and evaluates it from the transcript", async () => {
  const target = await client.assistants.create(assistantBody("Riley", "You book cleanings.", {}, { firstMessage: "Hi, Riley here." }));
  const personality = await client.simulationPersonalities.personalityControllerCreate(tester);
  const scenario = await client.simulationScenarios.scenarioControllerCreate({ name: "Book", instructions: "Book a cleaning.", evaluations: [booked] });
  const simulation = await client.simulations.simulationControllerCreate({ scenarioId: scenario.id, personalityId: personality.id });
  const suite = await client.simulationSuites.simulationSuiteControllerCreate({ name: "Suite", simulationIds: [simulation.id] });

  const created = await client.simulationRuns.simulationRunControllerCreate({
    simulations: [
      { type: "simulationSuite", simulationSuiteId: suite.id },
      { type: "simulation", scenario: { name: "Count", instructions: "Ask how many rooms.", evaluations: [count] }, personalityId: personality.id },
    ],
    target: { type: "assistant", assistantId: target.id },
    transport: { provider: "vapi.webchat" },
    iterations: 2,
  });
  assert.equal(created.status, "queued");
  assert.equal(created.simulationRunItemIds.length, 4);
  assert.match(created.url, new RegExp(`/eval/simulation/run/${created.id}$`));

  const run = await endedRun(created.id);
  assert.equal(run.endedReason, "completed");
  assert.deepEqual(run.itemCounts, { total: 4, passed: 2, failed: 2, running: 0, queued: 0, canceled: 0 });

  const items = await client.simulationRuns.simulationRunControllerFindItems({ id: run.id });
  assert.deepEqual(items.map((i) => i.id).sort(), [...created.simulationRunItemIds].sort());
  const passed = items.filter((i) => i.status === "passed");
  assert.deepEqual(passed.map((i) => i.simulationId), [simulation.id, simulation.id]);
  assert.deepEqual(passed.map((i) => i.iterationNumber).sort(), [1, 2]);
  const [item] = passed;
  assert.deepEqual(item.results.evaluations, [{
    structuredOutputId: "inline", name: "booked", description: "say true", schema: { type: "boolean" },
    extractedValue: true, expectedValue: true, comparator: "=", passed: true, required: true,
  }]);
  assert.equal(item.results.passed, true);
  // The target opens; the tester (the stand-in echoes) answers; up to the turn bound.
  const lines = item.metadata.call.transcript.trim().split("\n");
  assert.equal(lines[0], "AI: Hi, Riley here.");
  assert.equal(lines[1], "User: You said: Hi, Riley here.");
  assert.equal(lines[2], "AI: You said: You said: Hi, Riley here.");
  assert.equal(lines.length, 21);
  assert.equal(item.metadata.assistant.id, target.id);
  assert.equal(item.metadata.scenario.id, scenario.id);

  const failed = items.find((i) => i.status === "failed");
  assert.equal(failed.failureReason, "Evaluation count failed: extracted 3, expected > 5");
  assert.equal(failed.simulationId, undefined);  // an inline entry: no simulation
  assert.equal(failed.scenarioId, undefined);
  assert.equal(failed.personalityId, personality.id);
  assert.equal(item.scenarioId, scenario.id);
  assert.deepEqual(await client.simulationRuns.simulationRunControllerFindItem({ id: run.id, itemId: failed.id }), failed);
  assert.equal((await expectError(client.simulationRuns.simulationRunControllerFindItem({ id: ZERO, itemId: failed.id }))).statusCode, 404);

  // Suggestions are the model's: the stand-in does not answer them as JSON, which is a 502.
  const suggestions = await expectError(client.simulationRuns.simulationRunControllerGenerateSuggestions({ id: run.id, itemId: failed.id, force: "false" }));
  assert.equal(suggestions.statusCode, 502, JSON.stringify(suggestions.body));
  assert.match(suggestions.body.message, /not a JSON object/);

  const concurrency = await client.simulations.simulationControllerGetConcurrency();
  assert.equal(concurrency.concurrencyLimit, 5);
  assert.equal(concurrency.activeSimulations, 0);
  assert.equal(concurrency.availableToStart, 2);  // voice simulations: two slots each
});

test("a tester that calls endCall ends the conversation; runs that cannot start are refused", async () => {
  const target = await client.assistants.create(assistantBody("Quick", "x", {}, { firstMessage: "Done? call endCall" }));
  const personality = await client.simulationPersonalities.personalityControllerCreate(tester);
  const created = await client.simulationRuns.simulationRunControllerCreate({
    simulations: [{ type: "simulation", scenario: { name: "Short", instructions: "Hang up.", evaluations: [booked] }, personalityId: personality.id }],
    target: { type: "assistant", assistantId: target.id },
    transport: { provider: "vapi.webchat" },
  });
  const run = await endedRun(created.id);
  const [item] = await client.simulationRuns.simulationRunControllerFindItems({ id: run.id });
  assert.equal(item.status, "passed");
  assert.equal(item.metadata.call.transcript, "AI: Done? call endCall\n");

  const gone = await expectError(client.simulationRuns.simulationRunControllerCreate({
    simulations: [{ type: "simulation", scenarioId: ZERO, personalityId: personality.id }],
    target: { type: "assistant", assistantId: target.id },
  }));
  assert.equal(gone.statusCode, 404);
  const empty = await client.simulationSuites.simulationSuiteControllerCreate({ name: "Empty", simulationIds: [] });
  assertBadRequest(await expectError(client.simulationRuns.simulationRunControllerCreate({
    simulations: [{ type: "simulationSuite", simulationSuiteId: empty.id }],
    target: { type: "assistant", assistantId: target.id },
  })), "simulations name no simulation to run (their suites are empty)");
  assertBadRequest(await expectError(client.simulationRuns.simulationRunControllerCreate({
    simulations: [{ type: "simulation", personalityId: personality.id }],
    target: { type: "assistant", assistantId: target.id },
  })), "simulations.0 must have a simulationId, or exactly one of scenarioId or scenario");
});

test("scenario generation is the assistant's model's: an answer that is not the scenarios' JSON is a 502", async () => {
  const target = await client.assistants.create(assistantBody("Gen", "You book cleanings."));
  const err = await expectError(client.simulations.simulationGenerateControllerGenerate({ assistantId: target.id }));
  assert.equal(err.statusCode, 502);
  assertBadRequest(await expectError(client.simulations.simulationGenerateControllerGenerate({})), "exactly one of assistantId or squadId must be provided");
});

test("canceling a run cancels its items; the answer in flight does not bring them back", async () => {
  // The target's model takes 1.5 s to answer, so the item is still playing when it is canceled.
  const target = await client.assistants.create(assistantBody("Slow", "x", scripted("slow-first-token"), { firstMessage: "Hello" }));
  const personality = await client.simulationPersonalities.personalityControllerCreate(tester);
  const created = await client.simulationRuns.simulationRunControllerCreate({
    simulations: [{ type: "simulation", scenario: { name: "Slow", instructions: "x", evaluations: [booked] }, personalityId: personality.id }],
    target: { type: "assistant", assistantId: target.id },
  });
  const until = Date.now() + 5000;
  while ((await client.simulationRuns.simulationRunControllerFindItems({ id: created.id }))[0].status !== "running") {
    assert.ok(Date.now() < until, "the item never started");
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal((await client.simulations.simulationControllerGetConcurrency()).activeSimulations, 1);
  const canceled = await client.simulationRuns.simulationRunControllerCancelGroup({ id: created.id });
  assert.equal(canceled.status, "ended");
  assert.equal(canceled.endedReason, "canceled");
  assert.deepEqual(canceled.itemCounts, { total: 1, passed: 0, failed: 0, running: 0, queued: 0, canceled: 1 });
  // The slot frees once the model's answer is in; the item stays canceled.
  while ((await client.simulations.simulationControllerGetConcurrency()).activeSimulations !== 0) {
    assert.ok(Date.now() < until + 5000, "the canceled item kept its slot");
    await new Promise((r) => setTimeout(r, 50));
  }
  const [item] = await client.simulationRuns.simulationRunControllerFindItems({ id: created.id });
  assert.equal(item.status, "canceled");
  assert.ok(item.canceledAt);
  assert.deepEqual(await client.simulationRuns.simulationRunControllerFindOne({ id: created.id }), canceled);
  assert.deepEqual(await client.simulationRuns.simulationRunControllerCancelItem({ id: created.id, itemId: item.id }), item);
});

test("a scenario's hooks send simulation.run.started and simulation.run.ended as server messages", async () => {
  const target = await client.assistants.create(assistantBody("Hooked", "x", {}, { firstMessage: "Bye, call endCall" }));
  const personality = await client.simulationPersonalities.personalityControllerCreate(tester);
  const scenario = await client.simulationScenarios.scenarioControllerCreate({
    name: "Hooked", instructions: "Hang up.", evaluations: [booked],
    hooks: [
      { on: "simulation.run.started", do: [{ type: "webhook", server: { url: receiver.url("/started") } }] },
      { on: "simulation.run.ended", do: [{ type: "webhook", server: { url: receiver.url("/ended") }, include: { transcript: true } }] },
    ],
  });
  const simulation = await client.simulations.simulationControllerCreate({ scenarioId: scenario.id, personalityId: personality.id });
  const created = await client.simulationRuns.simulationRunControllerCreate({
    simulations: [{ type: "simulation", simulationId: simulation.id }], target: { type: "assistant", assistantId: target.id },
  });
  const run = await endedRun(created.id);
  const [item] = await client.simulationRuns.simulationRunControllerFindItems({ id: run.id });
  await eventually(() => receiver.hits("/started").length === 1 && receiver.hits("/ended").length === 1, 5000, "both hooks");
  const ids = { simulationId: simulation.id, runId: run.id, simulationRunItemId: item.id, iterationNumber: 1, isSimulation: true };
  // Every server message carries its timestamp.
  const { timestamp, ...started } = receiver.hits("/started")[0].json.message;
  assert.equal(typeof timestamp, "number");
  assert.deepEqual(started, { type: "simulation.run.started", ...ids });
  const { timestamp: _, ...ended } = receiver.hits("/ended")[0].json.message;
  assert.deepEqual(ended, {
    type: "simulation.run.ended", ...ids, canceled: false, startedAt: item.startedAt, endedAt: item.completedAt,
    transcript: "AI: Bye, call endCall\n",
  });
});
