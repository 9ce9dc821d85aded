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
import { startTtsStandin } from "./tts_http.mjs";

const STREAM = /^\/v1\/text-to-speech\/([^/]+)\/stream$/;

/** Options as startTtsStandin's, plus `apiKey` (the one key accepted). url is the API base. */
export async function startElevenLabsStandin({ apiKey, ...options } = {}) {
  const standin = await startTtsStandin(
    {
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
  return standin;
}
