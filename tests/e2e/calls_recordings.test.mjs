// Call recordings (artifactPlan.recordingEnabled, on by default) through the real binary: the
// built-in voice speaks the greeting over the WebSocket transport, the call ends, and its four
// WAV files are served at capability URLs without an API key, until the call is deleted. On
// PostgreSQL (SB_E2E_POSTGRES_URL) they are served from the database, none left on disk.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { startChatServer } from "./chats_helpers.mjs";
import { api, databaseOf } from "./harness.mjs";
import { createWebsocketCall, dial, sleep, until } from "./voice_helpers.mjs";
import { startReceiver } from "./webhooks_receiver.mjs";

let env, receiver;
before(async () => {
  env = await startChatServer();
  receiver = await startReceiver();
});
after(async () => {
  await env.stop();
  await receiver.close();
});

// {channels, sampleRate, samples: Int16 interleaved} of a 16-bit PCM WAV file.
function parseWav(bytes) {
  assert.equal(bytes.toString("ascii", 0, 4), "RIFF");
  assert.equal(bytes.toString("ascii", 8, 12), "WAVE");
  let at = 12;
  let format;
  while (at + 8 <= bytes.length) {
    const id = bytes.toString("ascii", at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    if (id === "fmt ") format = { channels: bytes.readUInt16LE(at + 10), sampleRate: bytes.readUInt32LE(at + 12), bits: bytes.readUInt16LE(at + 22) };
    if (id === "data") {
      const data = bytes.subarray(at + 8, at + 8 + size);
      const samples = new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length - (data.length % 2)));
      return { ...format, samples };
    }
    at += 8 + size + (size & 1);
  }
  assert.fail("no data chunk");
}

// The mean absolute amplitude of channel `channel` of `channels`.
function energy({ samples }, channels, channel) {
  let sum = 0;
  let n = 0;
  for (let i = channel; i < samples.length; i += channels, n++) sum += Math.abs(samples[i]);
  return n ? sum / n : 0;
}

async function getWav(url) {
  const res = await fetch(url);
  assert.equal(res.status, 200, url);
  assert.equal(res.headers.get("content-type"), "audio/wav");
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  return parseWav(Buffer.from(await res.arrayBuffer()));
}

async function redirectOf(callId, kind) {
  return fetch(new URL(`/call/${callId}/${kind}`, env.server.baseUrl), {
    redirect: "manual",
    headers: { Authorization: `Bearer ${env.server.apiKey}` },
  });
}

// A call whose assistant greets, left to say it all, then ended by the caller; resolves the
// stored, ended call.
async function greetAndHangUp(extra = {}) {
  const assistant = await env.server.client.assistants.create({
    name: "recorded",
    firstMessage: "Hello, this call is recorded.",
    model: { provider: "openai", model: "gpt-4o", messages: [{ role: "system", content: "Be brief." }] },
    ...extra,
  });
  const call = await createWebsocketCall(env.server, { assistantId: assistant.id });
  const caller = await dial(call.transport.websocketCallUrl);
  await until(
    () => caller.messagesOf("speech-update").some((m) => m.role === "assistant" && m.status === "stopped"),
    "the greeting, said to the end",
    20000,
  );
  assert.ok(caller.audioMs() > 500, "the greeting was heard");
  caller.send({ type: "end-call" });
  await caller.closed;
  // Stored as ended once its recording's files are finished.
  const deadline = Date.now() + 10000;
  for (;;) {
    const stored = await env.server.client.calls.get({ id: call.id });
    if (stored.status === "ended") return stored;
    assert.ok(Date.now() < deadline, "the call, stored as ended");
    await sleep(50);
  }
}

