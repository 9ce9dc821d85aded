// A local stand-in for LLM providers: OpenAI's Chat Completions (POST /v1/chat/completions)
// and Anthropic's Messages API (POST /v1/messages), streamed (SSE) or whole, for the
// end-to-end tests and the latency benchmark. Point a server at `openaiBase` (".../v1") or
// `anthropicBase` (the root). Every request is recorded as {method, path, headers, body}
// (body parsed from JSON when it is JSON) and gets `closedEarly: true` if the client hung up
// before the answer ended.
//
// What the "model" answers is chosen by the request:
// - by default "You said: <text of the last user message>";
// - when the conversation ends in tool results (OpenAI messages with role "tool", or an
//   Anthropic user message of tool_result blocks): "Tool said: <their contents, joined by '; '>";
// - when tools are offered and the last user message contains `call <toolName>`, optionally
//   followed by `with <json>` (the rest of the message, passed on as written, so it may be
//   invalid JSON): a call of that tool with those arguments (else "{}"), finish reason
//   "tool_calls" / stop reason "tool_use";
// - when the last user message starts with "say ": the rest of it, as written (an LLM judge's
//   verdict, an extracted value);
// - when the last user message is exactly "what is your system prompt": "System: <the system
//   messages' text (OpenAI) or `system` (Anthropic)>";
// - model "error-401" → 401 "Incorrect API key provided", "error-500" → 500 "The server had
//   an error", "error-429" → 429 "Rate limit reached", each in the provider's error shape;
// - model "slow-first-token": headers at once, then nothing for opts.slowMs (default 1500);
// - model "hang": reads the request and never answers (until close());
// - model "bench:<n>:<ms>": n text deltas, ms apart; the first is `t=<process.hrtime.bigint()
//   when it was written>;` so a client on this machine can measure what a proxy adds;
// - opts.script(record), when given and it returns a string, is the answer's text (checked
//   first, after the error models): a test scripts what an analysis prompt gets answered.
// Text is streamed a word at a time (each delta a word and the spaces after it); a tool call's
// arguments in three fragments (fewer only when shorter than three characters). Usage:
// prompt tokens = words in the system prompt and every message's text; completion tokens = the
// number of deltas. Anthropic requests need `x-api-key` and `anthropic-version` (else 401);
// with opts.requireKey, the Bearer token / x-api-key must be that key (else 401). Streams
// carry what the real APIs send around the deltas: OpenAI's role chunk, finish chunk, a usage
// chunk when stream_options.include_usage, `data: [DONE]`; Anthropic's message_start (with
// output_tokens 1, as Anthropic's), a ping, block start/stop, message_delta (the cumulative
// output_tokens) and message_stop. Each SSE event is its own write, on a no-delay socket.
import { createServer } from "node:http";

/**
 * Starts the stand-in on 127.0.0.1. Options: slowMs (the "slow-first-token" wait), requireKey,
 * script (record → text or undefined).
 * Resolves { url, openaiBase, anthropicBase, requests, close() }.
 */
