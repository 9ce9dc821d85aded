// Tools through the official SDK: one realistic create per type of the POST /tool oneOf, then
// get / list / update (discriminated by the stored type) / delete, bad bodies, org isolation.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, createOrg, expectError, assertBadRequest, api } from "./harness.mjs";
import { TOOL_BODIES, toolMessages, webhookServer } from "./agents_fixtures.mjs";
import { assertCreated, assertUpdated, expectNotFound, raw, ids, MISSING_ID } from "./agents_helpers.mjs";
import { orgFileId } from "./fixtures.mjs";

let server, client, orgB, refs;
before(async () => {
  server = await startServer();
  client = server.client;
  orgB = await createOrg(server, "B");
  refs = { fileId: await orgFileId(server) };  // what the query tool's knowledge base holds
});
after(async () => {
  await server?.stop();
});

// Every type POST /tool accepts (knowledgeBase tools can be updated but not created).
const TYPES = [
  "apiRequest", "code", "dtmf", "endCall", "function", "transferCall", "handoff", "bash", "computer",
  "textEditor", "query", "google.calendar.event.create", "google.sheets.row.append",
  "google.calendar.availability.check", "slack.message.send", "sms", "mcp",
  "gohighlevel.calendar.availability.check", "gohighlevel.calendar.event.create",
  "gohighlevel.contact.create", "gohighlevel.contact.get", "sipRequest", "voicemail",
];

test("the fixtures cover every tool type", () => {
  assert.deepEqual(Object.keys(TOOL_BODIES).sort(), [...TYPES].sort());
});

// ---------------------------------------------------------------------------------------------
// create, one type at a time

for (const type of TYPES) {
  test(`create a ${type} tool → 201, the body echoed exactly; get returns it`, async () => {
    const body = TOOL_BODIES[type](refs);
    const res = await raw(client.tools.create(body));
    assertCreated(res, body);
    assert.equal(res.data.type, type);
    assert.deepEqual(await client.tools.get({ id: res.data.id }), res.data);
  });
}

test("create with only the required fields of each type that has some", async () => {
  const minimal = [
    { type: "endCall" },
    { type: "code", code: "return 1;" },
    { type: "apiRequest", method: "GET", url: "https://api.example.com/status" },
    { type: "bash", subType: "bash_20241022", name: "bash" },
    { type: "computer", subType: "computer_20241022", name: "computer", displayWidthPx: 1024, displayHeightPx: 768 },
    { type: "sipRequest", verb: "NOTIFY" },
  ];
  for (const body of minimal) assertCreated(await raw(client.tools.create(body)), body);
});

// ---------------------------------------------------------------------------------------------
// bad bodies

test("type missing, unknown, or not creatable → 400 listing the accepted types", async () => {
  for (const body of [{}, { type: "magic" }, { type: "knowledgeBase" }, { type: 5 }]) {
    const messages = assertBadRequest(await expectError(client.tools.create(body)));
    assert.equal(messages.length, 1, JSON.stringify(messages));
    assert.ok(messages[0].startsWith("type must be one of the following values: "), messages[0]);
    for (const t of ["apiRequest", "code", "voicemail", "gohighlevel.contact.get"]) assert.ok(messages[0].includes(t), messages[0]);
    assert.equal(messages[0].includes("knowledgeBase"), false, messages[0]);
  }
});

test("each type is validated against its own DTO", async () => {
  const cases = [
    [{ type: "apiRequest", method: "GET" }, "url must be a string"],
    [{ type: "apiRequest", method: "FETCH", url: "https://x.example.com" }, "method must be one of the following values: POST, GET, PUT, PATCH, DELETE"],
    [{ type: "code" }, "code must be a string"],
    [{ type: "computer", subType: "computer_20241022", name: "computer", displayWidthPx: 1024 }, "displayHeightPx must be a number conforming to the specified constraints"],
    [{ type: "bash", subType: "bash_20250124", name: "bash" }, "subType must be one of the following values: bash_20241022"],
    [{ type: "sipRequest", verb: "INVITE" }, "verb must be one of the following values: INFO, MESSAGE, NOTIFY"],
    [{ type: "dtmf", url: "https://x.example.com" }, "property url should not exist"],
    [{ type: "function", function: { name: "book slot!" } }, "function.name must match /^[a-zA-Z0-9_-]{1,64}$/ regular expression"],
    [{ type: "function", messages: [{ type: "request-whenever" }] }, "messages.0.type must be one of the following values: request-start, request-complete, request-failed, request-response-delayed"],
    [{ type: "transferCall", destinations: [{ type: "number" }] }, "destinations.0.number must be a string"],
    [{ type: "query", knowledgeBases: [{ name: "faq", provider: "google", description: "d" }] }, "knowledgeBases.0.fileIds must be an array"],
    [{ type: "mcp", metadata: { protocol: "grpc" } }, "metadata.protocol must be one of the following values: sse, shttp"],
  ];
  for (const [body, expected] of cases) assertBadRequest(await expectError(client.tools.create(body)), expected);
});

// ---------------------------------------------------------------------------------------------
// update

test("update without type: the stored type picks the DTO; only the named properties change", async () => {
  const created = await client.tools.create(TOOL_BODIES.function());
  const changes = {
    async: true,
    server: webhookServer("/vapi/book-v2"),
    messages: [{ type: "request-start", content: "Booking it now." }],
  };
  const { status, data } = await raw(client.tools.update({ id: created.id, body: changes }));
  assert.equal(status, 200);
  assertUpdated(created, data, changes);
  assert.deepEqual(await client.tools.get({ id: created.id }), data);
});

