// Operations whose behaviour belongs to later issues: each is a real route that validates its
// body with the contract (a bad body is a 400 first), then answers 501 with NestJS's body and a
// message naming the capability that will bring it. Never a fake success.
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

test("POST /call dialling through a number no carrier of this server dials → 501 naming its provider; a bad body is a 400 first", async () => {
  const sip = await client.phoneNumbers.create({ provider: "vapi", sipUri: "sip:not-implemented@example.com" });
  await assertNotImplemented(
    client.calls.create({ assistantId: ASSISTANT_ID, phoneNumberId: sip.id, customer: { number: "+14155550100" } }),
    "Dialling out through vapi numbers is not supported by this server yet; twilio, vonage and telnyx numbers can call out",
  );
  assertBadRequest(await expectError(client.calls.create({ assistantId: 42 })), "assistantId must be a string");
  assertBadRequest(await expectError(client.calls.create({ dialTone: true })), "property dialTone should not exist");
});

test("POST /eval/run → 501 naming the eval runner", async () => {
  await assertNotImplemented(
    client.eval.evalControllerRun({ type: "eval", evalId: ASSISTANT_ID, target: { type: "assistant", assistantId: ASSISTANT_ID } }),
    "Running evals needs the eval runner (mock conversations with assistants over LLM providers)" + LATER,
  );
  assertBadRequest(await expectError(client.eval.evalControllerRun({ type: "eval" })), "target should not be null or undefined");
});

test("the 501 routes still need an API key", async () => {
  const res = await api(server, "/eval/run", { method: "POST", token: null, body: { type: "eval" } });
  assert.equal(res.status, 401);
});
