// Evals and their runs, observability scorecards and provider resources, through the
// official SDK.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, createOrg, expectError, assertBadRequest, api, ISO_MS, UUID_V4 } from "./harness.mjs";
import { orgRefs } from "./fixtures.mjs";

let server, client, assistantId;
before(async () => {
  server = await startServer();
  client = server.client;
  ({ assistantId } = await orgRefs(server));  // the assistant scorecards apply to
});
after(async () => {
  await server?.stop();
});

const ZERO = "00000000-0000-4000-8000-000000000000";
const notFound = (message) => ({ statusCode: 404, body: { message, error: "Not Found", statusCode: 404 } });

const greetingEval = () => ({
  type: "chat.mockConversation",
  name: "Greets and books",
  description: "The assistant greets the caller and offers a slot",
  messages: [
    { role: "system", content: "You are the front desk of Acme Dental." },
    { role: "user", content: "Hi, I need a cleaning next week." },
    { role: "assistant", judgePlan: { type: "exact", content: "Sure! Tuesday at 10am works?" } },
    { role: "user", content: "Yes please." },
  ],
});

test("evals: create, get, page, PATCH, delete", async () => {
  const body = greetingEval();
  const { data: created, rawResponse } = await client.eval.evalControllerCreate(body).withRawResponse();
  assert.equal(rawResponse.status, 201);
  assert.match(created.id, UUID_V4);
  assert.match(created.createdAt, ISO_MS);
  for (const [k, v] of Object.entries(body)) assert.deepEqual(created[k], v, k);
  assert.deepEqual(await client.eval.evalControllerGet({ id: created.id }), created);

  const page = await client.eval.evalControllerGetPaginated({});
  assert.deepEqual(page.results, [created]);
  assert.deepEqual(page.metadata, { itemsPerPage: 100, totalItems: 1, currentPage: 1, totalPages: 1 });

  const renamed = await client.eval.evalControllerUpdate({ id: created.id, name: "Greets, books a cleaning" });
  assert.equal(renamed.name, "Greets, books a cleaning");
  assert.deepEqual(renamed.messages, body.messages);
  assertBadRequest(await expectError(client.eval.evalControllerUpdate({ id: created.id, type: "voice" })),
    "type must be one of the following values: chat.mockConversation");

  assert.equal((await client.eval.evalControllerRemove({ id: created.id })).id, created.id);
  assert.deepEqual(await expectError(client.eval.evalControllerGet({ id: created.id })), notFound("Eval not found"));
});

test("evals: validation", async () => {
  assertBadRequest(await expectError(client.eval.evalControllerCreate({ type: "chat.mockConversation" })),
    "messages must be an array");
  assertBadRequest(await expectError(client.eval.evalControllerCreate({ ...greetingEval(), name: "" })),
    "name must be longer than or equal to 1 characters");
});

test("eval runs: the list is empty until evals run; get and delete are 404s", async () => {
  const page = await client.eval.evalControllerGetRunsPaginated({});
  assert.deepEqual(page, { results: [], metadata: { itemsPerPage: 100, totalItems: 0, currentPage: 1, totalPages: 0 } });
  assert.deepEqual(await expectError(client.eval.evalControllerGetRun({ id: ZERO })), notFound("Eval run not found"));
  assert.deepEqual(await expectError(client.eval.evalControllerRemoveRun({ id: ZERO })), notFound("Eval run not found"));
  assertBadRequest(await expectError(client.eval.evalControllerGetRun({ id: "run-1" })), "id must be a UUID");
});

const scorecardBody = (booked, satisfaction) => ({
  name: "Booking quality",
  description: "Did the assistant book, and how satisfied was the caller?",
  metrics: [
    { structuredOutputId: booked, conditions: [{ type: "comparator", comparator: "=", value: true, points: 60 }] },
    { structuredOutputId: satisfaction, conditions: [{ type: "comparator", comparator: ">=", value: 4, points: 40 }] },
  ],
  assistantIds: [assistantId],
});

