// A stand-in for PlayHT's v2 HTTP streaming endpoint, written from its public reference
// (https://docs.play.ht/reference/api-generate-tts-audio-stream, credentials in
// https://docs.play.ht/reference/api-authentication): POST /api/v2/tts/stream with the user id as
// `X-USER-ID` and the key as `AUTHORIZATION`; JSON {text, voice, voice_engine, output_format,
// sample_rate, speed, ...}. Only output_format "wav" is served: 16-bit PCM behind a streaming WAV
// header (a tone, see tts_http.mjs).
// GUESS: errors as {error_message, error_id}; the reference lists statuses, not bodies. The WAV
// header carries a LIST chunk before "data", as one open-source client's 88-byte skip suggests.
// GUESS: sample_rate defaults to 24000 when absent.
import { startTtsStandin } from "./tts_http.mjs";

/** Options as startTtsStandin's, plus `apiKey` and `userId` (the pair accepted). url is the API base. */
export async function startPlayHtStandin({ apiKey, userId, ...options } = {}) {
  const standin = await startTtsStandin(
    {
      wav: true,
      route: (method, path) => method === "POST" && path === "/api/v2/tts/stream",
      authorized: (headers) => headers.authorization === apiKey && headers["x-user-id"] === userId,
      read(record) {
        const { json } = record;
        if (typeof json.text !== "string" || !json.voice) return { status: 400, message: "text and voice are required" };
        if (json.output_format !== "wav") return { status: 400, message: "the stand-in serves output_format wav only" };
        return { text: json.text, sampleRate: json.sample_rate ?? 24000 };
      },
      error: (status, kind, message) => ({ error_message: message, error_id: { auth: "UNAUTHORIZED", rate: "RATE_LIMITED", server: "INTERNAL", invalid: "BAD_REQUEST" }[kind] }),
      contentType: "audio/wav",
    },
    options,
  );
  standin.url = standin.origin;
  return standin;
}
