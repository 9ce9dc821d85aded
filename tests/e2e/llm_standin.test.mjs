// The LLM stand-in itself, driven with fetch (no switchboard): what it streams is what the
// server's LLM clients will be tested against, so its shapes are pinned here.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startLlmStandin } from "./llm_standin.mjs";

let standin;
before(async () => {
  standin = await startLlmStandin({ slowMs: 150 });
});
after(async () => {
  await standin?.close();
});

function chat(body, headers = {}) {
  return fetch(`${standin.openaiBase}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-test", ...headers },
    body: JSON.stringify(body),
  });
}

function messages(body, headers = { "x-api-key": "sk-ant", "anthropic-version": "2023-06-01" }) {
  return fetch(`${standin.anthropicBase}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

/** The SSE events of a whole response: [{event, data}] with data parsed unless "[DONE]". */
async function events(res) {
  const text = await res.text();
  return text.split("\n\n").filter(Boolean).map((block) => {
    const event = /^event: (.*)$/m.exec(block)?.[1];
    const data = /^data: (.*)$/m.exec(block)[1];
    return { event, data: data === "[DONE]" ? data : JSON.parse(data) };
  });
}

const weatherTool = { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: {} } } };

test("OpenAI streaming: a word per delta, a finish chunk, usage when asked, then [DONE]", async () => {
  const res = await chat({
    model: "gpt-4o",
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "hello there" }],
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type"), /^text\/event-stream/);
  const all = await events(res);
  assert.equal(all.at(-1).data, "[DONE]");
  const chunks = all.slice(0, -1).map((e) => e.data);
  assert.ok(chunks.every((c) => c.object === "chat.completion.chunk" && c.model === "gpt-4o"));
  assert.equal(chunks[0].choices[0].delta.role, "assistant");
  const deltas = chunks.slice(1).filter((c) => c.choices[0]?.delta.content).map((c) => c.choices[0].delta.content);
  assert.deepEqual(deltas, ["You ", "said: ", "hello ", "there"]);
  assert.equal(chunks.at(-2).choices[0].finish_reason, "stop");
  assert.deepEqual(chunks.at(-1).choices, []);
  assert.deepEqual(chunks.at(-1).usage, { prompt_tokens: 4, completion_tokens: 4, total_tokens: 8 });
  const recorded = standin.requests.at(-1);
  assert.equal(recorded.path, "/v1/chat/completions");
  assert.equal(recorded.headers.authorization, "Bearer sk-test");
  assert.equal(recorded.body.messages[1].content, "hello there");
});

test("OpenAI tool call: id and name first, the arguments over several fragments", async () => {
  const res = await chat({ model: "m", stream: true, tools: [weatherTool], messages: [{ role: "user", content: 'please call get_weather with {"city":"Oslo"}' }] });
  const chunks = (await events(res)).slice(0, -1).map((e) => e.data);
  const calls = chunks.flatMap((c) => c.choices[0].delta.tool_calls ?? []);
  assert.equal(calls[0].function.name, "get_weather");
  assert.match(calls[0].id, /^call_/);
  const fragments = calls.slice(1).map((c) => c.function.arguments);
  assert.ok(fragments.length >= 2, `fragments: ${JSON.stringify(fragments)}`);
  assert.deepEqual(JSON.parse(fragments.join("")), { city: "Oslo" });
  assert.equal(chunks.at(-1).choices[0].finish_reason, "tool_calls");

  const noTools = await (await chat({ model: "m", messages: [{ role: "user", content: "call get_weather" }] })).json();
  assert.equal(noTools.choices[0].message.content, "You said: call get_weather");
});

test("OpenAI whole answers: tool results and the system prompt are echoed", async () => {
  const tool = await (await chat({
    model: "m",
    messages: [
      { role: "user", content: "call get_weather" },
      { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "call_1", content: "18C and sunny" },
    ],
  })).json();
  assert.equal(tool.object, "chat.completion");
  assert.equal(tool.choices[0].message.content, "Tool said: 18C and sunny");
  assert.equal(tool.choices[0].finish_reason, "stop");
  const system = await (await chat({ model: "m", messages: [{ role: "system", content: "You are Ada." }, { role: "user", content: "what is your system prompt" }] })).json();
  assert.equal(system.choices[0].message.content, "System: You are Ada.");
  assert.deepEqual(system.usage, { prompt_tokens: 8, completion_tokens: 4, total_tokens: 12 });
});

