// Squads through the official SDK: a squad of two saved assistants with handoff destinations,
// get / list (idAny) / update / delete, the references to assistants (members[].assistantId)
// and to tools inside member configurations, bad bodies and org isolation.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, createOrg, expectError, assertBadRequest, api } from "./harness.mjs";
import { TOOL_BODIES, smallAssistant, twoAssistantSquad } from "./agents_fixtures.mjs";
import { assertCreated, assertUpdated, expectNotFound, raw, ids, MISSING_ID } from "./agents_helpers.mjs";

let server, client, orgB, receptionist, billing, assistantB;
before(async () => {
  server = await startServer();
  client = server.client;
  orgB = await createOrg(server, "B");
  receptionist = await client.assistants.create(smallAssistant("Receptionist"));
  billing = await client.assistants.create(smallAssistant("Billing"));
  assistantB = await orgB.client.assistants.create(smallAssistant("Intruder"));
});
after(async () => {
  await server?.stop();
});

const assistantRef = (where, id) => `${where} must be the id of an existing assistant of this org (${id} is not)`;
const toolRef = (where, id) => `${where} must be the id of an existing tool of this org (${id} is not)`;
const frontOffice = () => twoAssistantSquad(receptionist.id, billing.id);

// ---------------------------------------------------------------------------------------------
// create / get

test("create a squad of two assistants with handoff destinations → 201, the body echoed exactly", async () => {
  const body = frontOffice();
  const res = await raw(client.squads.create(body));
  assertCreated(res, body, { orgId: receptionist.orgId });
  assert.deepEqual(await client.squads.get({ id: res.data.id }), res.data);
});

test("a member may carry a transient assistant instead of an assistantId", async () => {
  const tool = await client.tools.create(TOOL_BODIES.endCall());
  const body = {
    name: "After hours",
    members: [
      { assistant: smallAssistant("Night desk", { model: { provider: "openai", model: "gpt-4o", toolIds: [tool.id] } }) },
      { assistantId: billing.id, assistantOverrides: { model: { provider: "openai", model: "gpt-4o-mini", toolIds: [tool.id] } } },
    ],
  };
  assertCreated(await raw(client.squads.create(body)), body);
});

test("a squad with an empty members list → 201", async () => {
  assertCreated(await raw(client.squads.create({ name: "Empty", members: [] })), { name: "Empty", members: [] });
});

// ---------------------------------------------------------------------------------------------
// update

test("update without members changes only what it names (PATCH /squad/{id} is partial)", async () => {
  const created = await client.squads.create(frontOffice());
  const { status, data } = await raw(client.squads.update({ id: created.id, name: "Front office (weekend)" }));
  assert.equal(status, 200);
  assertUpdated(created, data, { name: "Front office (weekend)" });
  assert.deepEqual(await client.squads.get({ id: created.id }), data);
});

test("update replaces members and removes membersOverrides with null", async () => {
  const created = await client.squads.create(frontOffice());
  const changes = { members: [{ assistantId: billing.id }, { assistantId: receptionist.id }], membersOverrides: null };
  assertUpdated(created, await client.squads.update({ id: created.id, ...changes }), changes);
});

test("update: a bad member → 400 naming it, and the squad is unchanged", async () => {
  const created = await client.squads.create(frontOffice());
  const members = [...created.members, { assistantId: MISSING_ID }];
  assertBadRequest(await expectError(client.squads.update({ id: created.id, members })), assistantRef("members.2.assistantId", MISSING_ID));
  assertBadRequest(await expectError(client.squads.update({ id: created.id, members: [{ assistantId: 7 }] })), "members.0.assistantId must be a string");
  assert.deepEqual(await client.squads.get({ id: created.id }), created);
});

// ---------------------------------------------------------------------------------------------
// delete

