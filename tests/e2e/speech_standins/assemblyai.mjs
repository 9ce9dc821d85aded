// A stand-in for AssemblyAI's Universal Streaming (v3) API, written from AssemblyAI's public
// documentation (not from the server's code), for the end-to-end tests: point a server at it
// with `--speech-base-url assembly-ai=<url>`.
//
// - A WebSocket at /v3/ws (https://www.assemblyai.com/docs/api-reference/streaming-api):
//   the upgrade needs `Authorization: <key>` (the bare key); the query (sample_rate, encoding,
//   speech_model, format_turns, end_of_turn_confidence_threshold, ..., keyterms_prompt as one
//   JSON-array parameter) is recorded. It sends {"type":"Begin","id","expires_at"} on open;
//   binary messages are the audio, each of which must hold 50-1000 ms
//   (https://www.assemblyai.com/docs/streaming/message-sequence); text {"type":"Terminate"} is
//   answered with {"type":"Termination",...} and a close 1000. It answers "Turn" messages shaped
//   like the message-sequence page's examples: one with end_of_turn false while it hears voice,
//   then one with end_of_turn true once the voice has been followed by silence and, when
//   format_turns is true, the same turn again with turn_is_formatted true and the transcript
//   capitalised.
//   GUESS: words are heard as listening.mjs describes; the silence that ends a turn is the
//   query's max_turn_silence (at least 200 ms). A refused key answers the upgrade with an HTTP
//   401 (the docs describe the header, not the refusal's shape); an audio message outside
//   50-1000 ms gets an Error message and a close with 3007 (the docs' "input duration
//   violation"; the exact code is a guess). The v2 close codes 4001-4003 (AssemblyAI's SDK
//   error table) are what `closeWith` sends.
//
// Switches, on `standin.behaviour` (changeable between calls; `transcript` too):
//   listen: "ok" | 401 | 429 | "drop" (accept, then drop the TCP connection without a close
//           frame after `dropAfterMs`) | a number >= 1000 (close with that code after
//           `dropAfterMs`, after an Error message)
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { WebSocketServer } from "ws";
import { jsonOf, listenLocally, refuseUpgrade, utterances } from "./listening.mjs";

const MESSAGE_MIN_MS = 50;
const MESSAGE_MAX_MS = 1000;

/**
 * Starts the stand-in on 127.0.0.1. Options: apiKey (the only key accepted), transcript (what
 * each utterance is heard as). Resolves {url, sessions, behaviour, close()}. Each session:
 * {headers, params (URLSearchParams), bytes, messageMs (each audio message's duration),
 * terminates, sent, turn(text, {endOfTurn, formatted}), closed}.
 */
export async function startAssemblyAiStandin(options = {}) {
  const key = options.apiKey ?? "aai-test-key";
  const behaviour = { listen: "ok", dropAfterMs: 1500, transcript: options.transcript ?? "what is the weather like" };
  const sessions = [];
  const http = createServer((req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true });

  http.on("upgrade", (req, socket, head) => {
    const url = new URL(req.url, "http://standin");
    if (url.pathname !== "/v3/ws") return refuseUpgrade(socket, 404);
    const session = { headers: req.headers, params: url.searchParams, bytes: 0, messageMs: [], terminates: 0, sent: [] };
    sessions.push(session);
    if (req.headers.authorization !== key || behaviour.listen === 401) return refuseUpgrade(socket, 401, { body: { error: "Invalid API key" } });
    if (behaviour.listen === 429) return refuseUpgrade(socket, 429, { body: { error: "Too many concurrent sessions" } });
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws, session));
  });

  function serve(ws, session) {
    const rate = Number(session.params.get("sample_rate"));
    const formatTurns = session.params.get("format_turns") === "true";
    let order = 0;
    const send = (message) => {
      session.sent.push(message);
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const words = (text) => text.split(" ").map((w, i) => ({ text: w, start: i * 300, end: i * 300 + 250, confidence: 0.95, word_is_final: true }));
    session.turn = (text, { endOfTurn = true, formatted = false } = {}) =>
      send({
        type: "Turn",
        turn_order: order,
        turn_is_formatted: formatted,
        end_of_turn: endOfTurn,
        transcript: text,
        end_of_turn_confidence: endOfTurn ? 0.9 : 0.01,
        words: words(text),
        utterance: endOfTurn ? text : "",
      });
    session.closed = new Promise((resolve) => ws.on("close", (code) => resolve(code)));
    const heard = utterances({
      endpointingMs: Number(session.params.get("max_turn_silence") ?? 1280),
      onInterim: () => session.turn(behaviour.transcript.split(" ")[0], { endOfTurn: false }),
      onEnd: () => {
        session.turn(behaviour.transcript, { endOfTurn: true });
        if (formatTurns) {
          const formatted = behaviour.transcript[0].toUpperCase() + behaviour.transcript.slice(1) + "?";
          session.turn(formatted, { endOfTurn: true, formatted: true });
        }
        order++;
      },
    });
    send({ type: "Begin", id: randomUUID(), expires_at: Math.floor(Date.now() / 1000) + 3600 });
    if (behaviour.listen === "drop") setTimeout(() => ws.terminate(), behaviour.dropAfterMs);
    if (typeof behaviour.listen === "number" && behaviour.listen >= 1000)
      setTimeout(() => {
        send({ type: "Error", error: `stand-in closes with ${behaviour.listen}` });
        ws.close(behaviour.listen, "See Error message for details");
      }, behaviour.dropAfterMs);
    ws.on("message", (data, isBinary) => {
      if (!isBinary) {
        const m = jsonOf(data);
        if (m.type === "Terminate") {
          session.terminates++;
          send({ type: "Termination", audio_duration_seconds: session.bytes / 2 / rate, session_duration_seconds: 1 });
          ws.close(1000);
        }
        return;
      }
      session.bytes += data.length;
      const ms = heard.feed(data, rate);
      session.messageMs.push(ms);
      if (ms < MESSAGE_MIN_MS || ms > MESSAGE_MAX_MS) {
        send({ type: "Error", error: `Input duration violation: ${ms} ms` });
        ws.close(3007, "Input duration violation");
      }
    });
  }

  const { url, close } = await listenLocally(http, wss);
  return { url, sessions, behaviour, close };
}
