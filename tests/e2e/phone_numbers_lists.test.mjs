// GET /phone-number (list) and GET /v2/phone-number (paginated) through the official SDK.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, expectError, assertBadRequest, api, createOrg } from "./harness.mjs";
import { orgRefs } from "./fixtures.mjs";

let server, client, orgB;
/** Org A's five numbers, in creation order (oldest first). */
const created = [];
const ids = (items) => items.map((p) => p.id);
/** Org A's ids, newest first. */
const newestFirst = () => ids(created).reverse();

before(async () => {
  server = await startServer();
  client = server.client;
  orgB = await createOrg(server, "B");
  const refs = await orgRefs(server);
  const refsB = await orgRefs(server, orgB.apiKey);
  // Sequential awaits: createdAt is non-decreasing, ties fall back to insertion order.
  const bodies = [
    { provider: "byo-phone-number", credentialId: refs.byoCredentialId, number: "+12065550101", name: "Front Desk Alpha" },
    { provider: "twilio", number: "+13125550177", twilioAccountSid: "AC1", twilioAuthToken: "lists-auth-token-SECRET-1", name: "Billing" },
    { provider: "vapi", sipUri: "sip:Reception-Main@pbx.example.com", name: "Lobby" },
    { provider: "vonage", number: "+12065550202", credentialId: refs.vonageCredentialId, name: "front-desk beta" },
    { provider: "telnyx", number: "+14155550123", credentialId: refs.telnyxCredentialId, name: "Night line" },
  ];
  for (const body of bodies) created.push(await client.phoneNumbers.create(body));
  // Org B has look-alikes that must never show up in org A's lists.
  await orgB.client.phoneNumbers.create({ provider: "byo-phone-number", credentialId: refsB.byoCredentialId, number: "+12065550101", name: "Front Desk B" });
  await orgB.client.phoneNumbers.create({ provider: "vapi", sipUri: "sip:reception-b@pbx.example.com", name: "Lobby B" });
});
after(async () => {
  await server?.stop();
});

// ---------------------------------------------------------------------------------------------
// GET /phone-number

test("list returns the org's numbers, newest first, each as created", async () => {
  const { data, rawResponse } = await client.phoneNumbers.list().withRawResponse();
  assert.equal(rawResponse.status, 200);
  assert.ok(Array.isArray(data));
  assert.deepEqual(ids(data), newestFirst());
  for (let i = 1; i < data.length; i++) assert.ok(data[i - 1].createdAt >= data[i].createdAt);
  const byId = new Map(created.map((p) => [p.id, p]));
  for (const item of data) assert.deepEqual(item, byId.get(item.id));
});

test("list is scoped to the caller's org", async () => {
  const listB = await orgB.client.phoneNumbers.list();
  assert.equal(listB.length, 2);
  for (const p of listB) assert.equal(p.orgId, orgB.orgId);
  assert.deepEqual(listB.map((p) => p.name), ["Lobby B", "Front Desk B"]);
  const orgA = created[0].orgId;
  for (const p of await client.phoneNumbers.list()) assert.equal(p.orgId, orgA);
});

test("limit: 2 → the two newest; 0 → []; 1000 → all", async () => {
  assert.deepEqual(ids(await client.phoneNumbers.list({ limit: 2 })), newestFirst().slice(0, 2));
  assert.deepEqual(await client.phoneNumbers.list({ limit: 0 }), []);
  assert.deepEqual(ids(await client.phoneNumbers.list({ limit: 1000 })), newestFirst());
});

