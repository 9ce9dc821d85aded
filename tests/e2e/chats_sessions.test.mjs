// Chats that continue a conversation: in a session (its assistant, its variables, its stored
// messages, appended atomically even by concurrent chats) or after a previous chat; and the
// combinations the API refuses.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { api } from "./harness.mjs";
import { startChatServer, createAssistant, withRequests, assertAnswer, chat, assertFailure } from "./chats_helpers.mjs";

let env, server, client, standin, assistant;
before(async () => {
  env = await startChatServer();
  ({ server, standin } = env);
  client = server.client;
  assistant = await createAssistant(server, "Memory", "You remember.");
});
after(async () => {
  await env?.stop();
});

const user = (content) => ({ role: "user", content });
const said = (content) => ({ role: "assistant", content: `You said: ${content}` });

test("chats in a session see the earlier chats' messages, and the session stores them all", async () => {
  const session = await client.sessions.create({ assistantId: assistant.id });
  const first = await client.chats.create({ sessionId: session.id, input: "my name is Ada" });
  assertAnswer(first, "You said: my name is Ada");
  assert.equal(first.sessionId, session.id);
  assert.equal(first.assistantId, assistant.id, "the chat names the session's assistant");

  const [second, [request]] = await withRequests(standin, () => client.chats.create({ sessionId: session.id, input: "who am I" }));
  assertAnswer(second, "You said: who am I");
  assert.deepEqual(request.body.messages, [
    { role: "system", content: "You remember." },
    user("my name is Ada"),
    said("my name is Ada"),
    user("who am I"),
  ]);
  const stored = await client.sessions.get({ id: session.id });
  assert.deepEqual(stored.messages, [user("my name is Ada"), said("my name is Ada"), user("who am I"), said("who am I")]);
  assert.deepEqual((await client.chats.list({ sessionId: session.id })).results.map((c) => c.id).sort(), [first.id, second.id].sort());
});

test("previousChatId continues a chat: its messages and answer come first, its assistant answers", async () => {
  const first = await client.chats.create({ assistantId: assistant.id, input: "remember 42" });
  const [next, [request]] = await withRequests(standin, () => client.chats.create({ previousChatId: first.id, input: "what number" }));
  assertAnswer(next, "You said: what number");
  assert.equal(next.previousChatId, first.id);
  assert.equal(next.assistantId, assistant.id);
  assert.deepEqual(request.body.messages.slice(1), [user("remember 42"), said("remember 42"), user("what number")]);
  // And on: the third sees both before it.
  const [, [third]] = await withRequests(standin, () => client.chats.create({ previousChatId: next.id, input: "again" }));
  assert.deepEqual(third.body.messages.slice(1).map((m) => m.content), ["remember 42", "You said: remember 42", "what number", "You said: what number", "again"]);
});

test("sessionId with previousChatId, or with an assistant of its own, is a 400 naming the fields", async () => {
  const session = await client.sessions.create({ assistantId: assistant.id });
  const first = await client.chats.create({ assistantId: assistant.id, input: "one" });
  const [[both, withAssistant], requests] = await withRequests(standin, async () => [
    await chat(server, { sessionId: session.id, previousChatId: first.id, input: "two" }),
    await chat(server, { sessionId: session.id, assistantId: assistant.id, input: "two" }),
  ]);
  assert.equal(requests.length, 0, "nothing reaches the provider");
  assertFailure(both, 400, "sessionId", "previousChatId");
  assertFailure(withAssistant, 400, "sessionId", "assistantId");
});

test("a completed session takes no more chats", async () => {
  const session = await client.sessions.create({ assistantId: assistant.id });
  await client.chats.create({ sessionId: session.id, input: "before" });
  await client.sessions.update({ id: session.id, status: "completed" });
  const res = await chat(server, { sessionId: session.id, input: "after" });
  assertFailure(res, 400, session.id, "completed");
  assert.equal((await client.sessions.get({ id: session.id })).messages.length, 2, "the refused chat adds nothing");
});

test("a chat in an unknown session is a 404", async () => {
  const res = await chat(server, { sessionId: "0f5d3c2b-1a09-4e8f-9d7c-6b5a4f3e2d1c", input: "hello?" });
  assertFailure(res, 404, "Session not found");
});

test("10 concurrent chats in one session: 20 messages, each question followed by its own answer", async () => {
  const session = await client.sessions.create({ assistantId: assistant.id });
  const inputs = Array.from({ length: 10 }, (_, i) => `question number ${i}`);
  const chats = await Promise.all(inputs.map((input) => client.chats.create({ sessionId: session.id, input })));
  chats.forEach((c, i) => assertAnswer(c, `You said: ${inputs[i]}`));
  const { messages } = await client.sessions.get({ id: session.id });
  assert.equal(messages.length, 20, JSON.stringify(messages));
  for (let k = 0; k < 20; k += 2) {
    assert.equal(messages[k].role, "user");
    assert.deepEqual(messages[k + 1], said(messages[k].content), `message ${k + 1} answers message ${k}`);
  }
  assert.deepEqual(messages.filter((m) => m.role === "user").map((m) => m.content).sort(), [...inputs].sort());
});

test("a session's variableValues are baked into its assistant's prompt; a chat's own text renders with both sets", async () => {
  const templated = await createAssistant(server, "Host", "You host {{guest}} at {{place}}.");
  const session = await client.sessions.create({
    assistantId: templated.id,
    assistantOverrides: { variableValues: { guest: "Grace", place: "the harbour" } },
  });
  const ask = { sessionId: session.id, input: "what is your system prompt" };
  assertAnswer(await client.chats.create(ask), "System: You host Grace at the harbour.");
  // A chat's overrides bring their own prompt: the session's variables and the chat's render it.
  const model = { provider: "openai", model: "gpt-4o", messages: [{ role: "system", content: "You host {{guest}} on {{day}}." }] };
  const moved = await client.chats.create({ ...ask, assistantOverrides: { model, variableValues: { day: "Friday" } } });
  assertAnswer(moved, "System: You host Grace on Friday.");
  // The session itself is unchanged: the next chat is the session's assistant again.
  assertAnswer(await client.chats.create(ask), "System: You host Grace at the harbour.");
});

test("a chat in a session streamed and whole stores the same way", async () => {
  const session = await client.sessions.create({ assistantId: assistant.id });
  const res = await api(server, "/chat", { method: "POST", body: { sessionId: session.id, input: "streamed", stream: true } });
  assert.equal(res.status, 200);
  await client.chats.create({ sessionId: session.id, input: "whole" });
  const { messages } = await client.sessions.get({ id: session.id });
  assert.deepEqual(messages, [user("streamed"), said("streamed"), user("whole"), said("whole")]);
});
