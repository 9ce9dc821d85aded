// Post-call analysis, structured outputs and scorecards through the SDK against the LLM
// stand-in (docs/analysis.md): a WebSocket-transport call whose assistant has an analysisPlan
// and an artifactPlan gets its summary, structured data, success evaluation, structured
// outputs and scorecard on the stored call and in the end-of-call-report; POST
// /structured-output/run stores a validated result, a preview stores nothing, and an answer
// that does not match the schema is reported and not stored.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { startChatServer } from "./chats_helpers.mjs";
import { assertBadRequest, expectError } from "./harness.mjs";
import { startReceiver } from "./webhooks_receiver.mjs";
import { createWebsocketCall, dial, standinAssistant, startTranscriberStandin, startVoiceStandin, until, waitForCallStatus } from "./voice_helpers.mjs";

let env, transcriber, voice, receiver, client;
// What the stand-in answers the structured output "Tier" (changed by the tests).
let tierAnswer = '"gold"';
let csatAnswer = "8"; // and the structured output "CSAT"

/** The analysis prompts' answers, by what their first (system) message says. */
function script(record) {
  const first = record.body?.messages?.[0]?.content ?? "";
  if (first.includes("expert note-taker")) return "Ann booked a cleaning for Tuesday.";
  if (first.includes("Extract structured data per the JSON Schema")) return '{"name": "Ann", "day": "Tuesday"}';
  if (first.includes("expert call evaluator")) return "9";
  if (first.includes("Name: Booked")) return "true";
  if (first.includes("Name: CSAT")) return csatAnswer;
  if (first.includes("Name: Tier")) return tierAnswer;
  return undefined;
}

before(async () => {
  env = await startChatServer({ standin: { script } });
  client = env.server.client;
  transcriber = await startTranscriberStandin();
  voice = await startVoiceStandin({ msPerChar: 5 });
  receiver = await startReceiver();
});

after(async () => {
  await env.stop();
  await transcriber.close();
  await voice.close();
  await receiver.close();
});

const PCM16 = { format: "pcm_s16le", container: "raw", sampleRate: 16000 };

/** Runs one call of `assistant` with one user turn; resolves the stored, ended Call. */
async function oneTurnCall(assistant) {
  const call = await createWebsocketCall(env.server, { assistantId: assistant.id, audioFormat: PCM16 });
  const before = transcriber.sessions.length;
  const spoken = voice.requests.length;
  const said = (text) => voice.requests.slice(spoken).some((r) => r.body.message.text.includes(text));
  const caller = await dial(call.transport.websocketCallUrl, { format: PCM16 });
  const session = await until(() => transcriber.sessions[before]?.start && transcriber.sessions[before], "the transcriber");
  await until(() => said("Hi, how can I help?"), "the greeting");
  session.say("I am Ann and I want a cleaning on Tuesday", "final");
  await until(() => said("You said: I am Ann"), "the answer");
  caller.send({ type: "hangup" });
  await caller.closed;
  return waitForCallStatus(client, call.id, "ended", 15000);
}

let analysed; // the call of the first test, which the run tests extract from

