// What the live-transcription stand-ins share (deepgram.mjs, assemblyai.mjs, ...): refusing a
// WebSocket upgrade with an HTTP status, hearing "speech" in the caller's PCM, and the
// live-transcription side of the text-to-speech stand-ins (elevenlabs.mjs, cartesia.mjs, azure_speech.mjs).
//
// GUESS (every stand-in): real providers recognise words; these measure energy (RMS over 500 is
// voice) and answer a fixed, configurable transcript per utterance.
import { WebSocketServer } from "ws";

/** Answers an upgrade request on `socket` with `status`, `headers` and a JSON `body`. */
export function refuseUpgrade(socket, status, { headers = {}, body = {} } = {}) {
  const text = JSON.stringify(body);
  const reason = { 401: "Unauthorized", 404: "Not Found", 429: "Too Many Requests" }[status] ?? "Error";
  const lines = Object.entries({ "content-type": "application/json", ...headers, "content-length": Buffer.byteLength(text), connection: "close" })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("");
  socket.end(`HTTP/1.1 ${status} ${reason}\r\n${lines}\r\n${text}`);
}

/**
 * Follows the caller's 16-bit mono PCM and calls `onInterim()` once an utterance has been voiced
 * for 300 ms, and `onEnd()` when it has been followed by `endpointingMs` of silence (at least
 * 200 ms, since a real-time caller's 20 ms frames arrive unevenly) after at least 100 ms of voice.
 * feed(buffer, rate) returns the buffer's duration in ms.
 */
export function utterances({ endpointingMs, onInterim, onEnd }) {
  const silenceMs = Math.max(endpointingMs, 200);
  let voicedMs = 0;
  let silentMs = 0;
  let interimSent = false;
  return {
    feed(data, rate) {
      const samples = Math.floor(data.length / 2);
      const ms = (samples * 1000) / rate;
      let energy = 0;
      for (let i = 0; i + 1 < data.length; i += 2) energy += data.readInt16LE(i) ** 2;
      const rms = Math.sqrt(energy / Math.max(1, samples));
      if (rms > 500) {
        voicedMs += ms;
        silentMs = 0;
        if (voicedMs >= 300 && !interimSent) {
          interimSent = true;
          onInterim();
        }
      } else if (voicedMs > 0) {
        silentMs += ms;
        if (silentMs >= silenceMs) {
          if (voicedMs >= 100) onEnd();
          voicedMs = 0;
          silentMs = 0;
          interimSent = false;
        }
      }
      return ms;
    },
  };
}

/** A text message from the server's client as JSON ({} when it is not JSON). */
export function jsonOf(data) {
  try {
    return JSON.parse(data.toString());
  } catch {
    return {};
  }
}

/**
 * Starts `http` on 127.0.0.1; resolves {url, close()}, where close() also ends the WebSocket
 * server `wss` and its clients.
 */
export async function listenLocally(http, wss) {
  await new Promise((resolve) => http.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${http.address().port}`,
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

/**
 * The live-transcription side of a stand-in whose host also serves text-to-speech (the
 * tts_http.mjs ones): pass `upgrade` and `closing` to startTtsStandin. An upgrade for a path
 * `route(pathname)` accepts gets a session {path, headers, params, sent, closed} pushed to
 * `sessions`; it is refused with 401 unless `authorized(headers)` or `listening.listen` is 401,
 * with 429 when it is 429 (bodies from `refusal(status)`), else handed to
 * `serve(ws, session, send)` (send: JSON, recorded in session.sent). listen "drop" drops the TCP
 * connection without a close frame `dropAfterMs` after it opened. `listening` holds the
 * switches, changeable between calls: {listen: "ok" | 401 | 429 | "drop", dropAfterMs,
 * transcript (what each utterance is heard as)}.
 */
export function liveTranscription({ route, authorized, refusal, serve, transcript }) {
  const listening = { listen: "ok", dropAfterMs: 1500, transcript: transcript ?? "what is the weather like?" };
  const sessions = [];
  const wss = new WebSocketServer({ noServer: true });
  const upgrade = (req, socket, head) => {
    const url = new URL(req.url, "http://standin");
    if (!route(url.pathname)) return refuseUpgrade(socket, 404);
    const session = { path: url.pathname, headers: req.headers, params: url.searchParams, sent: [] };
    sessions.push(session);
    if (!authorized(req.headers) || listening.listen === 401) return refuseUpgrade(socket, 401, { body: refusal(401) });
    if (listening.listen === 429) return refuseUpgrade(socket, 429, { body: refusal(429) });
    wss.handleUpgrade(req, socket, head, (ws) => {
      session.closed = new Promise((resolve) => ws.on("close", (code) => resolve(code)));
      if (listening.listen === "drop") setTimeout(() => ws.terminate(), listening.dropAfterMs);
      const send = (message, raw) => {
        session.sent.push(message);
        if (ws.readyState === ws.OPEN) ws.send(raw ?? JSON.stringify(message));
      };
      serve(ws, session, send);
    });
  };
  const closing = () => {
    for (const c of wss.clients) c.terminate();
    wss.close();
  };
  return { listening, sessions, upgrade, closing };
}
