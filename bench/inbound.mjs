// Inbound-call routing benchmark: a Twilio number whose assistant takes the call; signed
// /twilio/inbound_call posts at a fixed concurrency. Each ring verifies the signature, routes,
// stores the Call durably and enqueues its status-update before answering TwiML. Reports the
// server's own time per request (from the access log) and the client's, p50/p99.
//
//   node bench/inbound.mjs BINARY [--rings 5000] [--concurrency 8]
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { startProviderStandin } from "../tests/e2e/provider_standin.mjs";
import { twilioSignature, twilioRing } from "../tests/e2e/telephony_helpers.mjs";

const args = process.argv.slice(2);
const bin = args[0];
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i > 0 ? Number(args[i + 1]) : dflt;
};
const rings = opt("rings", 5000);
const concurrency = opt("concurrency", 8);

const work = mkdtempSync(join(tmpdir(), "switchboard-inbound-"));
const standin = await startProviderStandin({ acceptAny: true });
const key = randomUUID();
const accessLog = join(work, "access.log");
const server = spawn("taskset", ["-c", "0", bin, "serve", "--port", "0", "--data-dir", join(work, "data"),
  "--access-log", accessLog], { env: { ...process.env, ...standin.env, SWITCHBOARD_API_KEY: key } });
const base = await new Promise((resolve, reject) => {
  let out = "";
  server.stdout.on("data", (d) => {
    out += d;
    const m = out.match(/listening on (http:\/\/\S+)/);
    if (m) resolve(m[1]);
  });
  server.on("exit", (code) => reject(new Error(`server exited ${code}`)));
});

async function create(path, body) {
  const res = await fetch(base + path, { method: "POST", headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" }, body: JSON.stringify(body) });
  if (res.status !== 201) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

const token = "bench-auth-token";
const account = "AC0123456789abcdef0123456789abcdef";
const assistant = await create("/assistant", { name: "Bench", model: { provider: "openai", model: "gpt-4o-mini" } });
const number = await create("/phone-number", { provider: "twilio", number: "+14155550199", twilioAccountSid: account, twilioAuthToken: token, assistantId: assistant.id });

const url = `${base}/twilio/inbound_call`;
const client = [];
let sent = 0, failed = 0;
async function worker() {
  while (sent < rings) {
    sent += 1;
    const params = twilioRing({ to: number.number, from: "+14155550123", accountSid: account, callSid: `CA${randomUUID().replace(/-/g, "")}` });
    const started = process.hrtime.bigint();
    const res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": twilioSignature(token, url, params) }, body: new URLSearchParams(params).toString() });
    const text = await res.text();
    client.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (res.status !== 200 || !text.includes("<Stream")) failed += 1;
  }
}
const t0 = Date.now();
await Promise.all(Array.from({ length: concurrency }, worker));
const seconds = (Date.now() - t0) / 1000;
server.kill("SIGTERM");
await new Promise((r) => server.on("exit", r));
await standin.close();

const serverMs = readFileSync(accessLog, "utf8").split("\n").filter((l) => l.includes('"/twilio/inbound_call"'))
  .map((l) => JSON.parse(l).ms);
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
console.log(`inbound Twilio calls routed to an assistant: ${rings} rings, ${concurrency} at a time, ${(rings / seconds).toFixed(0)} calls/s, ${failed} failed`);
console.log(`server time  p50 ${pct(serverMs, 0.5).toFixed(2)} ms  p99 ${pct(serverMs, 0.99).toFixed(2)} ms  (target p99 <= 2 ms)`);
console.log(`client time  p50 ${pct(client, 0.5).toFixed(2)} ms  p99 ${pct(client, 0.99).toFixed(2)} ms`);
rmSync(work, { recursive: true, force: true });
process.exit(failed === 0 ? 0 : 1);
