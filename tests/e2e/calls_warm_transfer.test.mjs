// Warm transfers on Twilio calls (transferPlan.mode), through the real binary against the
// Twilio stand-in: the server hands Twilio a <Dial> whose <Number url> points at the
// introduction, and the stand-in, as the destination answering, follows that TwiML: <Play> of
// the message or the model's summary (spoken by the assistant's own voice, a WAV), a <Gather>
// that first waits for the operator to speak, or the plan's own TwiML. The customer "asks"
// through the Deepgram stand-in's transcript; the model is the LLM stand-in.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startChatServer } from "./chats_helpers.mjs";
import { api } from "./harness.mjs";
import { startProviderStandin } from "./provider_standin.mjs";
import { startDeepgramStandin } from "./speech_standins/deepgram.mjs";
import { nextNumber } from "./fixtures.mjs";
import { mulaw, until, sleep } from "./voice_helpers.mjs";

const ACCOUNT = "AC11112222333344445555666677778888";
const TOKEN = "twilio-auth-token-warm";
const DEEPGRAM_KEY = "dg-warm-71c2";
const FRONT_DESK = "+14155550177";

let env, providers, deepgram, number;

before(async () => {
  providers = await startProviderStandin({ acceptAny: true });
  deepgram = await startDeepgramStandin({ apiKey: DEEPGRAM_KEY, transcript: `call transferCall with {"destination":"${FRONT_DESK}"}` });
  env = await startChatServer({ env: providers.env, args: ["--speech-base-url", `deepgram=${deepgram.url}`] });
  const res = await api(env.server, "/credential", { method: "POST", body: { provider: "deepgram", apiKey: DEEPGRAM_KEY } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  number = await env.server.client.phoneNumbers.create({ provider: "twilio", number: nextNumber("+1415667"), twilioAccountSid: ACCOUNT, twilioAuthToken: TOKEN });
  providers.twilioCallBehaviour(() => ({ stream: { source: customerSpeech }, operatorSpeaksMs: 150 }));
});

after(async () => {
  await env?.stop();
  for (const s of [providers, deepgram]) await s?.close();
});

// Silent during the greeting, then a second of voice (which Deepgram "hears" as the request).
function customerSpeech(frame) {
  const bytes = Buffer.alloc(160, 0xff);
  if (frame >= 100 && frame < 150)
    for (let i = 0; i < 160; i++) bytes[i] = mulaw(Math.round(9000 * Math.sin((2 * Math.PI * 300 * (frame * 160 + i)) / 8000)));
  return bytes;
}

function assistantWith(transferPlan) {
  return {
    firstMessage: "Hello from the clinic.",
    transcriber: { provider: "deepgram", model: "nova-2", language: "en" },
    voice: { provider: "vapi", voiceId: "Elliot" },
    model: {
      provider: "openai",
      model: "gpt-4o",
      messages: [{ role: "system", content: "You are the clinic's receptionist." }],
      tools: [{ type: "transferCall", destinations: [{ type: "number", number: FRONT_DESK, message: "One moment.", transferPlan }] }],
    },
  };
}

// Dials out with `transferPlan` on the destination; resolves the stand-in's call once the
// server has handed Twilio the transfer, and the ended call.
async function transferWith(transferPlan) {
  const call = await env.server.client.calls.create({ phoneNumberId: number.id, assistant: assistantWith(transferPlan), customer: { number: "+16505550190" } });
  const twilio = await until(() => providers.twilioCalls.find((c) => c.form.Twiml?.includes(call.id)), "the dial");
  const dial = await until(() => twilio.twimlUpdates?.[0], "the transfer sent to Twilio", 20000);
  const ended = await until(async () => {
    const c = await env.server.client.calls.get({ id: call.id });
    return c.status === "ended" && c;
  }, "the call ended", 10000);
  return { call, twilio, dial, ended };
}

function wavInfo(buffer) {
  assert.equal(buffer.subarray(0, 4).toString(), "RIFF");
  assert.equal(buffer.subarray(8, 12).toString(), "WAVE");
  const rate = buffer.readUInt32LE(24);
  const samples = new Int16Array(buffer.buffer, buffer.byteOffset + 44, (buffer.length - 44) >> 1);
  let peak = 0;
  for (const s of samples) peak = Math.max(peak, Math.abs(s));
  return { rate, seconds: samples.length / rate, peak };
}

test("warm-transfer-say-summary: the model summarises the call and the destination hears it first", async () => {
  const { twilio, dial, ended } = await transferWith({ mode: "warm-transfer-say-summary", summaryPlan: { timeoutSeconds: 10 } });
  assert.equal(ended.endedReason, "assistant-forwarded-call");
  assert.match(dial, new RegExp(`<Dial[^>]*><Number url="[^"]+/twilio/transfer_whisper/[0-9a-f]{32}">\\${FRONT_DESK}</Number></Dial>`));

  // The summary: one model request without tools, over the call's transcript.
  const summary = env.standin.requests.find((r) => r.body?.messages?.some((m) => m.role === "system" && /take notes on phone calls/.test(m.content)));
  assert.ok(summary, "a summary was asked of the model");
  assert.equal(summary.body.tools, undefined);
  assert.match(summary.body.messages.at(-1).content, /AI: Hello from the clinic\./);
  assert.match(summary.body.messages.at(-1).content, /User: call transferCall/);

  const leg = twilio.whisper;
  await leg.done;
  assert.equal(leg.error, undefined);
  assert.equal(leg.requests[0].status, 200);
  assert.match(leg.requests[0].twiml, /<Response><Play>[^<]+\/audio\.wav<\/Play><\/Response>/);
  assert.equal(leg.audioType, "audio/wav");
  const wav = wavInfo(leg.audio);
  assert.equal(wav.rate, 16000);
  assert.ok(wav.seconds > 1 && wav.peak > 1000, `the summary is spoken: ${JSON.stringify(wav)}`);
});

test("wait-first mode: the destination's leg waits for the operator, then hears the message", async () => {
  const message = "A patient needs to move an appointment.";
  const { twilio, ended } = await transferWith({ mode: "warm-transfer-wait-for-operator-to-speak-first-and-then-say-message", message, timeout: 7 });
  assert.equal(ended.endedReason, "assistant-forwarded-call");
  const leg = twilio.whisper;
  await leg.done;
  assert.equal(leg.error, undefined);
  assert.equal(leg.gather.input, "speech");
  assert.equal(leg.gather.timeout, "7");
  assert.equal(leg.gather.actionOnEmptyResult, "true");
  assert.match(leg.gather.action, /\/twilio\/transfer_whisper\/[0-9a-f]{32}\/spoken$/);
  assert.equal(leg.requests.length, 2);
  assert.match(leg.requests[1].twiml, /<Play>[^<]+\/audio\.wav<\/Play>/);
  assert.ok(wavInfo(leg.audio).peak > 1000);
  // No summary for a message mode.
  assert.ok(!env.standin.requests.some((r) => r.body?.messages?.some((m) => /One moment|take notes on phone calls/.test(m.content ?? "") && r.body.messages.at(-1).content.includes(message))));
});

test("warm-transfer-twiml: the destination's leg runs the plan's TwiML; forged and unknown requests are refused", async () => {
  const twiml = `<Say>A patient is calling about billing.</Say><Pause length="1"/>`;
  const { twilio, ended } = await transferWith({ mode: "warm-transfer-twiml", twiml });
  assert.equal(ended.endedReason, "assistant-forwarded-call");
  const leg = twilio.whisper;
  await leg.done;
  assert.equal(leg.requests[0].twiml, `<?xml version="1.0" encoding="UTF-8"?><Response>${twiml}</Response>`);

  const url = leg.requests[0].url;
  const unsigned = await fetch(url, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "CallSid=CAforged" });
  assert.equal(unsigned.status, 403);
  const unknown = await fetch(url.replace(/[0-9a-f]{32}$/, "0".repeat(32)), { method: "POST", body: "" });
  assert.equal(unknown.status, 404);
});

test("warm-transfer-experimental is refused: no transfer, the model hears why and the call goes on", async () => {
  const call = await env.server.client.calls.create({ phoneNumberId: number.id, assistant: assistantWith({ mode: "warm-transfer-experimental" }), customer: { number: "+16505550191" } });
  const twilio = await until(() => providers.twilioCalls.find((c) => c.form.Twiml?.includes(call.id)), "the dial");
  await until(() => env.standin.requests.some((r) => r.body?.messages?.some((m) => m.role === "system" && /The transfer failed \(.*warm-transfer-experimental/.test(m.content ?? ""))), "the model told the transfer failed", 20000);
  await sleep(300);
  assert.equal(twilio.twimlUpdates, undefined, "nothing was sent to Twilio");
  const live = await env.server.client.calls.get({ id: call.id });
  assert.notEqual(live.status, "ended");
  await env.server.client.calls.delete({ id: call.id }).catch(() => {});
  twilio.stream?.close();
});