test("delete returns the deleted squad; then get, update and delete → 404 'Squad not found'", async () => {
  const created = await client.squads.create(frontOffice());
  const { status, data } = await raw(client.squads.delete({ id: created.id }));
  assert.equal(status, 200);
  assert.deepEqual(data, created);
  await expectNotFound(client.squads.get({ id: created.id }), "Squad");
  await expectNotFound(client.squads.update({ id: created.id, name: "ghost" }), "Squad");
  await expectNotFound(client.squads.delete({ id: created.id }), "Squad");
  await expectNotFound(client.squads.get({ id: MISSING_ID }), "Squad");
  assertBadRequest(await expectError(client.squads.get({ id: "front-office" })), "id must be a UUID");
});

test("deleting an assistant a squad names is allowed; the squad keeps the id and stays editable", async () => {
  const temp = await client.assistants.create(smallAssistant("Temp"));
  const squad = await client.squads.create({ name: "Temporary", members: [{ assistantId: temp.id }, { assistantId: billing.id }] });
  await client.assistants.delete({ id: temp.id });
  assert.deepEqual(await client.squads.get({ id: squad.id }), squad);
  assertUpdated(squad, await client.squads.update({ id: squad.id, name: "Temporary (2)" }), { name: "Temporary (2)" });
  assertBadRequest(
    await expectError(client.squads.update({ id: squad.id, members: squad.members })),
    assistantRef("members.0.assistantId", temp.id),
  );
});

// ---------------------------------------------------------------------------------------------
// references

test("members[].assistantId that does not exist → 400 naming the member; nothing is created", async () => {
  const before = (await client.squads.list({ limit: 1000 })).length;
  const body = { name: "Broken", members: [{ assistantId: receptionist.id }, { assistantId: MISSING_ID }] };
  assert.deepEqual(assertBadRequest(await expectError(client.squads.create(body))), [assistantRef("members.1.assistantId", MISSING_ID)]);
  assert.equal((await client.squads.list({ limit: 1000 })).length, before);
});

test("members[].assistantId of another org → the same 400, both ways", async () => {
  const err = await expectError(client.squads.create({ members: [{ assistantId: assistantB.id }] }));
  assert.deepEqual(assertBadRequest(err), [assistantRef("members.0.assistantId", assistantB.id)]);
  const err2 = await expectError(orgB.client.squads.create(frontOffice()));
  assert.deepEqual(assertBadRequest(err2), [
    assistantRef("members.0.assistantId", receptionist.id),
    assistantRef("members.1.assistantId", billing.id),
  ]);
});

test("tool ids inside member configurations are checked too", async () => {
  const toolB = await orgB.client.tools.create(TOOL_BODIES.sms());
  const model = { provider: "openai", model: "gpt-4o", toolIds: [toolB.id] };
  const cases = [
    [{ members: [{ assistant: smallAssistant("T", { model }) }] }, "members.0.assistant.model.toolIds.0"],
    [{ members: [{ assistantId: billing.id, assistantOverrides: { model } }] }, "members.0.assistantOverrides.model.toolIds.0"],
    [{ members: [{ assistantId: billing.id }], membersOverrides: { model } }, "membersOverrides.model.toolIds.0"],
  ];
  for (const [body, where] of cases)
    assert.deepEqual(assertBadRequest(await expectError(client.squads.create(body))), [toolRef(where, toolB.id)]);
});

// ---------------------------------------------------------------------------------------------
// bad bodies

test("bad bodies → 400 with class-validator messages", async () => {
  const cases = [
    [{ name: "No members" }, "members must be an array"],
    [{ members: { assistantId: receptionist.id } }, "members must be an array"],
    [{ members: [{ assistantId: receptionist.id, role: "lead" }] }, "members.0.property role should not exist"],
    [{ members: [], squadName: "x" }, "property squadName should not exist"],
    [{ members: [{ assistantId: billing.id, assistantDestinations: [{ type: "assistant", transferMode: "rolling-history" }] }] },
      "members.0.assistantDestinations.0.assistantName must be a string"],
    [{ members: [{ assistantId: billing.id, assistantDestinations: [{ type: "number", number: "+14155550100" }] }] },
      "members.0.assistantDestinations.0.type must be one of the following values: assistant"],
    [{ members: [{ assistant: { maxDurationSeconds: 5 } }] }, "members.0.assistant.maxDurationSeconds must not be less than 10"],
    [{ members: [{ assistantId: billing.id }], membersOverrides: { firstMessageMode: "later" } },
      "membersOverrides.firstMessageMode must be one of the following values: assistant-speaks-first, " +
      "assistant-speaks-first-with-model-generated-message, assistant-waits-for-user"],
  ];
  for (const [body, expected] of cases) assertBadRequest(await expectError(client.squads.create(body)), expected);
});

