// Eval runs through the official SDK against the LLM stand-in: a mock conversation played
// against an assistant through the chat engine, each checkpoint judged (exact, regex, an LLM
// judge, a real tool's result), one eval that passes and one that fails on the right message;
// bad runs refused.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { expectError, assertBadRequest, UUID_V4 } from "./harness.mjs";
import { startChatServer, createAssistant, assistantBody, scripted } from "./chats_helpers.mjs";
import { startReceiver } from "./webhooks_receiver.mjs";

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

const ZERO = "00000000-0000-4000-8000-000000000000";
const lookupTool = { type: "function", function: { name: "lookup", parameters: { type: "object", properties: { city: { type: "string" } } } } };

/** Polls the run until it has ended; resolves it. */
async function ended(id) {
  const until = Date.now() + 10000;
  for (;;) {
    const run = await client.eval.evalControllerGetRun({ id });
    if (run.status === "ended") return run;
    if (Date.now() > until) throw new Error(`eval run ${id} still ${run.status}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test("an eval whose checkpoints all pass: exact, regex on a tool call, a mocked tool result, an LLM judge", async () => {
  const assistant = await createAssistant(server, "Weather", "You tell the weather.", { tools: [lookupTool] });
  const evalDoc = await client.eval.evalControllerCreate({
    name: "Weather flow",
    type: "chat.mockConversation",
    messages: [
      { role: "user", content: "hello" },
      { role: "assistant", judgePlan: { type: "exact", content: "you said: HELLO " } },
      { role: "user", content: 'call lookup with {"city":"Paris"}' },
      { role: "assistant", judgePlan: { type: "regex", content: "", toolCalls: [{ name: "lookup", arguments: { city: "^Par" } }] } },
      { role: "tool", content: '{"sky":"sunny"}' },
      { role: "assistant", judgePlan: { type: "regex", content: "(?i)^tool said: .*SUNNY" } },
      { role: "user", content: "pass" },
      {
        role: "assistant",
        judgePlan: {
          type: "ai",
          model: {
            provider: "openai",
            model: "gpt-4o",
            messages: [
              { role: "system", content: "You are a judge. Answer pass or fail." },
              { role: "user", content: "say {{ messages[-1].content | replace: 'You said: ', '' }}" },
            ],
          },
        },
      },
    ],
  });
  const created = await client.eval.evalControllerRun({ type: "eval", evalId: evalDoc.id, target: { type: "assistant", assistantId: assistant.id } });
  assert.match(created.id, UUID_V4);
  assert.equal(created.evalId, evalDoc.id);
  assert.equal(created.status, "queued");
  const run = await ended(created.id);
  assert.equal(run.endedReason, "mockConversation.done");
  assert.equal(run.results.length, 1);
  const [result] = run.results;
  assert.equal(result.status, "pass", JSON.stringify(result.messages));
  assert.deepEqual(result.messages.map((m) => m.judge?.status ?? m.role), ["user", "pass", "user", "pass", "tool", "pass", "user", "pass"]);
  assert.deepEqual(result.messages[1], { role: "assistant", content: "You said: hello", judge: { status: "pass" } });
  assert.deepEqual(result.messages[3].toolCalls, [{ name: "lookup", arguments: { city: "Paris" } }]);
  assert.equal(result.messages[5].content, 'Tool said: {"sky":"sunny"}');
  assert.equal(result.messages[7].content, "You said: pass");
  const model = run.costs.find((c) => c.model?.model === "gpt-4o");
  assert.ok(model.promptTokens > 0 && model.completionTokens > 0, JSON.stringify(run.costs));
  assert.ok(run.startedAt <= run.endedAt);

  const page = await client.eval.evalControllerGetRunsPaginated({});
  assert.ok(page.results.some((r) => r.id === run.id));
  assert.deepEqual(await client.eval.evalControllerRemoveRun({ id: run.id }), run);
  assert.equal((await expectError(client.eval.evalControllerGetRun({ id: run.id }))).statusCode, 404);
});

test("an eval that fails on its second checkpoint stops there with the judge's reason", async () => {
  const created = await client.eval.evalControllerRun({
    type: "eval",
    eval: {
      type: "chat.mockConversation",
      messages: [
        { role: "user", content: "hello" },
        { role: "assistant", judgePlan: { type: "exact", content: "You said: hello" } },
        { role: "user", content: "bye" },
        { role: "assistant", judgePlan: { type: "exact", content: "Goodbye!" }, continuePlan: { exitOnFailureEnabled: true } },
        { role: "user", content: "never sent" },
        { role: "assistant", judgePlan: { type: "exact", content: "You said: never sent" } },
      ],
    },
    target: { type: "assistant", assistant: assistantBody("Inline", "You echo.") },
  });
  const run = await ended(created.id);
  assert.equal(run.endedReason, "mockConversation.done");
  const [result] = run.results;
  assert.equal(result.status, "fail");
  assert.equal(result.messages.length, 4);
  assert.deepEqual(result.messages[1].judge, { status: "pass" });
  assert.deepEqual(result.messages[3], {
    role: "assistant",
    content: "You said: bye",
    judge: { status: "fail", failureReason: "Expected exact match: 'Goodbye!' but got: 'You said: bye'" },
  });
});

test("an LLM judge that answers neither pass nor fail fails the checkpoint; continuePlan overrides what follows", async () => {
  const created = await client.eval.evalControllerRun({
    type: "eval",
    eval: {
      type: "chat.mockConversation",
      messages: [
        { role: "user", content: "hello" },
        {
          role: "assistant",
          judgePlan: { type: "ai", model: { provider: "openai", model: "gpt-4o", messages: [{ role: "user", content: "say maybe" }] } },
          continuePlan: { contentOverride: "Overridden." },
        },
        { role: "user", content: "what is your system prompt" },
        { role: "assistant", judgePlan: { type: "regex", content: "^System: You echo\\.$" } },
      ],
    },
    target: { type: "assistant", assistant: assistantBody("Inline", "You echo.") },
  });
  const run = await ended(created.id);
  const [result] = run.results;
  assert.equal(result.status, "fail");
  assert.deepEqual(result.messages[1].judge, { status: "fail", failureReason: "The judge answered 'maybe', not pass or fail" });
  assert.deepEqual(result.messages[3].judge, { status: "pass" });
  // The target's next turn saw the override, not its own answer.
  const turn = env.standin.requests.findLast((r) => r.body.messages?.some((m) => m.content === "what is your system prompt"));
  assert.deepEqual(turn.body.messages.slice(1, 3), [{ role: "user", content: "hello" }, { role: "assistant", content: "Overridden." }]);
});

test("a target whose model fails ends the run with endedReason error and the provider's message", async () => {
  const created = await client.eval.evalControllerRun({
    type: "eval",
    eval: { type: "chat.mockConversation", messages: [{ role: "user", content: "hi" }, { role: "assistant", judgePlan: { type: "exact", content: "x" } }] },
    target: { type: "assistant", assistant: assistantBody("Broken", "x", scripted("error-401")) },
  });
  const run = await ended(created.id);
  assert.equal(run.endedReason, "error");
  assert.match(run.endedMessage, /401: Incorrect API key provided/);
  assert.equal(run.results[0].status, "fail");
});

test("runs that cannot start are refused and store nothing", async () => {
  const target = { type: "assistant", assistantId: ZERO };
  const runsBefore = (await client.eval.evalControllerGetRunsPaginated({})).results.length;
  assertBadRequest(await expectError(client.eval.evalControllerRun({ type: "eval", target })), "evalId or eval must be provided");
  const evalDoc = await client.eval.evalControllerCreate({ type: "chat.mockConversation", messages: [{ role: "user", content: "hi" }] });
  assert.deepEqual((await expectError(client.eval.evalControllerRun({ type: "eval", evalId: ZERO, target }))).statusCode, 404);
  const missingAssistant = await expectError(client.eval.evalControllerRun({ type: "eval", evalId: evalDoc.id, target }));
  assert.equal(missingAssistant.statusCode, 404);
  assertBadRequest(await expectError(client.eval.evalControllerRun({ type: "eval", evalId: evalDoc.id, target: { type: "assistant" } })),
    "exactly one of target.assistantId or target.assistant must be provided");
  assert.equal((await client.eval.evalControllerGetRunsPaginated({})).results.length, runsBefore);
});

test("a tool checkpoint runs the tool the assistant called and an LLM judge reads its result", async () => {
  receiver.on("/stock", () => ({ body: "pass" }));
  const stock = await client.tools.create({
    type: "apiRequest", name: "check_stock", method: "POST", url: receiver.url("/stock"),
    body: { type: "object", properties: { item: { type: "string" } } },
  });
  const assistant = await createAssistant(server, "Shop", "You sell tea.", { toolIds: [stock.id] });
  const created = await client.eval.evalControllerRun({
    type: "eval",
    eval: {
      type: "chat.mockConversation",
      messages: [
        { role: "user", content: 'call check_stock with {"item":"tea"}' },
        { role: "assistant", judgePlan: { type: "exact", content: "", toolCalls: [{ name: "check_stock", arguments: { item: "tea" } }] } },
        { role: "tool", judgePlan: { type: "ai", model: { provider: "openai", model: "gpt-4o", messages: [{ role: "user", content: "say {{ messages[-1].content }}" }] } } },
      ],
    },
    target: { type: "assistant", assistantId: assistant.id },
  });
  const run = await ended(created.id);
  const [result] = run.results;
  assert.equal(result.status, "pass", JSON.stringify(result.messages));
  assert.deepEqual(receiver.hits("/stock").map((h) => h.json), [{ item: "tea" }]);
  assert.deepEqual(result.messages[2], { role: "tool", content: "pass", judge: { status: "pass" } });
});