export async function startLlmStandin(opts = {}) {
  const requests = [];
  let ids = 0;
  const nextId = () => String(++ids).padStart(6, "0");
  const server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (d) => (raw += d));
    req.on("end", () => {
      const record = { method: req.method, path: new URL(req.url, "http://standin").pathname, headers: req.headers, body: parseJson(raw) ?? raw };
      requests.push(record);
      res.on("close", () => {
        if (!res.writableEnded) record.closedEarly = true;
      });
      answer(record, res, opts, nextId).catch((e) => {
        if (!res.headersSent) sendJson(res, 500, { error: { message: `stand-in failed: ${e.message}` } });
        else res.destroy();
      });
    });
  });
  server.on("connection", (socket) => {
    socket.setNoDelay(true);
    socket.unref(); // only the server under test waits on the stand-in
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    openaiBase: `${url}/v1`,
    anthropicBase: url,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// routing and checks

const ERRORS = {
  "error-401": [401, "Incorrect API key provided", "invalid_request_error", "authentication_error"],
  "error-500": [500, "The server had an error", "server_error", "api_error"],
  "error-429": [429, "Rate limit reached", "requests", "rate_limit_error"],
};

async function answer(r, res, opts, nextId) {
  const openai = r.method === "POST" && r.path === "/v1/chat/completions";
  const anthropic = r.method === "POST" && r.path === "/v1/messages";
  if (!openai && !anthropic) return sendJson(res, 404, { error: { message: `no such path on the stand-in: ${r.method} ${r.path}` } });
  const fail = (status, message, openaiType, anthropicType) =>
    sendJson(res, status, openai ? { error: { message, type: openaiType, param: null, code: null } } : { type: "error", error: { type: anthropicType, message } });
  if (anthropic && (!r.headers["x-api-key"] || !r.headers["anthropic-version"])) {
    return fail(401, r.headers["x-api-key"] ? "anthropic-version: header is required" : "x-api-key header is required", "", "authentication_error");
  }
  if (opts.requireKey !== undefined) {
    const given = openai ? /^Bearer (.*)$/.exec(r.headers.authorization ?? "")?.[1] : r.headers["x-api-key"];
    if (given !== opts.requireKey) return fail(401, "Incorrect API key provided", "invalid_request_error", "authentication_error");
  }
  if (typeof r.body !== "object" || r.body === null) return fail(400, "We could not parse the JSON body of your request.", "invalid_request_error", "invalid_request_error");
  const model = String(r.body.model ?? "");
  if (ERRORS[model]) return fail(...ERRORS[model]);
  if (model === "hang") return; // the response stays open until the client or close() ends it

  const conversation = openai ? openaiConversation(r.body) : anthropicConversation(r.body);
  const scripted = opts.script?.(r);
  const plan = typeof scripted === "string" ? { kind: "text", pieces: scripted.match(/[^ ]+ *| +/g) ?? [] } : planFor(conversation, model);
  const usage = { prompt: conversation.words, completion: plan.pieces.length };
  const pace = pacing(model, opts);
  const id = nextId();
  if (r.body.stream === true) {
    res.writeHead(200, { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache", Connection: "keep-alive" });
    res.flushHeaders();
    await sleep(pace.firstDelayMs);
    const stream = openai ? openaiStream : anthropicStream;
    return stream(res, r.body, plan, usage, pace, id);
  }
  await sleep(pace.firstDelayMs);
  const text = plan.pieces.map((p) => p ?? benchStamp()).join("");
  return sendJson(res, 200, (openai ? openaiWhole : anthropicWhole)(r.body, plan, text, usage, id));
}

// ---------------------------------------------------------------------------------------------
// what the model says

/** {system, userText, toolResults: [text], tools: [name], words} of an OpenAI request. */
function openaiConversation(body) {
  const messages = Array.isArray(body.messages) ? body.messages.filter((m) => m && typeof m === "object") : [];
  const toolResults = [];
  for (let k = messages.length - 1; k >= 0 && messages[k].role === "tool"; k--) toolResults.unshift(textOf(messages[k].content));
  const lastUser = messages.findLast((m) => m.role === "user");
  return {
    system: messages.filter((m) => m.role === "system" || m.role === "developer").map((m) => textOf(m.content)).join("\n"),
    userText: textOf(lastUser?.content),
    toolResults,
    tools: (Array.isArray(body.tools) ? body.tools : []).map((t) => t?.function?.name).filter(Boolean),
    words: messages.reduce((n, m) => n + countWords(textOf(m.content)), 0),
  };
}

/** The same of an Anthropic request: tool results are blocks of the last user message. */
function anthropicConversation(body) {
  const messages = Array.isArray(body.messages) ? body.messages.filter((m) => m && typeof m === "object") : [];
  const blocks = (m) => (Array.isArray(m?.content) ? m.content : [{ type: "text", text: textOf(m?.content) }]);
  const last = messages.at(-1);
  const toolResults = last?.role === "user" ? blocks(last).filter((b) => b?.type === "tool_result").map((b) => textOf(b.content)) : [];
  const lastUser = messages.findLast((m) => m.role === "user" && blocks(m).some((b) => b?.type === "text"));
  const messageText = (m) => blocks(m).map((b) => (b?.type === "tool_result" ? textOf(b.content) : textOf([b]))).join(" ");
  const system = textOf(body.system);
  return {
    system,
    userText: textOf(blocks(lastUser).filter((b) => b?.type === "text")),
    toolResults,
    tools: (Array.isArray(body.tools) ? body.tools : []).map((t) => t?.name).filter(Boolean),
    words: countWords(system) + messages.reduce((n, m) => n + countWords(messageText(m)), 0),
  };
}

/** A string, or the text parts of a content array joined by spaces. */
function textOf(content) {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.filter((p) => p && typeof p.text === "string").map((p) => p.text).join(" ");
}

function countWords(text) {
  return text.split(/\s+/).filter(Boolean).length;
}

/** {kind: "text" | "tool", name, arguments, pieces}: a null piece is the bench time stamp. */
function planFor(c, model) {
  const bench = /^bench:(\d+):(\d+)$/.exec(model);
  if (bench) {
    const n = Number(bench[1]);
    return { kind: "text", pieces: Array.from({ length: n }, (_, i) => (i === 0 ? null : `d${i} `)) };
  }
  const text = (t) => ({ kind: "text", pieces: t.match(/[^ ]+ *| +/g) ?? [] });
  if (c.toolResults.length > 0) return text(`Tool said: ${c.toolResults.join("; ")}`);
  if (c.userText.trim() === "what is your system prompt") return text(`System: ${c.system}`);
  const say = /^say ([\s\S]+)$/.exec(c.userText.trim());
  if (say) return text(say[1]);
  const call = c.tools.length > 0 ? /\bcall\s+([A-Za-z0-9_.:-]+)(?:\s+with\s+([\s\S]*))?/.exec(c.userText) : null;
  if (call) {
    const args = call[2]?.trim() || "{}";
    const size = Math.ceil(args.length / 3);
    const pieces = [];
    for (let i = 0; i < args.length; i += size) pieces.push(args.slice(i, i + size));
    return { kind: "tool", name: call[1], arguments: args, pieces };
  }
  return text(`You said: ${c.userText}`);
}

function pacing(model, opts) {
  const bench = /^bench:(\d+):(\d+)$/.exec(model);
  return { firstDelayMs: model === "slow-first-token" ? (opts.slowMs ?? 1500) : 0, gapMs: bench ? Number(bench[2]) : 0 };
}

const benchStamp = () => `t=${process.hrtime.bigint()};`;

/** Writes each piece (the bench stamp made at the moment of writing), gapMs apart; stops if
 * the client went away. Resolves whether every piece was written. */
async function paced(res, pieces, pace, write) {
  for (let i = 0; i < pieces.length; i++) {
    if (i > 0 && pace.gapMs > 0) await sleep(pace.gapMs);
    if (res.destroyed) return false;
    write(pieces[i] ?? benchStamp());
  }
  return !res.destroyed;
}

// ---------------------------------------------------------------------------------------------
// OpenAI

async function openaiStream(res, body, plan, usage, pace, id) {
  const includeUsage = body.stream_options?.include_usage === true;
  const base = { id: `chatcmpl-standin${id}`, object: "chat.completion.chunk", created: nowSeconds(), model: body.model, system_fingerprint: null };
  const chunk = (delta, finish = null) => ({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...(includeUsage ? { usage: null } : {}) });
  const send = (obj) => !res.destroyed && res.write(`data: ${JSON.stringify(obj)}\n\n`);
  if (plan.kind === "tool") {
    send(chunk({ role: "assistant", content: null, tool_calls: [{ index: 0, id: `call_standin${id}`, type: "function", function: { name: plan.name, arguments: "" } }] }));
  } else {
    send(chunk({ role: "assistant", content: "", refusal: null }));
  }
  const whole = await paced(res, plan.pieces, pace, (piece) =>
    send(plan.kind === "tool" ? chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }) : chunk({ content: piece })),
  );
  if (!whole) return;
  send(chunk({}, plan.kind === "tool" ? "tool_calls" : "stop"));
  if (includeUsage) send({ ...base, choices: [], usage: openaiUsage(usage) });
  res.write("data: [DONE]\n\n");
  res.end();
}

function openaiWhole(body, plan, text, usage, id) {
  const message = plan.kind === "tool"
    ? { role: "assistant", content: null, tool_calls: [{ id: `call_standin${id}`, type: "function", function: { name: plan.name, arguments: plan.arguments } }], refusal: null }
    : { role: "assistant", content: text, refusal: null };
  return {
    id: `chatcmpl-standin${id}`,
    object: "chat.completion",
    created: nowSeconds(),
    model: body.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: plan.kind === "tool" ? "tool_calls" : "stop" }],
    usage: openaiUsage(usage),
    system_fingerprint: null,
  };
}

