// The assistant a team brings from Vapi, unchanged: a Deepgram nova transcriber, an ElevenLabs
// voice, an OpenAI model and a transferCall tool, on an outbound Twilio call. Everything the
// server talks to is a stand-in written from the providers' public docs: Twilio's Calls
// resource and media stream, Deepgram's live transcription, ElevenLabs' streaming speech, and
// the LLM. The customer answers, hears the greeting, asks for a person, hears the transfer
// message, and Twilio is told to <Dial> the front desk; the call ends assistant-forwarded-call.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startChatServer } from "./chats_helpers.mjs";
import { api } from "./harness.mjs";
import { startProviderStandin } from "./provider_standin.mjs";
import { startDeepgramStandin } from "./speech_standins/deepgram.mjs";
import { startElevenLabsStandin } from "./speech_standins/elevenlabs.mjs";
import { startReceiver } from "./webhooks_receiver.mjs";
import { nextNumber } from "./fixtures.mjs";
import { mulaw, until, sleep } from "./voice_helpers.mjs";

const ACCOUNT = "AC99998888777766665555444433332222";
const TOKEN = "twilio-auth-token-typical";
const DEEPGRAM_KEY = "dg-typical-5c1e";
const ELEVEN_KEY = "sk_typical_eleven_9a0b";
const FRONT_DESK = "+14155550123";

let env, providers, deepgram, eleven, receiver, number;

before(async () => {
  providers = await startProviderStandin({ acceptAny: true });
  // What the customer says is whatever Deepgram hears: here, asking for the transfer tool.
  deepgram = await startDeepgramStandin({ apiKey: DEEPGRAM_KEY, transcript: `call transferCall with {"destination":"${FRONT_DESK}"}` });
  eleven = await startElevenLabsStandin({ apiKey: ELEVEN_KEY, msPerChar: 30, firstByteMs: 80 });
  receiver = await startReceiver();
  env = await startChatServer({
    env: providers.env,
    args: ["--speech-base-url", `deepgram=${deepgram.url}`, "--speech-base-url", `11labs=${eleven.url}`],
  });
  for (const [provider, apiKey] of [["deepgram", DEEPGRAM_KEY], ["11labs", ELEVEN_KEY]]) {
    const res = await api(env.server, "/credential", { method: "POST", body: { provider, apiKey } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }
  number = await env.server.client.phoneNumbers.create({ provider: "twilio", number: nextNumber("+1415666"), twilioAccountSid: ACCOUNT, twilioAuthToken: TOKEN });
});

after(async () => {
  await env?.stop();
  for (const s of [providers, deepgram, eleven, receiver]) await s?.close();
});

// The customer: silent while the greeting plays, then a second of voice, then silent again.
function customerSpeech(frame) {
  const bytes = Buffer.alloc(160, 0xff);
  if (frame >= 150 && frame < 200)
    for (let i = 0; i < 160; i++) bytes[i] = mulaw(Math.round(9000 * Math.sin((2 * Math.PI * 300 * (frame * 160 + i)) / 8000)));
  return bytes;
}

// As a Vapi user writes it; nothing in it is specific to this server.
const ASSISTANT = {
  name: "Clinic receptionist",
  firstMessage: "Hello, this is the clinic calling about your appointment.",
  transcriber: { provider: "deepgram", model: "nova-2", language: "en", smartFormat: true },
  voice: { provider: "11labs", voiceId: "21m00Tcm4TlvDq8ikWAM", model: "eleven_turbo_v2_5", stability: 0.5, similarityBoost: 0.75 },
  model: {
    provider: "openai",
    model: "gpt-4o",
    messages: [{ role: "system", content: "You are the clinic's receptionist. Transfer callers who ask for a person." }],
    tools: [{
      type: "transferCall",
      destinations: [{ type: "number", number: FRONT_DESK, message: "Putting you through to the front desk.", description: "The front desk" }],
    }],
  },
  serverMessages: ["status-update", "transfer-update", "end-of-call-report"],
};

test("a typical Vapi assistant talks on an outbound Twilio call and transfers it", async () => {
  providers.twilioCallBehaviour(() => ({ stream: { source: customerSpeech } }));
  const assistant = await env.server.client.assistants.create({ ...ASSISTANT, server: { url: receiver.url("/typical") } });
  const call = await env.server.client.calls.create({ phoneNumberId: number.id, assistantId: assistant.id, customer: { number: "+16505550188" } });
  assert.equal(call.status, "queued");

  const twilio = await until(() => providers.twilioCalls.find((c) => c.form.Twiml?.includes(call.id)), "the dial");
  const stream = await until(() => twilio.stream, "the media stream connected back", 8000);
  await until(() => eleven.requests.some((r) => r.json?.text === ASSISTANT.firstMessage), "the greeting synthesised");
  await until(() => stream.received >= 4000, "the greeting heard by the customer", 8000);

  const listen = await until(() => deepgram.listens[0], "Deepgram's live stream");
  assert.equal(listen.headers.authorization, `Token ${DEEPGRAM_KEY}`);
  assert.equal(listen.params.get("model"), "nova-2");
  assert.equal(listen.params.get("encoding"), "linear16");

  await until(() => eleven.requests.some((r) => r.json?.text === "Putting you through to the front desk."), "the transfer message", 15000);
  const dial = await until(() => twilio.twimlUpdates?.[0], "the transfer sent to Twilio", 10000);
  assert.match(dial, new RegExp(`<Dial[^>]*><Number>\\${FRONT_DESK}</Number></Dial>`));

  const ended = await until(async () => {
    const c = await env.server.client.calls.get({ id: call.id });
    return c.status === "ended" && c;
  }, "the call ended", 10000);
  assert.equal(ended.endedReason, "assistant-forwarded-call");
  assert.equal(ended.phoneCallProviderId, twilio.sid);

  const hits = await receiver.waitFor("/typical", 6, 8000);
  const types = hits.map((h) => h.json.message.type);
  const update = hits.find((h) => h.json.message.type === "transfer-update")?.json.message;
  assert.ok(update, JSON.stringify(types));
  assert.equal(update.destination.number, FRONT_DESK);
  const report = hits.find((h) => h.json.message.type === "end-of-call-report")?.json.message;
  assert.equal(report?.endedReason, "assistant-forwarded-call");
  await sleep(200);
  assert.equal(twilio.updates.filter((u) => u.Status === "completed").length, 0, "a transferred call is not hung up");
});
