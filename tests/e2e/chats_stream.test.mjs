// POST /chat with stream: true: Server-Sent Events of the answer's deltas as the provider
// sends them (not once it is done), the chat stored afterwards with the whole text, the
// official SDK's view of such a stream, and a client that hangs up mid-stream.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  startChatServer, createAssistant, scripted, withRequests, postChat, readTimed, parseSse, assertAnswer, eventually,
} from "./chats_helpers.mjs";

let env, server, client, standin, assistant;
before(async () => {
  env = await startChatServer();
  ({ server, standin } = env);
  client = server.client;
  assistant = await createAssistant(server, "Streamer", "You stream.");
});
after(async () => {
  await env?.stop();
});

const DELTA_PATH = "chat.output[0].content";

test("a streamed chat is text/event-stream of {id, path, delta} events; the stored chat has the whole text", async () => {
  const res = await postChat(server, { assistantId: assistant.id, input: "stream these four words", stream: true });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type"), /^text\/event-stream/);
  const { text } = await readTimed(res, performance.now());
  const events = parseSse(text);
  // The stand-in sends a word per delta: "You said: stream these four words" is six.
  assert.equal(events.length, 6, text);
  const id = events[0].data.id;
  for (const e of events) {
    assert.equal(e.event, "message");
    assert.deepEqual(Object.keys(e.data), ["id", "path", "delta"]);
    assert.equal(e.data.id, id);
    assert.equal(e.data.path, DELTA_PATH);
  }
  assert.equal(events.map((e) => e.data.delta).join(""), "You said: stream these four words");
  const stored = await client.chats.get({ id });
  assertAnswer(stored, "You said: stream these four words");
  assert.equal(stored.assistantId, assistant.id);
  assert.equal(stored.stream, true);
});

test("the first delta reaches the client as soon as the provider sends it, long before the end", async () => {
  const bench = await createAssistant(server, "Paced", "Paced.", scripted("bench:5:300"));
  const start = performance.now();
  const res = await postChat(server, { assistantId: bench.id, input: "go", stream: true });
  const { text, chunks, endedAt } = await readTimed(res, start);
  const events = parseSse(text);
  assert.equal(events.length, 5, text);
  assert.match(events[0].data.delta, /^t=\d+;$/);
  assert.deepEqual(events.slice(1).map((e) => e.data.delta), ["d1 ", "d2 ", "d3 ", "d4 "]);
  // Four gaps of 300 ms separate the five deltas: a proxy that buffered would send them all
  // at the end, together.
  const first = chunks.find((c) => c.text.includes("data:")).at;
  assert.ok(first < 700, `first delta after ${Math.round(first)} ms`);
  assert.ok(endedAt >= 1150, `stream ended after ${Math.round(endedAt)} ms`);
  assert.ok(endedAt - first >= 1000, `first at ${Math.round(first)} ms, end at ${Math.round(endedAt)} ms`);
});

test("a provider slow to its first token delays the response head until that token", async () => {
  const slow = await createAssistant(server, "Slow", "Slow.", scripted("slow-first-token"));
  const start = performance.now();
  const res = await postChat(server, { assistantId: slow.id, input: "take your time", stream: true });
  const head = performance.now() - start;
  const { text } = await readTimed(res, start);
  assert.equal(res.status, 200);
  // The stream begins with the first delta, so a failure before it could still be a plain
  // error response: the head waits for the stand-in's 1.5 s.
  assert.ok(head >= 1400, `head after ${Math.round(head)} ms`);
  assert.equal(parseSse(text).map((e) => e.data.delta).join(""), "You said: take your time");
});

// The official SDK (2.0.1) has no streaming variant of chats.create: it reads every answer as
// JSON, and an answer that is not JSON comes back as the *result* (no exception) in the shape
// {ok: false, error: {reason: "non-json", statusCode, rawBody}} with the SSE text in rawBody.
test("through the official SDK, stream: true returns the SSE text as a non-json result", async () => {
  const result = await client.chats.create({ assistantId: assistant.id, input: "via the sdk", stream: true });
  assert.equal(result.ok, false);
  assert.equal(result.error.reason, "non-json");
  assert.equal(result.error.statusCode, 200);
  const events = parseSse(result.error.rawBody);
  assert.ok(result.error.rawBody.startsWith('data: {"id":'), result.error.rawBody);
  assert.equal(events.map((e) => e.data.delta).join(""), "You said: via the sdk");
  assertAnswer(await client.chats.get({ id: events[0].data.id }), "You said: via the sdk");
});

test("a stream in a session names the session in every event", async () => {
  const session = await client.sessions.create({ assistantId: assistant.id });
  const res = await postChat(server, { sessionId: session.id, input: "in a session", stream: true });
  const events = parseSse((await readTimed(res, performance.now())).text);
  assert.ok(events.length > 0);
  for (const e of events) assert.deepEqual(Object.keys(e.data), ["id", "sessionId", "path", "delta"]);
  for (const e of events) assert.equal(e.data.sessionId, session.id);
});

test("a client that hangs up mid-stream stops the provider's stream; the server keeps serving", async () => {
  const long = await createAssistant(server, "Long", "Long.", scripted("bench:30:100"));
  const abort = new AbortController();
  const [, requests] = await withRequests(standin, async () => {
    const res = await postChat(server, { assistantId: long.id, input: "go on", stream: true }, "/chat", abort.signal);
    const reader = res.body.getReader();
    await reader.read(); // the first delta
    abort.abort();
    await reader.read().catch(() => {});
  });
  assert.equal(requests.length, 1);
  // 30 deltas 100 ms apart take 3 s; the stand-in sees the server hang up well before.
  await eventually(() => requests[0].closedEarly === true, 2500, "the upstream stream closed early");
  assert.equal(server.process.exitCode, null);
  assertAnswer(await client.chats.create({ assistantId: assistant.id, input: "still there?" }), "You said: still there?");
});

test("a client that hangs up while the provider is silent mid-answer stops the provider's stream at once", async () => {
  // Two deltas 4 s apart: the hang-up falls in the silence, so only the client's going (not
  // the next delta) can tell the server to stop.
  const silent = await createAssistant(server, "Silent", "Pauses.", scripted("bench:2:4000"));
  const abort = new AbortController();
  let hungUp;
  const [, requests] = await withRequests(standin, async () => {
    const res = await postChat(server, { assistantId: silent.id, input: "go on", stream: true }, "/chat", abort.signal);
    const reader = res.body.getReader();
    await reader.read(); // the first delta
    abort.abort();
    hungUp = Date.now();
    await reader.read().catch(() => {});
  });
  assert.equal(requests.length, 1);
  await eventually(() => requests[0].closedEarly === true, 1500, "the upstream stream closed at once");
  assert.ok(Date.now() - hungUp < 2000);
});