test("limit defaults to 100", async () => {
  const orgC = await createOrg(server, "C (bulk)");
  const { byoCredentialId } = await orgRefs(server, orgC.apiKey);
  const made = [];
  for (let i = 0; i < 101; i++)
    made.push((await orgC.client.phoneNumbers.create({
      provider: "byo-phone-number", credentialId: byoCredentialId, number: `+1303555${String(i).padStart(4, "0")}`,
    })).id);
  const page = await orgC.client.phoneNumbers.list();
  assert.equal(page.length, 100);
  assert.deepEqual(ids(page), made.slice(1).reverse(), "the 100 newest, newest first");
  assert.equal((await orgC.client.phoneNumbers.list({ limit: 1000 })).length, 101);
  const v2 = await orgC.client.phoneNumbers.phoneNumberControllerFindAllPaginated();
  assert.equal(v2.results.length, 100);
  assert.equal(v2.metadata.itemsPerPage, 100);
  assert.equal(v2.metadata.totalItems, 101);
  assert.equal(v2.metadata.totalPages, 2);
});

test("limit out of range → 400", async () => {
  assertBadRequest(await expectError(client.phoneNumbers.list({ limit: -1 })), "limit must not be less than 0");
  assertBadRequest(await expectError(client.phoneNumbers.list({ limit: 1001 })), "limit must not be greater than 1000");
});

test("limit that is not a number (fetch) → 400", async () => {
  const res = await api(server, "/phone-number", { query: { limit: "abc" } });
  assertBadRequest({ statusCode: res.status, body: res.body }, "limit must be a number conforming to the specified constraints");
});

test("createdAt filters: Gt/Lt are strict, Ge/Le inclusive, at an existing item's exact createdAt", async () => {
  const all = await client.phoneNumbers.list();
  const pivot = all[2];
  const T = pivot.createdAt;
  const expect = (pred) => ids(all.filter(pred));
  const gt = ids(await client.phoneNumbers.list({ createdAtGt: T }));
  const ge = ids(await client.phoneNumbers.list({ createdAtGe: T }));
  const lt = ids(await client.phoneNumbers.list({ createdAtLt: T }));
  const le = ids(await client.phoneNumbers.list({ createdAtLe: T }));
  assert.deepEqual(gt, expect((p) => p.createdAt > T));
  assert.deepEqual(ge, expect((p) => p.createdAt >= T));
  assert.deepEqual(lt, expect((p) => p.createdAt < T));
  assert.deepEqual(le, expect((p) => p.createdAt <= T));
  assert.equal(gt.includes(pivot.id), false);
  assert.equal(lt.includes(pivot.id), false);
  assert.ok(ge.includes(pivot.id));
  assert.ok(le.includes(pivot.id));
  // Both bounds inclusive at T: exactly the items created in that millisecond.
  assert.deepEqual(ids(await client.phoneNumbers.list({ createdAtGe: T, createdAtLe: T })), expect((p) => p.createdAt === T));
  // Both strict at T: nothing.
  assert.deepEqual(await client.phoneNumbers.list({ createdAtGt: T, createdAtLt: T }), []);
});

test("createdAt filters accept other ISO 8601 forms", async () => {
  assert.deepEqual(ids(await client.phoneNumbers.list({ createdAtGe: "2000-01-01" })), newestFirst());
  assert.deepEqual(await client.phoneNumbers.list({ createdAtLt: "2000-01-01T00:00:00Z" }), []);
  assert.deepEqual(await client.phoneNumbers.list({ createdAtGt: "2999-12-31T23:59:59.999Z" }), []);
  assert.deepEqual(ids(await client.phoneNumbers.list({ createdAtLe: "2999-12-31T23:59:59+02:00" })), newestFirst());
});

test("an invalid date → 400", async () => {
  assertBadRequest(await expectError(client.phoneNumbers.list({ createdAtGt: "yesterday" })),
    "createdAtGt must be a valid ISO 8601 date string");
  assertBadRequest(await expectError(client.phoneNumbers.list({ updatedAtLe: "2024-13-45T00:00:00Z" })),
    "updatedAtLe must be a valid ISO 8601 date string");
  assertBadRequest(await expectError(client.phoneNumbers.phoneNumberControllerFindAllPaginated({ createdAtGt: "nope" })),
    "createdAtGt must be a valid ISO 8601 date string");
});

