// Isolation audit: walks every operation of the contract that addresses one object by id and,
// where the server has a route for it, sends it with a second org's key against the first
// org's object. Each must answer 404 exactly as for a missing object, and the object must be
// unchanged afterwards. An operation with a route but no fixture below fails the test, so a
// new resource cannot ship without joining this audit.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startServer, api, createOrg } from "./harness.mjs";

const contract = JSON.parse(
  readFileSync(fileURLToPath(new URL("../../contract/vapi-contract.json", import.meta.url)), "utf8"),
);

// Per collection path: how org A creates an object (`create(server)` may create what it needs
// first and resolves the body), the 404 message for it, and a PATCH body valid for it, so only
// ownership can reject it. One file per group in isolation/. Optional: `params`, values for the
// collection's other path parameters ({provider}); `sameAs`, another collection path serving
// the same objects (reuses its object); `none: true` when nothing can create one yet (chats,
// calls): the by-id routes must still answer the plain 404. `create` may resolve a FormData
// (an upload); `listQuery` holds the list's required parameters (GET /file's purpose).
const FIXTURES = {};
for (const file of readdirSync(new URL("./isolation/", import.meta.url)).sort()) {
  const group = await import(new URL(`./isolation/${file}`, import.meta.url));
  Object.assign(FIXTURES, group.FIXTURES);
}

let server, orgB;
const objects = {};  // collection path → org A's object

before(async () => {
  server = await startServer();
  orgB = await createOrg(server, "intruder");
  for (const [collection, fixture] of Object.entries(FIXTURES)) {
    if (fixture.none) continue;
    if (fixture.sameAs) {
      objects[collection] = objects[fixture.sameAs];
      continue;
    }
    const made = await fixture.create(server);  // a FormData for an upload (POST /file)
    const sent = made instanceof FormData ? { rawBody: made } : { body: made };
    const res = await api(server, fill(collection, fixture), { method: "POST", ...sent });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    objects[collection] = res.body;
  }
});
after(async () => {
  await server?.stop();
});

// A path template with the fixture's values for its parameters other than {id}.
function fill(path, fixture) {
  return path.replace(/\{(\w+)\}/g, (whole, name) => fixture?.params?.[name] ?? whole);
}

function byIdOperations() {
  const out = [];
  for (const [path, methods] of Object.entries(contract.paths)) {
    if (!/\/\{id\}$/.test(path)) continue;
    for (const method of Object.keys(methods)) out.push({ method: method.toUpperCase(), path });
  }
  return out;
}

test("every by-id operation with a route refuses another org's object with a plain 404", async () => {
  let audited = 0;
  for (const { method, path } of byIdOperations()) {
    const collection = path.slice(0, -"/{id}".length);
    const fixture = FIXTURES[collection];
    const target = objects[collection]?.id ?? "00000000-0000-4000-8000-000000000000";
    const res = await api(server, fill(path, fixture).replace("{id}", target), {
      method,
      token: orgB.apiKey,
      body: method === "PATCH" ? fixture?.patch ?? {} : undefined,
    });
    const routeMissing = res.status === 404 && /^Cannot /.test(res.body.message);
    if (routeMissing) continue;  // not served yet: nothing to leak
    assert.ok(fixture, `${method} ${path} is served but has no fixture in audit_isolation.test.mjs`);
    assert.equal(res.status, 404, `${method} ${path}: ${JSON.stringify(res.body)}`);
    assert.deepEqual(res.body, { message: fixture.notFound, error: "Not Found", statusCode: 404 });
    audited += 1;
  }
  assert.ok(audited >= 3, `only ${audited} operations audited`);
  for (const [collection, original] of Object.entries(objects)) {
    if (FIXTURES[collection].sameAs) continue;  // checked under its own collection
    const now = await api(server, `${fill(collection, FIXTURES[collection])}/${original.id}`);
    assert.equal(now.status, 200);
    assert.deepEqual(now.body, original, `${collection} changed by another org`);
  }
});

test("every list of the other org leaves the first org's objects out", async () => {
  for (const collection of Object.keys(FIXTURES)) {
    for (const path of [collection, `/v2${collection}`]) {
      if (!contract.paths[path]?.get) continue;
      const query = FIXTURES[collection].listQuery;
      const res = await api(server, fill(path, FIXTURES[collection]), { token: orgB.apiKey, query });
      assert.equal(res.status, 200, `${path}: ${JSON.stringify(res.body)}`);
      const items = Array.isArray(res.body) ? res.body : res.body.results;
      assert.deepEqual(items, [], `${path} shows another org's objects`);
    }
  }
});
