// Shared by the calls_*.test.mjs files: stand-ins for a custom transcriber (a WebSocket server
// speaking the documented `start` / binary stereo PCM / `transcriber-response` protocol) and a
// custom voice (an HTTP server answering `voice-request` with raw PCM), and a caller that
// dials a call's websocketCallUrl and streams 20 ms frames in real time, recording what it gets.
// Both stand-ins are written from Vapi's customization docs (custom-transcriber.mdx,
// custom-tts.mdx), not from the server's code.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { WebSocket, WebSocketServer } from "ws";
import { api } from "./harness.mjs";

/** G.711 μ-law of one 16-bit sample (for callers' audio). */
export function mulaw(sample) {
  const sign = sample < 0 ? 0x80 : 0;
  const magnitude = Math.min(Math.abs(sample), 32635) + 0x84;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Resolves once `check()` (which may be async) is truthy, polling every `every` ms (10 by
 * default; more for checks that ask the server); rejects after `ms` with `what`.
 */
export async function until(check, what, ms = 10000, every = 10) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(every);
  }
}

/** Polls GET /call/{id} through `client` until the call has `status`; resolves the call. */
export async function waitForCallStatus(client, id, status, ms = 10000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const call = await client.calls.get({ id });
    if (call.status === status) return call;
    if (Date.now() > deadline) throw new Error(`call ${id} is ${call.status}, not ${status}`);
    await sleep(50);
  }
}

/**
 * The custom transcriber stand-in. Resolves {url, sessions, latest(), close()}; each session is
 * {start (the first JSON message), bytes (binary audio received), frames, audio (its messages),
 * say(text, type), close()}. `say` sends {type: "transcriber-response", transcription, channel: "customer",
 * transcriptType}.
 */