function openaiUsage(u) {
  return { prompt_tokens: u.prompt, completion_tokens: u.completion, total_tokens: u.prompt + u.completion };
}

// ---------------------------------------------------------------------------------------------
// Anthropic

async function anthropicStream(res, body, plan, usage, pace, id) {
  const send = (type, obj) => !res.destroyed && res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...obj })}\n\n`);
  const message = { id: `msg_standin${id}`, type: "message", role: "assistant", model: body.model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: usage.prompt, output_tokens: 1 } };
  send("message_start", { message });
  send("ping", {});
  const tool = plan.kind === "tool";
  send("content_block_start", { index: 0, content_block: tool ? { type: "tool_use", id: `toolu_standin${id}`, name: plan.name, input: {} } : { type: "text", text: "" } });
  const whole = await paced(res, plan.pieces, pace, (piece) =>
    send("content_block_delta", { index: 0, delta: tool ? { type: "input_json_delta", partial_json: piece } : { type: "text_delta", text: piece } }),
  );
  if (!whole) return;
  send("content_block_stop", { index: 0 });
  send("message_delta", { delta: { stop_reason: tool ? "tool_use" : "end_turn", stop_sequence: null }, usage: { output_tokens: usage.completion } });
  send("message_stop", {});
  res.end();
}

function anthropicWhole(body, plan, text, usage, id) {
  const content = plan.kind === "tool"
    ? [{ type: "tool_use", id: `toolu_standin${id}`, name: plan.name, input: parseJson(plan.arguments) ?? {} }]
    : [{ type: "text", text }];
  return {
    id: `msg_standin${id}`,
    type: "message",
    role: "assistant",
    model: body.model,
    content,
    stop_reason: plan.kind === "tool" ? "tool_use" : "end_turn",
    stop_sequence: null,
    usage: { input_tokens: usage.prompt, output_tokens: usage.completion },
  };
}

// ---------------------------------------------------------------------------------------------

function sendJson(res, status, json) {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(json));
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const sleep = (ms) => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());