test("a call's analysisPlan, structured outputs and scorecard land on the call and in its end-of-call-report", async () => {
  const booked = await client.structuredOutputs.structuredOutputControllerCreate({ name: "Booked", schema: { type: "boolean" } });
  const csat = await client.structuredOutputs.structuredOutputControllerCreate({ name: "CSAT", schema: { type: "number", description: "1 to 10" } });
  const scorecard = await client.observabilityScorecard.scorecardControllerCreate({
    name: "QA",
    metrics: [
      { structuredOutputId: booked.id, conditions: [{ type: "comparator", comparator: "=", value: true, points: 60 }] },
      { structuredOutputId: csat.id, conditions: [{ type: "comparator", comparator: ">=", value: 9, points: 40 }] },
    ],
  });
  const assistant = await client.assistants.create(
    standinAssistant(transcriber, voice, {
      firstMessage: "Hi, how can I help?",
      server: { url: receiver.url("/analysis") },
      serverMessages: ["end-of-call-report"],
      analysisPlan: {
        summaryPlan: { enabled: true },
        structuredDataPlan: {
          enabled: true,
          schema: { type: "object", properties: { name: { type: "string" }, day: { type: "string" } }, required: ["name"] },
        },
        successEvaluationPlan: { rubric: "NumericScale" },
      },
      artifactPlan: { structuredOutputIds: [booked.id, csat.id], scorecardIds: [scorecard.id] },
    }),
  );
  // A scorecard linked by its own assistantIds applies to the assistant's calls too.
  const linked = await client.observabilityScorecard.scorecardControllerCreate({
    name: "CSAT only",
    assistantIds: [assistant.id],
    metrics: [{ structuredOutputId: csat.id, conditions: [{ type: "comparator", comparator: "<", value: 9, points: 10 }] }],
  });
  const mark = env.standin.requests.length;
  const call = await oneTurnCall(assistant);
  analysed = call;
  assert.deepEqual(call.analysis, {
    summary: "Ann booked a cleaning for Tuesday.",
    structuredData: { name: "Ann", day: "Tuesday" },
    successEvaluation: "9",
  });
  assert.deepEqual(call.artifact.structuredOutputs, {
    [booked.id]: { name: "Booked", result: true },
    [csat.id]: { name: "CSAT", result: 8 },
  });
  assert.deepEqual(call.artifact.scorecards, {
    [scorecard.id]: { name: "QA", score: 60, scoreNormalized: 60, metricPoints: { [booked.id]: 60, [csat.id]: 0 } },
    [linked.id]: { name: "CSAT only", score: 10, scoreNormalized: 100, metricPoints: { [csat.id]: 10 } },
  });
  // OpenAI's JSON-schema mode for the object schema; the prompts carry the call's transcript.
  const asked = env.standin.requests.slice(mark);
  const data = asked.find((r) => r.body.messages?.[0]?.content?.includes("Extract structured data per the JSON Schema"));
  assert.equal(data.body.response_format.type, "json_schema");
  assert.deepEqual(data.body.response_format.json_schema.schema.required, ["name"]);
  assert.match(data.body.messages[1].content, /User: I am Ann and I want a cleaning on Tuesday/);
  const [report] = await receiver.waitFor("/analysis", 1);
  const message = report.json.message;
  assert.equal(message.type, "end-of-call-report");
  assert.deepEqual(message.analysis, call.analysis);
  assert.deepEqual(message.artifact.structuredOutputs, call.artifact.structuredOutputs);
  assert.deepEqual(message.artifact.scorecards, call.artifact.scorecards);
});

test("an analysis answer that breaks its schema or rubric is left out; a call without analysisPlan asks nothing", async () => {
  const assistant = await client.assistants.create(
    standinAssistant(transcriber, voice, {
      firstMessage: "Hi, how can I help?",
      analysisPlan: {
        summaryPlan: { enabled: false },
        // The stand-in answers {"name": "Ann", ...}: no `age`, which is required.
        structuredDataPlan: { enabled: true, schema: { type: "object", properties: { age: { type: "number" } }, required: ["age"] } },
        successEvaluationPlan: { rubric: "PassFail" }, // "9" is no verdict under PassFail
      },
    }),
  );
  const call = await oneTurnCall(assistant);
  assert.deepEqual(call.analysis, {});
  const plain = await client.assistants.create(standinAssistant(transcriber, voice, { firstMessage: "Hi, how can I help?" }));
  const mark = env.standin.requests.length;
  const other = await oneTurnCall(plain);
  assert.equal(other.analysis, undefined);
  const analysisAsks = env.standin.requests.slice(mark).filter((r) => script(r) !== undefined);
  assert.equal(analysisAsks.length, 0);
});