test("Anthropic streaming: the event sequence, text deltas and tool input fragments", async () => {
  const res = await messages({ model: "claude", stream: true, max_tokens: 100, system: "Be kind.", messages: [{ role: "user", content: [{ type: "text", text: "hi you" }] }] });
  assert.equal(res.status, 200);
  const all = await events(res);
  assert.deepEqual(all.map((e) => e.event), ["message_start", "ping", "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"]);
  assert.ok(all.every((e) => e.data.type === e.event));
  assert.equal(all[0].data.message.usage.input_tokens, 4);
  assert.deepEqual(all.filter((e) => e.event === "content_block_delta").map((e) => e.data.delta.text), ["You ", "said: ", "hi ", "you"]);
  assert.deepEqual(all.at(-2).data.delta.stop_reason, "end_turn");
  assert.equal(all.at(-2).data.usage.output_tokens, 4);

  const tools = [{ name: "lookup", input_schema: { type: "object" } }];
  const call = await events(await messages({ model: "claude", stream: true, tools, messages: [{ role: "user", content: 'call lookup with {"id": 7}' }] }));
  assert.deepEqual(call[2].data.content_block, { type: "tool_use", id: call[2].data.content_block.id, name: "lookup", input: {} });
  const partial = call.filter((e) => e.event === "content_block_delta").map((e) => e.data.delta);
  assert.ok(partial.length >= 2 && partial.every((d) => d.type === "input_json_delta"));
  assert.deepEqual(JSON.parse(partial.map((d) => d.partial_json).join("")), { id: 7 });
  assert.equal(call.at(-2).data.delta.stop_reason, "tool_use");

  const result = await (await messages({ model: "claude", messages: [{ role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "found it" }] }] })).json();
  assert.deepEqual(result.content, [{ type: "text", text: "Tool said: found it" }]);
});

test("Anthropic without x-api-key or anthropic-version: 401 in Anthropic's error shape", async () => {
  for (const headers of [{ "anthropic-version": "2023-06-01" }, { "x-api-key": "k" }]) {
    const res = await messages({ model: "claude", messages: [] }, headers);
    assert.equal(res.status, 401);
    const body = await res.json();
    assert.equal(body.type, "error");
    assert.equal(body.error.type, "authentication_error");
  }
});

test("error models answer their status; requireKey rejects other keys", async () => {
  const r401 = await chat({ model: "error-401", messages: [] });
  assert.equal(r401.status, 401);
  assert.deepEqual((await r401.json()).error.message, "Incorrect API key provided");
  const r500 = await chat({ model: "error-500", messages: [] });
  assert.equal(r500.status, 500);
  assert.equal((await r500.json()).error.message, "The server had an error");
  assert.equal((await chat({ model: "error-429", stream: true, messages: [] })).status, 429);
  const a500 = await messages({ model: "error-500", messages: [] });
  assert.equal(a500.status, 500);
  assert.equal((await a500.json()).error.type, "api_error");

  const keyed = await startLlmStandin({ requireKey: "right" });
  try {
    const wrong = await fetch(`${keyed.openaiBase}/chat/completions`, { method: "POST", headers: { authorization: "Bearer wrong" }, body: "{}" });
    assert.equal(wrong.status, 401);
    const right = await fetch(`${keyed.openaiBase}/chat/completions`, { method: "POST", headers: { authorization: "Bearer right" }, body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "x" }] }) });
    assert.equal(right.status, 200);
  } finally {
    await keyed.close();
  }
});

test("slow-first-token waits before the first delta; hang never answers", async () => {
  const started = Date.now();
  const res = await chat({ model: "slow-first-token", stream: true, messages: [{ role: "user", content: "x" }] });
  const reader = res.body.getReader();
  await reader.read();
  assert.ok(Date.now() - started >= 140, `first bytes after ${Date.now() - started} ms`);
  await reader.cancel();

  const hang = chat({ model: "hang", messages: [] }, {});
  const outcome = await Promise.race([hang.then(() => "answered"), new Promise((r) => setTimeout(() => r("waiting"), 150))]);
  assert.equal(outcome, "waiting");
  assert.equal(standin.requests.at(-1).body.model, "hang");
  hang.catch(() => {}); // ended by close()
});

test("bench:<n>:<ms> streams n deltas, the first stamped with hrtime when written", async () => {
  const sent = process.hrtime.bigint();
  const chunks = (await events(await chat({ model: "bench:5:10", stream: true, messages: [{ role: "user", content: "go" }] }))).slice(0, -1).map((e) => e.data);
  const deltas = chunks.map((c) => c.choices[0].delta.content).filter(Boolean);
  assert.equal(deltas.length, 5);
  const stamp = BigInt(/^t=(\d+);$/.exec(deltas[0])[1]);
  assert.ok(stamp > sent && stamp < process.hrtime.bigint());
});
