// Streamed-chat benchmark. The LLM stand-in (tests/e2e/llm_standin.mjs, its own process)
// serves the model "bench:<n>:<ms>": n deltas, ms apart, the first one's text carrying the
// stand-in's process.hrtime at the moment it wrote it. The client reads its own hrtime when
// that delta arrives (same machine, same monotonic clock), so each sample is the time from
// the stand-in's first token to the client's first delta.
//
//   1. Overhead: `--chats` streamed chats one at a time through Switchboard (POST /chat,
//      stream: true), interleaved with the same number of streamed completions read straight
//      from the stand-in: the reference, i.e. what any client pays without a proxy. Measured
//      by bench/chat_latency.py, a blocking raw-socket client: node's own pauses (its p99 is
//      several ms on this machine) would hide what is measured.
//   2. Concurrency: `--concurrent` streamed chats at once (20 deltas, 100 ms apart): errors,
//      and the server's RSS before and at the peak, per chat.
//
//   node bench/chat.mjs BINARY [--chats 1000] [--concurrent 1000]
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const bin = args[0];
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i > 0 ? Number(args[i + 1]) : dflt;
};
const chats = opt("chats", 1000);
const concurrent = opt("concurrent", 1000);

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

// The stand-in in a process of its own (a local model server as far as the assistant's
// custom-llm model knows), so its timing is not disturbed by the client's.
const standinModule = fileURLToPath(new URL("../tests/e2e/llm_standin.mjs", import.meta.url));
const standin = spawn("node", ["--input-type=module", "-e",
  `const m = await import(${JSON.stringify(standinModule)});
   const s = await m.startLlmStandin({});
   console.log("standin " + s.url);
   setInterval(() => {}, 1 << 30);  // the stand-in unrefs its server: keep this process up`]);
const standinUrl = await lineFrom(standin, /standin (http:\/\/\S+)/);
process.on("exit", () => standin.kill());  // also when the benchmark fails half-way

const work = mkdtempSync(join(tmpdir(), "switchboard-chat-bench-"));
const key = randomUUID();
const server = spawn("taskset", ["-c", "0", bin, "serve", "--port", "0", "--data-dir", join(work, "data"),
  "--access-log", "off", "--rate-limit", "0"], {
  env: { ...process.env, SWITCHBOARD_API_KEY: key },
});
const base = await lineFrom(server, /listening on (http:\/\/\S+)/);
const auth = { Authorization: `Bearer ${key}`, "Content-Type": "application/json" };

async function createAssistant(model) {
  const res = await fetch(`${base}/assistant`, { method: "POST", headers: auth,
    body: JSON.stringify({ name: "Bench", model: { provider: "custom-llm", url: `${standinUrl}/v1`, model,
      messages: [{ role: "system", content: "Be quick." }] } }) });
  if (res.status !== 201) throw new Error(`assistant: ${res.status} ${await res.text()}`);
  return (await res.json()).id;
}

// Reads an SSE body; calls onData(json) for each `data:` line. Resolves with the count.
async function readEvents(res, onData) {
  const decoder = new TextDecoder();
  let buffered = "", events = 0;
  for await (const chunk of res.body) {
    const now = process.hrtime.bigint();
    buffered += decoder.decode(chunk, { stream: true });
    let end;
    while ((end = buffered.indexOf("\n\n")) >= 0) {
      const event = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const data = event.split("\n").find((l) => l.startsWith("data: "));
      if (!data || data === "data: [DONE]") continue;
      events += 1;
      onData(JSON.parse(data.slice(6)), now);
    }
  }
  return events;
}

const firstTokenLatency = (text, now) => {
  const m = /t=(\d+);/.exec(text ?? "");
  return m ? Number(now - BigInt(m[1])) / 1e6 : undefined;
};

async function throughSwitchboard(assistantId) {
  const res = await fetch(`${base}/chat`, { method: "POST", headers: auth,
    body: JSON.stringify({ assistantId, input: "hello", stream: true }) });
  if (res.status !== 200) throw new Error(`chat: ${res.status} ${await res.text()}`);
  let first;
  const events = await readEvents(res, (data, now) => { first ??= firstTokenLatency(data.delta, now); });
  return { first, events };
}

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const fmt = (xs) => `p50 ${pct(xs, 0.5).toFixed(3)} ms  p99 ${pct(xs, 0.99).toFixed(3)} ms  max ${Math.max(...xs).toFixed(3)} ms`;

// 1. Overhead, one chat at a time, by a raw-socket client (bench/chat_latency.py).
const quickModel = "bench:3:5";
const quick = await createAssistant(quickModel);
await new Promise((resolve, reject) => {
  const py = spawn("python3", [fileURLToPath(new URL("chat_latency.py", import.meta.url)),
    "--switchboard", base, "--key", key, "--assistant", quick, "--standin", standinUrl,
    "--model", quickModel, "--chats", String(chats)], { stdio: ["ignore", "inherit", "inherit"] });
  py.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`chat_latency.py exited ${code}`))));
});

// 2. Concurrency.
const rssKb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, "utf8"))[1]);
const slowModel = "bench:20:100";
const slow = await createAssistant(slowModel);
await throughSwitchboard(slow);
await new Promise((r) => setTimeout(r, 1000));
const idle = rssKb();
let peak = idle;
const sampler = setInterval(() => { peak = Math.max(peak, rssKb()); }, 50);
const t0 = Date.now();
const results = await Promise.allSettled(Array.from({ length: concurrent }, () => throughSwitchboard(slow)));
const seconds = (Date.now() - t0) / 1000;
clearInterval(sampler);
const failed = results.filter((r) => r.status === "rejected" || r.value.events !== 20);
const firsts = results.filter((r) => r.status === "fulfilled" && r.value.first !== undefined).map((r) => r.value.first);
console.log(`${concurrent} concurrent streamed chats (20 deltas, 100 ms apart): ${concurrent - failed.length} complete, ${failed.length} failed, ${seconds.toFixed(2)} s`);
if (failed.length) console.log(`  first failure: ${failed[0].reason ?? `${failed[0].value.events} events`}`);
console.log(`  first token → client under load: ${fmt(firsts)}`);
console.log(`  server RSS idle ${(idle / 1024).toFixed(1)} MB, peak ${(peak / 1024).toFixed(1)} MB: ${((peak - idle) / concurrent).toFixed(1)} KB per concurrent chat`);
await new Promise((r) => setTimeout(r, 2000));
console.log(`  server RSS 2 s after: ${(rssKb() / 1024).toFixed(1)} MB`);

server.kill("SIGTERM");
await new Promise((r) => server.on("exit", r));
standin.kill();
rmSync(work, { recursive: true, force: true });
process.exit(failed.length === 0 ? 0 : 1);