test("an ended call's recordings: stereo, mono mix, customer and assistant WAVs at 16 kHz", async () => {
  const call = await greetAndHangUp({
    server: { url: receiver.url("/recorded") },
    serverMessages: ["end-of-call-report"],
  });
  const recording = call.artifact?.recording;
  assert.ok(recording, "artifact.recording");
  const urls = [recording.stereoUrl, recording.mono?.combinedUrl, recording.mono?.customerUrl, recording.mono?.assistantUrl];
  for (const url of urls) assert.match(url ?? "", /^http:\/\/.+\/recording\/[0-9a-f]{64}-(stereo|mono|customer|assistant)\.wav$/);
  assert.equal(call.artifact.recordingUrl, recording.mono.combinedUrl);
  assert.equal(call.artifact.stereoRecordingUrl, recording.stereoUrl);
  const report = await until(
    () => receiver.hits("/recorded").find((h) => h.json.message.type === "end-of-call-report"),
    "the end-of-call-report",
  );
  assert.deepEqual(report.json.message.artifact.recording, recording);
  assert.equal(report.json.message.artifact.stereoRecordingUrl, recording.stereoUrl);

  const stereoRedirect = await redirectOf(call.id, "stereo-recording");
  assert.equal(stereoRedirect.status, 302);
  assert.equal(stereoRedirect.headers.get("location"), recording.stereoUrl);
  const stereo = await getWav(recording.stereoUrl);
  assert.equal(stereo.channels, 2);
  assert.equal(stereo.sampleRate, 16000);
  assert.equal(stereo.bits, 16);
  const seconds = stereo.samples.length / 2 / 16000;
  assert.ok(seconds > 0.5, `${seconds} s recorded`);
  // The caller sent silence; the assistant's greeting is on the right.
  assert.ok(energy(stereo, 2, 1) > 100, `right channel energy ${energy(stereo, 2, 1)}`);
  assert.ok(energy(stereo, 2, 0) < 5, `left channel energy ${energy(stereo, 2, 0)}`);

  for (const [kind, url, loud] of [
    ["mono-recording", recording.mono.combinedUrl, true],
    ["assistant-recording", recording.mono.assistantUrl, true],
    ["customer-recording", recording.mono.customerUrl, false],
  ]) {
    const res = await redirectOf(call.id, kind);
    assert.equal(res.status, 302, kind);
    assert.equal(res.headers.get("location"), url);
    const wav = await getWav(url);
    assert.equal(wav.channels, 1, kind);
    assert.equal(wav.sampleRate, 16000, kind);
    assert.equal(wav.samples.length, stereo.samples.length / 2, `${kind} lasts as long as the stereo file`);
    if (loud) assert.ok(energy(wav, 1, 0) > 100, `${kind} holds the greeting`);
    else assert.ok(energy(wav, 1, 0) < 5, `${kind} holds the caller's silence`);
  }

  // On PostgreSQL the files moved into the database with the call's end, for every instance.
  const onDisk = readdirSync(join(env.server.dataDir, "recordings"));
  if (databaseOf(env.server.dataDir)) assert.deepEqual(onDisk, []);
  else assert.equal(onDisk.length, 4);

  // Unknown names, and names this server could not have made, are 404s.
  const unknown = recording.stereoUrl.replace(/[0-9a-f]{64}/, "0".repeat(64));
  assert.equal((await fetch(unknown)).status, 404);
  assert.equal((await fetch(new URL("/recording/..%2Fswitchboard.db", env.server.baseUrl))).status, 404);

  // Deleting the call takes its recordings with it.
  const deleted = await api(env.server, `/call/${call.id}`, { method: "DELETE", body: {} });
  assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
  for (const url of urls) assert.equal((await fetch(url)).status, 404, url);
});

test("an assistant with artifactPlan.recordingEnabled false is not recorded", async () => {
  const call = await greetAndHangUp({ artifactPlan: { recordingEnabled: false } });
  assert.equal(call.artifact?.recording, undefined);
  assert.equal(call.artifact?.recordingUrl, undefined);
  const res = await api(env.server, `/call/${call.id}/mono-recording`);
  assert.equal(res.status, 404);
  assert.equal((await redirectOf(call.id, "stereo-recording")).status, 404);
});