// ---------------------------------------------------------------------------------------------
// lists

test("list: newest first, idAny (repeated or comma-separated), limit, createdAt/updatedAt bounds", async () => {
  const org = await createOrg(server, "lists");
  const a = await org.client.assistants.create(smallAssistant("Solo"));
  const made = [];
  for (const name of ["North", "South", "East", "West"])
    made.push(await org.client.squads.create({ name, members: [{ assistantId: a.id }] }));
  const newest = ids(made).reverse();
  const { status, data } = await raw(org.client.squads.list());
  assert.equal(status, 200);
  assert.deepEqual(ids(data), newest);
  assert.deepEqual(data[3], made[0]);

  assert.deepEqual(ids(await org.client.squads.list({ idAny: [made[0].id, made[2].id] })), [made[2].id, made[0].id]);
  assert.deepEqual(ids(await org.client.squads.list({ idAny: made[1].id })), [made[1].id]);
  assert.deepEqual(ids(await org.client.squads.list({ idAny: made[1].id.toUpperCase() })), [made[1].id]);
  const comma = await api(server, "/squad", { token: org.apiKey, query: { idAny: `${made[3].id},${made[1].id}` } });
  assert.equal(comma.status, 200, JSON.stringify(comma.body));
  assert.deepEqual(ids(comma.body), [made[3].id, made[1].id]);
  assert.deepEqual(await org.client.squads.list({ idAny: [MISSING_ID] }), []);
  // Another org's ids match nothing.
  assert.deepEqual(await client.squads.list({ idAny: ids(made) }), []);
  assertBadRequest(await expectError(org.client.squads.list({ idAny: ["north"] })), "each value in idAny must be a UUID");
  assertBadRequest(await expectError(org.client.squads.list({ idAny: `${made[0].id},north` })), "each value in idAny must be a UUID");
  assert.deepEqual(ids(await org.client.squads.list({ idAny: ids(made), limit: 2 })), newest.slice(0, 2));

  assert.deepEqual(ids(await org.client.squads.list({ limit: 1 })), newest.slice(0, 1));
  const T = made[2].createdAt;
  const expect = (pred) => ids(made.filter(pred)).reverse();
  assert.deepEqual(ids(await org.client.squads.list({ createdAtGe: T })), expect((s) => s.createdAt >= T));
  assert.deepEqual(ids(await org.client.squads.list({ createdAtLt: T })), expect((s) => s.createdAt < T));
  const touched = await org.client.squads.update({ id: made[1].id, name: "South (renamed)" });
  assert.deepEqual(ids(await org.client.squads.list({ updatedAtGe: touched.updatedAt })), [made[1].id]);
  assert.deepEqual(ids(await org.client.squads.list({ updatedAtGt: touched.updatedAt })), []);
  assertBadRequest(await expectError(org.client.squads.list({ limit: -1 })), "limit must not be less than 0");
});

// ---------------------------------------------------------------------------------------------
// org isolation

test("another org cannot see, change or delete a squad, and its lists leave it out", async () => {
  const created = await client.squads.create(frontOffice());
  await expectNotFound(orgB.client.squads.get({ id: created.id }), "Squad");
  await expectNotFound(orgB.client.squads.update({ id: created.id, name: "mine" }), "Squad");
  await expectNotFound(orgB.client.squads.delete({ id: created.id }), "Squad");
  assert.equal(ids(await orgB.client.squads.list({ limit: 1000 })).includes(created.id), false);
  assert.deepEqual(await orgB.client.squads.list({ idAny: [created.id] }), []);
  assert.deepEqual(await client.squads.get({ id: created.id }), created);
});
