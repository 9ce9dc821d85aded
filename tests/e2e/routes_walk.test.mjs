// The route walk: every path and method of the API document (contract/vapi-contract.json)
// outside the few groups left out on purpose must have a route. Each operation is sent once
// (path parameters filled in, an empty JSON body where one is taken); a 404 whose message
// starts with "Cannot " means the route is missing. Anything else — 200, 400, 404 "... not
// found", 501 — proves the route exists. The failure lists every missing operation.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startServer, api } from "./harness.mjs";

const contract = JSON.parse(
  readFileSync(fileURLToPath(new URL("../../contract/vapi-contract.json", import.meta.url)), "utf8"),
);

// Paths of the document outside the reference's groups: not served, on purpose.
const OUT_OF_SCOPE = [/^\/v2\/knowledge-base(\/|$)/, /^\/reporting\/board(\/|$)/];

// The reference's groups as the issue names them; each must still be in the document, so a
// renamed path cannot silently leave the walk. (Paths the document gains, such as
// /credential, are walked too: everything not out of scope is.)
const REFERENCE_GROUPS = [
  /^\/assistant(\/|$)/,
  /^\/squad(\/|$)/,
  /^\/call\/\{id\}\/mono-recording$/, // /call and its sub-resources
  /^\/call(\/|$)/,
  /^\/chat\/responses$/, // /chat and /chat/responses
  /^\/chat(\/|$)/,
  /^\/campaign(\/|$)/,
  /^\/v2\/campaign(\/|$)/,
  /^\/session(\/|$)/,
  /^\/phone-number(\/|$)/,
  /^\/v2\/phone-number(\/|$)/,
  /^\/tool(\/|$)/,
  /^\/file(\/|$)/,
  /^\/structured-output\/run$/, // /structured-output and its /run
  /^\/structured-output(\/|$)/,
  /^\/reporting\/insight\/preview$/, // /reporting/insight, its /{id}/run and /preview
  /^\/reporting\/insight\/\{id\}\/run$/,
  /^\/reporting\/insight(\/|$)/,
  /^\/eval(\/|$)/,
  /^\/eval\/run(\/|$)/,
  /^\/eval\/simulation(\/|$)/,
  /^\/observability\/scorecard(\/|$)/,
  /^\/provider\/\{provider\}\/\{resourceName\}(\/|$)/,
  /^\/analytics$/,
];

const ZERO_ID = "00000000-0000-4000-8000-000000000000";

const inScope = (path) => !OUT_OF_SCOPE.some((g) => g.test(path));

// A concrete path: ids are a well-formed unknown UUID, enum-typed segments their first value.
function concrete(path, op) {
  return path.replace(/\{(\w+)\}/g, (whole, name) => {
    const param = (op.parameters ?? []).find((p) => p.in === "path" && p.name === name);
    const values = param?.schema?.enum;
    return values?.length ? encodeURIComponent(values[0]) : ZERO_ID;
  });
}

function operationsInScope() {
  const out = [];
  for (const [path, methods] of Object.entries(contract.paths)) {
    if (!inScope(path)) continue;
    for (const [method, op] of Object.entries(methods)) out.push({ method: method.toUpperCase(), path, op });
  }
  return out;
}

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

test("every reference group is in the document, and only the excluded groups are left out", () => {
  const paths = Object.keys(contract.paths);
  for (const group of REFERENCE_GROUPS)
    assert.ok(paths.some((p) => inScope(p) && group.test(p)), `no path of the document matches ${group}`);
  for (const group of OUT_OF_SCOPE) assert.ok(paths.some((p) => group.test(p)), `${group} excludes nothing`);
});

test("every path and method of the reference groups has a route", async () => {
  const missing = [];
  const failed = [];
  const operations = operationsInScope();
  for (const { method, path, op } of operations) {
    const takesJson = op.requestBody?.content?.["application/json"] !== undefined;
    const res = await api(server, concrete(path, op), {
      method,
      body: takesJson && method !== "DELETE" ? {} : undefined,
    });
    if (res.status === 404 && typeof res.body?.message === "string" && res.body.message.startsWith("Cannot ")) {
      missing.push(`${method} ${path}`);
    } else if (res.status >= 500 && res.status !== 501) {
      failed.push(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
    }
  }
  assert.ok(operations.length >= 90, `only ${operations.length} operations walked`);
  assert.deepEqual(failed, [], "operations that failed on the server");
  assert.deepEqual(missing, [], `operations without a route (${missing.length} of ${operations.length})`);
});
