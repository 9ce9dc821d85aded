// Live-call benchmark: N concurrent calls over the WebSocket transport, each a greeting and
// three turns, with stand-ins for everything outside the server — the LLM (its own process,
// tests/e2e/llm_standin.mjs, through the custom-llm provider), a custom transcriber and a
// custom voice (tests/e2e/voice_helpers.mjs, in this process so their clock is the callers').
// Every caller streams 20 ms frames of silence in real time and records the arrival of each
// frame it is sent.
//
// Reported per N:
//   - calls completed (greeting + 3 answers heard, ended cleanly) and errors;
//   - outbound pacing error: for each run of assistant audio, how late frame k arrives against
//     run start + (k - lead) × 20 ms (the server may run `lead` = 3 frames ahead), p50/p99;
//   - the reference in the same run: this process's own event-loop lateness (a 20 ms timer's
//     delay), p50/p99 — what the callers add to every arrival time they record;
//   - server-added latency per turn: the transcriber stand-in's final transcript → the first
//     frame of the answer at the caller, with every configured wait set to 0 and instant
//     stand-ins (the LLM answers at once, the voice returns its PCM at once), p50/p99;
//   - the server's RSS before the calls and at the peak, per call.
//
//   node bench/voice.mjs BINARY [--calls 50,100,250] [--turns 3]
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { dial, startTranscriberStandin, startVoiceStandin, until, sleep } from "../tests/e2e/voice_helpers.mjs";

const args = process.argv.slice(2);
const bin = args[0];
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i > 0 ? args[i + 1] : dflt;
};
const sizes = String(opt("calls", "50,100,250")).split(",").map(Number);
const turns = Number(opt("turns", 3));

