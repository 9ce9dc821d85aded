// Tool calls in chats: the model (the stand-in, told "call <tool> with <json>") asks for a tool,
// the server runs it — a `function` tool's server gets a tool-calls message, an apiRequest tool
// its own HTTP request — and feeds the result back for the next round; failures reach the
// model as error text; handoffs move the chat to another assistant.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startReceiver } from "./webhooks_receiver.mjs";
import { startChatServer, createAssistant, withRequests } from "./chats_helpers.mjs";

let env, server, client, standin, receiver;
before(async () => {
  receiver = await startReceiver();
  env = await startChatServer();
  ({ server, standin } = env);
  client = server.client;
});
after(async () => {
  await env?.stop();
  await receiver?.close();
});

function weatherTool(path, serverFields = {}) {
  return {
    type: "function",
    function: {
      name: "get_weather",
      description: "The weather in a city",
      parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    },
    server: { url: receiver.url(path), ...serverFields },
  };
}

/** Answers each tool-calls message of `path` with `result` for its first call. */
function answerWith(path, result) {
  receiver.on(path, (hit) => ({
    body: JSON.stringify({ results: [{ toolCallId: hit.json.message.toolCallList[0].id, result }] }),
  }));
}

const ASK = 'call get_weather with {"city":"Paris"}';

test("a function tool's server gets the tool-calls message; its result goes back to the model", async () => {
  answerWith("/weather", "sunny");
  const assistant = await createAssistant(server, "Weather", "You know the weather.", { tools: [weatherTool("/weather")] });
  const [created, requests] = await withRequests(standin, () => client.chats.create({ assistantId: assistant.id, input: ASK }));

  const [hit] = receiver.hits("/weather");
  const message = hit.json.message;
  assert.equal(message.type, "tool-calls");
  assert.equal(message.chat.id, created.id);
  assert.equal(message.toolCallList.length, 1);
  const call = message.toolCallList[0];
  assert.deepEqual(call.function, { name: "get_weather", arguments: { city: "Paris" } });
  assert.equal(message.toolWithToolCallList[0].function.name, "get_weather");

  assert.equal(created.output.length, 3, JSON.stringify(created.output));
  const [asked, result, answer] = created.output;
  assert.equal(asked.role, "assistant");
  assert.deepEqual(asked.tool_calls, [{ id: call.id, type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }]);
  assert.deepEqual(result, { role: "tool", tool_call_id: call.id, name: "get_weather", content: "sunny" });
  assert.deepEqual(answer, { role: "assistant", content: "Tool said: sunny" });

  assert.equal(requests.length, 2);
  assert.deepEqual(requests[0].body.tools.map((t) => t.function.name), ["get_weather"]);
  assert.deepEqual(requests[1].body.messages.slice(-2).map((m) => m.role), ["assistant", "tool"]);
  assert.equal(requests[1].body.messages.at(-1).tool_call_id, call.id);
  const model = created.costs.find((c) => c.type === "model");
  // Three argument fragments, then three words: both rounds' tokens are counted.
  assert.equal(model.completionTokens, 6, JSON.stringify(model));
});

test("a tool server that fails or is too slow gives the model an error text; the chat still answers", async () => {
  receiver.on("/broken", () => ({ status: 500, body: '{"error":"boom"}' }));
  receiver.on("/slow", () => ({ delayMs: 3000, body: "{}" }));
  for (const [path, serverFields, why] of [["/broken", {}, "500"], ["/slow", { timeoutSeconds: 1 }, "did not answer"]]) {
    const assistant = await createAssistant(server, "Fragile", "Fragile.", { tools: [weatherTool(path, serverFields)] });
    const start = Date.now();
    const res = await client.chats.create({ assistantId: assistant.id, input: ASK }).withRawResponse();
    assert.equal(res.rawResponse.status, 200);
    const answer = res.data.output.at(-1).content;
    assert.match(answer, /^Tool said: Error: /, path);
    assert.ok(answer.includes(why), `${path}: ${answer}`);
    assert.equal(res.data.output[1].content, answer.slice("Tool said: ".length));
    if (path === "/slow") assert.ok(Date.now() - start < 2800, "the tool's timeoutSeconds cut the wait");
  }
});

test("a tool created with POST /tool and named in toolIds runs the same way", async () => {
  answerWith("/stored-tool", "cloudy");
  const tool = await client.tools.create(weatherTool("/stored-tool"));
  const assistant = await createAssistant(server, "Stored", "Stored tools.", { toolIds: [tool.id] });
  const created = await client.chats.create({ assistantId: assistant.id, input: ASK });
  assert.equal(created.output.at(-1).content, "Tool said: cloudy");
  assert.equal(receiver.hits("/stored-tool")[0].json.message.toolWithToolCallList[0].id, tool.id);
});

