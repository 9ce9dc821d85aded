// A stand-in for Deepgram's API, written from Deepgram's public documentation (not from the
// server's code), for the end-to-end tests: point a server at it with
// `--speech-base-url deepgram=<url>`.
//
// - Live transcription, a WebSocket at /v1/listen
//   (https://developers.deepgram.com/docs/live-streaming-audio):
//   the upgrade needs `Authorization: Token <key>` (else an HTTP 401 with a `dg-error` header,
//   as https://developers.deepgram.com/docs/stt-troubleshooting-websocket-data-and-net-errors
//   describes failed handshakes); the query is recorded; binary messages are the audio; text
//   {"type":"KeepAlive"} (https://developers.deepgram.com/docs/audio-keep-alive) is counted,
//   {"type":"CloseStream"} (https://developers.deepgram.com/docs/close-stream) is answered with
//   a Metadata message and a close. It answers "Results" messages shaped like the docs'
//   examples: an interim (is_final false) while it hears voiced audio, then a final with
//   speech_final true once the voice has been followed by silence; `say` and `utteranceEnd`
//   let a test send its own.
//   GUESS: words are heard as listening.mjs describes; the silence that ends an utterance is
//   the query's `endpointing` (at least 200 ms). The Results fields beyond type / is_final / speech_final /
//   channel.alternatives[0].transcript / confidence are filled with plausible values.
// - Aura text to speech, POST /v1/speak
//   (https://developers.deepgram.com/reference/text-to-speech/speak-request): Token auth (401
//   otherwise), the query (model, encoding, sample_rate, container) and JSON body {"text"}
//   recorded; answers raw linear16 PCM (a 440 Hz tone, `msPerChar` per character) at the asked
//   sample_rate in 4 KB writes after `firstByteDelayMs`.
//   GUESS: the content-type of a container=none linear16 answer ("audio/l16" here) and the exact
//   error bodies, written in the {"err_code","err_msg","request_id"} shape of Deepgram's REST
//   errors.
//
// Switches, on `standin.behaviour` (changeable between calls; `transcript` and
// `firstByteDelayMs` too):
//   listen: "ok" | 401 | 429 | "drop" (accept, then drop the TCP connection without a close frame
//           after `dropAfterMs`) | "close-1011" (close with 1011 "NET-0000" after `dropAfterMs`)
//   speak:  "ok" | 401 | 429
import { createServer } from "node:http";
import { randomUUID } from "node:crypto";
import { WebSocketServer } from "ws";
import { jsonOf, listenLocally, refuseUpgrade, utterances } from "./listening.mjs";

const ERROR_BODY = {
  401: { err_code: "INVALID_AUTH", err_msg: "Invalid credentials." },
  429: { err_code: "TOO_MANY_REQUESTS", err_msg: "Too many requests. Please try again later." },
};

/**
 * Starts the stand-in on 127.0.0.1. Options: apiKey (the only key accepted; or `apiKeys`, a
 * list), transcript (what each utterance is heard as), msPerChar, firstByteDelayMs.
 * Resolves {url, listens, speaks, behaviour, latest(), close()}. Each listen session:
 * {headers, params (URLSearchParams), bytes, frames, keepAlives, closeStreams, sent (the
 * messages it answered), say(text, {isFinal, speechFinal}), utteranceEnd(), closed}.
 * Each speak: {headers, params, body, at}.
 */
