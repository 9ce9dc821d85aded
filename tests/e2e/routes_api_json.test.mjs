// GET /api-json: the contract as an OpenAPI document, public like a NestJS app's Swagger JSON.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startServer, api } from "./harness.mjs";

const contract = JSON.parse(
  readFileSync(fileURLToPath(new URL("../../contract/vapi-contract.json", import.meta.url)), "utf8"),
);

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

test("GET /api-json needs no key and describes every path, method and schema of the contract", async () => {
  const res = await api(server, "/api-json", { token: null });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type"), /^application\/json/);
  const doc = res.body;
  assert.match(doc.openapi, /^3\./);
  assert.equal(typeof doc.info.title, "string");
  assert.deepEqual(Object.keys(doc.paths).sort(), Object.keys(contract.paths).sort());
  for (const [path, methods] of Object.entries(contract.paths))
    assert.deepEqual(Object.keys(doc.paths[path]).sort(), Object.keys(methods).sort(), path);
  assert.deepEqual(Object.keys(doc.components.schemas).sort(), Object.keys(contract.schemas).sort());
  // OpenAPI's own shape: a request body's media type holds a schema; responses by status.
  const create = doc.paths["/structured-output"].post;
  assert.deepEqual(create.requestBody.content["application/json"].schema, { $ref: "#/components/schemas/CreateStructuredOutputDTO" });
  assert.deepEqual(create.responses["201"].content["application/json"].schema, { $ref: "#/components/schemas/StructuredOutput" });
});

test("GET /api-json serves the same bytes every time, with or without a key", async () => {
  const texts = [];
  for (const token of [null, undefined, "not-a-key-at-all"]) {
    const url = new URL("/api-json", server.baseUrl);
    const headers = token === undefined ? { Authorization: `Bearer ${server.apiKey}` } : token ? { Authorization: `Bearer ${token}` } : {};
    const res = await fetch(url, { headers });
    assert.equal(res.status, 200);
    texts.push(await res.text());
  }
  assert.ok(texts[0].length > 100000, `only ${texts[0].length} bytes`);
  assert.equal(texts[1], texts[0]);
  assert.equal(texts[2], texts[0]);
});
