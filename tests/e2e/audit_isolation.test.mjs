// Isolation audit: walks every operation of the contract whose path has an {id} — the object
// itself (/call/{id}) and its sub-resources (/call/{id}/pcap, /v2/campaign/{id}/contacts,
// /reporting/insight/{id}/run) — and sends each with a second org's key against the first
// org's object. Each must answer 404 exactly as for a missing object, and the object must be
// unchanged afterwards. Nothing is skipped: an operation without a fixture, without a route or
// with any other answer fails the test, and the count of audited operations must equal the
// count of {id} operations in the contract, so a new resource cannot ship outside this audit.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { api, createOrg } from "./harness.mjs";
import { startChatServer } from "./chats_helpers.mjs";

const contract = JSON.parse(
  readFileSync(fileURLToPath(new URL("../../contract/vapi-contract.json", import.meta.url)), "utf8"),
);

// Per collection path (an operation's path up to its {id}): how org A gets an object, the 404
// message for it, and a PATCH body valid for it, so only ownership can reject it. One file per
// group in isolation/. Org A's object comes from `create(server)`, which resolves the body to
// POST on the collection (a FormData for an upload; it may create what the body refers to
// first), or from `make(server)`, which resolves the object itself (a chat, a call, the org:
// nothing POSTs those as stored bodies). Optional: `params`, values for the collection's other
// path parameters ({provider}); `bodies`, per "METHOD /path" of an operation other than PATCH
// that takes a body, a function of the target id resolving a valid body; `sameAs`, another
// collection path serving the same objects (reuses its object); `none: true` when nothing can
// create one yet: the operations must still answer the plain 404 for an unknown
// id; `outOfScope: true` for a group the server leaves out on purpose: its operations must
// have no route at all; `listQuery`, the list's required parameters (GET /file's purpose);
// `listedForOther(server, orgB)`, what org B's own list holds when it is not empty (GET /org);
// `queries`, per "METHOD /path", the query parameters the operation requires.
const FIXTURES = {};
for (const file of readdirSync(new URL("./isolation/", import.meta.url)).sort()) {
  const group = await import(new URL(`./isolation/${file}`, import.meta.url));
  Object.assign(FIXTURES, group.FIXTURES);
}

const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";

let env, server, orgB;
const objects = {};  // collection path → org A's object

before(async () => {
  // A server whose LLM providers are the stand-in, so org A can hold a real chat.
  env = await startChatServer();
  server = env.server;
  orgB = await createOrg(server, "intruder");
  for (const [collection, fixture] of Object.entries(FIXTURES)) {
    if (fixture.none || fixture.outOfScope) continue;
    if (fixture.sameAs) objects[collection] = objects[fixture.sameAs];
    else if (fixture.make) objects[collection] = await fixture.make(server);
    else objects[collection] = await created(collection, fixture);
  }
});
after(async () => {
  await env?.stop();
});

/** POSTs the fixture's body on the collection as org A; resolves the created object. */
async function created(collection, fixture) {
  const made = await fixture.create(server);
  const sent = made instanceof FormData ? { rawBody: made } : { body: made };
  const res = await api(server, fill(collection, fixture), { method: "POST", ...sent });
  assert.equal(res.status, 201, `POST ${collection}: ${JSON.stringify(res.body)}`);
  return res.body;
}

// A path template with the fixture's values for its parameters other than {id}; a parameter
// the fixture does not name ({fileId}, {itemId}: of objects under org A's one) is unknown.
function fill(path, fixture) {
  return path.replace(/\{(\w+)\}/g, (whole, name) => (name === "id" ? whole : fixture?.params?.[name] ?? UNKNOWN_ID));
}

/** Every operation of the contract with an {id} path parameter, wherever it stands. */
function idOperations() {
  const out = [];
  for (const [path, methods] of Object.entries(contract.paths)) {
    if (!path.includes("/{id}")) continue;
    for (const [method, op] of Object.entries(methods))
      out.push({ method: method.toUpperCase(), path, op, name: `${method.toUpperCase()} ${path}` });
  }
  return out;
}

// The operations with an {id} in their path, counted apart from idOperations(): the walk must
// match it, so narrowing the walk (to paths ending in {id}, say) fails the audit.
function idOperationCount() {
  return Object.entries(contract.paths)
    .filter(([path]) => /\{id\}/.test(path))
    .reduce((sum, [, methods]) => sum + Object.keys(methods).length, 0);
}