export async function startDeepgramStandin(options = {}) {
  const keys = options.apiKeys ?? [options.apiKey ?? "dg-test-key"];
  const behaviour = {
    listen: "ok",
    speak: "ok",
    dropAfterMs: 1500,
    transcript: options.transcript ?? "what is the weather like?",
    firstByteDelayMs: options.firstByteDelayMs ?? 0,
  };
  const msPerChar = options.msPerChar ?? 40;
  const listens = [];
  const speaks = [];
  const authorised = (req) => keys.some((k) => req.headers.authorization === `Token ${k}`);

  const refuse = (res, status) => {
    const body = JSON.stringify({ ...ERROR_BODY[status], request_id: randomUUID() });
    res.writeHead(status, { "content-type": "application/json", "dg-error": ERROR_BODY[status].err_msg });
    res.end(body);
  };

  const http = createServer((req, res) => {
    const url = new URL(req.url, "http://standin");
    if (req.method !== "POST" || url.pathname !== "/v1/speak") {
      res.writeHead(404).end();
      return;
    }
    let raw = "";
    req.on("data", (d) => (raw += d));
    req.on("end", () => {
      let body = null;
      try {
        body = JSON.parse(raw);
      } catch {}
      speaks.push({ headers: req.headers, params: url.searchParams, body, at: Date.now() });
      if (!authorised(req)) return refuse(res, 401);
      if (behaviour.speak !== "ok") return refuse(res, behaviour.speak);
      if (typeof body?.text !== "string") {
        res.writeHead(400, { "content-type": "application/json" });
        return res.end(JSON.stringify({ err_code: "Bad Request", err_msg: "text is required" }));
      }
      const rate = Number(url.searchParams.get("sample_rate") ?? 24000);
      const samples = Math.floor((body.text.length * msPerChar * rate) / 1000);
      const pcm = Buffer.alloc(samples * 2);
      for (let i = 0; i < samples; i++) pcm.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * 12000), i * 2);
      setTimeout(() => {
        res.writeHead(200, { "content-type": "audio/l16", "dg-request-id": randomUUID() });
        for (let at = 0; at < pcm.length; at += 4096) res.write(pcm.subarray(at, at + 4096));
        res.end();
      }, behaviour.firstByteDelayMs);
    });
  });

  const wss = new WebSocketServer({ noServer: true });
  http.on("upgrade", (req, socket, head) => {
    const url = new URL(req.url, "http://standin");
    const reject = (status) =>
      refuseUpgrade(socket, status, {
        headers: { "dg-error": ERROR_BODY[status]?.err_msg ?? "error" },
        body: { ...(ERROR_BODY[status] ?? {}), request_id: randomUUID() },
      });
    if (url.pathname !== "/v1/listen") return reject(404);
    const session = { headers: req.headers, params: url.searchParams, bytes: 0, frames: 0, keepAlives: 0, closeStreams: 0, sent: [] };
    listens.push(session);
    if (!authorised(req)) return reject(401);
    if (behaviour.listen === 401 || behaviour.listen === 429) return reject(behaviour.listen);
    wss.handleUpgrade(req, socket, head, (ws) => serveListen(ws, session));
  });

  function serveListen(ws, session) {
    let audioSeconds = 0;
    const send = (message) => {
      session.sent.push(message);
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    session.say = (text, { isFinal = true, speechFinal = isFinal } = {}) =>
      send({
        type: "Results",
        channel_index: [0, 1],
        duration: 1.0,
        start: Math.max(0, audioSeconds - 1),
        is_final: isFinal,
        speech_final: speechFinal,
        channel: { alternatives: [{ transcript: text, confidence: 0.99, words: [] }] },
        metadata: { request_id: "standin", model_info: { name: session.params.get("model") } },
      });
    session.utteranceEnd = () => send({ type: "UtteranceEnd", channel: [0, 1], last_word_end: audioSeconds });
    session.closed = new Promise((resolve) => ws.on("close", (code) => resolve(code)));
    const heard = utterances({
      endpointingMs: Number(session.params.get("endpointing") ?? 10),
      onInterim: () => session.say(behaviour.transcript.split(" ")[0], { isFinal: false }),
      onEnd: () => session.say(behaviour.transcript, { isFinal: true, speechFinal: true }),
    });
    if (behaviour.listen === "drop") setTimeout(() => ws.terminate(), behaviour.dropAfterMs);
    if (behaviour.listen === "close-1011") setTimeout(() => ws.close(1011, "NET-0000"), behaviour.dropAfterMs);
    ws.on("message", (data, isBinary) => {
      if (!isBinary) {
        const m = jsonOf(data);
        if (m.type === "KeepAlive") session.keepAlives++;
        if (m.type === "CloseStream") {
          session.closeStreams++;
          send({ type: "Metadata", request_id: "standin", duration: audioSeconds, channels: 1 });
          ws.close(1000);
        }
        return;
      }
      session.bytes += data.length;
      session.frames++;
      audioSeconds += heard.feed(data, Number(session.params.get("sample_rate") ?? 16000)) / 1000;
    });
  }

  const { url, close } = await listenLocally(http, wss);
  return { url, listens, speaks, behaviour, latest: () => listens[listens.length - 1], close };
}
