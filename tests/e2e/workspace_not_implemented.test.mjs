// What this server's configuration cannot do answers 501: a real route that validates its body
// with the contract (a bad body is a 400 first), then answers 501 with NestJS's body and a
// message naming what is missing. Never a fake success. (No route of the document answers 501
// for every body any more.)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, expectError, assertBadRequest, api } from "./harness.mjs";

let server, client;
before(async () => {
  server = await startServer();
  client = server.client;
});
after(async () => {
  await server?.stop();
});

const LATER = ", which this server does not have yet";
const ASSISTANT_ID = "4f1c8a2e-9b3d-4e5f-8a7b-6c5d4e3f2a1b";

/** Asserts the exact 501 body. */
async function assertNotImplemented(promise, message) {
  const err = await expectError(promise);
  assert.equal(err.statusCode, 501, JSON.stringify(err.body));
  assert.deepEqual(err.body, { message, error: "Not Implemented", statusCode: 501 });
}

test("POST /call dialling through a SIP number on a server without --sip-port → 501 saying so; a bad body is a 400 first", async () => {
  const sip = await client.phoneNumbers.create({ provider: "vapi", sipUri: "sip:not-implemented@example.com" });
  await assertNotImplemented(
    client.calls.create({ assistantId: ASSISTANT_ID, phoneNumberId: sip.id, customer: { number: "+14155550100" } }),
    "vapi numbers dial SIP URIs (customer.sipUri), which needs this server's SIP side: start it with --sip-port",
  );
  assertBadRequest(await expectError(client.calls.create({ assistantId: 42 })), "assistantId must be a string");
  assertBadRequest(await expectError(client.calls.create({ dialTone: true })), "property dialTone should not exist");
});

test("a route that may answer 501 still needs an API key first", async () => {
  const res = await api(server, "/call", { method: "POST", token: null, body: {} });
  assert.equal(res.status, 401);
});
