// A stand-in for OpenAI's Realtime API in transcription mode, written from OpenAI's public
// documentation (not from the server's code), for the end-to-end tests: point a server at it
// with `--speech-base-url openai=<url>/v1`.
//
// - A WebSocket at /v1/realtime?intent=transcription
//   (https://developers.openai.com/api/docs/guides/realtime-transcription): the upgrade needs
//   `Authorization: Bearer <key>` (else an HTTP 401 — GUESS: the refusal's shape). It sends
//   {"type":"session.created"} on open; a {"type":"session.update","session":{"type":
//   "transcription",...}} is recorded and answered with session.updated. Text
//   {"type":"input_audio_buffer.append","audio":"<base64>"} messages are the audio, PCM at the
//   session's audio.input.format.rate (24000, the only rate the API takes). With server VAD it
//   answers input_audio_buffer.speech_started, a
//   conversation.item.input_audio_transcription.delta with the first word while it hears voice,
//   then speech_stopped, input_audio_buffer.committed, the rest as a delta and
//   conversation.item.input_audio_transcription.completed once the voice has been followed by
//   silence (the session's turn_detection.silence_duration_ms, 500 by default — GUESS — and at
//   least 200 ms).
//   GUESS: words are heard as listening.mjs describes.
//
// Switches, on `standin.behaviour` (changeable between calls; `transcript` too):
//   listen: "ok" | 401 | 429 | "drop" (accept, then drop the TCP connection without a close
//           frame after `dropAfterMs`)
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { WebSocketServer } from "ws";
import { jsonOf, listenLocally, refuseUpgrade, utterances } from "./listening.mjs";

/**
 * Starts the stand-in on 127.0.0.1. Options: apiKey (the only key accepted), transcript.
 * Resolves {url (the API base, ending /v1), sessions, behaviour, close()}. Each session:
 * {headers, params, update (the session.update), appends, bytes, sent, closed}.
 */
export async function startOpenAiRealtimeStandin(options = {}) {
  const key = options.apiKey ?? "sk-openai-test";
  const behaviour = { listen: "ok", dropAfterMs: 1500, transcript: options.transcript ?? "what is the weather like?" };
  const sessions = [];
  const http = createServer((req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true });

  http.on("upgrade", (req, socket, head) => {
    const url = new URL(req.url, "http://standin");
    if (url.pathname !== "/v1/realtime") return refuseUpgrade(socket, 404);
    const session = { headers: req.headers, params: url.searchParams, update: null, appends: 0, bytes: 0, sent: [] };
    sessions.push(session);
    const error = (message) => ({ error: { type: "invalid_request_error", message } });
    if (req.headers.authorization !== `Bearer ${key}` || behaviour.listen === 401) return refuseUpgrade(socket, 401, { body: error("Incorrect API key provided") });
    if (behaviour.listen === 429) return refuseUpgrade(socket, 429, { body: error("Rate limit reached") });
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws, session));
  });

  function serve(ws, session) {
    const send = (message) => {
      session.sent.push(message);
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event_id: `event_${randomUUID()}`, ...message }));
    };
    let heard = null;
    let item = null;
    session.closed = new Promise((resolve) => ws.on("close", (code) => resolve(code)));
    if (behaviour.listen === "drop") setTimeout(() => ws.terminate(), behaviour.dropAfterMs);
    send({ type: "session.created", session: { type: "transcription", id: `sess_${randomUUID()}` } });
    ws.on("message", (data) => {
      const m = jsonOf(data);
      if (m.type === "session.update") {
        session.update = m;
        const input = m.session?.audio?.input ?? {};
        heard = utterances({
          endpointingMs: input.turn_detection?.silence_duration_ms ?? 500,
          onInterim: () => {
            item = `item_${randomUUID()}`;
            send({ type: "input_audio_buffer.speech_started", item_id: item, audio_start_ms: 0 });
            send({ type: "conversation.item.input_audio_transcription.delta", item_id: item, content_index: 0, delta: behaviour.transcript.split(" ")[0] });
          },
          onEnd: () => {
            item ??= `item_${randomUUID()}`;
            const [first, ...rest] = behaviour.transcript.split(" ");
            send({ type: "input_audio_buffer.speech_stopped", item_id: item, audio_end_ms: 0 });
            send({ type: "input_audio_buffer.committed", item_id: item, previous_item_id: null });
            send({ type: "conversation.item.input_audio_transcription.delta", item_id: item, content_index: 0, delta: ` ${rest.join(" ")}` });
            send({ type: "conversation.item.input_audio_transcription.completed", item_id: item, content_index: 0, transcript: [first, ...rest].join(" ") });
            item = null;
          },
        });
        send({ type: "session.updated", session: m.session });
      } else if (m.type === "input_audio_buffer.append" && heard) {
        const pcm = Buffer.from(m.audio ?? "", "base64");
        session.appends++;
        session.bytes += pcm.length;
        heard.feed(pcm, session.update.session.audio.input.format.rate);
      }
    });
  }

  const { url, close } = await listenLocally(http, wss);
  return { url: `${url}/v1`, sessions, behaviour, close };
}
