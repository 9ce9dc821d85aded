// Operations whose behaviour belongs to later issues: each is a real route that validates its
// body with the contract (a bad body is a 400 first), then answers 501 with NestJS's body and a
// message naming the capability that will bring it. Never a fake success.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, expectError, assertBadRequest, api } from "./harness.mjs";

let server, client;
before(async () => {
  server = await startServer();
  client = server.client;
});
after(async () => {
  await server?.stop();
});

const LATER = ", which this server does not have yet";
const ASSISTANT_ID = "4f1c8a2e-9b3d-4e5f-8a7b-6c5d4e3f2a1b";
const lineInsight = {
  type: "line",
  name: "Calls per day",
  queries: [{ type: "vapiql-json", table: "call", column: "id", operation: "count", name: "Calls" }],
  timeRange: { start: "2025-01-01T00:00:00.000Z", end: "2025-01-31T23:59:59.999Z", step: "day" },
};

/** Asserts the exact 501 body. */
async function assertNotImplemented(promise, message) {
  const err = await expectError(promise);
  assert.equal(err.statusCode, 501, JSON.stringify(err.body));
  assert.deepEqual(err.body, { message, error: "Not Implemented", statusCode: 501 });
}

test("POST /call dialling through a number no carrier of this server dials → 501 naming its provider; a bad body is a 400 first", async () => {
  const sip = await client.phoneNumbers.create({ provider: "vapi", sipUri: "sip:not-implemented@example.com" });
  await assertNotImplemented(
    client.calls.create({ assistantId: ASSISTANT_ID, phoneNumberId: sip.id, customer: { number: "+14155550100" } }),
    "Dialling out through vapi numbers is not supported by this server yet; twilio, vonage and telnyx numbers can call out",
  );
  assertBadRequest(await expectError(client.calls.create({ assistantId: 42 })), "assistantId must be a string");
  assertBadRequest(await expectError(client.calls.create({ dialTone: true })), "property dialTone should not exist");
});

test("POST /structured-output/run → 501 naming the extraction engine", async () => {
  await assertNotImplemented(
    client.structuredOutputs.structuredOutputControllerRun({ structuredOutputId: ASSISTANT_ID, callIds: [ASSISTANT_ID] }),
    "Running structured outputs needs the extraction engine (structured outputs extracted from calls by LLM providers)" + LATER,
  );
  assertBadRequest(await expectError(client.structuredOutputs.structuredOutputControllerRun({ previewEnabled: true })));
});

test("insight runs and previews → 501 naming the analytics query engine; a missing insight is a 404", async () => {
  const insight = await client.insight.insightControllerCreate(lineInsight);
  await assertNotImplemented(
    client.insight.insightControllerRun({ id: insight.id, formatPlan: { format: "recharts" } }),
    "Running insights needs the analytics query engine" + LATER,
  );
  const missing = await expectError(client.insight.insightControllerRun({ id: "00000000-0000-4000-8000-000000000000" }));
  assert.deepEqual(missing, { statusCode: 404, body: { message: "Insight not found", error: "Not Found", statusCode: 404 } });
  assertBadRequest(await expectError(client.insight.insightControllerRun({ id: insight.id, formatPlan: { format: "csv" } })));
  await assertNotImplemented(client.insight.insightControllerPreview(lineInsight), "Previewing insights needs the analytics query engine" + LATER);
  assertBadRequest(await expectError(client.insight.insightControllerPreview({ ...lineInsight, type: "scatter" })));
});

test("POST /eval/run → 501 naming the eval runner; POST /analytics → 501 naming the analytics query engine", async () => {
  await assertNotImplemented(
    client.eval.evalControllerRun({ type: "eval", evalId: ASSISTANT_ID, target: { type: "assistant", assistantId: ASSISTANT_ID } }),
    "Running evals needs the eval runner (mock conversations with assistants over LLM providers)" + LATER,
  );
  assertBadRequest(await expectError(client.eval.evalControllerRun({ type: "eval" })), "target should not be null or undefined");
  await assertNotImplemented(
    client.analytics.get({ queries: [{ table: "call", name: "Calls", operations: [{ operation: "count", column: "id" }] }] }),
    "Analytics queries need the analytics query engine" + LATER,
  );
  assertBadRequest(await expectError(client.analytics.get({ queries: [{ table: "calls", name: "x", operations: [] }] })));
});

test("the 501 routes still need an API key", async () => {
  const res = await api(server, "/analytics", { method: "POST", token: null, body: { queries: [] } });
  assert.equal(res.status, 401);
});
