// Assistants through the official SDK: create / get / list / update / delete, the references
// to saved tools (model.toolIds), bad bodies and org isolation.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, createOrg, expectError, assertBadRequest, api } from "./harness.mjs";
import { TOOL_BODIES, fullAssistant, smallAssistant } from "./agents_fixtures.mjs";
import { assertCreated, assertUpdated, expectNotFound, raw, ids, MISSING_ID } from "./agents_helpers.mjs";

/** What every assistant response carries besides the body and the timestamps. */
const SERVER_SET = { isServerUrlSecretSet: false };

let server, client, orgB, tools, toolB;
before(async () => {
  server = await startServer();
  client = server.client;
  orgB = await createOrg(server, "B");
  tools = [
    await client.tools.create(TOOL_BODIES.function()),
    await client.tools.create(TOOL_BODIES.endCall()),
  ];
  toolB = await orgB.client.tools.create(TOOL_BODIES.dtmf());
});
after(async () => {
  await server?.stop();
});

const toolRefMessage = (where, id) => `${where} must be the id of an existing tool of this org (${id} is not)`;

// ---------------------------------------------------------------------------------------------
// create / get

test("create a full realistic assistant → 201, the body echoed exactly plus the server-set fields", async () => {
  const body = fullAssistant(ids(tools));
  const res = await raw(client.assistants.create(body));
  assertCreated(res, body, { extra: SERVER_SET });
  assert.deepEqual(res.data.model.toolIds, ids(tools));
  assert.equal(res.data.orgId, tools[0].orgId);
  assert.deepEqual(await client.assistants.get({ id: res.data.id }), res.data);
});

test("create with an empty body → 201 (nothing is required)", async () => {
  assertCreated(await raw(client.assistants.create({})), {}, { extra: SERVER_SET });
});

test("create with a transient tool only and no toolIds → 201", async () => {
  const body = smallAssistant("Concierge", {
    model: { provider: "openai", model: "gpt-4o", tools: [TOOL_BODIES.handoff()] },
  });
  assertCreated(await raw(client.assistants.create(body)), body, { extra: SERVER_SET });
});

test("get with the id in upper case finds the same assistant", async () => {
  const created = await client.assistants.create(smallAssistant("Upper"));
  assert.deepEqual(await client.assistants.get({ id: created.id.toUpperCase() }), created);
});

// ---------------------------------------------------------------------------------------------
// update

test("update is partial: the named properties are replaced, updatedAt advances, the rest stays", async () => {
  const created = await client.assistants.create(fullAssistant([tools[0].id]));
  const changes = {
    name: "Riley (after hours)",
    voice: { provider: "11labs", voiceId: "burt", stability: 0.6 },
    model: { provider: "openai", model: "gpt-4o-mini", toolIds: ids(tools), messages: [{ role: "system", content: "Closed." }] },
  };
  const { status, data } = await raw(client.assistants.update({ id: created.id, ...changes }));
  assert.equal(status, 200);
  assertUpdated(created, data, changes);
  assert.deepEqual(await client.assistants.get({ id: created.id }), data);
});

test("update with null removes a property", async () => {
  const created = await client.assistants.create(smallAssistant("Nullable", { endCallMessage: "Bye!" }));
  const data = await client.assistants.update({ id: created.id, endCallMessage: null, firstMessage: null });
  assertUpdated(created, data, { endCallMessage: null, firstMessage: null });
});

test("update with an empty body only advances updatedAt", async () => {
  const created = await client.assistants.create(smallAssistant("Untouched"));
  assertUpdated(created, await client.assistants.update({ id: created.id }), {});
});

test("update is validated like create: a bad property → 400 and nothing changes", async () => {
  const created = await client.assistants.create(smallAssistant("Strict"));
  assertBadRequest(
    await expectError(client.assistants.update({ id: created.id, maxDurationSeconds: 5, colour: "red" })),
    ["maxDurationSeconds must not be less than 10", "property colour should not exist"],
  );
  assert.deepEqual(await client.assistants.get({ id: created.id }), created);
});

test("server-set fields cannot be written", async () => {
  const created = await client.assistants.create(smallAssistant("Fixed"));
  // fetch: the SDK would take `id` for the path parameter.
  for (const field of ["id", "orgId", "createdAt", "updatedAt", "isServerUrlSecretSet"]) {
    for (const [method, path] of [["PATCH", `/assistant/${created.id}`], ["POST", "/assistant"]]) {
      const res = await api(server, path, { method, body: { [field]: "x" } });
      assertBadRequest({ statusCode: res.status, body: res.body }, `property ${field} should not exist`);
    }
  }
  assert.deepEqual(await client.assistants.get({ id: created.id }), created);
});

// ---------------------------------------------------------------------------------------------
// delete

test("delete returns the deleted assistant; then get, update and delete → 404 'Assistant not found'", async () => {
  const created = await client.assistants.create(fullAssistant([]));
  const { status, data } = await raw(client.assistants.delete({ id: created.id }));
  assert.equal(status, 200);
  assert.deepEqual(data, created);
  await expectNotFound(client.assistants.get({ id: created.id }), "Assistant");
  await expectNotFound(client.assistants.update({ id: created.id, name: "ghost" }), "Assistant");
  await expectNotFound(client.assistants.delete({ id: created.id }), "Assistant");
  assert.equal(ids(await client.assistants.list({ limit: 1000 })).includes(created.id), false);
});