test("update restating the same type works; null removes a property", async () => {
  const created = await client.tools.create(TOOL_BODIES.apiRequest());
  const data = await client.tools.update({ id: created.id, body: { type: "apiRequest", timeoutSeconds: 30, rejectionPlan: null } });
  assertUpdated(created, data, { type: "apiRequest", timeoutSeconds: 30, rejectionPlan: null });
});

test("update to another type → 400 and the tool is unchanged", async () => {
  const created = await client.tools.create(TOOL_BODIES.dtmf());
  const err = await expectError(client.tools.update({ id: created.id, body: { type: "endCall" } }));
  assert.deepEqual(assertBadRequest(err), ["type cannot be changed: this tool is dtmf, not endCall"]);
  assertBadRequest(await expectError(client.tools.update({ id: created.id, body: { type: "magic" } })));
  assert.deepEqual(await client.tools.get({ id: created.id }), created);
});

test("update is validated against the stored type's DTO", async () => {
  const created = await client.tools.create(TOOL_BODIES.sipRequest());
  assertBadRequest(await expectError(client.tools.update({ id: created.id, body: { verb: "BYE" } })),
    "verb must be one of the following values: INFO, MESSAGE, NOTIFY");
  // `code` belongs to code tools, not to sipRequest ones.
  assertBadRequest(await expectError(client.tools.update({ id: created.id, body: { code: "return 1;" } })), "property code should not exist");
  const code = await client.tools.create(TOOL_BODIES.code());
  const data = await client.tools.update({ id: code.id, body: { code: "return 2;", messages: toolMessages() } });
  assertUpdated(code, data, { code: "return 2;", messages: toolMessages() });
  assert.deepEqual(await client.tools.get({ id: created.id }), created);
});

test("server-set fields cannot be written", async () => {
  const created = await client.tools.create(TOOL_BODIES.endCall());
  for (const field of ["id", "orgId", "createdAt", "updatedAt"])
    assertBadRequest(await expectError(client.tools.update({ id: created.id, body: { [field]: "x" } })), `property ${field} should not exist`);
});

// ---------------------------------------------------------------------------------------------
// delete

test("delete returns the deleted tool; then get, update and delete → 404 'Tool not found'", async () => {
  const created = await client.tools.create(TOOL_BODIES.mcp());
  const { status, data } = await raw(client.tools.delete({ id: created.id }));
  assert.equal(status, 200);
  assert.deepEqual(data, created);
  await expectNotFound(client.tools.get({ id: created.id }), "Tool");
  await expectNotFound(client.tools.update({ id: created.id, body: { type: "mcp" } }), "Tool");
  await expectNotFound(client.tools.delete({ id: created.id }), "Tool");
  await expectNotFound(client.tools.get({ id: MISSING_ID }), "Tool");
  assertBadRequest(await expectError(client.tools.get({ id: "get_weather" })), "id must be a UUID");
});

// ---------------------------------------------------------------------------------------------
// lists

test("list: every type, newest first, limit, createdAt/updatedAt bounds", async () => {
  const org = await createOrg(server, "lists");
  const orgRefs = { fileId: await orgFileId(server, org.apiKey) };
  const made = [];
  for (const type of TYPES) made.push(await org.client.tools.create(TOOL_BODIES[type](orgRefs)));
  const newest = ids(made).reverse();
  const { status, data } = await raw(org.client.tools.list());
  assert.equal(status, 200);
  assert.deepEqual(ids(data), newest);
  assert.deepEqual(data.map((t) => t.type), [...TYPES].reverse());
  assert.deepEqual(data.at(-1), made[0]);
  assert.deepEqual(ids(await org.client.tools.list({ limit: 5 })), newest.slice(0, 5));
  const T = made[10].createdAt;
  const expect = (pred) => ids(made.filter(pred)).reverse();
  assert.deepEqual(ids(await org.client.tools.list({ createdAtGt: T })), expect((t) => t.createdAt > T));
  assert.deepEqual(ids(await org.client.tools.list({ createdAtLe: T })), expect((t) => t.createdAt <= T));
  const touched = await org.client.tools.update({ id: made[0].id, body: { messages: [] } });
  assert.deepEqual(ids(await org.client.tools.list({ updatedAtGe: touched.updatedAt })), [made[0].id]);
  assert.deepEqual(ids(await org.client.tools.list({ updatedAtLt: touched.updatedAt })), newest.slice(0, -1));
  // GET /tool has no type filter in the document.
  const bad = await api(server, "/tool", { token: org.apiKey, query: { type: "function" } });
  assertBadRequest({ statusCode: bad.status, body: bad.body }, "property type should not exist");
});

// ---------------------------------------------------------------------------------------------
// org isolation

test("another org cannot see, change or delete a tool, and its lists leave it out", async () => {
  const created = await client.tools.create(TOOL_BODIES.transferCall());
  await expectNotFound(orgB.client.tools.get({ id: created.id }), "Tool");
  await expectNotFound(orgB.client.tools.update({ id: created.id, body: { type: "transferCall", destinations: [] } }), "Tool");
  await expectNotFound(orgB.client.tools.update({ id: created.id, body: {} }), "Tool");
  await expectNotFound(orgB.client.tools.delete({ id: created.id }), "Tool");
  assert.equal(ids(await orgB.client.tools.list({ limit: 1000 })).includes(created.id), false);
  assert.deepEqual(await client.tools.get({ id: created.id }), created);
});
