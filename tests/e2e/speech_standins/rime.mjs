// A stand-in for Rime's HTTP text-to-speech endpoint, written from its public API reference
// (https://docs.rime.ai/api-reference/arcana/http, hosts and auth in
// https://docs.rime.ai/docs/api-cheat-sheet): POST /v1/rime-tts with `Authorization: Bearer
// <key>`; the audio format is the `Accept` header's, of which only audio/pcm (headerless 16-bit
// little-endian linear PCM) is served, at the body's samplingRate (a tone, see tts_http.mjs);
// JSON {speaker, text, modelId, lang, samplingRate, speedAlpha, ...}.
// GUESS: errors as {"message": ...}; the reference shows only the success answer.
// GUESS: samplingRate defaults to 24000 when absent (the reference's examples ask for that).
import { startTtsStandin } from "./tts_http.mjs";

/** Options as startTtsStandin's, plus `apiKey` (the one key accepted). url is the API base. */
export async function startRimeStandin({ apiKey, ...options } = {}) {
  const standin = await startTtsStandin(
    {
      route: (method, path) => method === "POST" && path === "/v1/rime-tts",
      authorized: (headers) => headers.authorization === `Bearer ${apiKey}`,
      read(record) {
        const { json, headers } = record;
        if (headers.accept !== "audio/pcm") return { status: 400, message: "the stand-in serves Accept: audio/pcm only" };
        if (!json.speaker || typeof json.text !== "string") return { status: 400, message: "speaker and text are required" };
        return { text: json.text, sampleRate: json.samplingRate ?? 24000 };
      },
      error: (status, kind, message) => ({ message }),
      contentType: "audio/pcm",
    },
    options,
  );
  standin.url = standin.origin;
  return standin;
}