test("a missing id → 404; a malformed one → 400 'id must be a UUID'", async () => {
  await expectNotFound(client.assistants.get({ id: MISSING_ID }), "Assistant");
  await expectNotFound(client.assistants.update({ id: MISSING_ID, name: "x" }), "Assistant");
  await expectNotFound(client.assistants.delete({ id: MISSING_ID }), "Assistant");
  assertBadRequest(await expectError(client.assistants.get({ id: "riley" })), "id must be a UUID");
  assertBadRequest(await expectError(client.assistants.delete({ id: "12345" })), "id must be a UUID");
});

// ---------------------------------------------------------------------------------------------
// references: model.toolIds

test("model.toolIds naming a tool that does not exist → 400 naming the field; nothing is created", async () => {
  const before = (await client.assistants.list({ limit: 1000 })).length;
  const body = fullAssistant([tools[0].id, MISSING_ID]);
  const messages = assertBadRequest(await expectError(client.assistants.create(body)));
  assert.deepEqual(messages, [toolRefMessage("model.toolIds.1", MISSING_ID)]);
  assertBadRequest(
    await expectError(client.assistants.create(smallAssistant("x", { model: { provider: "openai", model: "gpt-4o", toolIds: ["get_weather"] } }))),
    toolRefMessage("model.toolIds.0", "get_weather"),
  );
  assert.equal((await client.assistants.list({ limit: 1000 })).length, before);
});

test("model.toolIds naming another org's tool → the same 400", async () => {
  const err = await expectError(client.assistants.create(fullAssistant([toolB.id])));
  assert.deepEqual(assertBadRequest(err), [toolRefMessage("model.toolIds.0", toolB.id)]);
  // ... and the other way round.
  const err2 = await expectError(orgB.client.assistants.create(fullAssistant([tools[1].id])));
  assert.deepEqual(assertBadRequest(err2), [toolRefMessage("model.toolIds.0", tools[1].id)]);
});

test("tool ids are matched case-insensitively", async () => {
  const body = fullAssistant([tools[0].id.toUpperCase()]);
  assertCreated(await raw(client.assistants.create(body)), body, { extra: SERVER_SET });
});

test("update: a bad tool id in a new model → 400 and the assistant is unchanged", async () => {
  const created = await client.assistants.create(fullAssistant([tools[0].id]));
  const model = { ...created.model, toolIds: [tools[0].id, toolB.id] };
  assertBadRequest(await expectError(client.assistants.update({ id: created.id, model })), toolRefMessage("model.toolIds.1", toolB.id));
  assert.deepEqual(await client.assistants.get({ id: created.id }), created);
});

test("deleting a tool an assistant lists is allowed; the assistant keeps the id and stays editable", async () => {
  const tool = await client.tools.create(TOOL_BODIES.voicemail());
  const assistant = await client.assistants.create(fullAssistant([tool.id, tools[0].id]));
  assert.equal((await raw(client.tools.delete({ id: tool.id }))).status, 200);
  const now = await client.assistants.get({ id: assistant.id });
  assert.deepEqual(now, assistant);
  assert.deepEqual(now.model.toolIds, [tool.id, tools[0].id]);
  // A PATCH that does not write model is not blocked by the dangling id ...
  const renamed = await client.assistants.update({ id: assistant.id, name: "Riley v2" });
  assertUpdated(assistant, renamed, { name: "Riley v2" });
  // ... but one that writes model is checked in full.
  assertBadRequest(
    await expectError(client.assistants.update({ id: assistant.id, model: now.model })),
    toolRefMessage("model.toolIds.0", tool.id),
  );
});

// ---------------------------------------------------------------------------------------------
// bad bodies

test("bad bodies → 400 with class-validator messages", async () => {
  // An expectation ending in ": " is the start of an enum message (the value lists are long).
  const cases = [
    [{ nickname: "Riley" }, "property nickname should not exist"],
    [{ model: { provider: "openai" } }, "model.model must be one of the following values: "],
    [{ model: { provider: "openai", model: "gpt-4o", temperature: 3 } }, "model.temperature must not be greater than 2"],
    [{ voice: { provider: "11labs" } }, "voice.voiceId must be one of the following values: "],
    [{ voice: { provider: "robot", voiceId: "x" } }, "voice.provider must be one of the following values: "],
    [{ transcriber: { provider: "deepgram", language: "klingon" } }, "transcriber.language must be one of the following values: "],
    [{ serverMessages: ["end-of-call-report", "gossip"] }, "each value in serverMessages must be one of the following values: "],
    [{ firstMessageMode: "whenever" }, "firstMessageMode must be one of the following values: "],
    [{ maxDurationSeconds: 5 }, "maxDurationSeconds must not be less than 10"],
    [{ server: { url: "https://hooks.example.com/vapi", timeoutSeconds: 500 } }, "server.timeoutSeconds must not be greater than 300"],
    [{ server: { url: "https://x.example.com", backoffPlan: { type: "linear", maxRetries: 1, baseDelaySeconds: 1 } } },
      "server.backoffPlan.type must be one of the following values: fixed, exponential"],
    [{ model: { provider: "openai", model: "gpt-4o", toolIds: "abc" } }, "model.toolIds must be an array"],
    [{ name: 42 }, "name must be a string"],
  ];
  for (const [body, expected] of cases) {
    const messages = assertBadRequest(await expectError(client.assistants.create(body)));
    assert.ok(
      messages.some((m) => (expected.endsWith(": ") ? m.startsWith(expected) : m === expected)),
      `${JSON.stringify(body)}: expected ${JSON.stringify(expected)} among ${JSON.stringify(messages)}`,
    );
  }
});

