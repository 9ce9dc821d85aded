// A stand-in for Cartesia's bytes endpoint, written from its public API reference
// (https://docs.cartesia.ai/api-reference/tts/bytes, API conventions at
// https://docs.cartesia.ai/api-reference): POST /tts/bytes with a `Cartesia-Version` header and
// the key as `X-API-Key` or `Authorization: Bearer` (Cartesia accepts both); JSON {model_id,
// transcript, voice: {mode: "id", id}, output_format: {container, encoding, sample_rate}, ...}.
// Only raw pcm_s16le is served (a tone, see tts_http.mjs). Errors carry the 2026-03-01 shape
// {error_code, title, message, request_id} (https://docs.cartesia.ai/use-the-api/api-errors).
// GUESS: a missing Cartesia-Version is refused with a 400; the docs say only that it is required.
import { randomUUID } from "node:crypto";
import { startTtsStandin } from "./tts_http.mjs";

/** Options as startTtsStandin's, plus `apiKey` (the one key accepted). url is the API base. */
export async function startCartesiaStandin({ apiKey, ...options } = {}) {
  const standin = await startTtsStandin(
    {
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
  return standin;
}
