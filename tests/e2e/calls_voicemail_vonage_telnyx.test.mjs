// voicemailDetection on outbound Vonage and Telnyx calls, as on Twilio's (calls_voicemail.test.mjs):
// the assistant's Twilio plan becomes Vonage's advanced machine detection (asynchronous, its
// verdicts with the call's events) or TeXML's async AMD (Twilio's parameters, the timeout in
// milliseconds, its own signed callback); a verdict the plan counts as voicemail stops the
// greeting, says the voicemailMessage and ends the call `voicemail`; anything else changes nothing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { nextNumber } from "./fixtures.mjs";
import { api } from "./harness.mjs";
import { sleep, standinAssistant, until } from "./voice_helpers.mjs";
import { startOutboundRig } from "./outbound_helpers.mjs";

const telnyxKeys = generateKeyPairSync("ed25519");
const TELNYX_PUBLIC = telnyxKeys.publicKey.export({ format: "der", type: "spki" }).subarray(12).toString("base64");

const CARRIERS = {
  vonage: {
    rig: { carrier: "vonage" },
    credential: { provider: "vonage", apiKey: "vonagekeyvm", apiSecret: "VonageSecretVm" },
    calls: (providers) => providers.vonageCalls,
    of: (c, id) => JSON.stringify(c.form.ncco).includes(id),
  },
  telnyx: {
    rig: { carrier: "telnyx", standin: { telnyxSigningKey: telnyxKeys.privateKey }, args: ["--telnyx-public-key", TELNYX_PUBLIC] },
    credential: { provider: "telnyx", apiKey: "KEY0123456789TELNYXVOICEMAIL" },
    calls: (providers) => providers.telnyxCalls,
    of: (c, id) => c.form.Texml?.includes(id),
  },
};
const rigs = {};

before(async () => {
  for (const [name, carrier] of Object.entries(CARRIERS)) {
    const rig = await startOutboundRig(carrier.rig);
    const credential = await api(rig.env.server, "/credential", { method: "POST", body: carrier.credential });
    assert.equal(credential.status, 201, JSON.stringify(credential.body));
    rig.number = await rig.env.server.client.phoneNumbers.create({ provider: name, number: nextNumber("+1415777"), credentialId: credential.body.id });
    rig.dialled = (id) => carrier.calls(rig.providers).find((c) => carrier.of(c, id));
    rigs[name] = rig;
  }
});
after(() => Promise.all(Object.values(rigs).map((r) => r.close())));

const GREETING = "Hello, this is the clinic calling about your appointment next week on Tuesday.";

function callWith(rig, outcome, extra) {
  return rig.env.server.client.calls.create({
    phoneNumberId: rig.number.id, customer: { number: rig.customer(outcome) },
    assistant: standinAssistant(rig.transcriber, rig.voice, {
      firstMessage: GREETING,
      voicemailDetection: { provider: "twilio", machineDetectionTimeout: 20, machineDetectionSpeechEndThreshold: 1500 },
      ...extra,
    }),
  });
}

// What each carrier was asked for.
const ASKED = {
  vonage: (form) => assert.deepEqual(form.advanced_machine_detection, { behavior: "continue", mode: "default" }),
  telnyx: (form, rig, call) => {
    assert.equal(form.MachineDetection, "DetectMessageEnd");
    assert.equal(form.AsyncAmd, true);
    assert.equal(form.AsyncAmdStatusCallback, `${rig.env.server.baseUrl}/telnyx/amd_status/${call.id}`);
    assert.equal(form.MachineDetectionTimeout, 20000);
    assert.equal(form.MachineDetectionSpeechEndThreshold, 1500);
  },
};

for (const name of Object.keys(CARRIERS)) {
  test(`${name} voicemail: the beep stops the greeting, leaves the message, and ends the call \`voicemail\``, async () => {
    const rig = rigs[name];
    const message = "Please call the clinic back.";
    const call = await callWith(rig, { answeredBy: "machine_end_beep", amdMs: 300 }, { voicemailMessage: message });
    const dialled = await until(() => rig.dialled(call.id), "the dial");
    ASKED[name](dialled.form, rig, call);
    const ended = await rig.waitForStatus(call.id, "ended", 15000);
    assert.equal(ended.endedReason, "voicemail");
    // Vonage says "machine" first (not voicemail yet), then the beep; every verdict is taken.
    const verdicts = dialled.callbacks.filter((c) => c.status === "amd");
    assert.deepEqual(verdicts.map((c) => c.answer), name === "vonage" ? [204, 204] : [204], JSON.stringify(dialled.callbacks));
    assert.ok(rig.voice.requests.some((r) => r.body.message.text === message), "the voicemail message was said");
    assert.ok(dialled.stream.clears >= 1, "what the greeting had left unplayed was cleared at the beep");
    assert.ok(ended.messages.some((m) => m.role === "bot" && m.message === message), JSON.stringify(ended.messages));
  });

  test(`${name} voicemail: a human, or a machine before its beep, changes nothing`, async () => {
    const rig = rigs[name];
    for (const answeredBy of ["human", "machine_start"]) {
      const call = await callWith(rig, { answeredBy, amdMs: 200 }, { voicemailMessage: "unused" });
      const dialled = await until(() => rig.dialled(call.id), "the dial");
      await until(() => dialled.callbacks.some((c) => c.status === "amd"), "the verdict");
      await sleep(300);
      assert.equal((await rig.env.server.client.calls.get({ id: call.id })).status, "in-progress", answeredBy);
      assert.ok(dialled.callbacks.filter((c) => c.status === "amd").every((c) => c.answer === 204));
      if (dialled.stream.stop) dialled.stream.stop();
      else dialled.stream.close();  // Vonage's stream has no stop message
      assert.equal((await rig.waitForStatus(call.id, "ended")).endedReason, "customer-ended-call");
    }
    assert.ok(!rig.voice.requests.some((r) => r.body.message.text === "unused"));
  });

  test(`${name} voicemail: an assistant without detection asks for none`, async () => {
    const rig = rigs[name];
    const call = await callWith(rig, { outcome: "no-answer" }, { voicemailDetection: "off" });
    const { form } = await until(() => rig.dialled(call.id), "the dial");
    assert.equal(form.advanced_machine_detection, undefined);
    assert.equal(form.MachineDetection, undefined);
    await rig.waitForStatus(call.id, "ended");
  });
}

test("telnyx voicemail: a verdict not signed by Telnyx is refused", async () => {
  const rig = rigs.telnyx;
  const call = await callWith(rig, { outcome: "silent" }, { voicemailMessage: "unused" });
  const dialled = await until(() => rig.dialled(call.id), "the dial");
  const body = new URLSearchParams({ CallSid: dialled.sid, AnsweredBy: "machine_end_beep" }).toString();
  const res = await fetch(`${rig.env.server.baseUrl}/telnyx/amd_status/${call.id}`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body });
  assert.equal(res.status, 403);
  assert.equal((await rig.env.server.client.calls.get({ id: call.id })).status, "queued");
});
