// What a live call does around its turns, through the real binary: the call's state while it
// runs and what it cost, the assistant's silence hooks, a tool's spoken messages, and the hang
// message when the model is slow. Stand-ins for the transcriber, the voice and the LLM.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { scripted, startChatServer } from "./chats_helpers.mjs";
import { api } from "./harness.mjs";
import { startReceiver } from "./webhooks_receiver.mjs";
import {
  createWebsocketCall,
  dial,
  sleep,
  standinAssistant,
  startTranscriberStandin,
  startVoiceStandin,
  until,
} from "./voice_helpers.mjs";

let env, transcriber, voice, receiver;

before(async () => {
  env = await startChatServer({ standin: { slowMs: 6500 } });
  transcriber = await startTranscriberStandin();
  voice = await startVoiceStandin({ msPerChar: 20 });
  receiver = await startReceiver();
});

after(async () => {
  await env.stop();
  await transcriber.close();
  await voice.close();
  await receiver.close();
});

const PCM16 = { format: "pcm_s16le", container: "raw", sampleRate: 16000 };

async function liveCall(extra = {}) {
  const assistant = await env.server.client.assistants.create(standinAssistant(transcriber, voice, extra));
  const call = await createWebsocketCall(env.server, { assistantId: assistant.id, audioFormat: PCM16 });
  const sessionsBefore = transcriber.sessions.length;
  const caller = await dial(call.transport.websocketCallUrl, { format: PCM16 });
  const session = await until(() => transcriber.sessions[sessionsBefore]?.start && transcriber.sessions[sessionsBefore], "the transcriber's start message");
  return { call, caller, session };
}

const getCall = (id) => env.server.client.calls.get({ id });

async function ended(id, ms = 15000) {
  return until(async () => {
    const call = await getCall(id);
    return call.status === "ended" && call;
  }, `call ${id} ended`, ms);
}

const said = (text) => voice.requests.find((r) => r.body.message.text === text);

test("GET /call shows a live call's messages so far; the ended call and its report say what it used", async () => {
  const { call, caller, session } = await liveCall({
    firstMessage: "Hi there.",
    server: { url: receiver.url("/conversation-costs") },
    serverMessages: ["end-of-call-report"],
  });
  session.say("what are your opening hours?", "final");
  const live = await until(async () => {
    const c = await getCall(call.id);
    return c.messages?.some((m) => m.role === "bot" && /You said/.test(m.message)) && c;
  }, "the answer in the live call's messages");
  assert.equal(live.status, "in-progress");
  assert.deepEqual(live.messages.map((m) => m.role), ["bot", "user", "bot"]);
  assert.equal(live.messages[1].message, "what are your opening hours?");
  caller.send({ type: "end-call" });
  const done = await ended(call.id);
  const byType = Object.fromEntries(done.costs.map((c) => [c.type, c]));
  assert.deepEqual(Object.keys(byType).sort(), ["model", "transcriber", "transport", "vapi", "voice"]);
  assert.equal(byType.transport.provider, "vapi.websocket");
  assert.equal(byType.voice.voice.provider, "custom-voice");
  assert.ok(byType.vapi.minutes > 0 && byType.vapi.minutes < 1, JSON.stringify(byType.vapi));
  assert.ok(byType.model.promptTokens > 0 && byType.model.completionTokens > 0, JSON.stringify(byType.model));
  assert.equal(byType.voice.characters, "Hi there.".length + "You said: what are your opening hours?".length);
  assert.equal(done.cost, 0);
  assert.equal(done.costBreakdown.llmPromptTokens, byType.model.promptTokens);
  const [hit] = await receiver.waitFor("/conversation-costs", 1);
  assert.deepEqual(hit.json.message.costs, done.costs);
});

test("a renamed live call keeps its new name when it ends", async () => {
  const { call, caller } = await liveCall({ firstMessage: "Hi." });
  await until(async () => (await getCall(call.id)).status === "in-progress", "in progress");
  await env.server.client.calls.update({ id: call.id, name: "renamed mid-call" });
  caller.close();
  const done = await ended(call.id);
  assert.equal(done.name, "renamed mid-call");
});

