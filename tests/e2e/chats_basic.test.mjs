// POST /chat answered whole, through the official SDK, by a server whose LLM providers are the
// stand-in: the answer, what is stored and listed, variables rendered into the system prompt,
// model settings and keys as the provider receives them, OpenAI and Anthropic alike.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { api, expectError, UUID_V4, ISO_MS } from "./harness.mjs";
import {
  startChatServer, createAssistant, assistantBody, withRequests, assertAnswer, chat, assertFailure,
  ENV_OPENAI_KEY, ENV_ANTHROPIC_KEY,
} from "./chats_helpers.mjs";

let env, server, client, standin;
before(async () => {
  env = await startChatServer();
  ({ server, standin } = env);
  client = server.client;
});
after(async () => {
  await env?.stop();
});

test("a chat with an assistant answers, is stored with its messages and costs, listed and deleted", async () => {
  const assistant = await createAssistant(server, "Concise", "You are a concise helper.");
  const [created, requests] = await withRequests(standin, () => client.chats.create({ assistantId: assistant.id, input: "hello there" }));
  assert.match(created.id, UUID_V4);
  assert.equal(created.assistantId, assistant.id);
  assert.equal(created.orgId, assistant.orgId);
  assert.match(created.createdAt, ISO_MS);
  assertAnswer(created, "You said: hello there");
  assert.deepEqual(created.messages.at(-1), { role: "user", content: "hello there" });
  // The stand-in counts words: 5 in the system prompt + 2 of input; one token per delta.
  const model = created.costs.find((c) => c.type === "model");
  assert.deepEqual(model, { type: "model", model: { provider: "openai", model: "gpt-4o" }, promptTokens: 7, completionTokens: 4, cost: 0 });

  assert.equal(requests.length, 1);
  assert.equal(requests[0].path, "/v1/chat/completions");
  assert.equal(requests[0].headers.authorization, `Bearer ${ENV_OPENAI_KEY}`);
  assert.deepEqual(requests[0].body.messages, [
    { role: "system", content: "You are a concise helper." },
    { role: "user", content: "hello there" },
  ]);

  assert.deepEqual(await client.chats.get({ id: created.id }), created);
  const other = await createAssistant(server, "Other", "Another assistant.");
  await client.chats.create({ assistantId: other.id, input: "not listed" });
  const page = await client.chats.list({ assistantId: assistant.id });
  assert.deepEqual(page.results.map((c) => c.id), [created.id]);

  assert.deepEqual(await client.chats.delete({ id: created.id }), created);
  const gone = await expectError(client.chats.get({ id: created.id }));
  assert.equal(gone.statusCode, 404);
  assert.deepEqual((await client.chats.list({ assistantId: assistant.id })).results, []);
});

test("variableValues of assistantOverrides reach the system prompt; a missing one takes its default", async () => {
  const assistant = await createAssistant(server, "Greeter", 'You help {{name}}; greet {{ missing | default: "friend" }}.');
  const [created, [request]] = await withRequests(standin, () =>
    client.chats.create({ assistantId: assistant.id, input: "what is your system prompt", assistantOverrides: { variableValues: { name: "Ada" } } }),
  );
  assertAnswer(created, "System: You help Ada; greet friend.");
  assert.deepEqual(request.body.messages[0], { role: "system", content: "You help Ada; greet friend." });
  // The stored assistant keeps its template: the next chat renders its own variables.
  const plain = await client.chats.create({ assistantId: assistant.id, input: "what is your system prompt", assistantOverrides: { variableValues: { name: "Grace" } } });
  assertAnswer(plain, "System: You help Grace; greet friend.");
});

test("a transient assistant given inline runs like a stored one, and is kept on the chat", async () => {
  const inline = assistantBody("Inline", "You are inline.");
  const created = await client.chats.create({ assistant: inline, input: "what is your system prompt" });
  assertAnswer(created, "System: You are inline.");
  assert.equal(created.assistantId, undefined);
  assert.equal(created.assistant.name, "Inline");
  assert.deepEqual((await client.chats.get({ id: created.id })).output, created.output);
});

test("temperature and maxTokens of the model reach the provider, with the model name and streaming on", async () => {
  const assistant = await createAssistant(server, "Tuned", "Tuned.", { temperature: 0.3, maxTokens: 57 });
  const [, [request]] = await withRequests(standin, () => client.chats.create({ assistantId: assistant.id, input: "tuned?" }));
  assert.equal(request.body.model, "gpt-4o");
  assert.equal(request.body.temperature, 0.3);
  assert.equal(request.body.max_tokens, 57);
  assert.equal(request.body.stream, true);

  // Overrides of the model reach it the same way, for this chat only.
  const [, [overridden]] = await withRequests(standin, () =>
    client.chats.create({ assistantId: assistant.id, input: "colder", assistantOverrides: { model: { provider: "openai", model: "gpt-4o-mini", temperature: 0 } } }),
  );
  assert.equal(overridden.body.model, "gpt-4o-mini");
  assert.equal(overridden.body.temperature, 0);
});

test("an Anthropic assistant is sent to the Messages API: the system prompt in `system`, its key in x-api-key", async () => {
  const assistant = await createAssistant(server, "Claude", "You are Claude, briefly.", { provider: "anthropic", model: "claude-3-5-sonnet-20241022", maxTokens: 300 });
  const [created, requests] = await withRequests(standin, () => client.chats.create({ assistantId: assistant.id, input: "what is your system prompt" }));
  assertAnswer(created, "System: You are Claude, briefly.");
  assert.equal(requests.length, 1);
  const [request] = requests;
  assert.equal(request.path, "/v1/messages");
  assert.equal(request.headers["x-api-key"], ENV_ANTHROPIC_KEY);
  assert.ok(request.headers["anthropic-version"], "anthropic-version is sent");
  assert.equal(request.body.system, "You are Claude, briefly.");
  assert.equal(request.body.model, "claude-3-5-sonnet-20241022");
  assert.equal(request.body.max_tokens, 300);
  assert.deepEqual(request.body.messages.map((m) => m.role), ["user"]);
  const model = created.costs.find((c) => c.type === "model");
  assert.deepEqual(model.model, { provider: "anthropic", model: "claude-3-5-sonnet-20241022" });
  assert.ok(model.promptTokens > 0 && model.completionTokens > 0, JSON.stringify(model));
});

test("the org's openai credential wins over the server's key", async () => {
  const own = await startChatServer({ standin: { requireKey: "sk-org-credential-91" } });
  try {
    const assistant = await createAssistant(own.server, "Keyed", "Keyed.");
    // The stand-in takes only the org's key: with the server's key the provider says 401.
    assertFailure(await chat(own.server, { assistantId: assistant.id, input: "hi" }), 502, "openai", "Incorrect API key provided");
    const cred = await api(own.server, "/credential", { method: "POST", body: { provider: "openai", apiKey: "sk-org-credential-91" } });
    assert.equal(cred.status, 201, JSON.stringify(cred.body));
    const [created, [request]] = await withRequests(own.standin, () => own.server.client.chats.create({ assistantId: assistant.id, input: "hi" }));
    assertAnswer(created, "You said: hi");
    assert.equal(request.headers.authorization, "Bearer sk-org-credential-91");
  } finally {
    await own.stop();
  }
});
