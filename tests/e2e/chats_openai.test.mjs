// POST /chat/responses through the `openai` npm package, as Vapi's OpenAI-compatibility guide
// uses it: baseURL <server>/chat, responses.create with an assistantId, whole and streamed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import { startChatServer, createAssistant, withRequests, assertAnswer } from "./chats_helpers.mjs";

let env, server, standin, assistant, openai;
before(async () => {
  env = await startChatServer();
  ({ server, standin } = env);
  assistant = await createAssistant(server, "Compatible", "You are compatible.");
  openai = new OpenAI({ apiKey: server.apiKey, baseURL: `${server.baseUrl}/chat`, maxRetries: 0 });
});
after(async () => {
  await env?.stop();
});

test("responses.create (stream: false) answers a Response whose output_text is the chat's answer", async () => {
  const [response, requests] = await withRequests(standin, () =>
    openai.responses.create({ model: "gpt-4o", input: "hi there", stream: false, assistantId: assistant.id }),
  );
  assert.equal(response.object, "response");
  assert.equal(response.status, "completed");
  assert.equal(response.model, "gpt-4o");
  assert.equal(response.output_text, "You said: hi there");
  assert.equal(response.output[0].type, "message");
  assert.equal(response.output[0].role, "assistant");
  assert.equal(response.output[0].content[0].type, "output_text");
  assert.equal(response.output[0].content[0].text, "You said: hi there");
  assert.ok(response.usage.input_tokens > 0 && response.usage.output_tokens === 4, JSON.stringify(response.usage));
  assert.equal(response.usage.total_tokens, response.usage.input_tokens + response.usage.output_tokens);
  // The assistant chose the model, not the request's `model`.
  assert.equal(requests.length, 1);
  assert.equal(requests[0].body.messages[0].content, "You are compatible.");

  // The response's id is the chat's: it is stored, and continues as a previousChatId.
  assertAnswer(await server.client.chats.get({ id: response.id }), "You said: hi there");
  const [next, [request]] = await withRequests(standin, () =>
    openai.responses.create({ model: "gpt-4o", input: "and then", stream: false, previousChatId: response.id }),
  );
  assert.equal(next.output_text, "You said: and then");
  assert.deepEqual(request.body.messages.slice(1).map((m) => m.content), ["hi there", "You said: hi there", "and then"]);
});

test("responses.create (stream: true) yields output_text deltas of the answer, then response.completed", async () => {
  const stream = await openai.responses.create({ model: "gpt-4o", input: "stream it please", stream: true, assistantId: assistant.id });
  const events = [];
  for await (const event of stream) events.push(event);
  const types = events.map((e) => e.type);
  assert.equal(types[0], "response.created");
  assert.equal(types.at(-1), "response.completed");
  const deltas = events.filter((e) => e.type === "response.output_text.delta").map((e) => e.delta);
  assert.equal(deltas.length, 5, "a delta per word of 'You said: stream it please'");
  assert.equal(deltas.join(""), "You said: stream it please");
  assert.equal(events.find((e) => e.type === "response.output_text.done").text, "You said: stream it please");
  const completed = events.at(-1).response;
  assert.equal(completed.status, "completed");
  assert.equal(completed.output[0].content[0].text, "You said: stream it please");
  assert.deepEqual(events.map((e) => e.sequence_number), events.map((_, i) => i), "sequence numbers count up from 0");
  assertAnswer(await server.client.chats.get({ id: completed.id }), "You said: stream it please");
});

test("a failing chat is an APIError the openai client throws with the server's status and message", async () => {
  const bad = new OpenAI({ apiKey: "not-a-key", baseURL: `${server.baseUrl}/chat`, maxRetries: 0 });
  await assert.rejects(bad.responses.create({ model: "gpt-4o", input: "hi", stream: false, assistantId: assistant.id }), (e) => e.status === 401);
  await assert.rejects(
    openai.responses.create({ model: "gpt-4o", input: "hi", stream: false, assistantId: "3b0c8a4e-5d6f-4e7a-8b9c-0d1e2f3a4b5c" }),
    (e) => e instanceof OpenAI.APIError && e.status === 404,
  );
});
