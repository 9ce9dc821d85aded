// The built-in engines, with no key and no stand-in for speech: the caller's phrase is spoken
// by flite (Debian's CLI), streamed in real time over the WebSocket transport, recognised by
// the server's pocketsphinx, answered by the (stand-in) model and spoken back by the server's
// flite voice.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startChatServer } from "./chats_helpers.mjs";
import { tempDir, removeTempDir } from "./harness.mjs";
import { createWebsocketCall, dial, postCall, until } from "./voice_helpers.mjs";

let env, dir;
before(async () => {
  env = await startChatServer();
  dir = tempDir("switchboard-speech-");
});
after(async () => {
  await env.stop();
  removeTempDir(dir);
});

// 16 kHz mono 16-bit PCM of `text` spoken by flite's slt voice (its WAV header skipped).
function spoken(text) {
  const path = join(dir, "phrase.wav");
  execFileSync("flite", ["-voice", "slt", "-t", text, "-o", path]);
  const wav = readFileSync(path);
  const data = wav.indexOf("data");
  return wav.subarray(data + 8);
}

// Dials a WebSocket call to `assistant` and says `text` in real time (half a second of
// silence, the phrase, then silence); returns the caller and what the model was sent as the
// customer's words, i.e. what pocketsphinx heard.
async function say(assistant, text) {
  const phrase = spoken(text);
  const call = await createWebsocketCall(env.server, { assistantId: assistant.id });
  const frameBytes = 640;
  const lead = 25;
  const source = (frame) => {
    const at = (frame - lead) * frameBytes;
    if (at < 0 || at >= phrase.length) return Buffer.alloc(frameBytes);
    const chunk = Buffer.alloc(frameBytes);
    phrase.copy(chunk, 0, at, Math.min(at + frameBytes, phrase.length));
    return chunk;
  };
  const mark = env.standin.requests.length;
  const caller = await dial(call.transport.websocketCallUrl, { source });
  const request = await until(
    () => env.standin.requests.slice(mark).find((r) => r.path.endsWith("/chat/completions")),
    "the model's request (pocketsphinx recognising the phrase)",
    30000,
  );
  return { caller, heard: request.body.messages[request.body.messages.length - 1].content };
}

test("a spoken question is recognised, answered and spoken back by the built-in engines", async () => {
  const assistant = await env.server.client.assistants.create({
    name: "builtin",
    model: { provider: "openai", model: "gpt-4o", messages: [{ role: "system", content: "Be brief." }] },
  });
  const { caller, heard } = await say(assistant, "what is the weather like today");
  caller.stopAudio();
  assert.match(heard, /what|weather|today/, `pocketsphinx heard "${heard}"`);
  const before = caller.audioMs();
  await until(() => caller.audioMs() > before + 1000, "the spoken answer", 10000);
  // flite's answer is speech, not silence.
  const answer = Buffer.concat(caller.audio.map((a) => a.bytes));
  let energy = 0;
  for (let i = 0; i + 1 < answer.length; i += 2) energy += Math.abs(answer.readInt16LE(i));
  assert.ok(energy / (answer.length / 2) > 200, "the answer's audio is not silent");
  const transcripts = caller.messagesOf("transcript").filter((m) => m.role === "user" && m.transcriptType === "final");
  assert.ok(transcripts.length >= 1);
  caller.close();
});

test("the built-in engines speak English only: another language is refused with a 400 naming it", async () => {
  const assistant = await env.server.client.assistants.create({
    name: "german",
    model: { provider: "openai", model: "gpt-4o" },
    transcriber: { provider: "vapi", language: "de" },
  });
  const res = await postCall(env.server, { assistantId: assistant.id, transport: { provider: "vapi.websocket" } });
  assert.equal(res.status, 400);
  assert.match(JSON.stringify(res.body.message), /de/);
});

test("transcriber.keywords reach the built-in transcriber: the keyword comes back as spelt", async () => {
  // pocketsphinx writes lower case, and depending on what its decoder heard before, takes
  // flite's "Mister Krieger" for "mr greater" or "mr krieger"; "Krieger" is a close alternative
  // either way, so with the keyword the transcript has it, as the assistant wrote it. (That the
  // keyword changes the word is shown, on a decoder of known state, in builtin_speech_test.)
  const assistant = await env.server.client.assistants.create({
    name: "keywords",
    model: { provider: "openai", model: "gpt-4o", messages: [{ role: "system", content: "Be brief." }] },
    transcriber: { provider: "vapi", keywords: ["Krieger:2", "Snuffleupagus:5"] },
  });
  const { caller, heard } = await say(assistant, "I would like to speak to Mister Krieger please");
  caller.close();
  assert.match(heard, /\bKrieger\b/, `pocketsphinx heard "${heard}"`);
});
