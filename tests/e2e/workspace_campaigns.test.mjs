// Campaigns through the official SDK: /campaign and /v2/campaign serve the same records —
// Campaign objects on /campaign and from every write, CampaignSummary objects on GET
// /v2/campaign... — plus the contacts of a campaign, status changes and duplication.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, expectError, assertBadRequest, ISO_MS, UUID_V4 } from "./harness.mjs";
import { orgPhoneNumberId, orgRefs } from "./fixtures.mjs";

let server, client, refs;
before(async () => {
  server = await startServer();
  client = server.client.campaigns;
  // The assistant, squad and phone numbers the campaigns name.
  refs = {
    ...(await orgRefs(server)),
    phoneNumberId: await orgPhoneNumberId(server),
    londonNumberId: await orgPhoneNumberId(server, server.apiKey, "London line"),
  };
});
after(async () => {
  await server?.stop();
});

const notFound = { statusCode: 404, body: { message: "Campaign not found", error: "Not Found", statusCode: 404 } };
const COUNTERS = { calls: {}, callsCounterScheduled: 0, callsCounterQueued: 0, callsCounterInProgress: 0, callsCounterEndedVoicemail: 0, callsCounterEnded: 0 };

const renewals = () => ({
  name: "Q3 renewals",
  assistantId: refs.assistantId,
  phoneNumberId: refs.phoneNumberId,
  customers: [
    { number: "+14155550100", name: "Ann Lee" },
    { number: "+14155550101", name: "Bob Roy", assistantOverrides: { variableValues: { plan: "gold" } } },
    { number: "+442071838750" },
  ],
  // Far ahead: these campaigns wait, so nobody is dialled (campaigns_dialing.test.mjs dials).
  schedulePlan: { earliestAt: "2099-07-01T09:00:00.000Z", latestAt: "2099-07-01T17:00:00.000Z" },
  maxConcurrency: 5,
  serverMessages: ["campaign.started", "campaign.ended", "contact.completed"],
  server: { url: "https://hooks.example.com/vapi/campaigns" },
});

const c = {};

test("POST /campaign → 201: a scheduled Campaign with zero call counters", async () => {
  const body = renewals();
  const { data, rawResponse } = await client.campaignControllerCreate(body).withRawResponse();
  assert.equal(rawResponse.status, 201);
  assert.match(data.id, UUID_V4);
  assert.match(data.createdAt, ISO_MS);
  assert.equal(data.status, "scheduled");
  for (const [k, v] of Object.entries({ ...body, ...COUNTERS })) assert.deepEqual(data[k], v, k);
  assert.equal("endedReason" in data, false);
  assert.deepEqual(await client.campaignControllerFindOne({ id: data.id }), data);
  c.renewals = data;
});

test("POST /v2/campaign creates the same kind of record", async () => {
  const data = await client.campaignControllerCreateV2({
    name: "Win-back", squadId: refs.squadId, phoneNumberId: refs.londonNumberId, customers: [],
    schedulePlan: { earliestAt: "2099-07-01T09:00:00.000Z" },
  });
  assert.equal(data.status, "scheduled");
  assert.equal(data.callsCounterEnded, 0);
  assert.deepEqual(await client.campaignControllerFindOne({ id: data.id }), data);
  c.winback = data;
});

test("GET /v2/campaign/{id} is a CampaignSummary; counters only when asked", async () => {
  const summary = await client.campaignControllerFindOneV2({ id: c.renewals.id });
  const { customers, dialPlan, calls, callsCounterScheduled, callsCounterQueued, callsCounterInProgress,
    callsCounterEndedVoicemail, callsCounterEnded, ...rest } = c.renewals;
  assert.deepEqual(summary, rest);
  const counted = await client.campaignControllerFindOneV2({ id: c.renewals.id, includeCounters: true });
  assert.deepEqual(counted.contactCounters, { pending: 3, dispatched: 0, completed: 0, failed: 0, skipped: 0, predialFailed: 0 });
  assert.deepEqual(counted.callMetrics, { dialed: 0, connected: 0 });
});