test("an unknown query parameter (fetch) → 400 'property foo should not exist'", async () => {
  for (const path of ["/phone-number", "/v2/phone-number"]) {
    const res = await api(server, path, { query: { foo: "1" } });
    assertBadRequest({ statusCode: res.status, body: res.body }, "property foo should not exist");
  }
});

// ---------------------------------------------------------------------------------------------
// GET /v2/phone-number

const v2 = (req) => client.phoneNumbers.phoneNumberControllerFindAllPaginated(req);

test("v2 default: {results, metadata} with every number, newest first", async () => {
  const { data, rawResponse } = await client.phoneNumbers.phoneNumberControllerFindAllPaginated().withRawResponse();
  assert.equal(rawResponse.status, 200);
  assert.deepEqual(ids(data.results), newestFirst());
  const all = await client.phoneNumbers.list();
  assert.deepEqual(data.results, all);
  assert.equal(data.metadata.itemsPerPage, 100);
  assert.equal(data.metadata.totalItems, 5);
  assert.equal(data.metadata.currentPage, 1);
  assert.equal(data.metadata.totalPages, 1);
});

test("v2 page/limit math: 5 items, limit 2 → 3 pages (2, 2, 1), page 4 is empty", async () => {
  const expected = newestFirst();
  const pages = [];
  for (const page of [1, 2, 3, 4]) {
    const res = await v2({ page, limit: 2 });
    assert.equal(res.metadata.itemsPerPage, 2);
    assert.equal(res.metadata.totalItems, 5);
    assert.equal(res.metadata.currentPage, page);
    assert.equal(res.metadata.totalPages, 3);
    pages.push(ids(res.results));
  }
  assert.deepEqual(pages, [expected.slice(0, 2), expected.slice(2, 4), expected.slice(4), []]);
});

test("v2 sortOrder: ASC is oldest first, DESC newest first", async () => {
  assert.deepEqual(ids((await v2({ sortOrder: "ASC" })).results), ids(created));
  assert.deepEqual(ids((await v2({ sortOrder: "DESC" })).results), newestFirst());
  assert.deepEqual(ids((await v2({ sortOrder: "ASC", sortBy: "createdAt", limit: 2, page: 2 })).results), ids(created).slice(2, 4));
});

test("v2 search: partial and case-insensitive over name, number and sipUri", async () => {
  const search = async (s) => {
    const res = await v2({ search: s });
    assert.equal(res.metadata.totalItems, res.results.length);
    return res.results.map((p) => p.name);
  };
  assert.deepEqual(await search("FRONT"), ["front-desk beta", "Front Desk Alpha"]); // name
  assert.deepEqual(await search("desk al"), ["Front Desk Alpha"]);
  assert.deepEqual(await search("0177"), ["Billing"]); // number
  assert.deepEqual(await search("+1206555"), ["front-desk beta", "Front Desk Alpha"]);
  assert.deepEqual(await search("reception-MAIN"), ["Lobby"]); // sipUri (not in the name)
  assert.deepEqual(await search("PBX.example"), ["Lobby"]);
  assert.deepEqual(await search("no such thing"), []);
});

test("v2 search is case-insensitive beyond ASCII", async () => {
  const orgD = await createOrg(server, "D (unicode)");
  await orgD.client.phoneNumbers.create({ provider: "vapi", sipUri: "sip:angstrom@pbx.example.com", name: "Ångström Désk" });
  await orgD.client.phoneNumbers.create({ provider: "vapi", sipUri: "sip:zurich@pbx.example.com", name: "ZÜRICH office" });
  const search = async (s) => (await orgD.client.phoneNumbers.phoneNumberControllerFindAllPaginated({ search: s })).results.map((p) => p.name);
  assert.deepEqual(await search("Ångström"), ["Ångström Désk"]);
  assert.deepEqual(await search("ångström"), ["Ångström Désk"]);
  assert.deepEqual(await search("DÉSK"), ["Ångström Désk"]);
  assert.deepEqual(await search("zürich"), ["ZÜRICH office"]);
});

