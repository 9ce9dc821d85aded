// A stand-in for Cartesia's bytes endpoint, written from its public API reference
// (https://docs.cartesia.ai/api-reference/tts/bytes, API conventions at
// https://docs.cartesia.ai/api-reference): POST /tts/bytes with a `Cartesia-Version` header and
// the key as `X-API-Key` or `Authorization: Bearer` (Cartesia accepts both); JSON {model_id,
// transcript, voice: {mode: "id", id}, output_format: {container, encoding, sample_rate}, ...}.
// Only raw pcm_s16le is served (a tone, see tts_http.mjs). Errors carry the 2026-03-01 shape
// {error_code, title, message, request_id} (https://docs.cartesia.ai/use-the-api/api-errors).
// GUESS: a missing Cartesia-Version is refused with a 400; the docs say only that it is required.
//
// Realtime speech-to-text, from https://docs.cartesia.ai/api-reference/stt/stt,
// https://docs.cartesia.ai/api-reference/stt/turns/websocket and the Cartesia Python SDK's
// types/stt: WebSockets at /stt/websocket (ink-whisper: {"type":"transcript","is_final","text"}
// deltas, Cartesia finalising an utterance after a silence; the text message `close` is answered
// with {"type":"done"} and a close) and /stt/turns/websocket (ink-2: {"type":"connected"}, then
// turn.start, turn.update with the turn so far and turn.end with the whole turn; {"type":"close"}
// closes). Both take the key as X-API-Key (or Authorization: Bearer), need Cartesia-Version, and
// take the audio as binary messages of the query's encoding (only pcm_s16le here) and sample_rate.
// GUESS: words are heard as listening.mjs describes, the silence ending an ink-whisper utterance
// being the query's max_silence_duration_secs (0.4 s when absent: the docs give no default);
// refusals are HTTP answers to the upgrade in the error shape above (a missing Cartesia-Version
// counts as unauthorised). Switches on `standin.listening` (listening.mjs).
import { randomUUID } from "node:crypto";
import { jsonOf, liveTranscription, utterances } from "./listening.mjs";
import { startTtsStandin } from "./tts_http.mjs";

/**
 * Options as startTtsStandin's, plus `apiKey` (the one key accepted). url is the API base.
 * standin.sessions: the speech-to-text sessions, each {path, headers, params, bytes, closes, sent}.
 */
export async function startCartesiaStandin({ apiKey, ...options } = {}) {
  const live = liveTranscription({
    route: (path) => path === "/stt/websocket" || path === "/stt/turns/websocket",
    authorized: (headers) => (headers["x-api-key"] === apiKey || headers.authorization === `Bearer ${apiKey}`) && !!headers["cartesia-version"],
    refusal: (status) => ({ error_code: status === 401 ? "unauthorized" : "concurrency_limited", title: "refused", message: `refused (${status})`, request_id: randomUUID() }),
    serve(ws, session, send) {
      Object.assign(session, { bytes: 0, closes: 0 });
      const turns = session.path === "/stt/turns/websocket";
      const requestId = randomUUID();
      const { transcript } = live.listening;
      const heard = utterances({
        endpointingMs: Number(session.params.get("max_silence_duration_secs") ?? 0.4) * 1000,
        onInterim: () => (turns ? send({ type: "turn.update", transcript: transcript.split(" ")[0], request_id: requestId }) : send({ type: "transcript", is_final: false, text: ` ${transcript.split(" ")[0]}`, request_id: requestId })),
        onEnd: () => (turns ? send({ type: "turn.end", transcript, request_id: requestId }) : send({ type: "transcript", is_final: true, text: ` ${transcript}`, duration: 1, request_id: requestId })),
      });
      if (session.params.get("encoding") !== "pcm_s16le" || !Number(session.params.get("sample_rate"))) {
        send({ type: "error", title: "Invalid audio format", message: "the stand-in takes pcm_s16le with a sample_rate", status_code: 400, request_id: requestId });
        return ws.close(1008, "invalid audio format");
      }
      if (turns) send({ type: "connected", request_id: requestId });
      ws.on("message", (data, isBinary) => {
        if (isBinary) {
          if (turns && session.bytes === 0) send({ type: "turn.start", request_id: requestId });
          session.bytes += data.length;
          return heard.feed(data, Number(session.params.get("sample_rate")));
        }
        const closing = turns ? jsonOf(data).type === "close" : data.toString() === "close";
        if (!closing) return;
        session.closes++;
        if (!turns) send({ type: "done", request_id: requestId });
        ws.close(1000);
      });
    },
  });
  const standin = await startTtsStandin(
    {
      upgrade: live.upgrade,
      closing: live.closing,
      route: (method, path) => method === "POST" && path === "/tts/bytes",
      authorized: (headers) => headers["x-api-key"] === apiKey || headers.authorization === `Bearer ${apiKey}`,
      read(record) {
        const { json, headers } = record;
        if (!headers["cartesia-version"]) return { status: 400, message: "Cartesia-Version header is required" };
        if (!json.model_id || typeof json.transcript !== "string" || !json.voice?.id) return { status: 400, message: "model_id, transcript and voice.id are required" };
        const format = json.output_format ?? {};
        if (format.container !== "raw" || format.encoding !== "pcm_s16le" || !format.sample_rate) return { status: 400, message: "the stand-in serves raw pcm_s16le only" };
        return { text: json.transcript, sampleRate: format.sample_rate };
      },
      error(status, kind, message) {
        const code = { auth: "unauthorized", rate: "concurrency_limited", server: null, invalid: "invalid_request" }[kind];
        return { error_code: code, title: kind, message, request_id: randomUUID() };
      },
    },
    options,
  );
  standin.url = standin.origin;
  return Object.assign(standin, { sessions: live.sessions, listening: live.listening });
}
