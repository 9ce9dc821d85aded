// POST /analytics and insight runs/previews through the official SDK, over calls seeded
// straight into the server's database (SQLite file or PostgreSQL schema) with known answers:
// every operation, a group-by, a daily step in UTC and in New York across the 2026-03-08
// daylight-saving change, bad input refused with a clear 400.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { startServer, createOrg, databaseOf, expectError, assertBadRequest, ISO_MS, UUID_V4 } from "./harness.mjs";

let server, org, client;

// [id, createdAt, document fields]; New York's local days: Mar 7 from 05:00Z, Mar 8 from 05:00Z
// (23 hours), Mar 9 from 04:00Z.
const CALLS = [
  ["c1", "2026-03-07T12:00:00.000Z", { assistantId: "A", type: "inboundPhoneCall", endedReason: "customer-ended-call", cost: 0.5, startedAt: "2026-03-07T12:00:00.000Z", endedAt: "2026-03-07T12:01:00.000Z" }],
  ["c2", "2026-03-08T04:30:00.000Z", { assistantId: "A", type: "outboundPhoneCall", endedReason: "assistant-ended-call", cost: 1.25, startedAt: "2026-03-08T04:30:00.000Z", endedAt: "2026-03-08T04:30:30.500Z" }],
  ["c3", "2026-03-08T05:30:00.000Z", { assistantId: "B", type: "inboundPhoneCall", endedReason: "customer-ended-call", cost: 2, startedAt: "2026-03-08T05:30:00.000Z", endedAt: "2026-03-08T05:32:00.000Z" }],
  ["c4", "2026-03-09T03:30:00.000Z", { assistantId: "B", type: "webCall", endedReason: "customer-ended-call", cost: 0.25, startedAt: "2026-03-09T03:30:00.000Z", endedAt: "2026-03-09T03:30:10.000Z" }],
  ["c5", "2026-03-09T04:30:00.000Z", { type: "webCall", status: "in-progress" }],
];
const RANGE = { start: "2026-03-07T00:00:00.000Z", end: "2026-03-10T00:00:00.000Z" };

