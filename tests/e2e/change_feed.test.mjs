// Every producer of writes — the resource API, the chat service, the inbound-call routing —
// is seen by the very next read, even when that read is answered from a response cache that
// was filled just before the write: the store's change feed keeps every cache true, no writer
// has to remember to.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { api } from "./harness.mjs";
import { nextNumber } from "./fixtures.mjs";
import { startChatServer, createAssistant } from "./chats_helpers.mjs";
import { twilioPost, twilioRing, nextCallSid } from "./telephony_helpers.mjs";

const ACCOUNT = "AC0123456789abcdef0123456789abcdef";
const TOKEN = "twilio-auth-token-for-tests";

let env, server, client;
before(async () => {
  env = await startChatServer();
  ({ server } = env);
  client = server.client;
});
after(async () => {
  await env?.stop();
});

/** Reads `path` twice, so the second answer comes from the cache if the route keeps one. */
async function warm(path) {
  await api(server, path);
  return api(server, path);
}

test("the resource API: a create, update and delete are in the next list and read", async () => {
  await warm("/tool");
  const tool = await client.tools.create({ type: "function", function: { name: "lookup" } });
  assert.ok((await api(server, "/tool")).body.some((t) => t.id === tool.id));
  await warm(`/tool/${tool.id}`);
  await client.tools.update({ id: tool.id, body: { function: { name: "lookup_v2" } } });
  assert.equal((await api(server, `/tool/${tool.id}`)).body.function.name, "lookup_v2");
  await client.tools.delete({ id: tool.id });
  assert.equal((await api(server, `/tool/${tool.id}`)).status, 404);
});

test("the chat service: a chat and its session's new messages are in the next reads", async () => {
  const assistant = await createAssistant(server, "Feed", "You answer.");
  const session = await client.sessions.create({ assistantId: assistant.id });
  const before = (await warm(`/session/${session.id}`)).body;
  assert.deepEqual(before.messages ?? [], []);
  await warm("/chat");
  const chat = await client.chats.create({ sessionId: session.id, input: "hello" });
  assert.ok((await api(server, "/chat")).body.results.some((c) => c.id === chat.id), "the chat list is stale");
  assert.equal((await api(server, `/chat/${chat.id}`)).status, 200);
  const after = (await api(server, `/session/${session.id}`)).body;
  assert.equal(after.messages.length, 2, "the session read is stale");
  assert.notEqual(after.updatedAt, before.updatedAt);
});

test("the inbound-call routing: a ringing call and its end are in the next reads", async () => {
  const assistant = await createAssistant(server, "Phone", "You answer calls.");
  const number = await client.phoneNumbers.create({
    provider: "twilio", number: nextNumber("+1415666"), twilioAccountSid: ACCOUNT, twilioAuthToken: TOKEN,
    assistantId: assistant.id,
  });
  await warm("/call");
  const callSid = nextCallSid();
  const ring = twilioRing({ to: number.number, from: "+14155550123", accountSid: ACCOUNT, callSid });
  assert.equal((await twilioPost(server, "/twilio/inbound_call", ring, { authToken: TOKEN })).status, 200);
  const calls = (await api(server, "/call")).body.filter((c) => c.phoneCallProviderId === callSid);
  assert.equal(calls.length, 1, "the call list is stale");
  assert.equal(calls[0].status, "in-progress");

  await warm(`/call/${calls[0].id}`);
  const status = { AccountSid: ACCOUNT, CallSid: callSid, CallStatus: "completed", To: number.number, From: "+14155550123" };
  assert.equal((await twilioPost(server, "/twilio/status", status, { authToken: TOKEN })).status, 204);
  assert.equal((await api(server, `/call/${calls[0].id}`)).body.status, "ended", "the call read is stale");
});