test("scorecards: create, get, page, PATCH, delete, validation", async () => {
  const sc = client.observabilityScorecard;
  const so = client.structuredOutputs;
  const booked = await so.structuredOutputControllerCreate({ name: "Appointment booked", schema: { type: "boolean" } });
  const satisfaction = await so.structuredOutputControllerCreate({ name: "Satisfaction (1-5)", schema: { type: "number", description: "From 1 (angry) to 5 (delighted)" } });
  const body = scorecardBody(booked.id, satisfaction.id);
  const created = await sc.scorecardControllerCreate(body);
  assert.match(created.id, UUID_V4);
  for (const [k, v] of Object.entries(body)) assert.deepEqual(created[k], v, k);
  assert.deepEqual(await sc.scorecardControllerGet({ id: created.id }), created);
  assert.deepEqual((await sc.scorecardControllerGetPaginated({ id: created.id })).results, [created]);
  const patched = await sc.scorecardControllerUpdate({ id: created.id, assistantIds: [] });
  assert.deepEqual(patched.assistantIds, []);
  assert.deepEqual(patched.metrics, body.metrics);
  assertBadRequest(
    await expectError(sc.scorecardControllerCreate({ metrics: [{ structuredOutputId: "x", conditions: [{ type: "comparator", comparator: "=", value: 1, points: 101 }] }] })),
  );
  assertBadRequest(await expectError(sc.scorecardControllerCreate({ name: "no metrics" })), "metrics must be an array");
  // Each metric must score a structured output of this org, on create and PATCH.
  assertBadRequest(
    await expectError(sc.scorecardControllerCreate(scorecardBody(booked.id, ZERO))),
    `metrics.1.structuredOutputId must be the id of an existing structured output of this org (${ZERO} is not)`,
  );
  assertBadRequest(
    await expectError(sc.scorecardControllerUpdate({ id: created.id, metrics: scorecardBody(ZERO, satisfaction.id).metrics })),
    `metrics.0.structuredOutputId must be the id of an existing structured output of this org (${ZERO} is not)`,
  );
  assert.deepEqual(await sc.scorecardControllerRemove({ id: created.id }), patched);
  assert.deepEqual(await expectError(sc.scorecardControllerGet({ id: created.id })), notFound("Scorecard not found"));
});

const DICT = "/provider/11labs/pronunciation-dictionary";

test("provider resources: the body is kept as `resource`, provider and resourceName come from the path", async () => {
  const body = {
    name: "Brand names",
    rules: [
      { stringToReplace: "Vapi", type: "phoneme", phoneme: "V AE P IY", alphabet: "cmu-arpabet" },
      { stringToReplace: "UN", type: "alias", alias: "United Nations" },
    ],
  };
  const res = await api(server, DICT, { method: "POST", body });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const created = res.body;
  assert.equal(created.provider, "11labs");
  assert.equal(created.resourceName, "pronunciation-dictionary");
  assert.deepEqual(created.resource, body);
  assert.match(created.resourceId, UUID_V4);
  assert.notEqual(created.resourceId, created.id);
  const pr = client.providerResources;
  const ref = { provider: "11labs", resourceName: "pronunciation-dictionary", id: created.id };
  assert.deepEqual(await pr.providerResourceControllerGetProviderResource(ref), created);

  // The SDK sends no body: an empty resource.
  const empty = await pr.providerResourceControllerCreateProviderResource({ provider: "cartesia", resourceName: "pronunciation-dictionary" });
  assert.deepEqual(empty.resource, {});
  assert.equal(empty.provider, "cartesia");

  // Lists are per provider and resource name, filtered by resourceId.
  const page = await pr.providerResourceControllerGetProviderResourcesPaginated({ provider: "11labs", resourceName: "pronunciation-dictionary" });
  assert.deepEqual(page.results, [created]);
  const byResource = await pr.providerResourceControllerGetProviderResourcesPaginated({
    provider: "cartesia", resourceName: "pronunciation-dictionary", resourceId: empty.resourceId });
  assert.deepEqual(byResource.results, [empty]);
  assert.equal((await pr.providerResourceControllerGetProviderResourcesPaginated({
    provider: "cartesia", resourceName: "pronunciation-dictionary", resourceId: created.resourceId })).metadata.totalItems, 0);

  // The item is only found under its own provider.
  assert.deepEqual(await expectError(pr.providerResourceControllerGetProviderResource({ ...ref, provider: "cartesia" })),
    notFound("Provider resource not found"));

  // PATCH replaces the top-level properties of `resource` it names (as the docs PATCH `rules`).
  const patched = await api(server, `${DICT}/${created.id}`, { method: "PATCH", body: { rules: [{ stringToReplace: "UN", type: "alias", alias: "U.N." }] } });
  assert.equal(patched.status, 200);
  assert.deepEqual(patched.body.resource, { name: "Brand names", rules: [{ stringToReplace: "UN", type: "alias", alias: "U.N." }] });
  assert.equal((await api(server, `${DICT}/${created.id}`, { method: "PATCH", rawBody: "[]" })).status, 400);

  // Another org sees nothing.
  const intruder = await createOrg(server, "intruder");
  assert.deepEqual(await expectError(intruder.client.providerResources.providerResourceControllerGetProviderResource(ref)),
    notFound("Provider resource not found"));

  assert.deepEqual(await pr.providerResourceControllerDeleteProviderResource(ref), patched.body);
  assert.deepEqual(await expectError(pr.providerResourceControllerDeleteProviderResource(ref)), notFound("Provider resource not found"));
  assertBadRequest(await expectError(pr.providerResourceControllerGetProviderResourcesPaginated({ provider: "azure", resourceName: "pronunciation-dictionary" })),
    "provider must be one of the following values: cartesia, 11labs");
});
