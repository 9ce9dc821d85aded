// A stand-in for ElevenLabs' streaming text-to-speech, written from its public API reference
// (https://elevenlabs.io/docs/api-reference/text-to-speech/stream): POST
// /v1/text-to-speech/{voice_id}/stream?output_format=..., key in `xi-api-key`, JSON
// {text, model_id, voice_settings, ...}. Only the pcm_<rate> output formats are served (a tone,
// see tts_http.mjs); anything else is refused, since the stand-in cannot encode mp3.
// Errors carry ElevenLabs' {"detail": {"status", "message"}} shape; the statuses used
// (invalid_api_key, too_many_concurrent_requests) are those of ElevenLabs' help article
// https://help.elevenlabs.io/hc/en-us/articles/19572237925521 and its 429 documentation. GUESS:
// the exact status of a missing text (422 with a FastAPI-style detail list in reality) is
// simplified to a 400 with a detail object.
//
// Realtime speech-to-text, from https://elevenlabs.io/docs/api-reference/speech-to-text/v-1-speech-to-text-realtime
// and the ElevenLabs Python SDK (realtime/scribe.py, realtime/connection.py): a WebSocket at
// /v1/speech-to-text/realtime, key in `xi-api-key`, the query (model_id, audio_format, commit_strategy,
// vad_*, min_*_duration_ms, language_code) recorded. It sends {"message_type":"session_started"}
// on open; text {"message_type":"input_audio_chunk","audio_base_64","commit","sample_rate"}
// messages are the audio. With commit_strategy=vad it answers {"message_type":
// "partial_transcript","text"} while it hears voice and {"message_type":"committed_transcript",
// "text"} once the voice has been followed by vad_silence_threshold_secs of silence.
// GUESS: words are heard as listening.mjs describes; a refused key answers the upgrade with an
// HTTP 401 and too many sessions with a 429 (the reference lists auth_error and rate_limited
// messages, not how the upgrade is refused). Switches on `standin.listening` (listening.mjs).
import { randomUUID } from "node:crypto";
import { jsonOf, liveTranscription, utterances } from "./listening.mjs";
import { startTtsStandin } from "./tts_http.mjs";

const STREAM = /^\/v1\/text-to-speech\/([^/]+)\/stream$/;

/**
 * Options as startTtsStandin's, plus `apiKey` (the one key accepted). url is the API base.
 * standin.sessions: the realtime sessions, each {headers, params, chunks, bytes, sampleRates, sent}.
 */
export async function startElevenLabsStandin({ apiKey, ...options } = {}) {
  const live = liveTranscription({
    route: (path) => path === "/v1/speech-to-text/realtime",
    authorized: (headers) => headers["xi-api-key"] === apiKey,
    refusal: (status) => ({ message_type: status === 401 ? "auth_error" : "rate_limited", error: status === 401 ? "invalid api key" : "too many sessions" }),
    serve(ws, session, send) {
      Object.assign(session, { chunks: 0, bytes: 0, sampleRates: new Set() });
      const rate = Number(/^pcm_(\d+)$/.exec(session.params.get("audio_format") ?? "")?.[1]);
      const vad = session.params.get("commit_strategy") === "vad";
      const heard = utterances({
        endpointingMs: Number(session.params.get("vad_silence_threshold_secs") ?? 1.5) * 1000,
        onInterim: () => send({ message_type: "partial_transcript", text: live.listening.transcript.split(" ")[0] }),
        onEnd: () => vad && send({ message_type: "committed_transcript", text: live.listening.transcript }),
      });
      send({ message_type: "session_started", session_id: randomUUID(), config: Object.fromEntries(session.params) });
      ws.on("message", (data, isBinary) => {
        const m = isBinary ? {} : jsonOf(data);
        if (m.message_type !== "input_audio_chunk" || typeof m.audio_base_64 !== "string" || !rate) {
          send({ message_type: "input_error", error: "expected input_audio_chunk messages of pcm audio" });
          return ws.close(1008, "input_error");
        }
        const pcm = Buffer.from(m.audio_base_64, "base64");
        session.chunks++;
        session.bytes += pcm.length;
        session.sampleRates.add(m.sample_rate);
        heard.feed(pcm, rate);
      });
    },
  });
  const standin = await startTtsStandin(
    {
      upgrade: live.upgrade,
      closing: live.closing,
      route: (method, path) => method === "POST" && STREAM.test(path),
      authorized: (headers) => headers["xi-api-key"] === apiKey,
      read(record) {
        record.voiceId = decodeURIComponent(STREAM.exec(record.path)[1]);
        const rate = /^pcm_(\d+)$/.exec(record.query.output_format ?? "")?.[1];
        if (!rate) return { status: 400, message: `output_format ${record.query.output_format ?? "(mp3_44100_128)"} is not served by the stand-in` };
        if (typeof record.json.text !== "string" || !record.json.text) return { status: 400, message: "text is required" };
        return { text: record.json.text, sampleRate: Number(rate) };
      },
      error(status, kind, message) {
        const code = { auth: "invalid_api_key", rate: "too_many_concurrent_requests", server: "internal_error", invalid: "invalid_request" }[kind];
        return { detail: { status: code, message } };
      },
      contentType: "audio/pcm",
    },
    options,
  );
  standin.url = standin.origin;
  return Object.assign(standin, { sessions: live.sessions, listening: live.listening });
}