function lineFrom(child, pattern) {
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(pattern);
      if (m) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

const standinModule = fileURLToPath(new URL("../tests/e2e/llm_standin.mjs", import.meta.url));
const llm = spawn("node", ["--input-type=module", "-e",
  `const m = await import(${JSON.stringify(standinModule)});
   const s = await m.startLlmStandin({});
   console.log("standin " + s.url);
   setInterval(() => {}, 1 << 30);`]);
const llmUrl = await lineFrom(llm, /standin (http:\/\/\S+)/);
process.on("exit", () => llm.kill());

const transcriber = await startTranscriberStandin();
const voice = await startVoiceStandin({ msPerChar: 30 });

const work = mkdtempSync(join(tmpdir(), "switchboard-voice-bench-"));
const key = randomUUID();
const server = spawn("taskset", ["-c", "0", bin, "serve", "--port", "0", "--data-dir", join(work, "data"),
  "--access-log", "off", "--rate-limit", "0", "--max-calls", "100000", "--log-level", "warn"], {
  env: { ...process.env, SWITCHBOARD_API_KEY: key },
});
server.stderr.on("data", (d) => process.stderr.write(d));
const base = await lineFrom(server, /listening on (http:\/\/\S+)/);
process.on("exit", () => server.kill());
const auth = { Authorization: `Bearer ${key}`, "Content-Type": "application/json" };

const rssKb = () => Number(readFileSync(`/proc/${server.pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)[1]);

const assistant = await (await fetch(`${base}/assistant`, { method: "POST", headers: auth, body: JSON.stringify({
  name: "Bench",
  firstMessage: "Hello, how can I help?",
  model: { provider: "custom-llm", url: `${llmUrl}/v1`, model: "bench", messages: [{ role: "system", content: "Be quick." }] },
  transcriber: { provider: "custom-transcriber", server: { url: transcriber.url } },
  voice: { provider: "custom-voice", server: { url: voice.url } },
  startSpeakingPlan: { waitSeconds: 0, transcriptionEndpointingPlan: { onPunctuationSeconds: 0, onNoPunctuationSeconds: 0, onNumberSeconds: 0 } },
  serverMessages: [],
}) })).json();
if (!assistant.id) throw new Error(`assistant: ${JSON.stringify(assistant)}`);

const pct = (list, p) => {
  if (!list.length) return NaN;
  const s = [...list].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

// Resolves once no audio has arrived for `quietMs`.
async function quiet(caller, quietMs = 300, limitMs = 20000) {
  const start = Date.now();
  for (;;) {
    const last = caller.audio.length ? caller.audio[caller.audio.length - 1].at : start;
    if (Date.now() - last >= quietMs && caller.audio.length) return;
    if (Date.now() - start > limitMs) throw new Error("audio never went quiet");
    await sleep(20);
  }
}

// Lateness of each frame of each run of audio (a gap of more than 100 ms starts a new run).
function pacingErrors(caller, lead = 3) {
  const errors = [];
  let runStart = null, k = 0, prev = 0;
  for (const a of caller.audio) {
    if (runStart === null || a.at - prev > 100) {
      runStart = a.at;
      k = 0;
    }
    const due = runStart + Math.max(0, k - lead) * 20;
    if (k > lead) errors.push(Math.max(0, a.at - due));
    prev = a.at;
    k++;
  }
  return errors;
}

async function oneCall(i, latencies) {
  const res = await fetch(`${base}/call`, { method: "POST", headers: auth, body: JSON.stringify({
    assistantId: assistant.id,
    transport: { provider: "vapi.websocket" },
    assistantOverrides: { transcriber: { provider: "custom-transcriber", server: { url: `${transcriber.url}/${i}` } } },
  }) });
  if (res.status !== 201) throw new Error(`POST /call: ${res.status} ${await res.text()}`);
  const call = await res.json();
  const caller = await dial(call.transport.websocketCallUrl);
  const session = await until(() => transcriber.sessions.find((s) => s.headers && s.path === `/transcribe/${i}`), `transcriber ${i}`, 30000);
  await until(() => caller.audio.length > 0, "greeting", 30000);
  await quiet(caller);
  for (let t = 0; t < turns; t++) {
    const mark = caller.audio.length;
    const said = Date.now();
    session.say(`question ${t} of call ${i}.`, "final");
    await until(() => caller.audio.length > mark, `answer ${t}`, 30000);
    latencies.push(caller.audio[mark].at - said);
    await quiet(caller);
  }
  caller.send({ type: "end-call" });
  await caller.closed;
  return caller;
}

console.log(`| calls | completed | pacing lateness p50 / p99 (ms) | client event-loop lag p50 / p99 (ms) | turn latency p50 / p99 (ms) | RSS before → peak (MB) | per call (KB) |`);
console.log(`|---|---|---|---|---|---|---|`);
for (const n of sizes) {
  transcriber.sessions.length = 0;
  const before = rssKb();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssKb())), 200);
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  const latencies = [];
  // Callers join over a second, as calls arrive in real life, not in one burst.
  const results = await Promise.allSettled(
    Array.from({ length: n }, async (_, i) => {
      await sleep((i * 1000) / n);
      return oneCall(i, latencies);
    }),
  );
  lag.disable();
  clearInterval(sampler);
  const ok = results.filter((r) => r.status === "fulfilled");
  const errors = results.filter((r) => r.status === "rejected").map((r) => r.reason.message);
  const pacing = ok.flatMap((r) => pacingErrors(r.value));
  console.log(`| ${n} | ${ok.length}/${n}${errors.length ? ` (${errors[0]})` : ""} | ${pct(pacing, 50).toFixed(1)} / ${pct(pacing, 99).toFixed(1)} | ` +
    `${(lag.percentile(50) / 1e6).toFixed(1)} / ${(lag.percentile(99) / 1e6).toFixed(1)} | ` +
    `${pct(latencies, 50).toFixed(0)} / ${pct(latencies, 99).toFixed(0)} | ` +
    `${(before / 1024).toFixed(0)} → ${(peak / 1024).toFixed(0)} | ${((peak - before) / n).toFixed(0)} |`);
  await sleep(1000);
}
server.kill("SIGTERM");
await transcriber.close();
await voice.close();
process.exit(0);