test("customer.speech.timeout hooks speak in turn, then end the call", async () => {
  const { call, caller } = await liveCall({
    firstMessage: "Hello.",
    hooks: [
      { on: "customer.speech.timeout", options: { timeoutSeconds: 1 }, do: [{ type: "say", exact: ["Are you still there?"] }] },
      {
        on: "customer.speech.timeout",
        options: { timeoutSeconds: 2.5 },
        do: [{ type: "say", exact: "Goodbye for now." }, { type: "tool", tool: { type: "endCall" } }],
      },
    ],
  });
  const greeted = await until(() => said("Hello."), "the greeting");
  const asked = await until(() => said("Are you still there?"), "the first hook");
  const byeAt = await until(() => said("Goodbye for now."), "the second hook", 8000);
  // Each counts from the greeting's end (~100 ms of audio), not from what the other hook said.
  assert.ok(asked.at - greeted.at >= 1000, `first hook after ${asked.at - greeted.at} ms`);
  assert.ok(byeAt.at - greeted.at >= 2500 && byeAt.at - greeted.at < 4000, `second hook after ${byeAt.at - greeted.at} ms`);
  const done = await ended(call.id);
  assert.equal(done.endedReason, "assistant-ended-call");
  assert.deepEqual(done.messages.map((m) => m.message), ["Hello.", "Are you still there?", "Goodbye for now."]);
  await caller.closed;
});

test("a tool's request-start message is spoken while the tool runs", async () => {
  receiver.on("/tool-server", () => ({
    delayMs: 800,
    body: JSON.stringify({ results: [{ toolCallId: "x", result: "shipped" }] }),
  }));
  const { call, caller, session } = await liveCall({
    model: {
      provider: "openai",
      model: "gpt-4o",
      tools: [
        {
          type: "function",
          function: { name: "lookup_order", parameters: { type: "object", properties: {} } },
          server: { url: receiver.url("/tool-server") },
          messages: [{ type: "request-start", content: "Let me look that up." }],
        },
      ],
    },
  });
  session.say("call lookup_order", "final");
  const start = await until(() => said("Let me look that up."), "the request-start message");
  const [toolHit] = await receiver.waitFor("/tool-server", 1);
  assert.ok(start.at <= toolHit.at + 200, "spoken when the tool starts, not after it answers");
  await until(() => voice.requests.find((r) => /^Tool said/.test(r.body.message.text)), "the answer after the tool");
  caller.close();
  await ended(call.id);
});

test("a blocking request-start message is heard before the tool runs", async () => {
  receiver.on("/blocking-tool", () => ({ body: JSON.stringify({ results: [{ toolCallId: "x", result: "shipped" }] }) }));
  const { call, caller, session } = await liveCall({
    model: {
      provider: "openai",
      model: "gpt-4o",
      tools: [
        {
          type: "function",
          function: { name: "lookup_order", parameters: { type: "object", properties: {} } },
          server: { url: receiver.url("/blocking-tool") },
          messages: [{ type: "request-start", content: "Let me look that up.", blocking: true }],
        },
      ],
    },
  });
  session.say("call lookup_order", "final");
  const start = await until(() => said("Let me look that up."), "the request-start message");
  const [toolHit] = await receiver.waitFor("/blocking-tool", 1);
  // 20 characters at 20 ms each: 400 ms of audio, played in real time before the tool is asked.
  assert.ok(toolHit.at - start.at >= 350, `the tool ran ${toolHit.at - start.at} ms after its message was asked for`);
  caller.close();
  await ended(call.id);
});

test("a call.ending hook whose filter holds runs its function tool on the tool's server", async () => {
  const { call, caller } = await liveCall({
    firstMessage: "Hi.",
    hooks: [
      {
        on: "call.ending",
        filters: [{ type: "oneOf", key: "call.endedReason", oneOf: ["customer-ended-call"] }],
        do: [
          {
            type: "tool",
            tool: {
              type: "function",
              server: { url: receiver.url("/ending-tool") },
              function: { name: "log_end", parameters: { type: "object", properties: { why: { type: "string", value: "hung up" } } } },
            },
          },
        ],
      },
      {
        on: "call.ending",
        filters: [{ type: "oneOf", key: "call.endedReason", oneOf: ["pipeline-error"] }],
        do: [{ type: "tool", tool: { type: "function", server: { url: receiver.url("/ending-never") }, function: { name: "page" } } }],
      },
    ],
  });
  await until(() => said("Hi."), "the greeting");
  caller.close();
  await ended(call.id);
  const [hit] = await receiver.waitFor("/ending-tool", 1);
  const message = hit.json.message;
  assert.equal(message.type, "tool-calls");
  const toolCall = message.toolCallList?.[0] ?? message.toolWithToolCallList?.[0]?.toolCall;
  assert.equal(toolCall.function.name, "log_end");
  assert.deepEqual(toolCall.function.arguments, { why: "hung up" });
  await sleep(300);
  assert.equal(receiver.hits("/ending-never").length, 0);
});

test("a model slow to answer sends hang to the caller", async () => {
  const { call, caller, session } = await liveCall({
    firstMessage: "Hi.",
    model: scripted("slow-first-token"),
  });
  await until(() => said("Hi."), "the greeting");
  const asked = Date.now();
  session.say("are you there?", "final");
  await until(() => caller.messagesOf("hang").length > 0, "the hang message", 9000);
  assert.ok(Date.now() - asked >= 5000, `hang after ${Date.now() - asked} ms`);
  await sleep(200);
  assert.equal(caller.messagesOf("hang").length, 1);
  caller.close();
  await ended(call.id);
});