/** The collection whose object an operation's {id} addresses: its path up to the {id}. */
const collectionOf = (path) => path.slice(0, path.indexOf("/{id}"));

const takesJson = (op) => op.requestBody?.content?.["application/json"] !== undefined;

/** What org B sends as the body: the fixture's PATCH body, or its body for this operation. */
function bodyFor(fixture, { method, name }, id) {
  return method === "PATCH" ? fixture.patch : fixture.bodies?.[name]?.(id);
}

/** The exact answer org B must get: the collection's "X not found", or no route at all. */
function expectedAnswer(fixture, method, path) {
  const message = fixture.outOfScope ? `Cannot ${method} ${path}` : fixture.notFound;
  return { message, error: "Not Found", statusCode: 404 };
}

/** Sends one operation with org B's key; resolves null when it passes, else what is wrong. */
async function audit(operation) {
  const { method, path, op, name } = operation;
  const fixture = FIXTURES[collectionOf(path)];
  if (!fixture) return `${name}: no fixture for ${collectionOf(path)} in isolation/`;
  const id = objects[collectionOf(path)]?.id ?? UNKNOWN_ID;
  const body = bodyFor(fixture, operation, id);
  // Sent as a client sends it, with a valid body, so only ownership can refuse it (a 400 for a
  // bad body would prove nothing; the server does not insist on a body being there at all).
  if (!fixture.outOfScope && takesJson(op) && body === undefined)
    return `${name}: takes a body; give a valid one in its fixture (patch or bodies)`;
  const concrete = fill(path, fixture).replace("{id}", id);
  const res = await api(server, concrete, { method, token: orgB.apiKey, body, query: fixture.queries?.[name] });
  const routeMissing = res.status === 404 && /^Cannot /.test(res.body?.message);
  if (routeMissing && !fixture.outOfScope) return `${name}: no route (${res.body.message})`;
  const expected = expectedAnswer(fixture, method, concrete);
  try {
    assert.deepEqual(res.body, expected);
  } catch {
    return `${name}: ${res.status} ${JSON.stringify(res.body)}, expected ${JSON.stringify(expected)}`;
  }
  return null;
}

/** How an audited operation was proved: against a real object, an unknown id, or no route. */
function kindOf(path) {
  const fixture = FIXTURES[collectionOf(path)];
  if (fixture.outOfScope) return "out of scope, no route";
  return objects[collectionOf(path)] ? "org A's real object" : "an unknown id";
}

test("every {id} operation refuses another org's object with a plain 404", async (t) => {
  const operations = idOperations();
  const problems = [];
  const kinds = {};
  for (const operation of operations) {
    const problem = await audit(operation);
    if (problem) problems.push(problem);
    else kinds[kindOf(operation.path)] = (kinds[kindOf(operation.path)] ?? 0) + 1;
  }
  const audited = Object.values(kinds).reduce((a, b) => a + b, 0);
  t.diagnostic(`audited ${audited} of ${idOperationCount()} {id} operations: ${JSON.stringify(kinds)}`);
  assert.deepEqual(problems, [], `${problems.length} operations failed the audit`);
  assert.equal(audited, idOperationCount(), "every {id} operation of the contract is audited");
  for (const [collection, original] of Object.entries(objects)) {
    if (FIXTURES[collection].sameAs) continue;  // checked under its own collection
    const now = await api(server, `${fill(collection, FIXTURES[collection])}/${original.id}`);
    assert.equal(now.status, 200, `${collection}/${original.id}: ${JSON.stringify(now.body)}`);
    assert.deepEqual(now.body, original, `${collection} changed by another org`);
  }
});

test("every list of the other org leaves the first org's objects out", async () => {
  for (const [collection, fixture] of Object.entries(FIXTURES)) {
    if (fixture.outOfScope) continue;  // no route, nothing listed
    for (const path of [collection, `/v2${collection}`]) {
      if (!contract.paths[path]?.get) continue;
      const res = await api(server, fill(path, fixture), { token: orgB.apiKey, query: fixture.listQuery });
      assert.equal(res.status, 200, `${path}: ${JSON.stringify(res.body)}`);
      const items = Array.isArray(res.body) ? res.body : res.body.results;
      const own = (await fixture.listedForOther?.(server, orgB)) ?? [];
      assert.deepEqual(items, own, `${path} shows another org's objects`);
    }
  }
});