// The same INSERT on both backends (the other columns have defaults or are generated).
function seed(dataDir, orgId) {
  const quote = (s) => `'${s.replaceAll("'", "''")}'`;
  const rows = CALLS.map(([id, createdAt, fields]) => {
    const ms = Date.parse(createdAt);
    const doc = JSON.stringify({ id: `${orgId}-${id}`, orgId, createdAt, updatedAt: createdAt, ...fields });
    return `('call', ${quote(`${orgId}-${id}`)}, ${quote(orgId)}, ${ms}, ${ms}, ${quote(doc)})`;
  });
  const sql = `INSERT INTO resources (kind, id, org_id, created_at, updated_at, document) VALUES ${rows.join(", ")};`;
  const url = databaseOf(dataDir);
  const run = url
    ? spawnSync("psql", [url, "-qc", sql], { encoding: "utf8" })
    : spawnSync("sqlite3", [join(dataDir, "switchboard.db"), sql], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
}

before(async () => {
  server = await startServer();
  org = await createOrg(server, "analytics");
  seed(server.dataDir, org.orgId);
  client = org.client;
});
after(async () => {
  await server?.stop();
});

test("every operation over the whole range, with the time range echoed", async () => {
  const [res] = await client.analytics.get({
    queries: [{
      table: "call", name: "Totals", timeRange: RANGE,
      operations: [
        { operation: "count", column: "id" }, { operation: "sum", column: "cost" },
        { operation: "avg", column: "cost" }, { operation: "min", column: "cost" },
        { operation: "max", column: "cost", alias: "priciest" }, { operation: "history", column: "cost" },
        { operation: "sum", column: "duration" },
      ],
    }],
  });
  assert.deepEqual(res, {
    name: "Totals",
    timeRange: { ...RANGE, timezone: "UTC" },
    result: [{ countId: 5, sumCost: 4, avgCost: 1, minCost: 0.25, priciest: 2, historyCost: [0.25, 0.5, 1.25, 2], sumDuration: 220.5 }],
  });
});

test("another org's calls are not counted", async () => {
  const [res] = await server.client.analytics.get({
    queries: [{ table: "call", name: "Mine", timeRange: RANGE, operations: [{ operation: "count", column: "id" }] }],
  });
  assert.deepEqual(res.result, [{ countId: 0 }]);
});

test("a daily step grouped by assistant, in UTC and in New York across a DST change", async () => {
  const query = (timezone) => ({
    table: "call", name: "Per day", groupBy: ["assistantId"],
    timeRange: { ...RANGE, step: "day", timezone }, operations: [{ operation: "count", column: "id" }],
  });
  const [utc, ny] = await client.analytics.get({ queries: [query("UTC"), query("America/New_York")] });
  assert.deepEqual(utc.result, [
    { date: "2026-03-07T00:00:00.000Z", assistantId: "A", countId: 1 },
    { date: "2026-03-08T00:00:00.000Z", assistantId: "A", countId: 1 },
    { date: "2026-03-08T00:00:00.000Z", assistantId: "B", countId: 1 },
    { date: "2026-03-09T00:00:00.000Z", assistantId: "B", countId: 1 },
    { date: "2026-03-09T00:00:00.000Z", assistantId: null, countId: 1 },
  ]);
  assert.deepEqual(ny.timeRange, { ...RANGE, step: "day", timezone: "America/New_York" });
  assert.deepEqual(ny.result, [
    { date: "2026-03-07T05:00:00.000Z", assistantId: "A", countId: 2 },
    { date: "2026-03-08T05:00:00.000Z", assistantId: "B", countId: 2 },
    { date: "2026-03-09T04:00:00.000Z", assistantId: null, countId: 1 },
  ]);
});

test("bad queries → 400 saying what is wrong", async () => {
  const one = (q) => client.analytics.get({ queries: [{ table: "call", name: "x", operations: [{ operation: "count", column: "id" }], ...q }] });
  assertBadRequest(await expectError(one({ timeRange: { timezone: "Mars/Olympus" } })),
    "queries.0.timeRange.timezone Mars/Olympus is not a time zone of the IANA database (e.g. America/New_York)");
  assertBadRequest(await expectError(one({ timeRange: { ...RANGE, step: "second" } })),
    "queries.0.timeRange: a second step over this range makes more than 1000 buckets; use a longer step or a shorter range");
  assertBadRequest(await expectError(one({ operations: [{ operation: "sum", column: "id" }] })),
    "queries.0.operations.0: the id column can only be counted (operation count)");
  assertBadRequest(await expectError(one({ operations: [{ operation: "median", column: "cost" }] })));
  assertBadRequest(await expectError(one({ table: "subscription", operations: [{ operation: "max", column: "concurrency" }] })),
    "queries.0.table subscription (concurrency, minutes used) is not kept by this server; query the call table");
});

const count = { type: "vapiql-json", table: "call", column: "id", operation: "count", name: "Calls" };

test("a saved bar insight runs, raw and recharts, and with a time range override", async () => {
  const insight = await client.insight.insightControllerCreate({
    type: "bar", name: "Calls by assistant", groupBy: "assistantId", queries: [count],
    timeRange: { ...RANGE, step: "day", timezone: "America/New_York" },
  });
  const run = await client.insight.insightControllerRun({ id: insight.id, formatPlan: { format: "recharts" } });
  assert.match(run.id, UUID_V4);
  assert.equal(run.insightId, insight.id);
  assert.equal(run.orgId, org.orgId);
  assert.match(run.createdAt, ISO_MS);
  assert.deepEqual(run.result, [
    { date: "2026-03-07T05:00:00.000Z", A: 2 },
    { date: "2026-03-08T05:00:00.000Z", B: 2 },
    { date: "2026-03-09T04:00:00.000Z", none: 1 },
  ]);
  const raw = await client.insight.insightControllerRun({ id: insight.id, timeRangeOverride: { ...RANGE, step: "week" } });
  assert.deepEqual(raw.result, [{
    name: "Calls", timeRange: { ...RANGE, step: "week", timezone: "UTC" },
    result: [
      { date: "2026-03-02T00:00:00.000Z", assistantId: "A", value: 2 },
      { date: "2026-03-02T00:00:00.000Z", assistantId: "B", value: 1 },
      { date: "2026-03-09T00:00:00.000Z", assistantId: "B", value: 1 },
      { date: "2026-03-09T00:00:00.000Z", assistantId: null, value: 1 },
    ],
  }]);
  const scoped = await client.insight.insightControllerRun({ id: insight.id, assistantId: "B", formatPlan: { format: "recharts" } });
  assert.deepEqual(scoped.result, [{ date: "2026-03-08T05:00:00.000Z", B: 2 }]);
});

test("previews: a pie by ended reason and a filtered text insight", async () => {
  const pie = await client.insight.insightControllerPreview({
    type: "pie", name: "Ended reasons", groupBy: "endedReason", queries: [count], timeRange: RANGE,
  });
  assert.match(pie.id, UUID_V4);
  assert.deepEqual(pie.result[0].result, [
    { endedReason: "assistant-ended-call", value: 1 },
    { endedReason: "customer-ended-call", value: 3 },
    { endedReason: null, value: 1 },
  ]);
  const text = await client.insight.insightControllerPreview({
    type: "text", name: "Long inbound calls",
    queries: [{ type: "vapiql-json", table: "call", column: "duration", operation: "average", name: "Avg",
      filters: [{ column: "type", operator: "=", value: "inboundPhoneCall" }, { column: "duration", operator: ">=", value: 60 }] }],
    timeRange: RANGE,
  });
  assert.deepEqual(text.result[0].result, [{ value: 90 }]);
});

test("formulas: computed per day over the queries they name, shown instead of them in recharts", async () => {
  const cost = { type: "vapiql-json", table: "call", column: "cost", operation: "sum", name: "Cost" };
  const line = {
    type: "line", name: "Cost per call", queries: [count, cost], timeRange: { ...RANGE, step: "day" },
    formulas: [{ name: "Cost per call", formula: "round({{Cost}} / {{['Calls']}}, 3)" }],
  };
  const saved = await client.insight.insightControllerCreate(line);
  const recharts = await client.insight.insightControllerRun({ id: saved.id, formatPlan: { format: "recharts" } });
  assert.deepEqual(recharts.result, [
    { date: "2026-03-07T00:00:00.000Z", "Cost per call": 0.5 },
    { date: "2026-03-08T00:00:00.000Z", "Cost per call": 1.625 },
    { date: "2026-03-09T00:00:00.000Z", "Cost per call": 0.125 },
  ]);
  const raw = await client.insight.insightControllerPreview(line);
  assert.deepEqual(raw.result.map((r) => r.name), ["Calls", "Cost", "Cost per call"]);
  assert.deepEqual(raw.result[2].timeRange, raw.result[0].timeRange);
  const text = await client.insight.insightControllerPreview({
    type: "text", name: "Average cost", queries: [count, cost], timeRange: RANGE,
    formula: { formula: "{{Cost}} / {{Calls}}" },
  });
  assert.deepEqual(text.result[2], { name: "Formula 1", timeRange: text.result[0].timeRange, result: [{ value: 0.8 }] });
  assertBadRequest(await expectError(client.insight.insightControllerPreview({ ...line, formulas: [{ formula: "{{Minutes}} * 2" }] })),
    "formulas.0.formula: {{Minutes}} is not the name of one of the insight's queries at character 1");
});

test("running a missing insight → 404", async () => {
  const err = await expectError(client.insight.insightControllerRun({ id: "00000000-0000-4000-8000-000000000000" }));
  assert.deepEqual(err, { statusCode: 404, body: { message: "Insight not found", error: "Not Found", statusCode: 404 } });
});

test("bad run options and bad insight bodies → 400", async () => {
  const insight = await client.insight.insightControllerCreate({ type: "pie", name: "p", queries: [count] });
  assertBadRequest(await expectError(client.insight.insightControllerRun({ id: insight.id, formatPlan: { format: "csv" } })));
  assertBadRequest(await expectError(client.insight.insightControllerRun({ id: insight.id, timeRangeOverride: { start: "-7x" } })),
    "timeRangeOverride.start must be a date-time or a relative time such as -7d (units d, h, w, m, y)");
  assertBadRequest(await expectError(client.insight.insightControllerPreview({ type: "scatter", name: "s", queries: [count] })));
});

test("POST /analytics needs an API key", async () => {
  const res = await fetch(new URL("/analytics", server.baseUrl), { method: "POST", headers: { "Content-Type": "application/json" }, body: "{\"queries\":[]}" });
  assert.equal(res.status, 401);
});