test("structuredOutputs.run: a preview answers without storing, a run stores, an invalid answer is reported and not stored", async () => {
  assert.ok(analysed, "the first test's call");
  const so = client.structuredOutputs;
  const tier = await so.structuredOutputControllerCreate({ name: "Tier", schema: { type: "string", enum: ["gold", "silver"] } });
  tierAnswer = '"gold"';
  const preview = await so.structuredOutputControllerRun({ structuredOutputId: tier.id, callIds: [analysed.id], previewEnabled: true });
  assert.deepEqual(preview, { [tier.id]: { name: "Tier", result: "gold" } });
  let call = await client.calls.get({ id: analysed.id });
  assert.equal(call.artifact.structuredOutputs[tier.id], undefined);

  const stored = await so.structuredOutputControllerRun({ structuredOutputId: tier.id, callIds: [analysed.id] });
  assert.match(stored.message, /stored on 1 of 1 call/);
  call = await client.calls.get({ id: analysed.id });
  assert.deepEqual(call.artifact.structuredOutputs[tier.id], { name: "Tier", result: "gold" });
  assert.equal(Object.keys(call.artifact.structuredOutputs).length, 3); // Booked and CSAT stay

  tierAnswer = '"bronze"';
  const invalid = await so.structuredOutputControllerRun({ structuredOutputId: tier.id, callIds: [analysed.id] });
  assert.match(invalid.message, /stored on 0 of 1 call/);
  assert.match(invalid.message, /does not match the schema/);
  call = await client.calls.get({ id: analysed.id });
  assert.deepEqual(call.artifact.structuredOutputs[tier.id], { name: "Tier", result: "gold" });
  const noRetries = { maxRetries: 0 }; // the SDK retries a 5xx twice
  const failed = await expectError(so.structuredOutputControllerRun({ structuredOutputId: tier.id, callIds: [analysed.id], previewEnabled: true }, noRetries));
  assert.equal(failed.statusCode, 502);
  assert.match(failed.body.message, /Tier.*does not match the schema/);

  // A transient output is stored under an id of its own; its conditions may skip the call.
  tierAnswer = '"silver"';
  await so.structuredOutputControllerRun({ structuredOutput: { name: "Tier", schema: { type: "string" } }, callIds: [analysed.id] });
  call = await client.calls.get({ id: analysed.id });
  const transient = Object.entries(call.artifact.structuredOutputs).filter(([id, v]) => v.name === "Tier" && id !== tier.id);
  assert.deepEqual(transient.map(([, v]) => v.result), ["silver"]);
  const skipped = await so.structuredOutputControllerRun({
    structuredOutput: { name: "Long calls", schema: { type: "boolean" }, conditions: [{ type: "minCallDuration", seconds: 3600 }] },
    callIds: [analysed.id],
    previewEnabled: true,
  });
  const [[, entry]] = Object.entries(skipped.skipped);
  assert.deepEqual(entry, { name: "Long calls", unmetCondition: { type: "minCallDuration", seconds: 3600 } });
});

test("a run that changes a call's output scores its scorecards again", async () => {
  const call = await client.calls.get({ id: analysed.id });
  const [csatId] = Object.entries(call.artifact.structuredOutputs).find(([, v]) => v.name === "CSAT");
  const before = call.artifact.scorecards;
  csatAnswer = "9";
  await client.structuredOutputs.structuredOutputControllerRun({ structuredOutputId: csatId, callIds: [analysed.id] });
  const after = (await client.calls.get({ id: analysed.id })).artifact.scorecards;
  const byName = (cards, name) => Object.values(cards).find((c) => c.name === name);
  assert.equal(byName(before, "QA").score, 60);
  assert.equal(byName(after, "QA").score, 100); // CSAT >= 9 now earns its 40
  assert.equal(byName(before, "CSAT only").score, 10);
  assert.equal(byName(after, "CSAT only").score, 0); // and no longer < 9
});

test("structuredOutputs.run refusals: the DTO's rules, unknown ids", async () => {
  const so = client.structuredOutputs;
  const tier = await so.structuredOutputControllerCreate({ name: "Tier", schema: { type: "string" } });
  const other = "4f1c8a2e-9b3d-4e5f-8a7b-6c5d4e3f2a1b";
  assertBadRequest(await expectError(so.structuredOutputControllerRun({ previewEnabled: true })));
  assertBadRequest(await expectError(so.structuredOutputControllerRun({ callIds: [analysed.id] })), "Provide exactly one of structuredOutputId and structuredOutput (a transient structured output)");
  assertBadRequest(
    await expectError(so.structuredOutputControllerRun({ structuredOutputId: tier.id, callIds: [analysed.id, other], previewEnabled: true })),
    "callIds must contain exactly 1 call id when previewEnabled is true",
  );
  assert.equal((await expectError(so.structuredOutputControllerRun({ structuredOutputId: other, callIds: [analysed.id] }))).statusCode, 404);
  assert.equal((await expectError(so.structuredOutputControllerRun({ structuredOutputId: tier.id, callIds: [other] }))).statusCode, 404);
});