test("the custom transcriber and voice authenticate with their server's credentialId", async () => {
  // The SDK has no credentials client: the API directly.
  const { status, body: credential } = await api(env.server, "/credential", {
    method: "POST",
    body: { provider: "custom-credential", authenticationPlan: { type: "bearer", token: "tok-speech-5d1e" } },
  });
  assert.equal(status, 201, JSON.stringify(credential));
  const { call, caller, session } = await liveCall({
    firstMessage: "Signed.",
    transcriber: { provider: "custom-transcriber", server: { url: transcriber.url, credentialId: credential.id } },
    voice: { provider: "custom-voice", server: { url: voice.url, credentialId: credential.id } },
  });
  assert.equal(session.headers.authorization, "Bearer tok-speech-5d1e");
  const request = await until(() => said("Signed."), "the greeting's voice request");
  assert.equal(request.headers.authorization, "Bearer tok-speech-5d1e");
  caller.close();
  await ended(call.id);
});

test("monitor.controlUrl handoff: a squad member answers from then on; others are refused", async () => {
  const client = env.server.client;
  const reception = await client.assistants.create(standinAssistant(transcriber, voice, { name: "Reception", firstMessage: "Reception." }));
  const billing = await client.assistants.create(standinAssistant(transcriber, voice, {
    name: "Billing",
    model: { provider: "openai", model: "gpt-4o", messages: [{ role: "system", content: "You handle billing." }] },
  }));
  const squad = await client.squads.create({ name: "Desk", members: [{ assistantId: reception.id }, { assistantId: billing.id }] });
  const call = await createWebsocketCall(env.server, { squadId: squad.id, audioFormat: PCM16 });
  const sessionsBefore = transcriber.sessions.length;
  const caller = await dial(call.transport.websocketCallUrl, { format: PCM16 });
  const session = await until(() => transcriber.sessions[sessionsBefore]?.start && transcriber.sessions[sessionsBefore], "the transcriber");
  await until(() => said("Reception."), "the first member's greeting");
  const control = (body) => fetch(call.monitor.controlUrl, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  let res = await control({ type: "handoff", destination: { type: "assistant", assistantName: "Nobody" } });
  assert.equal(res.status, 400);
  assert.match(JSON.stringify((await res.json()).message), /Nobody/);
  res = await control({ type: "handoff", destination: { type: "assistant", assistant: { name: "x" } } });
  assert.equal(res.status, 501);
  // A WebSocket call has no carrier or SIP dialog to move: its transfer is refused.
  res = await control({ type: "transfer", destination: { type: "number", number: "+14155550123" } });
  assert.equal(res.status, 400);
  assert.match(JSON.stringify((await res.json()).message), /cannot be transferred/);
  res = await control({ type: "handoff", destination: { type: "assistant", assistantName: "Billing" }, content: "Passing you to billing." });
  assert.equal(res.status, 200);
  await until(() => said("Passing you to billing."), "the handoff's words");
  const mark = env.standin.requests.length;
  session.say("what is your system prompt", "final");
  const request = await until(() => env.standin.requests.slice(mark).find((r) => r.path.endsWith("/chat/completions")), "the next model request");
  assert.equal(request.body.messages[0].content, "You handle billing.");
  caller.close();
  await ended(call.id);
});

test("a custom-endpointing-model server decides when the customer's turn ends", async () => {
  receiver.on("/endpointing", () => ({ body: JSON.stringify({ timeoutSeconds: 1.2 }) }));
  const { call, caller, session } = await liveCall({
    firstMessage: "Hi.",
    startSpeakingPlan: {
      waitSeconds: 0,
      smartEndpointingPlan: { provider: "custom-endpointing-model", server: { url: receiver.url("/endpointing") } },
    },
  });
  await until(() => said("Hi."), "the greeting");
  const mark = env.standin.requests.length;
  const spokeAt = Date.now();
  session.say("my number is.", "final");
  const [hit] = await receiver.waitFor("/endpointing", 1);
  assert.equal(hit.json.message.type, "call.endpointing.request");
  assert.equal(hit.json.message.messages.at(-1).message, "my number is.");
  const request = await until(() => env.standin.requests.slice(mark).find((r) => r.path.endsWith("/chat/completions")), "the model's request");
  const waited = request.at ? request.at - spokeAt : Date.now() - spokeAt;
  assert.ok(waited >= 1100, `the turn ended after ${waited} ms, not the server's 1.2 s`);
  caller.close();
  await ended(call.id);
});
