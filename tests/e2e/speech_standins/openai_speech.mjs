// A stand-in for OpenAI's speech endpoint, written from its public API reference
// (https://platform.openai.com/docs/api-reference/audio/createSpeech): POST /v1/audio/speech,
// `Authorization: Bearer <key>`, JSON {model, input, voice, response_format, speed,
// instructions}. Only response_format "pcm" is served: raw 16-bit little-endian mono at 24 kHz,
// as the guide (https://platform.openai.com/docs/guides/text-to-speech) describes it (a tone, see
// tts_http.mjs). Errors carry OpenAI's {"error": {message, type, param, code}} shape.
// GUESS: OpenAI streams the body chunked as it synthesises; the chunk sizes are the stand-in's.
import { startTtsStandin } from "./tts_http.mjs";

export const OPENAI_PCM_RATE = 24000;

/** Options as startTtsStandin's, plus `apiKey` (the one key accepted). url is the API base (…/v1). */
export async function startOpenAiSpeechStandin({ apiKey, ...options } = {}) {
  const standin = await startTtsStandin(
    {
      route: (method, path) => method === "POST" && path === "/v1/audio/speech",
      authorized: (headers) => headers.authorization === `Bearer ${apiKey}`,
      read(record) {
        const { json } = record;
        if (!json.model || !json.voice || typeof json.input !== "string") return { status: 400, message: "model, voice and input are required" };
        if (json.response_format !== "pcm") return { status: 400, message: "the stand-in serves response_format pcm only" };
        return { text: json.input, sampleRate: OPENAI_PCM_RATE };
      },
      error(status, kind, message) {
        const type = { auth: "invalid_request_error", rate: "requests", server: "server_error", invalid: "invalid_request_error" }[kind];
        return { error: { message, type, param: null, code: kind === "auth" ? "invalid_api_key" : null } };
      },
    },
    options,
  );
  standin.url = `${standin.origin}/v1`;
  return standin;
}
