// Shared by the SIP tests: free ports, sipp (Debian's sip-tester) running one scenario of
// tests/e2e/sip/ against the server, and an RTP peer (a UDP socket in this process) standing
// for the softphone's media: it records what the server sends and sends the caller's audio and
// RFC 4733 digits back to where the server's packets come from (symmetric RTP).
import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { createServer } from "node:net";
import { existsSync, readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { tempDir, removeTempDir } from "./harness.mjs";
import { mulaw, sleep } from "./voice_helpers.mjs";

const SCENARIOS = join(dirname(fileURLToPath(import.meta.url)), "sip");

/** A port free for both UDP and TCP on 127.0.0.1 (SIP listens on both). */
export async function freeSipPort() {
  for (;;) {
    const udp = createSocket("udp4");
    await new Promise((resolve) => udp.bind(0, "127.0.0.1", resolve));
    const port = udp.address().port;
    const tcpFree = await new Promise((resolve) => {
      const tcp = createServer();
      tcp.once("error", () => resolve(false));
      tcp.listen(port, "127.0.0.1", () => tcp.close(() => resolve(true)));
    });
    await new Promise((resolve) => udp.close(resolve));
    if (tcpFree) return port;
  }
}

/**
 * Runs one sipp scenario against the server's SIP port; resolves {status, errors}. `keys` fill
 * the scenario's [keyword]s (caller, rtp_port and codecs have defaults); `holdMs` is the
 * scenario's <pause/>; `signal` aborts it (killing sipp).
 */
export async function sipp(port, scenario, { transport = "u1", service = "alice", keys = {}, holdMs = 1000, timeout = "15s", signal } = {}) {
  const work = tempDir("switchboard-sipp-");
  const errors = join(work, "errors.log");
  const all = { caller: "caller", rtp_port: "9", codecs: "0 101", ...keys };
  const args = [
    `127.0.0.1:${port}`, "-sf", join(SCENARIOS, scenario), "-s", service, "-m", "1",
    "-i", "127.0.0.1", "-p", String(await freeSipPort()), "-mp", String(await freeSipPort()),
    "-t", transport, "-nostdin", "-timeout", timeout, "-timeout_error", "-d", String(holdMs),
    "-trace_err", "-error_file", errors,
    ...Object.entries(all).flatMap(([k, v]) => ["-key", k, String(v)]),
  ];
  // Asynchronous, so the server's output keeps being read meanwhile.
  const run = await new Promise((resolve) => {
    const child = spawn("sipp", args, { cwd: work, timeout: 60000, signal });
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.on("error", (error) => resolve(error.name === "AbortError" ? { status: null, stdout } : { error }));
    child.on("exit", (status) => resolve({ status, stdout }));
  });
  const logged = existsSync(errors) ? readFileSync(errors, "utf8") : "";
  removeTempDir(work);
  if (run.error) throw new Error(`sipp did not run (install sip-tester: scripts/install-deps.sh --test): ${run.error.message}`);
  return { status: run.status, errors: `${logged}\n${run.stdout.slice(-2000)}` };
}

/** 8 kHz μ-law of 16 kHz 16-bit PCM (pairs of samples averaged). */
export function pcmuOf(pcm16k) {
  const out = Buffer.alloc(Math.floor(pcm16k.length / 4));
  for (let i = 0; i < out.length; i++) out[i] = mulaw((pcm16k.readInt16LE(4 * i) + pcm16k.readInt16LE(4 * i + 2)) >> 1);
  return out;
}

/** The 16-bit sample of a μ-law byte. */
export function linear(byte) {
  const u = ~byte & 0xff;
  const t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
  return u & 0x80 ? 0x84 - t : t - 0x84;
}

/** The 16-bit sample of an A-law byte. */
export function linearOfAlaw(byte) {
  const a = byte ^ 0x55;
  const exponent = (a & 0x70) >> 4;
  let t = (a & 0x0f) << 4;
  t = exponent === 0 ? t + 8 : ((t + 0x108) << (exponent - 1));
  return a & 0x80 ? t : -t;
}

/**
 * The softphone's media: a UDP socket on 127.0.0.1 (`port` goes in the offer). `packets` holds
 * what arrives ({at ms, payloadType, marker, seq, timestamp, payload}); `play` sends PCMU
 * frames every 20 ms and `digits` RFC 4733 events (payload type 101), both to where the
 * server's packets come from.
 */
export async function rtpPeer() {
  const socket = createSocket("udp4");
  await new Promise((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const packets = [];
  let from = null;
  socket.on("message", (msg, rinfo) => {
    if (msg.length < 12 || msg[0] >> 6 !== 2) return;
    from ??= rinfo;
    packets.push({
      at: performance.now(), payloadType: msg[1] & 0x7f, marker: !!(msg[1] & 0x80),
      seq: msg.readUInt16BE(2), timestamp: msg.readUInt32BE(4), payload: msg.subarray(12),
    });
  });
  let seq = 1, timestamp = 0;
  const ssrc = 0x5eed1234;
  const send = (payloadType, payload, { marker = false, ts = timestamp } = {}) => {
    const header = Buffer.alloc(12);
    header[0] = 0x80;
    header[1] = (marker ? 0x80 : 0) | payloadType;
    header.writeUInt16BE(seq++ & 0xffff, 2);
    header.writeUInt32BE(ts >>> 0, 4);
    header.writeUInt32BE(ssrc, 8);
    socket.send(Buffer.concat([header, payload]), from.port, from.address);
  };
  // One 20 ms step on a steady grid, as a phone's clock: setTimeout fires late on a busy
  // machine, and the frames it owes then go at once (the server's jitter buffer absorbs that),
  // so the stream keeps real time.
  let next = 0;
  const tick = async () => {
    next += 20;
    await sleep(Math.max(0, next - performance.now()));
  };
  return {
    port: socket.address().port,
    packets,
    source: () => from,
    /**
     * Sends `pcmu` (8 kHz μ-law; A-law with payloadType 8) in 160-byte frames, 20 ms apart, once
     * the server has sent.
     */
    async play(pcmu, { payloadType = 0 } = {}) {
      next = performance.now();
      for (let at = 0; at < pcmu.length; at += 160) {
        const frame = Buffer.alloc(160, payloadType === 8 ? 0xd5 : 0xff);
        pcmu.copy(frame, 0, at, Math.min(at + 160, pcmu.length));
        send(payloadType, frame, { marker: at === 0 });
        timestamp += 160;
        await tick();
      }
    },
    /** Presses each key: a start packet, updates every 20 ms, three end packets. */
    async digits(keys) {
      const codes = { "*": 10, "#": 11 };
      next = performance.now();
      for (const key of keys) {
        const event = codes[key] ?? Number(key);
        const start = timestamp;
        const packet = (duration, end) => {
          const b = Buffer.from([event, (end ? 0x80 : 0) | 10, 0, 0]);
          b.writeUInt16BE(duration, 2);
          return b;
        };
        for (let i = 1; i <= 5; i++) {
          send(101, packet(i * 160, false), { marker: i === 1, ts: start });
          await tick();
        }
        for (let i = 0; i < 3; i++) send(101, packet(800, true), { ts: start });
        timestamp += 1000;
        for (let i = 0; i < 3; i++) await tick();
      }
    },
    close: () => new Promise((resolve) => socket.close(resolve)),
  };
}

// sipp as a UAS (a trunk gateway) on 127.0.0.1:port running `scenario` (a path) once, `keys`
// filling its [key]s; `done`
// resolves {status, errors} when sipp exits (it is killed after `timeoutMs`).
export async function sippGateway(scenario, { transport = "u1", timeoutMs = 30000, keys = {} } = {}) {
  const port = await freeSipPort();
  const work = tempDir("switchboard-sipp-uas-");
  const errors = join(work, "errors.log");
  const args = [
    "-sf", scenario, "-i", "127.0.0.1", "-p", String(port), "-mp", String(await freeSipPort()),
    "-m", "1", "-t", transport, "-nostdin", "-timeout", `${Math.round(timeoutMs / 1000)}s`,
    "-timeout_error", "-trace_err", "-error_file", errors,
    ...Object.entries(keys).flatMap(([k, v]) => ["-key", k, String(v)]),
  ];
  const child = spawn("sipp", args, { cwd: work, timeout: timeoutMs + 5000 });
  let stdout = "";
  child.stdout.on("data", (d) => (stdout += d));
  const done = new Promise((resolve) => {
    child.on("error", (error) => resolve({ status: -1, errors: `sipp did not run (install sip-tester): ${error.message}` }));
    child.on("exit", (status) => {
      const logged = existsSync(errors) ? readFileSync(errors, "utf8") : "";
      removeTempDir(work);
      resolve({ status, errors: `${logged}\n${stdout.slice(-2000)}` });
    });
  });
  // Listening once its port is taken.
  for (let i = 0; i < 100; i++) {
    const taken = await new Promise((resolve) => {
      const probe = createSocket("udp4");
      probe.once("error", () => resolve(true));
      probe.bind(port, "127.0.0.1", () => probe.close(() => resolve(false)));
    });
    if (taken || transport !== "u1") break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return { port, done, kill: () => child.kill("SIGKILL") };
}
