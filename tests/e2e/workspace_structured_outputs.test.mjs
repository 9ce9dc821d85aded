// Structured outputs through the official SDK: create, get, the paginated list with its `name`
// search, PATCH (with or without the `schemaOverride` query the document wrongly requires),
// delete, and validation.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, expectError, assertBadRequest, ISO_MS, UUID_V4 } from "./harness.mjs";
import { orgRefs } from "./fixtures.mjs";

let server, client, so, assistantId;
before(async () => {
  server = await startServer();
  client = server.client.structuredOutputs;
  ({ assistantId } = await orgRefs(server));  // the assistant whose calls it extracts from
});
after(async () => {
  await server?.stop();
});

const NOT_FOUND = { message: "Structured output not found", error: "Not Found", statusCode: 404 };

// The documentation's support-ticket example.
const supportTicket = () => ({
  name: "Support Ticket",
  type: "ai",
  description: "Extract support ticket information from customer calls",
  schema: {
    type: "object",
    properties: {
      customer: {
        type: "object",
        properties: {
          name: { type: "string", description: "Customer full name" },
          email: { type: "string", format: "email", description: "Customer email address" },
        },
        required: ["name"],
      },
      issue: {
        type: "object",
        properties: {
          description: { type: "string", description: "Description of the customer issue" },
          category: { type: "string", enum: ["billing", "technical", "general", "complaint"] },
        },
        required: ["description", "category"],
      },
    },
    required: ["customer", "issue"],
  },
  assistantIds: [assistantId],
});

test("create → 201 with every field echoed and the server-set ones", async () => {
  const body = supportTicket();
  const { data, rawResponse } = await client.structuredOutputControllerCreate(body).withRawResponse();
  assert.equal(rawResponse.status, 201);
  assert.match(data.id, UUID_V4);
  assert.match(data.createdAt, ISO_MS);
  assert.equal(data.updatedAt, data.createdAt);
  assert.equal(typeof data.orgId, "string");
  for (const [k, v] of Object.entries(body)) assert.deepEqual(data[k], v, k);
  assert.deepEqual(await client.structuredOutputControllerFindOne({ id: data.id }), data);
  so = data;
});

test("type defaults to ai, as the DTO says", async () => {
  const created = await client.structuredOutputControllerCreate({ name: "Appointment booked", schema: { type: "boolean" } });
  assert.equal(created.type, "ai");
  await client.structuredOutputControllerRemove({ id: created.id });
});

test("the list is a page; name is a partial, case-insensitive search", async () => {
  const other = await client.structuredOutputControllerCreate({ name: "Call Summary", schema: { type: "string" } });
  const page = await client.structuredOutputControllerFindAll({ name: "TICKET" });
  assert.deepEqual(page.results.map((r) => r.id), [so.id]);
  assert.deepEqual(page.metadata, { itemsPerPage: 100, totalItems: 1, currentPage: 1, totalPages: 1 });
  const all = await client.structuredOutputControllerFindAll({ limit: 1, page: 2, sortOrder: "ASC" });
  assert.deepEqual(all.results.map((r) => r.id), [other.id]);
  assert.equal(all.metadata.totalItems, 2);
  assert.deepEqual((await client.structuredOutputControllerFindAll({ id: other.id })).results, [other]);
  await client.structuredOutputControllerRemove({ id: other.id });
});

test("PATCH works without the schemaOverride query (SPEC-QUIRKS) and with it", async () => {
  const renamed = await client.structuredOutputControllerUpdate({ id: so.id, name: "Support Ticket v2" });
  assert.equal(renamed.name, "Support Ticket v2");
  assert.deepEqual(renamed.schema, so.schema);
  assert.ok(renamed.updatedAt > so.updatedAt);
  const schema = { type: "object", properties: { resolved: { type: "boolean" } } };
  const replaced = await client.structuredOutputControllerUpdate({ id: so.id, schemaOverride: "true", schema });
  assert.deepEqual(replaced.schema, schema);
  assert.equal(replaced.name, "Support Ticket v2");
  assertBadRequest(
    await expectError(client.structuredOutputControllerUpdate({ id: so.id, type: "llm" })),
    "type must be one of the following values: ai, regex",
  );
});

test("validation: name bounds, schema required, unknown properties", async () => {
  assertBadRequest(await expectError(client.structuredOutputControllerCreate({ name: "x" })), "schema should not be null or undefined");
  assertBadRequest(
    await expectError(client.structuredOutputControllerCreate({ name: "n".repeat(41), schema: { type: "string" } })),
    "name must be shorter than or equal to 40 characters",
  );
  assertBadRequest(
    await expectError(client.structuredOutputControllerCreate({ name: "x", schema: { type: "string" }, target: "call" })),
    "property target should not exist",
  );
});

test("delete returns the object; afterwards it is a 404 everywhere", async () => {
  const deleted = await client.structuredOutputControllerRemove({ id: so.id });
  assert.equal(deleted.id, so.id);
  for (const call of [
    () => client.structuredOutputControllerFindOne({ id: so.id }),
    () => client.structuredOutputControllerUpdate({ id: so.id, name: "gone" }),
    () => client.structuredOutputControllerRemove({ id: so.id }),
  ])
    assert.deepEqual(await expectError(call()), { statusCode: 404, body: NOT_FOUND });
});
