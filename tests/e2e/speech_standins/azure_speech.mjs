// A stand-in for Azure Speech's text-to-speech REST endpoint, written from its public reference
// (https://learn.microsoft.com/azure/ai-services/speech-service/rest-text-to-speech): POST
// /cognitiveservices/v1 on https://<region>.tts.speech.microsoft.com with the key as
// `Ocp-Apim-Subscription-Key`, `Content-Type: application/ssml+xml`, `X-Microsoft-OutputFormat`
// and a `User-Agent` (all required); the body is SSML whose <voice name> picks the voice. Only
// raw-16khz-16bit-mono-pcm is served (a tone, see tts_http.mjs).
// The region is the first path segment here (the server's base URL for it holds "{region}"), so
// a test can see which region a call used; the real API takes it from the host name.
// GUESS: errors as the Cognitive Services gateway's {"error": {code, message}}; the reference
// lists the statuses only.
import { startTtsStandin } from "./tts_http.mjs";

/** Options as startTtsStandin's, plus `apiKey` (the one key accepted). url is the API base, with {region}. */
export async function startAzureSpeechStandin({ apiKey, ...options } = {}) {
  const standin = await startTtsStandin(
    {
      textBody: true,
      route: (method, path) => method === "POST" && /^\/[a-z0-9]+\/cognitiveservices\/v1$/.test(path),
      authorized: (headers) => headers["ocp-apim-subscription-key"] === apiKey,
      read(record) {
        const { headers, raw } = record;
        if (!headers["user-agent"]) return { status: 400, message: "User-Agent is required" };
        if (!headers["content-type"]?.startsWith("application/ssml+xml")) return { status: 415, message: "the body must be SSML" };
        if (headers["x-microsoft-outputformat"] !== "raw-16khz-16bit-mono-pcm") return { status: 400, message: "the stand-in serves raw-16khz-16bit-mono-pcm only" };
        const ssml = readSsml(raw);
        if (!ssml.voice) return { status: 400, message: "SSML with a <voice name> is required" };
        return { text: ssml.text, sampleRate: 16000 };
      },
      error: (status, kind, message) => ({ error: { code: String(status), message } }),
    },
    options,
  );
  standin.url = `${standin.origin}/{region}`;
  return standin;
}

/** {voice, text, rate} of an SSML body ({} when it is not SSML with a <voice name>). */
export function readSsml(raw) {
  const voice = /^<speak\b[\s\S]*<voice\s+name="([^"]+)"\s*>([\s\S]*)<\/voice>/.exec(raw ?? "");
  if (!voice) return {};
  return { voice: voice[1], text: unescapeXml(voice[2].replace(/<[^>]+>/g, "")), rate: /<prosody\s+rate="([^"]+)"/.exec(raw)?.[1] };
}

/** The region a request was for: the first segment of its path here. */
export const regionOf = (record) => record.path.split("/")[1];

function unescapeXml(text) {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");
}
