// A stand-in for Speechmatics' Realtime API, written from Speechmatics' public documentation
// (not from the server's code), for the end-to-end tests: point a server at it with
// `--speech-base-url speechmatics=<url>`.
//
// - A WebSocket at /v2 (https://docs.speechmatics.com/api-ref/realtime-transcription-websocket):
//   the upgrade needs `Authorization: Bearer <key>` (else an HTTP 401, as the reference lists
//   for an invalid key). The first message must be StartRecognition (audio_format,
//   transcription_config; recorded), answered with {"message":"RecognitionStarted","id"}; audio
//   before it is a protocol error here (an Error message, then a close). Binary messages are
//   AddAudio, each acknowledged with {"message":"AudioAdded","seq_no"}. It answers
//   AddPartialTranscript (when enable_partials) while it hears voice, then AddTranscript and
//   EndOfUtterance once the voice has been followed by the config's
//   conversation_config.end_of_utterance_silence_trigger of silence; {"message":"EndOfStream",
//   "last_seq_no"} is answered with EndOfTranscript and a close 1000.
//   GUESS: words are heard as listening.mjs describes (the silence at least 200 ms); the
//   results array is left empty (the pipeline reads metadata.transcript); the close code after
//   an Error (4003 here).
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
 * Resolves {url, sessions, behaviour, close()}. Each session: {headers, start (the
 * StartRecognition), bytes, audioBeforeStart, endOfStream (its message), sent, closed}.
 */
export async function startSpeechmaticsStandin(options = {}) {
  const key = options.apiKey ?? "speechmatics-test-key";
  const behaviour = { listen: "ok", dropAfterMs: 1500, transcript: options.transcript ?? "what is the weather like?" };
  const sessions = [];
  const http = createServer((req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true });

  http.on("upgrade", (req, socket, head) => {
    const url = new URL(req.url, "http://standin");
    if (url.pathname !== "/v2" && url.pathname !== "/v2/") return refuseUpgrade(socket, 404);
    const session = { headers: req.headers, start: null, bytes: 0, seqNo: 0, audioBeforeStart: 0, endOfStream: null, sent: [] };
    sessions.push(session);
    if (req.headers.authorization !== `Bearer ${key}` || behaviour.listen === 401) return refuseUpgrade(socket, 401, { body: { message: "Unauthorized" } });
    if (behaviour.listen === 429) return refuseUpgrade(socket, 429, { body: { message: "Concurrent session quota exceeded" } });
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws, session));
  });

  function serve(ws, session) {
    const send = (message) => {
      session.sent.push(message);
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    let heard = null;
    let at = 0;
    session.closed = new Promise((resolve) => ws.on("close", (code) => resolve(code)));
    if (behaviour.listen === "drop") setTimeout(() => ws.terminate(), behaviour.dropAfterMs);
    const transcript = (message, text) => send({ message, format: "2.9", metadata: { transcript: `${text} `, start_time: Math.max(0, at - 1), end_time: at }, results: [] });
    ws.on("message", (data, isBinary) => {
      if (!isBinary) {
        const m = jsonOf(data);
        if (m.message === "StartRecognition") {
          session.start = m;
          const config = m.transcription_config ?? {};
          heard = utterances({
            endpointingMs: (config.conversation_config?.end_of_utterance_silence_trigger ?? 0) * 1000,
            onInterim: () => {
              if (config.enable_partials) transcript("AddPartialTranscript", behaviour.transcript.split(" ")[0]);
            },
            onEnd: () => {
              transcript("AddTranscript", behaviour.transcript);
              send({ message: "EndOfUtterance", format: "2.9", metadata: { start_time: at, end_time: at } });
            },
          });
          send({ message: "RecognitionStarted", id: randomUUID(), orchestrator_version: "standin" });
        } else if (m.message === "EndOfStream") {
          session.endOfStream = m;
          send({ message: "EndOfTranscript" });
          ws.close(1000);
        }
        return;
      }
      if (!heard) {
        session.audioBeforeStart++;
        send({ message: "Error", type: "protocol_error", reason: "AddAudio before RecognitionStarted" });
        return ws.close(4003, "protocol_error");
      }
      session.bytes += data.length;
      send({ message: "AudioAdded", seq_no: ++session.seqNo });
      at += heard.feed(data, session.start.audio_format.sample_rate) / 1000;
    });
  }

  const { url, close } = await listenLocally(http, wss);
  return { url, sessions, behaviour, close };
}