test("both lists are pages of the same records, filtered by id and status", async () => {
  const v1 = await client.campaignControllerFindAll({});
  assert.deepEqual(v1.results, [c.winback, c.renewals]);
  assert.deepEqual(v1.metadata, { itemsPerPage: 100, totalItems: 2, currentPage: 1, totalPages: 1 });
  const v2 = await client.campaignControllerFindAllV2({ includeCounters: true, limit: 1 });
  assert.equal(v2.results.length, 1);
  assert.equal(v2.results[0].id, c.winback.id);
  assert.equal("calls" in v2.results[0], false);
  assert.deepEqual(v2.results[0].contactCounters.pending, 0);
  assert.equal(v2.metadata.totalPages, 2);
  assert.deepEqual((await client.campaignControllerFindAll({ id: c.renewals.id })).results, [c.renewals]);
  assert.equal((await client.campaignControllerFindAllV2({ status: "ended" })).metadata.totalItems, 0);
  assertBadRequest(await expectError(client.campaignControllerFindAll({ status: "paused" })));
});

test("contacts are the customers in order, pending until their window opens", async () => {
  const page = await client.campaignControllerGetCampaignV2Contacts({ id: c.renewals.id });
  assert.deepEqual(page.results.map((r) => [r.number, r.name, r.status]), [
    ["+14155550100", "Ann Lee", "contact.pending"],
    ["+14155550101", "Bob Roy", "contact.pending"],
    ["+442071838750", undefined, "contact.pending"],
  ]);
  for (const r of page.results) assert.match(r.id, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual(page.metadata, { itemsPerPage: 100, totalItems: 3, currentPage: 1, totalPages: 1 });
  const again = await client.campaignControllerGetCampaignV2Contacts({ id: c.renewals.id, limit: 2, page: 2, sortBy: "status" });
  assert.deepEqual(again.results, [page.results[2]]);  // ids are stable
  const failed = await client.campaignControllerGetCampaignV2Contacts({ id: c.renewals.id, status: ["contact.failed", "contact.skipped"] });
  assert.deepEqual(failed.results, []);
  const pending = await client.campaignControllerGetCampaignV2Contacts({ id: c.renewals.id, status: "contact.pending" });
  assert.equal(pending.metadata.totalItems, 3);
  assertBadRequest(await expectError(client.campaignControllerGetCampaignV2Contacts({ id: c.renewals.id, limit: 0 })));
  assert.deepEqual(await expectError(client.campaignControllerGetCampaignV2Contacts({ id: "00000000-0000-4000-8000-000000000000" })), notFound);
});

test("PATCH on either path answers the Campaign; ending records why, and final statuses stay", async () => {
  const renamed = await client.campaignControllerUpdateV2({ id: c.renewals.id, body: { name: "Q3 renewals (EMEA)" } });
  assert.equal(renamed.name, "Q3 renewals (EMEA)");
  assert.deepEqual(renamed.customers, c.renewals.customers);
  const ended = await client.campaignControllerUpdate({ id: c.renewals.id, body: { status: "ended" } });
  assert.equal(ended.status, "ended");
  assert.equal(ended.endedReason, "campaign.scheduled.ended-by-user");
  assertBadRequest(
    await expectError(client.campaignControllerUpdate({ id: c.renewals.id, body: { status: "cancelled" } })),
    "status cannot be changed: this campaign is ended",
  );
  assertBadRequest(
    await expectError(client.campaignControllerUpdate({ id: c.winback.id, body: { status: "in-progress" } })),
    "status must be one of the following values: ended, cancelled",
  );
  assertBadRequest(
    await expectError(client.campaignControllerUpdate({ id: c.winback.id, body: { customers: [] } })),
    "property customers should not exist",
  );
  const cancelled = await client.campaignControllerUpdateV2({ id: c.winback.id, body: { status: "cancelled" } });
  assert.equal(cancelled.status, "cancelled");
  assert.equal("endedReason" in cancelled, false);
  assert.deepEqual((await client.campaignControllerFindAll({ status: "ended" })).results.map((r) => r.id), [c.renewals.id]);
});

test("duplicateFromCampaignId copies the configuration the body does not set", async () => {
  const copy = await client.campaignControllerCreate({ name: "Q4 renewals", duplicateFromCampaignId: c.renewals.id, maxConcurrency: 2 });
  assert.equal(copy.name, "Q4 renewals");
  assert.equal(copy.maxConcurrency, 2);
  assert.equal(copy.status, "scheduled");
  for (const k of ["assistantId", "phoneNumberId", "customers", "dialPlan", "schedulePlan", "serverMessages", "server"])
    assert.deepEqual(copy[k], c.renewals[k], k);
  assert.equal("duplicateFromCampaignId" in copy, false);
  assertBadRequest(
    await expectError(client.campaignControllerCreate({ name: "x", duplicateFromCampaignId: "0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f" })),
    "duplicateFromCampaignId must be the id of an existing campaign of this org (0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f is not)",
  );
  await client.campaignControllerRemove({ id: copy.id });
});

test("validation: name required, customers as the DTO says", async () => {
  assertBadRequest(await expectError(client.campaignControllerCreate({ assistantId: "a" })), "name must be a string");
  assertBadRequest(
    await expectError(client.campaignControllerCreateV2({ name: "x", customers: [{ number: "+1" }] })),
    "customers.0.number must be longer than or equal to 3 characters",
  );
  assertBadRequest(await expectError(client.campaignControllerCreate({ name: "x", maxConcurrency: 0 })), "maxConcurrency must not be less than 1");
  const customers = [{ number: "+14155550100" }];
  assertBadRequest(await expectError(client.campaignControllerCreate({ name: "x", customers })), "phoneNumberId or dialPlan is required");
  assertBadRequest(
    await expectError(client.campaignControllerCreate({
      name: "x", customers, phoneNumberId: refs.phoneNumberId, dialPlan: [{ phoneNumberId: refs.londonNumberId, customers }],
    })),
    "phoneNumberId and dialPlan are mutually exclusive",
  );
  assertBadRequest(
    await expectError(client.campaignControllerCreate({ name: "x", phoneNumberId: refs.phoneNumberId })),
    "customers is required when dialPlan is not provided",
  );
  assertBadRequest(
    await expectError(client.campaignControllerCreate({ name: "x", customers, phoneNumberId: refs.phoneNumberId, assistantId: refs.assistantId, squadId: refs.squadId })),
    "Only one of assistantId, workflowId, or squadId can be used",
  );
  assertBadRequest(
    await expectError(client.campaignControllerCreate({ name: "x", customers, phoneNumberId: refs.phoneNumberId, workflowId: "0f9e8d7c-6b5a-4f3e-9d2c-1b0a9f8e7d6c" })),
    "workflowId names no workflow of this org (this server has no workflows): use assistantId or squadId",
  );
  assertBadRequest(
    await expectError(client.campaignControllerCreate({ name: "x", customers, phoneNumberId: refs.phoneNumberId, predialPlan: { enabled: true } })),
    "predialPlan requires server",
  );
});

test("delete on either path returns the Campaign; then 404 on both", async () => {
  const deleted = await client.campaignControllerRemoveV2({ id: c.winback.id });
  assert.equal(deleted.id, c.winback.id);
  assert.equal(deleted.callsCounterEnded, 0);  // a Campaign, not a summary
  assert.deepEqual(await expectError(client.campaignControllerFindOne({ id: c.winback.id })), notFound);
  assert.deepEqual(await expectError(client.campaignControllerFindOneV2({ id: c.winback.id })), notFound);
  assert.deepEqual(await expectError(client.campaignControllerRemove({ id: c.winback.id })), notFound);
});
