// Shared by the chats_*.test.mjs files: a server aimed at the LLM stand-in (llm_standin.mjs),
// assistant bodies, the stand-in's recorded requests, and Server-Sent Events read off a fetch.
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { startServer, api, removeTempDir } from "./harness.mjs";
import { startLlmStandin } from "./llm_standin.mjs";

/** The server-wide keys the chat servers start with (the env fallback of an org's credential). */
export const ENV_OPENAI_KEY = "sk-env-openai-7c1d";
export const ENV_ANTHROPIC_KEY = "sk-ant-env-52ab";

/**
 * Model fields that pick one of the stand-in's scripted behaviours ("bench:5:300", "error-401",
 * "slow-first-token", ...). The contract allows only OpenAI's and Anthropic's real model names
 * for those providers, so these go through openrouter, an OpenAI-compatible provider whose
 * model is free text (the same adapter as openai), also aimed at the stand-in.
 */
export function scripted(model) {
  return { provider: "openrouter", model };
}

/**
 * Starts a stand-in (options as startLlmStandin's) and a server whose openai, anthropic and
 * openrouter providers are the stand-in, with server-wide keys; `env` and `args` go on top (an empty
 * OPENAI_API_KEY unsets the key). Resolves {server, standin, stop()}.
 */
export async function startChatServer({ standin: standinOptions = {}, env = {}, args = [] } = {}) {
  const standin = await startLlmStandin(standinOptions);
  const options = {
    env: {
      OPENAI_BASE_URL: standin.openaiBase,
      OPENAI_API_KEY: ENV_OPENAI_KEY,
      ANTHROPIC_BASE_URL: standin.anthropicBase,
      ANTHROPIC_API_KEY: ENV_ANTHROPIC_KEY,
      OPENROUTER_BASE_URL: standin.openaiBase,
      OPENROUTER_API_KEY: "sk-or-env-0e4f",
      ...env,
    },
    args,
  };
  let restartedIn = null; // the data dir, once a restart has taken it over
  return {
    server: await startServer(options),
    standin,
    /**
     * Kills the server (kill -9), runs `between` while none runs, then starts another on the
     * same data directory with the same key and settings (as `server`).
     */
    async restart(between) {
      const { dataDir, apiKey } = this.server;
      await this.server.kill("SIGKILL");
      await between?.();
      restartedIn = dataDir;
      this.server = await startServer({ ...options, dataDir, apiKey });
    },
    async stop() {
      await this.server.stop();
      if (restartedIn) removeTempDir(restartedIn);
      await standin.close();
    },
  };
}

/** A CreateAssistantDTO with one system message; `model` adds to (or replaces) model fields. */
export function assistantBody(name, system, model = {}, extra = {}) {
  return {
    name,
    model: { provider: "openai", model: "gpt-4o", messages: [{ role: "system", content: system }], ...model },
    ...extra,
  };
}

/** Creates an assistant through the SDK; resolves it. */
export function createAssistant(server, name, system, model = {}, extra = {}) {
  return server.client.assistants.create(assistantBody(name, system, model, extra));
}

/** Runs `fn` and resolves [its result, the stand-in requests made meanwhile]. */
export async function withRequests(standin, fn) {
  const mark = standin.requests.length;
  const result = await fn();
  return [result, standin.requests.slice(mark)];
}

/** POST /chat with fetch (streams need it); resolves the raw fetch Response. */
export function postChat(server, body, path = "/chat", signal) {
  return fetch(new URL(path, server.baseUrl), {
    method: "POST",
    headers: { Authorization: `Bearer ${server.apiKey}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
    signal,
  });
}

/**
 * Reads a fetch Response's body to its end, noting when each chunk arrived (ms since `start`).
 * Resolves {text, chunks: [{at, text}], endedAt}.
 */
export async function readTimed(res, start) {
  const decoder = new TextDecoder();
  const chunks = [];
  let text = "";
  for await (const bytes of res.body) {
    const piece = decoder.decode(bytes, { stream: true });
    chunks.push({ at: performance.now() - start, text: piece });
    text += piece;
  }
  return { text, chunks, endedAt: performance.now() - start };
}

/** Server-Sent Events of `text`: [{event (default "message"), data (parsed JSON)}]. */
export function parseSse(text) {
  const events = [];
  for (const block of text.split("\n\n")) {
    if (!block.trim()) continue;
    let event = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    events.push({ event, data: JSON.parse(data.join("\n")) });
  }
  return events;
}

/** Asserts a chat's output is one assistant message saying exactly `text`. */
export function assertAnswer(chat, text) {
  assert.deepEqual(chat.output, [{ role: "assistant", content: text }], JSON.stringify(chat.output));
}

/** Asserts an {status, body} error answer: the status, and each `parts` string in its message. */
export function assertFailure(res, status, ...parts) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body.statusCode, status, JSON.stringify(res.body));
  const message = [res.body.message].flat().join(" | ");
  for (const part of parts) assert.ok(message.includes(part), `expected ${JSON.stringify(part)} in ${JSON.stringify(message)}`);
  return message;
}

/** POST /chat with plain fetch (any body, any answer); resolves {status, headers, body}. */
export function chat(server, body) {
  return api(server, "/chat", { method: "POST", body });
}

/** A TCP port nothing listens on (bound, then released). */
export async function closedPort() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Resolves once `check()` is truthy; rejects after `ms`. */
export async function eventually(check, ms = 5000, what = "condition") {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`${what} not met after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
