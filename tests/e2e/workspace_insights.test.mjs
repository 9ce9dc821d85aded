// Insights through the official SDK: bar, pie, line and text insights (discriminated by
// `type`), their time ranges as date strings and relative expressions (SPEC-QUIRKS: the
// document declares objects), PATCH by the stored type, the paginated list, delete.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, expectError, assertBadRequest, ISO_MS, UUID_V4 } from "./harness.mjs";

let server, client;
before(async () => {
  server = await startServer();
  client = server.client.insight;
});
after(async () => {
  await server?.stop();
});

const NOT_FOUND = { message: "Insight not found", error: "Not Found", statusCode: 404 };
const count = { type: "vapiql-json", table: "call", column: "id", operation: "count", name: "Calls" };
const avgDuration = { type: "vapiql-json", table: "call", column: "duration", operation: "average", name: "Avg duration",
  filters: [{ column: "endedReason", operator: "!=", value: "customer-did-not-answer" }] };

const BODIES = {
  bar: {
    type: "bar", name: "Calls by assistant", groupBy: "assistantId", queries: [count],
    metadata: { xAxisLabel: "Assistant", yAxisLabel: "Calls", yAxisMin: 0 },
    timeRange: { start: "2025-01-01T00:00:00.000Z", end: "2025-01-31T23:59:59.999Z", step: "week", timezone: "Europe/Paris" },
  },
  pie: { type: "pie", name: "Ended reasons", groupBy: "endedReason", queries: [count], timeRange: { start: "-30d", end: "now" } },
  line: {
    type: "line", name: "Duration per day", queries: [avgDuration],
    formulas: [{ name: "Minutes", formula: "{{Avg duration}} / 60" }],
    timeRange: { start: "-7d", end: "now", step: "day" },
  },
  text: { type: "text", name: "Total calls", queries: [count], formula: { name: "Total", formula: "{{Calls}}" },
    timeRange: { start: "2025-06-01", end: "2025-06-30" } },
};

const created = {};

for (const [type, body] of Object.entries(BODIES)) {
  test(`create a ${type} insight → 201, echoed, readable`, async () => {
    const { data, rawResponse } = await client.insightControllerCreate(body).withRawResponse();
    assert.equal(rawResponse.status, 201);
    assert.match(data.id, UUID_V4);
    assert.match(data.createdAt, ISO_MS);
    for (const [k, v] of Object.entries(body)) assert.deepEqual(data[k], v, k);
    assert.deepEqual(await client.insightControllerFindOne({ id: data.id }), data);
    created[type] = data;
  });
}

test("time ranges must be strings (dates or relative), not numbers", async () => {
  assertBadRequest(
    await expectError(client.insightControllerCreate({ ...BODIES.pie, timeRange: { start: 1735689600 } })),
    "timeRange.start must be a string",
  );
});

test("the type picks the DTO: a field of another type is refused", async () => {
  assertBadRequest(
    await expectError(client.insightControllerCreate({ ...BODIES.pie, metadata: { xAxisLabel: "x" } })),
    "property metadata should not exist",
  );
  assertBadRequest(await expectError(client.insightControllerCreate({ ...BODIES.pie, type: "scatter" })));
});

test("PATCH without type uses the stored one; a different type is refused", async () => {
  const updated = await client.insightControllerUpdate({
    id: created.bar.id,
    body: { name: "Calls by assistant (weekly)", metadata: { xAxisLabel: "Assistant", yAxisLabel: "Calls", yAxisMax: 500 } },
  });
  assert.equal(updated.name, "Calls by assistant (weekly)");
  assert.equal(updated.metadata.yAxisMax, 500);
  assert.equal(updated.type, "bar");
  assert.deepEqual(updated.queries, BODIES.bar.queries);
  assertBadRequest(
    await expectError(client.insightControllerUpdate({ id: created.text.id, body: { metadata: { xAxisLabel: "x" } } })),
    "property metadata should not exist",
  );
  assertBadRequest(
    await expectError(client.insightControllerUpdate({ id: created.pie.id, body: { type: "bar" } })),
    "type cannot be changed: this insight is pie, not bar",
  );
});

test("the list is a page, newest first, filtered by id", async () => {
  const page = await client.insightControllerFindAll({});
  assert.deepEqual(page.results.map((r) => r.type), ["text", "line", "pie", "bar"]);
  assert.deepEqual(page.metadata, { itemsPerPage: 100, totalItems: 4, currentPage: 1, totalPages: 1 });
  const one = await client.insightControllerFindAll({ id: created.line.id });
  assert.deepEqual(one.results, [created.line]);
  const second = await client.insightControllerFindAll({ limit: 3, page: 2 });
  assert.deepEqual(second.results.map((r) => r.type), ["bar"]);
});

test("delete returns the insight; then 404", async () => {
  const deleted = await client.insightControllerRemove({ id: created.pie.id });
  assert.deepEqual(deleted, created.pie);
  assert.deepEqual(await expectError(client.insightControllerFindOne({ id: created.pie.id })), { statusCode: 404, body: NOT_FOUND });
  assert.deepEqual(await expectError(client.insightControllerRemove({ id: created.pie.id })), { statusCode: 404, body: NOT_FOUND });
});
