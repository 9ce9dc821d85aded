import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "./harness.mjs";

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

test("GET /health answers without a key", async () => {
  const res = await fetch(`${server.baseUrl}/health`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: "ok" });
  assert.ok(res.headers.get("x-request-id"));
});

test("an unknown route is a 404 that names it", async () => {
  const res = await fetch(`${server.baseUrl}/nope`, {
    headers: { Authorization: `Bearer ${server.apiKey}` },
  });
  assert.equal(res.status, 404);
  assert.deepEqual(await res.json(), { message: "Cannot GET /nope", error: "Not Found", statusCode: 404 });
});