export async function startTranscriberStandin() {
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  const sessions = [];
  wss.on("connection", (ws, req) => {
    const session = {
      headers: req.headers,
      path: req.url,
      start: null,
      bytes: 0,
      frames: 0,
      audio: [], // the binary messages, as received
      oddMessages: 0,
      say(transcription, transcriptType = "final") {
        ws.send(JSON.stringify({ type: "transcriber-response", transcription, channel: "customer", transcriptType }));
      },
      close() {
        ws.close();
      },
    };
    sessions.push(session);
    ws.on("message", (data, isBinary) => {
      if (!isBinary) {
        const m = JSON.parse(data.toString());
        if (m.type === "start" && !session.start) session.start = m;
        else session.oddMessages++;
        return;
      }
      session.bytes += data.length;
      session.frames++;
      session.audio.push(data);
    });
  });
  await new Promise((resolve) => http.listen(0, "127.0.0.1", resolve));
  return {
    url: `ws://127.0.0.1:${http.address().port}/transcribe`,
    sessions,
    latest: () => sessions[sessions.length - 1],
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

/**
 * The custom voice stand-in: answers each voice-request with a 440 Hz tone of `msPerChar`
 * per character of its text, as raw 16-bit PCM at the requested sampleRate, in 4 KB writes.
 * `behaviour(request)` may return {status} to fail. Resolves {url, requests, close()}.
 */
export async function startVoiceStandin({ msPerChar = 40, behaviour } = {}) {
  const requests = [];
  const http = createServer((req, res) => {
    let raw = "";
    req.on("data", (d) => (raw += d));
    req.on("end", () => {
      const body = JSON.parse(raw);
      requests.push({ headers: req.headers, body, at: Date.now() });
      const b = behaviour?.(body) ?? {};
      if (b.status) {
        res.writeHead(b.status, { "content-type": "application/json" });
        return res.end(JSON.stringify({ error: "TTS synthesis failed" }));
      }
      const { text, sampleRate } = body.message;
      const samples = Math.floor((text.length * msPerChar * sampleRate) / 1000);
      const pcm = Buffer.alloc(samples * 2);
      for (let i = 0; i < samples; i++) pcm.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / sampleRate) * 12000), i * 2);
      res.writeHead(200, { "content-type": "application/octet-stream" });
      for (let at = 0; at < pcm.length; at += 4096) res.write(pcm.subarray(at, at + 4096));
      res.end();
    });
  });
  await new Promise((resolve) => http.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${http.address().port}/voice`,
    requests,
    async close() {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

/** An assistant on the stand-ins (and the LLM stand-in's OpenAI model), with `extra` on top. */
export function standinAssistant(transcriber, voice, extra = {}) {
  return {
    name: "voice",
    model: { provider: "openai", model: "gpt-4o", messages: [{ role: "system", content: "Be brief." }] },
    transcriber: { provider: "custom-transcriber", server: { url: transcriber.url } },
    voice: { provider: "custom-voice", server: { url: voice.url } },
    ...extra,
  };
}

/**
 * POST /call with the WebSocket transport through the SDK (`audioFormat` goes into the
 * transport); resolves the Call.
 */
export function createWebsocketCall(server, { audioFormat, ...body }) {
  return server.client.calls.create({
    transport: { provider: "vapi.websocket", ...(audioFormat ? { audioFormat } : {}) },
    ...body,
  });
}

/** The same request through plain fetch, for refusals: resolves {status, body}. */
export function postCall(server, body) {
  return api(server, "/call", { method: "POST", body });
}

/**
 * Dials `url` and streams silence (or `source(frameIndex)` bytes) as 20 ms frames in real
 * time. Resolves {audio: [{at, bytes}], messages: [...], send(obj), stop(), closed, close(),
 * audioMs(), messagesOf(type)} once open; rejects on a refused upgrade with its status.
 */
export function dial(url, { format = { format: "pcm_s16le", sampleRate: 16000 }, source } = {}) {
  const frameBytes = format.format === "mulaw" ? format.sampleRate / 50 : (format.sampleRate / 50) * 2;
  const bytesPerMs = frameBytes / 20;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const caller = {
      audio: [],
      messages: [],
      closeCode: null,
      send: (o) => ws.send(JSON.stringify(o)),
      audioMs: () => caller.audio.reduce((n, a) => n + a.bytes.length, 0) / bytesPerMs,
      messagesOf: (type) => caller.messages.filter((m) => m.type === type),
      stopAudio: () => clearInterval(timer),
      close: () => {
        clearInterval(timer);
        ws.close();
      },
    };
    let frame = 0;
    let timer;
    const started = Date.now();
    caller.closed = new Promise((r) => ws.on("close", (code) => {
      caller.closeCode = code;
      clearInterval(timer);
      r(code);
    }));
    ws.on("unexpected-response", (req, res) => {
      let raw = "";
      res.on("data", (d) => (raw += d));
      res.on("end", () => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode, body: raw })));
    });
    ws.on("error", reject);
    ws.on("message", (data, isBinary) => {
      if (isBinary) caller.audio.push({ at: Date.now(), bytes: Buffer.from(data) });
      else caller.messages.push(JSON.parse(data.toString()));
    });
    ws.on("open", () => {
      // Frames go out on the wall clock: frame k at start + 20k ms, whatever the timer's drift.
      timer = setInterval(() => {
        const due = Math.floor((Date.now() - started) / 20);
        while (frame <= due && ws.readyState === WebSocket.OPEN) {
          ws.send(source ? source(frame, frameBytes) : Buffer.alloc(frameBytes, format.format === "mulaw" ? 0xff : 0));
          frame++;
        }
      }, 10);
      resolve(caller);
    });
  });
}

/** Every outbound frame's arrival, as ms of audio received by each time: for pacing checks. */
export function audioTimeline(caller, bytesPerMs) {
  let total = 0;
  return caller.audio.map((a) => {
    total += a.bytes.length / bytesPerMs;
    return { at: a.at, audioMs: total };
  });
}

/**
 * Connects to a call's monitor.listenUrl (with `headers`, e.g. Authorization). Resolves
 * {frames: [{at, bytes}], closed (resolves the close code), closeCode, left(), right(), close()}
 * once open; rejects on a refused upgrade with its status. left()/right() are the samples of
 * channel 0 / 1 received so far (16-bit little-endian, stereo interleaved).
 */
export function listenTo(url, { headers } = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const channel = (c) => {
      const out = [];
      for (const f of listener.frames) for (let i = 2 * c; i + 1 < f.bytes.length; i += 4) out.push(f.bytes.readInt16LE(i));
      return out;
    };
    const listener = {
      frames: [],
      texts: 0,
      closeCode: null,
      left: () => channel(0),
      right: () => channel(1),
      send: (data) => ws.send(data),
      close: () => ws.close(),
    };
    listener.closed = new Promise((r) => ws.on("close", (code) => {
      listener.closeCode = code;
      r(code);
    }));
    ws.on("unexpected-response", (req, res) => {
      let raw = "";
      res.on("data", (d) => (raw += d));
      res.on("end", () => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode, body: raw })));
    });
    ws.on("error", reject);
    ws.on("message", (data, isBinary) => {
      if (isBinary) listener.frames.push({ at: Date.now(), bytes: Buffer.from(data) });
      else listener.texts++;
    });
    ws.on("open", () => resolve(listener));
  });
}

/** The caller says something (a voiced 220 Hz tone) from 1.0 s to 1.8 s of the call, silence otherwise: a `source` for dial(). */
export function speakingCaller(frame, frameBytes) {
  const buf = Buffer.alloc(frameBytes);
  if (frame >= 50 && frame < 90)
    for (let i = 0; i * 2 < frameBytes; i++) buf.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 220 * (frame * 320 + i)) / 16000) * 8000), i * 2);
  return buf;
}

/** Resolves the Call `id` of `server` once it has ended; throws after `ms`. */
export async function callEnded(server, id, ms = 10000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const call = await server.client.calls.get({ id });
    if (call.status === "ended") return call;
    if (Date.now() > deadline) throw new Error(`call ${id} is ${call.status}, not ended`);
    await sleep(50);
  }
}