test("v2 search treats % and _ literally", async () => {
  assert.deepEqual((await v2({ search: "%" })).results, []);
  assert.deepEqual((await v2({ search: "_" })).results, []);
  assert.deepEqual((await v2({ search: "Front%Alpha" })).results, []);
});

test("v2 search is combined with pagination and scoped to the org", async () => {
  const res = await v2({ search: "front", limit: 1, page: 2 });
  assert.equal(res.metadata.totalItems, 2);
  assert.equal(res.metadata.totalPages, 2);
  assert.deepEqual(res.results.map((p) => p.name), ["Front Desk Alpha"]);
  const b = await orgB.client.phoneNumbers.phoneNumberControllerFindAllPaginated({ search: "front" });
  assert.deepEqual(b.results.map((p) => p.name), ["Front Desk B"]);
  assert.equal(b.metadata.totalItems, 1);
});

test("v2 time filters use the same strict/inclusive rules", async () => {
  const T = created[1].createdAt;
  const all = await client.phoneNumbers.list();
  const gt = await v2({ createdAtGt: T });
  assert.deepEqual(ids(gt.results), ids(all.filter((p) => p.createdAt > T)));
  assert.equal(gt.metadata.totalItems, gt.results.length);
  const le = await v2({ createdAtLe: T, sortOrder: "ASC" });
  assert.deepEqual(ids(le.results), ids(all.filter((p) => p.createdAt <= T)).reverse());
});

test("v2 validation: page 0, sortOrder UP, search of 101 chars, limit 1001 → 400", async () => {
  assertBadRequest(await expectError(v2({ page: 0 })), "page must not be less than 1");
  assertBadRequest(await expectError(v2({ sortOrder: "UP" })), "sortOrder must be one of the following values: ASC, DESC");
  assertBadRequest(await expectError(v2({ search: "s".repeat(101) })), "search must be shorter than or equal to 100 characters");
  assert.equal((await v2({ search: "s".repeat(100) })).results.length, 0);
  assertBadRequest(await expectError(v2({ limit: 1001 })), "limit must not be greater than 1000");
  assertBadRequest(await expectError(v2({ limit: -1 })), "limit must not be less than 0");
});

// Mutates one number: keep after the tests that compare against `created`.
test("updatedAt filters: strict vs inclusive at an updated item's exact updatedAt", async () => {
  const target = created[1];
  const updated = await client.phoneNumbers.update({ id: target.id, body: { name: "Billing (renamed)" } });
  const U = updated.updatedAt;
  assert.ok(U > target.updatedAt);
  const all = await client.phoneNumbers.list();
  const expect = (pred) => ids(all.filter(pred));
  const gt = ids(await client.phoneNumbers.list({ updatedAtGt: U }));
  const ge = ids(await client.phoneNumbers.list({ updatedAtGe: U }));
  const lt = ids(await client.phoneNumbers.list({ updatedAtLt: U }));
  const le = ids(await client.phoneNumbers.list({ updatedAtLe: U }));
  assert.deepEqual(gt, expect((p) => p.updatedAt > U));
  assert.deepEqual(ge, expect((p) => p.updatedAt >= U));
  assert.deepEqual(lt, expect((p) => p.updatedAt < U));
  assert.deepEqual(le, expect((p) => p.updatedAt <= U));
  assert.equal(gt.includes(target.id), false);
  assert.equal(lt.includes(target.id), false);
  assert.ok(ge.includes(target.id));
  assert.ok(le.includes(target.id));
  // The update moved updatedAt, not createdAt: the list order is unchanged.
  assert.deepEqual(ids(all), newestFirst());
  // The created-at filter still sees its original createdAt.
  assert.ok(ids(await client.phoneNumbers.list({ createdAtLe: target.createdAt })).includes(target.id));
});
