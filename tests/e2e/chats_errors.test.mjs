// Chats that cannot be answered: what the client is told, with which status, for requests the
// server refuses itself (4xx, nothing sent upstream) and for providers that fail (502 when the
// provider answered an error, 504 when it could not be reached), streamed or not.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { expectError, assertBadRequest } from "./harness.mjs";
import {
  startChatServer, createAssistant, scripted, withRequests, chat, postChat, assertFailure, closedPort,
} from "./chats_helpers.mjs";

let env, server, client, standin, assistant;
before(async () => {
  env = await startChatServer();
  ({ server, standin } = env);
  client = server.client;
  assistant = await createAssistant(server, "Plain", "Plain.");
});
after(async () => {
  await env?.stop();
});

test("a provider the chat engine does not speak is a 400 naming it", async () => {
  const gemini = await createAssistant(server, "Gemini", "Gemini.", { provider: "google", model: "gemini-1.5-flash" });
  const [res, requests] = await withRequests(standin, () => chat(server, { assistantId: gemini.id, input: "hi" }));
  assertFailure(res, 400, "google");
  assert.equal(requests.length, 0);
});

test("no key for the provider (no credential, no env) is a 400 naming the variable and the credential", async () => {
  const bare = await startChatServer({ env: { OPENAI_API_KEY: "" } });
  try {
    const a = await createAssistant(bare.server, "Keyless", "Keyless.");
    const res = await chat(bare.server, { assistantId: a.id, input: "hi" });
    assertFailure(res, 400, "OPENAI_API_KEY", "credential", "openai");
    assert.equal(bare.standin.requests.length, 0);
  } finally {
    await bare.stop();
  }
});

test("a provider's 401 and 500 are 502s naming the provider, its status and its message", async () => {
  const denied = await createAssistant(server, "Denied", "Denied.", scripted("error-401"));
  assertFailure(await chat(server, { assistantId: denied.id, input: "hi" }), 502, "openrouter answered 401: Incorrect API key provided");
  const broken = await createAssistant(server, "Broken", "Broken.", scripted("error-500"));
  assertFailure(await chat(server, { assistantId: broken.id, input: "hi" }), 502, "openrouter answered 500: The server had an error");
  // A failed chat is not stored.
  assert.deepEqual((await client.chats.list({ assistantId: denied.id })).results, []);
});

test("a provider that cannot be reached is a 504 naming it", async () => {
  const port = await closedPort();
  const offline = await startChatServer({ args: ["--llm-base-url", `openai=http://127.0.0.1:${port}/v1`] });
  try {
    const a = await createAssistant(offline.server, "Offline", "Offline.");
    const res = await chat(offline.server, { assistantId: a.id, input: "anyone?" });
    assertFailure(res, 504, "openai", "did not answer");
  } finally {
    await offline.stop();
  }
});

test("a provider that accepts and never answers is a 504 after --llm-timeout, never a hang", async () => {
  const slow = await startChatServer({ args: ["--llm-timeout", "1"] });
  try {
    const a = await createAssistant(slow.server, "Hung", "Hung.", scripted("hang"));
    const started = Date.now();
    const res = await chat(slow.server, { assistantId: a.id, input: "hello?" });
    assertFailure(res, 504, "openrouter", "did not answer");
    const waited = Date.now() - started;
    assert.ok(waited >= 900 && waited < 5000, `answered after ${waited} ms`);
    // Streamed, the same: nothing was sent yet, so it is an ordinary JSON error.
    const streamed = await postChat(slow.server, { assistantId: a.id, input: "hello?", stream: true });
    assert.equal(streamed.status, 504);
    assert.match(streamed.headers.get("content-type"), /application\/json/);
  } finally {
    await slow.stop();
  }
});

test("a chat without an assistant is a 400; an unknown assistant a 404", async () => {
  assertFailure(await chat(server, { input: "hi" }), 400, "assistant");
  const missing = await expectError(client.chats.create({ assistantId: "3b0c8a4e-5d6f-4e7a-8b9c-0d1e2f3a4b5c", input: "hi" }));
  assert.equal(missing.statusCode, 404);
  assert.match(missing.body.message, /Assistant not found/);
  assertFailure(await chat(server, { assistantId: assistant.id, assistant: { name: "Two" }, input: "hi" }), 400);
});

test("an empty input is a 400 and reaches no provider", async () => {
  const [[text, list], requests] = await withRequests(standin, async () => [
    await chat(server, { assistantId: assistant.id, input: "" }),
    await chat(server, { assistantId: assistant.id, input: [] }),
  ]);
  assertFailure(text, 400, "input");
  assertFailure(list, 400, "input");
  assert.equal(requests.length, 0);
});

test("a streamed chat that fails before its first delta is an ordinary JSON error, not a stream", async () => {
  const denied = await createAssistant(server, "Denied stream", "Denied.", scripted("error-401"));
  const res = await postChat(server, { assistantId: denied.id, input: "hi", stream: true });
  assert.equal(res.status, 502);
  assert.match(res.headers.get("content-type"), /^application\/json/);
  const body = await res.json();
  assert.equal(body.statusCode, 502);
  assert.match(body.message, /^openrouter answered 401: Incorrect API key provided/);

  const refused = await postChat(server, { input: "no assistant", stream: true });
  assert.equal(refused.status, 400);
  assert.match(refused.headers.get("content-type"), /^application\/json/);
  assert.equal((await refused.json()).statusCode, 400);
});

test("bodies are checked by the contract before anything runs", async () => {
  const [, requests] = await withRequests(standin, async () => {
    // `input` is required: a string or a list of messages.
    assertBadRequest(await expectError(client.chats.create({ assistantId: assistant.id })), "input must be a string");
    assertBadRequest(await expectError(client.chats.createResponse({ input: "Hi", stream: "yes" })), "stream must be a boolean value");
  });
  assert.equal(requests.length, 0);
});
