// Chats as the assistant's server sees them: chat.created when a chat is stored and
// chat.deleted when it is deleted, for an assistant whose serverMessages ask for them (Vapi's
// default list has neither); and a chat in a session is an update of that session — its
// updatedAt moves to the chat's time and session.updated is sent.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startChatServer, createAssistant, assertAnswer } from "./chats_helpers.mjs";
import { startReceiver, sleep } from "./webhooks_receiver.mjs";

let env, server, client, receiver;
before(async () => {
  receiver = await startReceiver();
  env = await startChatServer();
  ({ server } = env);
  client = server.client;
});
after(async () => {
  await env?.stop();
  await receiver?.close();
});

const CHAT_MESSAGES = ["chat.created", "chat.deleted"];

test("chat.created and chat.deleted reach the assistant's server when its serverMessages ask", async () => {
  const assistant = await createAssistant(server, "Announcer", "You answer.", {}, {
    server: { url: receiver.url("/chats") },
    serverMessages: CHAT_MESSAGES,
  });
  const made = await client.chats.create({ assistantId: assistant.id, input: "hello" });
  assertAnswer(made, "You said: hello");
  const [created] = await receiver.waitFor("/chats", 1);
  assert.equal(created.json.message.type, "chat.created");
  assert.equal(typeof created.json.message.timestamp, "number");
  assert.deepEqual(created.json.message.chat, await client.chats.get({ id: made.id }));

  await client.chats.delete({ id: made.id });
  const hits = await receiver.waitFor("/chats", 2);
  assert.equal(hits[1].json.message.type, "chat.deleted");
  assert.equal(hits[1].json.message.chat.id, made.id);
  assert.deepEqual(hits[1].json.message.chat.output, made.output);
});

test("a chat's assistantOverrides can ask for the chat messages; the org's server takes them", async () => {
  const assistant = await createAssistant(server, "Quiet", "You answer.");
  const org = await fetch(new URL(`/org/${assistant.orgId}`, server.baseUrl), {
    method: "PATCH",
    headers: { Authorization: `Bearer ${server.apiKey}`, "Content-Type": "application/json" },
    body: JSON.stringify({ server: { url: receiver.url("/org-chats") } }),
  });
  assert.equal(org.status, 200);
  try {
    const made = await client.chats.create({ assistantId: assistant.id, input: "hi", assistantOverrides: { serverMessages: ["chat.created"] } });
    const [hit] = await receiver.waitFor("/org-chats", 1);
    assert.equal(hit.json.message.type, "chat.created");
    assert.equal(hit.json.message.chat.id, made.id);
  } finally {
    await fetch(new URL(`/org/${assistant.orgId}`, server.baseUrl), {
      method: "PATCH",
      headers: { Authorization: `Bearer ${server.apiKey}`, "Content-Type": "application/json" },
      body: JSON.stringify({ server: null }),
    });
  }
});

test("without chat messages in serverMessages, a chat sends none", async () => {
  const assistant = await createAssistant(server, "Default", "You answer.", {}, { server: { url: receiver.url("/default") } });
  const made = await client.chats.create({ assistantId: assistant.id, input: "hi" });
  await client.chats.delete({ id: made.id });
  // A session of the same assistant is announced (session messages need no opt-in); by the time
  // it arrives, chat messages enqueued before it would have too.
  await client.sessions.create({ assistantId: assistant.id });
  await receiver.waitFor("/default", 1);
  await sleep(300);
  assert.deepEqual(receiver.hits("/default").map((h) => h.json.message.type), ["session.created"]);
});

test("a chat in a session moves the session's updatedAt to the chat's time and sends session.updated", async () => {
  const assistant = await createAssistant(server, "Session keeper", "You remember.", {}, { server: { url: receiver.url("/session") } });
  const session = await client.sessions.create({ assistantId: assistant.id });
  await receiver.waitFor("/session", 1);
  await sleep(1100);  // so a 1 ms nudge could not pass for the chat's time
  const before = Date.now();
  const made = await client.chats.create({ sessionId: session.id, input: "remember me" });
  const stored = await client.sessions.get({ id: session.id });
  assert.ok(Date.parse(stored.updatedAt) >= before - 5, `${stored.updatedAt} is not the chat's time`);
  assert.ok(Date.parse(stored.updatedAt) >= Date.parse(made.createdAt));
  assert.equal(stored.createdAt, session.createdAt);

  const hits = await receiver.waitFor("/session", 2);
  assert.deepEqual(hits.map((h) => h.json.message.type), ["session.created", "session.updated"]);
  assert.deepEqual(hits[1].json.message.session, stored);

  // updatedAt filters find the session in use.
  const recent = await client.sessions.list({ updatedAtGe: new Date(before - 5).toISOString() });
  assert.ok(recent.results.some((s) => s.id === session.id), "updatedAtGe misses the session");
});
