// A stand-in for Gladia's live API v2, written from Gladia's public documentation (not from the
// server's code), for the end-to-end tests: point a server at it with
// `--speech-base-url gladia=<url>`.
//
// - POST /v2/live (https://docs.gladia.io/api-reference/v2/live/init): needs `x-gladia-key`;
//   the JSON body (encoding, bit_depth, sample_rate, channels, model, endpointing,
//   language_config, pre_processing, realtime_processing, messages_config) and the query
//   (region) are recorded; answers 201 {"id","url"} with the session's WebSocket URL,
//   ws://<this stand-in>/v2/live?token=<token>.
//   GUESS: the error bodies ({"statusCode","message"} here) and that a refused key is a 401.
// - The session's WebSocket (https://docs.gladia.io/api-reference/v2/live/websocket): binary
//   messages are the audio (the body's encoding); text {"type":"stop_recording"}
//   (https://docs.gladia.io/api-reference/v2/live/action/stop-recording) is counted and
//   answered with a close 1000. It answers "transcript" messages
//   {"type":"transcript","session_id","created_at","data":{"id","is_final","utterance":
//   {"text","start","end","language","confidence","channel","words"}}}: a partial (when the
//   body asked for partials) while it hears voice, then a final once the voice has been
//   followed by the body's `endpointing` seconds of silence (0.05 s by default, as documented;
//   at least 200 ms here).
//   GUESS: words are heard as listening.mjs describes; utterance texts start with a space, as
//   Gladia's examples show.
//
// Switches, on `standin.behaviour` (changeable between calls; `transcript` too):
//   init:   "ok" | 401 | 429 | 422 (the POST's answer)
//   listen: "ok" | "drop" (accept, then drop the TCP connection without a close frame after
//           `dropAfterMs`)
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { WebSocketServer } from "ws";
import { jsonOf, listenLocally, refuseUpgrade, utterances } from "./listening.mjs";

/**
 * Starts the stand-in on 127.0.0.1. Options: apiKey (the only key accepted), transcript.
 * Resolves {url, inits, sessions, behaviour, close()}. Each init: {headers, params, body}.
 * Each session: {init, bytes, stops, sent, say(text, {isFinal}), closed}.
 */
export async function startGladiaStandin(options = {}) {
  const key = options.apiKey ?? "gladia-test-key";
  const behaviour = { init: "ok", listen: "ok", dropAfterMs: 1500, transcript: options.transcript ?? "what is the weather like?" };
  const inits = [];
  const sessions = [];
  const tokens = new Map(); // token → its init
  let base;

  const http = createServer((req, res) => {
    const url = new URL(req.url, "http://standin");
    const answer = (status, body) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method !== "POST" || url.pathname !== "/v2/live") return answer(404, { statusCode: 404, message: "Not Found" });
    let raw = "";
    req.on("data", (d) => (raw += d));
    req.on("end", () => {
      const init = { headers: req.headers, params: url.searchParams, body: jsonOf(raw) };
      inits.push(init);
      if (req.headers["x-gladia-key"] !== key || behaviour.init === 401) return answer(401, { statusCode: 401, message: "Invalid API key" });
      if (behaviour.init === 429) return answer(429, { statusCode: 429, message: "Too many concurrent sessions" });
      if (behaviour.init === 422) return answer(422, { statusCode: 422, message: "Validation failed", validation_errors: ["model must be solaria-1"] });
      const token = randomUUID();
      tokens.set(token, init);
      answer(201, { id: randomUUID(), url: `${base.replace("http://", "ws://")}/v2/live?token=${token}` });
    });
  });

  const wss = new WebSocketServer({ noServer: true });
  http.on("upgrade", (req, socket, head) => {
    const url = new URL(req.url, "http://standin");
    const init = tokens.get(url.searchParams.get("token"));
    if (url.pathname !== "/v2/live" || !init) return refuseUpgrade(socket, 401, { body: { statusCode: 401, message: "Invalid session token" } });
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws, { init, bytes: 0, stops: 0, sent: [] }));
  });

  function serve(ws, session) {
    sessions.push(session);
    const body = session.init.body;
    const rate = body.sample_rate;
    let at = 0; // seconds of audio heard
    let n = 0;
    const send = (message) => {
      session.sent.push(message);
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    session.say = (text, { isFinal = true } = {}) =>
      send({
        type: "transcript",
        session_id: "standin",
        created_at: new Date().toISOString(),
        data: { id: `00-${String(n++).padStart(8, "0")}`, is_final: isFinal, utterance: { text: ` ${text}`, start: Math.max(0, at - 1), end: at, language: "en", confidence: 0.92, channel: 0, words: [] } },
      });
    session.closed = new Promise((resolve) => ws.on("close", (code) => resolve(code)));
    const heard = utterances({
      endpointingMs: (body.endpointing ?? 0.05) * 1000,
      onInterim: () => {
        if (body.messages_config?.receive_partial_transcripts) session.say(behaviour.transcript.split(" ")[0], { isFinal: false });
      },
      onEnd: () => session.say(behaviour.transcript, { isFinal: true }),
    });
    if (behaviour.listen === "drop") setTimeout(() => ws.terminate(), behaviour.dropAfterMs);
    ws.on("message", (data, isBinary) => {
      if (!isBinary) {
        if (jsonOf(data).type === "stop_recording") {
          session.stops++;
          ws.close(1000);
        }
        return;
      }
      session.bytes += data.length;
      at += heard.feed(data, rate) / 1000;
    });
  }

  const { url, close } = await listenLocally(http, wss);
  base = url;
  return { url, inits, sessions, behaviour, close };
}
