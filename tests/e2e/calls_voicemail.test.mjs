// voicemailDetection on outbound Twilio calls: an assistant that asks for Twilio's detection
// gets async AMD on its dial; a verdict it counts as voicemail stops the greeting, says the
// voicemailMessage and ends the call `voicemail`; a human answer changes nothing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { nextNumber } from "./fixtures.mjs";
import { sleep, standinAssistant, until } from "./voice_helpers.mjs";
import { startOutboundRig } from "./outbound_helpers.mjs";

const ACCOUNT = "AC99990000111122223333444455556666";
const TOKEN = "twilio-auth-token-voicemail";

let rig, env, providers, transcriber, voice, number, customer, waitForStatus;

before(async () => {
  rig = await startOutboundRig({ carrier: "twilio" });
  ({ env, providers, transcriber, voice, customer, waitForStatus } = rig);
  number = await env.server.client.phoneNumbers.create({ provider: "twilio", number: nextNumber("+1415776"), twilioAccountSid: ACCOUNT, twilioAuthToken: TOKEN });
});
after(() => rig.close());

const dialled = (callId) => providers.twilioCalls.find((c) => c.form.Twiml?.includes(callId));
const GREETING = "Hello, this is the clinic calling about your appointment next week on Tuesday.";

function callWith(outcome, extra) {
  return env.server.client.calls.create({
    phoneNumberId: number.id, customer: { number: customer(outcome) },
    assistant: standinAssistant(transcriber, voice, {
      firstMessage: GREETING,
      voicemailDetection: { provider: "twilio", machineDetectionTimeout: 20, machineDetectionSpeechEndThreshold: 1500 },
      ...extra,
    }),
  });
}

test("voicemail: Twilio's machine_end_beep stops the greeting, leaves the message, and ends the call `voicemail`", async () => {
  const message = "Please call the clinic back.";
  const call = await callWith({ answeredBy: "machine_end_beep", amdMs: 500 }, { voicemailMessage: message });
  const twilio = await until(() => dialled(call.id), "the Calls.json request");
  assert.equal(twilio.form.MachineDetection, "DetectMessageEnd");
  assert.equal(twilio.form.AsyncAmd, "true");
  assert.equal(twilio.form.AsyncAmdStatusCallback, `${env.server.baseUrl}/twilio/amd_status/${call.id}`);
  assert.equal(twilio.form.MachineDetectionTimeout, "20");
  assert.equal(twilio.form.MachineDetectionSpeechEndThreshold, "1500");
  const ended = await waitForStatus(call.id, "ended", 15000);
  assert.equal(ended.endedReason, "voicemail");
  assert.ok(twilio.callbacks.some((c) => c.status === "amd" && c.answer === 204), JSON.stringify(twilio.callbacks));
  assert.ok(voice.requests.some((r) => r.body.message.text === message), "the voicemail message was said");
  // The greeting (about 3 s of audio, sent ahead to Twilio's buffer) was cut short by the
  // beep at 0.5 s: what the machine had not played yet was cleared.
  assert.ok(twilio.stream.clears >= 1, "a clear at the beep");
  assert.ok(twilio.stream.played < 3 * 8000 + 28 * 40 * 8, `${twilio.stream.played} bytes played`);
  assert.ok(ended.messages.some((m) => m.role === "bot" && m.message === message), JSON.stringify(ended.messages));
});

test("voicemail: without a voicemailMessage a machine answer ends the call at once", async () => {
  const call = await callWith({ answeredBy: "machine_end_silence", amdMs: 300 }, {});
  const ended = await waitForStatus(call.id, "ended", 15000);
  assert.equal(ended.endedReason, "voicemail");
});

test("voicemail: a human answer (or a type the plan does not count) changes nothing", async () => {
  const call = await callWith({ answeredBy: "machine_start", amdMs: 200 }, { voicemailMessage: "unused" });
  const twilio = await until(() => dialled(call.id), "the Calls.json request");
  await until(() => twilio.callbacks.some((c) => c.status === "amd"), "the AMD verdict");
  await sleep(300);
  assert.equal((await env.server.client.calls.get({ id: call.id })).status, "in-progress");
  assert.ok(!voice.requests.some((r) => r.body.message.text === "unused"));
  twilio.stream.stop();
  assert.equal((await waitForStatus(call.id, "ended")).endedReason, "customer-ended-call");
});

test("voicemail: an assistant without detection asks Twilio for none", async () => {
  const call = await callWith({ outcome: "no-answer" }, { voicemailDetection: "off" });
  const twilio = await until(() => dialled(call.id), "the Calls.json request");
  assert.equal(twilio.form.MachineDetection, undefined);
  assert.equal(twilio.form.AsyncAmdStatusCallback, undefined);
  await waitForStatus(call.id, "ended");
});
