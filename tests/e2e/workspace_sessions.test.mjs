// Sessions through the official SDK: create (active, 24 h by default), get, PATCH, delete, and
// the list's parameters — the customer's fields filter on the session's customer.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, expectError, assertBadRequest, api, ISO_MS, UUID_V4 } from "./harness.mjs";
import { orgPhoneNumberId, orgRefs } from "./fixtures.mjs";
import { smallAssistant } from "./agents_fixtures.mjs";

// The assistants, squad and phone number the sessions name, created in before().
let ASSISTANT, OTHER_ASSISTANT, SQUAD, PHONE;
let server, client;
before(async () => {
  server = await startServer();
  client = server.client.sessions;
  const refs = await orgRefs(server);
  ASSISTANT = refs.assistantId;
  SQUAD = refs.squadId;
  PHONE = await orgPhoneNumberId(server);
  OTHER_ASSISTANT = (await server.client.assistants.create(smallAssistant("Billing"))).id;
});
after(async () => {
  await server?.stop();
});

const s = {};

test("create → 201, active and expiring after 24 hours unless told otherwise", async () => {
  const body = {
    name: "Dental booking",
    assistantId: ASSISTANT,
    phoneNumberId: PHONE,
    customer: { number: "+14155550100", name: "Ann Lee", email: "ann@example.com", externalId: "crm-1001", extension: "12" },
    messages: [{ role: "user", content: "I need a cleaning next week." }],
  };
  const { data, rawResponse } = await client.create(body).withRawResponse();
  assert.equal(rawResponse.status, 201);
  assert.match(data.id, UUID_V4);
  assert.match(data.createdAt, ISO_MS);
  assert.equal(data.status, "active");
  assert.equal(data.expirationSeconds, 86400);
  for (const [k, v] of Object.entries(body)) assert.deepEqual(data[k], v, k);
  s.ann = data;
  s.bob = await client.create({
    name: "Billing question", assistantId: OTHER_ASSISTANT, status: "completed", expirationSeconds: 3600,
    customer: { number: "+14155550199", sipUri: "sip:bob@pbx.example.com" },
  });
  assert.equal(s.bob.status, "completed");
  assert.equal(s.bob.expirationSeconds, 3600);
  s.squad = await client.create({ squadId: SQUAD });
  assert.deepEqual(await client.get({ id: s.ann.id }), s.ann);
});

const ids = (page) => page.results.map((r) => r.id);

test("the list filters on the session and on its customer's fields", async () => {
  const all = await client.list({});
  assert.deepEqual(ids(all), [s.squad.id, s.bob.id, s.ann.id]);
  assert.deepEqual(all.metadata, { itemsPerPage: 100, totalItems: 3, currentPage: 1, totalPages: 1 });
  assert.deepEqual(ids(await client.list({ name: "BOOKING" })), [s.ann.id]);
  assert.deepEqual(ids(await client.list({ assistantId: OTHER_ASSISTANT })), [s.bob.id]);
  assert.deepEqual(ids(await client.list({ assistantIdAny: `${ASSISTANT},${OTHER_ASSISTANT}` })), [s.bob.id, s.ann.id]);
  assert.deepEqual(ids(await client.list({ squadId: s.squad.squadId })), [s.squad.id]);
  assert.deepEqual(ids(await client.list({ number: "+14155550100" })), [s.ann.id]);
  assert.deepEqual(ids(await client.list({ customerNumberAny: "+14155550199,+19995550000" })), [s.bob.id]);
  assert.deepEqual(ids(await client.list({ sipUri: "sip:bob@pbx.example.com" })), [s.bob.id]);
  assert.deepEqual(ids(await client.list({ email: "ann@example.com" })), [s.ann.id]);
  assert.deepEqual(ids(await client.list({ externalId: "crm-1001", extension: "12" })), [s.ann.id]);
  assert.deepEqual(ids(await client.list({ phoneNumberId: PHONE })), [s.ann.id]);
  assert.deepEqual(ids(await client.list({ phoneNumberIdAny: [PHONE, ASSISTANT] })), [s.ann.id]);
  assert.deepEqual(ids(await client.list({ idAny: `${s.ann.id},${s.squad.id}` })), [s.squad.id, s.ann.id]);
  assert.deepEqual(ids(await client.list({ id: s.bob.id })), [s.bob.id]);
  // A validation switch, not a filter: every session still matches.
  assert.equal((await client.list({ numberE164CheckEnabled: false })).metadata.totalItems, 3);
  assert.deepEqual(ids(await client.list({ limit: 1, page: 3 })), [s.ann.id]);
  assert.deepEqual(ids(await client.list({ sortOrder: "ASC", limit: 1 })), [s.ann.id]);
});

test("list parameters are validated", async () => {
  assertBadRequest(await expectError(client.list({ number: "+1" })), "number must be longer than or equal to 3 characters");
  assertBadRequest(await expectError(client.list({ extension: "12345678901" })), "extension must be shorter than or equal to 10 characters");
  const res = await api(server, "/session", { query: { customer: "x" } });
  assert.equal(res.status, 400);
  assert.deepEqual(res.body.message, ["property customer should not exist"]);
});

test("PATCH changes what the DTO allows; the rest is refused", async () => {
  const updated = await client.update({ id: s.ann.id, status: "completed", name: "Dental booking (done)" });
  assert.equal(updated.status, "completed");
  assert.equal(updated.name, "Dental booking (done)");
  assert.deepEqual(updated.customer, s.ann.customer);
  assertBadRequest(await expectError(client.update({ id: s.ann.id, assistantId: OTHER_ASSISTANT })), "property assistantId should not exist");
  assertBadRequest(await expectError(client.update({ id: s.ann.id, expirationSeconds: 30 })), "expirationSeconds must not be less than 60");
});

test("delete returns the session; then 404", async () => {
  const deleted = await client.delete({ id: s.bob.id });
  assert.equal(deleted.id, s.bob.id);
  const err = await expectError(client.get({ id: s.bob.id }));
  assert.deepEqual(err, { statusCode: 404, body: { message: "Session not found", error: "Not Found", statusCode: 404 } });
});
