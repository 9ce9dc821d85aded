// A stand-in for LMNT's Speech API bytes endpoint, written from its public API reference
// (https://docs.lmnt.com/api-reference/speech/synthesize-speech-bytes, authentication at
// https://docs.lmnt.com/api/overview): POST /v1/ai/speech/bytes with the key as `X-API-Key` and
// an `lmnt-version` header; JSON {voice, text, format, sample_rate, language, ...}. Only format
// pcm_s16le ("PCM signed 16-bit little-endian", streamable) at 8000, 16000 or 24000 Hz is
// served (a tone, see tts_http.mjs).
// GUESS: errors as {"error": message}; the reference documents the statuses, not the body.
// GUESS: a missing lmnt-version is refused with a 400; the docs say only that it is required.
import { startTtsStandin } from "./tts_http.mjs";

const RATES = [8000, 16000, 24000];

/** Options as startTtsStandin's, plus `apiKey` (the one key accepted). url is the API base. */
export async function startLmntStandin({ apiKey, ...options } = {}) {
  const standin = await startTtsStandin(
    {
      route: (method, path) => method === "POST" && path === "/v1/ai/speech/bytes",
      authorized: (headers) => headers["x-api-key"] === apiKey,
      read(record) {
        const { json, headers } = record;
        if (!headers["lmnt-version"]) return { status: 400, message: "lmnt-version header is required" };
        if (!json.voice || typeof json.text !== "string") return { status: 400, message: "voice and text are required" };
        if (json.format !== "pcm_s16le") return { status: 400, message: "the stand-in serves format pcm_s16le only" };
        const sampleRate = json.sample_rate ?? 24000;
        if (!RATES.includes(sampleRate)) return { status: 400, message: "sample_rate must be 8000, 16000 or 24000" };
        return { text: json.text, sampleRate };
      },
      error: (status, kind, message) => ({ error: message }),
    },
    options,
  );
  standin.url = standin.origin;
  return standin;
}