test("a body that is not a JSON object → 400", async () => {
  const res = await api(server, "/assistant", { method: "POST", body: [smallAssistant("array")] });
  assert.equal(res.status, 400, JSON.stringify(res.body));
});

// ---------------------------------------------------------------------------------------------
// lists

test("list: newest first, limit, createdAt and updatedAt bounds", async () => {
  const org = await createOrg(server, "lists");
  const made = [];
  for (const name of ["Ava", "Ben", "Cleo", "Dev"]) made.push(await org.client.assistants.create(smallAssistant(name)));
  const newest = ids(made).reverse();
  const { status, data } = await raw(org.client.assistants.list());
  assert.equal(status, 200);
  assert.deepEqual(ids(data), newest);
  assert.deepEqual(data[0], made[3]);
  assert.deepEqual(ids(await org.client.assistants.list({ limit: 2 })), newest.slice(0, 2));
  assert.deepEqual(await org.client.assistants.list({ limit: 0 }), []);
  assertBadRequest(await expectError(org.client.assistants.list({ limit: 1001 })), "limit must not be greater than 1000");

  const T = made[1].createdAt;
  const expect = (pred) => ids(made.filter(pred)).reverse();
  assert.deepEqual(ids(await org.client.assistants.list({ createdAtGt: T })), expect((a) => a.createdAt > T));
  assert.deepEqual(ids(await org.client.assistants.list({ createdAtGe: T })), expect((a) => a.createdAt >= T));
  assert.deepEqual(ids(await org.client.assistants.list({ createdAtLt: T })), expect((a) => a.createdAt < T));
  assert.deepEqual(ids(await org.client.assistants.list({ createdAtLe: T })), expect((a) => a.createdAt <= T));

  // Touch the oldest: only it is updated after the newest's creation.
  const touched = await org.client.assistants.update({ id: made[0].id, name: "Ava (renamed)" });
  assert.deepEqual(ids(await org.client.assistants.list({ updatedAtGt: made[3].updatedAt })), [made[0].id]);
  assert.deepEqual(ids(await org.client.assistants.list({ updatedAtGe: touched.updatedAt })), [made[0].id]);
  assert.deepEqual(ids(await org.client.assistants.list({ updatedAtLt: touched.updatedAt })), newest.slice(0, 3));
  assert.deepEqual(ids(await org.client.assistants.list({ updatedAtLe: touched.updatedAt })), newest);
  assertBadRequest(await expectError(org.client.assistants.list({ createdAtGt: "yesterday" })));
  // GET /assistant has no name filter in the document.
  const unknown = await api(server, "/assistant", { token: org.apiKey, query: { name: "Ava" } });
  assertBadRequest({ statusCode: unknown.status, body: unknown.body }, "property name should not exist");
});

// ---------------------------------------------------------------------------------------------
// org isolation

test("another org cannot see, change or delete an assistant, and its lists leave it out", async () => {
  const created = await client.assistants.create(fullAssistant([tools[0].id]));
  await expectNotFound(orgB.client.assistants.get({ id: created.id }), "Assistant");
  await expectNotFound(orgB.client.assistants.update({ id: created.id, name: "mine now" }), "Assistant");
  await expectNotFound(orgB.client.assistants.delete({ id: created.id }), "Assistant");
  assert.equal(ids(await orgB.client.assistants.list({ limit: 1000 })).includes(created.id), false);
  assert.deepEqual(await client.assistants.get({ id: created.id }), created);
  for (const a of await orgB.client.assistants.list({ limit: 1000 })) assert.equal(a.orgId, orgB.orgId);
});

test("an assistant's own credentials keep their keys write-only, as a credential's", async () => {
  const created = await client.assistants.create({
    ...smallAssistant("dynamic-credentials"),
    credentials: [{ provider: "deepgram", apiKey: "dg-dynamic-never-shown-7c2a" }],
  });
  const read = await api(server, `/assistant/${created.id}`);
  assert.equal(read.status, 200);
  assert.equal(read.body.credentials[0].provider, "deepgram");
  assert.equal(read.body.credentials[0].apiKey, undefined);
  assert.doesNotMatch(JSON.stringify(created), /dg-dynamic-never-shown/);
});