test("an apiRequest tool calls its URL with the arguments as body, or as query for GET", async () => {
  receiver.on("/orders", () => ({ status: 201, body: '{"orderId":"A1"}' }));
  receiver.on("/orders/A1?id=A1", () => ({ body: '{"status":"shipped"}' }));
  const create = await client.tools.create({
    type: "apiRequest", name: "create_order", method: "POST", url: receiver.url("/orders"),
    body: { type: "object", properties: { item: { type: "string" }, count: { type: "integer" } } },
  });
  const lookup = await client.tools.create({
    type: "apiRequest", name: "get_order", method: "GET", url: receiver.url("/orders/{{id}}"),
    body: { type: "object", properties: { id: { type: "string" } } },
  });
  const assistant = await createAssistant(server, "Orders", "You take orders.", { toolIds: [create.id, lookup.id] });

  const ordered = await client.chats.create({ assistantId: assistant.id, input: 'call create_order with {"item":"tea","count":2}' });
  const [post] = receiver.hits("/orders");
  assert.equal(post.method, "POST");
  assert.deepEqual(post.json, { item: "tea", count: 2 });
  assert.equal(ordered.output.at(-1).content, 'Tool said: {"orderId":"A1"}');

  const looked = await client.chats.create({ assistantId: assistant.id, input: 'call get_order with {"id":"A1"}' });
  const [get] = receiver.hits("/orders/A1?id=A1");
  assert.equal(get.method, "GET");
  assert.equal(looked.output.at(-1).content, 'Tool said: {"status":"shipped"}');
});

test("a squad member's assistantDestinations hand the chat to the other member", async () => {
  const front = await createAssistant(server, "Front Desk", "You are the front desk.");
  const billing = await createAssistant(server, "Billing", "You are billing.");
  const squad = await client.squads.create({
    name: "Support",
    members: [
      { assistantId: front.id, assistantDestinations: [{ type: "assistant", assistantName: "Billing", description: "Money questions" }] },
      { assistantId: billing.id },
    ],
  });
  const [created, requests] = await withRequests(standin, () => client.chats.create({ squadId: squad.id, input: "call handoff_to_Billing" }));
  assert.equal(requests.length, 2);
  assert.equal(requests[0].body.messages[0].content, "You are the front desk.");
  assert.deepEqual(requests[0].body.tools.map((t) => t.function.name), ["handoff_to_Billing"]);
  assert.equal(requests[1].body.messages[0].content, "You are billing.", "the second round is billing's");
  assert.equal(created.output[1].content, "Handed off to Billing");
  assert.equal(created.output.at(-1).content, "Tool said: Handed off to Billing");
  assert.equal(created.squadId, squad.id);
  assert.equal(created.handoffAssistantId, billing.id);
});

test("a handoff tool with an assistantId destination moves the chat to that assistant", async () => {
  const target = await createAssistant(server, "Specialist", "You are the specialist.");
  const handoff = { type: "handoff", destinations: [{ type: "assistant", assistantId: target.id }] };
  const start = await createAssistant(server, "Starter", "You start.", { tools: [handoff] });
  const [created, requests] = await withRequests(standin, () => client.chats.create({ assistantId: start.id, input: `call handoff_to_${target.id}` }));
  assert.equal(requests.length, 2);
  assert.deepEqual(requests[0].body.tools.map((t) => t.function.name), [`handoff_to_${target.id}`]);
  assert.equal(requests[1].body.messages[0].content, "You are the specialist.");
  assert.equal(created.handoffAssistantId, target.id);
  assert.equal(created.output.at(-1).content, "Tool said: Handed off to Specialist");
});

test("a chat continuing a handed-off chat goes on with the assistant it was handed to", async () => {
  const target = await createAssistant(server, "Closer", "You close deals.");
  const handoff = { type: "handoff", destinations: [{ type: "assistant", assistantId: target.id }] };
  const start = await createAssistant(server, "Opener", "You open.", { tools: [handoff] });
  const first = await client.chats.create({ assistantId: start.id, input: `call handoff_to_${target.id}` });
  assert.equal(first.handoffAssistantId, target.id);
  const [next, requests] = await withRequests(standin, () =>
    client.chats.create({ previousChatId: first.id, input: "what is your system prompt" }));
  assert.equal(requests.length, 1);
  assert.equal(requests[0].body.messages[0].content, "You close deals.");
  assert.equal(next.output.at(-1).content, "System: You close deals.");
});
