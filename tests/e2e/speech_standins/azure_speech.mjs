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
//
// Speech-to-text over Azure's WebSocket speech protocol, from the Speech SDK for JavaScript
// (microsoft/cognitive-services-speech-sdk-js: SpeechConnectionFactory, WebsocketMessageFormatter,
// ConversationServiceRecognizer): a WebSocket at
// /speech/recognition/conversation/cognitiveservices/v1 (after the region here, on the
// <region>.stt host really) with the key as Ocp-Apim-Subscription-Key, an X-ConnectionId and the
// query's language and format recorded. Text messages are headers (Path, X-RequestId,
// X-Timestamp, Content-Type), an empty line and a JSON body: speech.config and speech.context
// are recorded. Binary messages are a 2-byte big-endian header length, headers (Path: audio) and
// audio/x-wav: a RIFF header, then 16-bit PCM. It answers speech.hypothesis {"Text"} while it
// hears voice and speech.phrase {"RecognitionStatus":"Success","DisplayText"} once the voice has
// been followed by the query's segmentationSilenceTimeoutMs of silence.
// GUESS: words are heard as listening.mjs describes; audio before speech.config is refused with
// a close 1007; turn.start/turn.end and speech.startDetected are not sent; refusals are HTTP
// answers to the upgrade. Switches on `standin.listening` (listening.mjs).
import { liveTranscription, utterances } from "./listening.mjs";
import { startTtsStandin } from "./tts_http.mjs";

const RECOGNITION = /^\/[a-z0-9]+\/speech\/recognition\/conversation\/cognitiveservices\/v1$/;

/**
 * Options as startTtsStandin's, plus `apiKey` (the one key accepted). url is the API base, with {region}.
 * standin.sessions: the recognition sessions, each {path, headers, params, config, context, audioMessages,
 * bytes, wavHeader (the first audio's RIFF format), sent}.
 */
export async function startAzureSpeechStandin({ apiKey, ...options } = {}) {
  const live = liveTranscription({
    route: (path) => RECOGNITION.test(path),
    authorized: (headers) => headers["ocp-apim-subscription-key"] === apiKey && /^[0-9a-f]{32}$/.test(headers["x-connectionid"] ?? ""),
    refusal: (status) => ({ error: { code: String(status), message: `refused (${status})` } }),
    serve(ws, session, send) {
      Object.assign(session, { config: null, context: null, audioMessages: 0, bytes: 0, wavHeader: null });
      const reply = (path, body) => send({ path, body }, `X-RequestId: ${session.requestId}\r\nContent-Type: application/json; charset=utf-8\r\nPath: ${path}\r\n\r\n${JSON.stringify(body)}`);
      const { transcript } = live.listening;
      const heard = utterances({
        endpointingMs: Number(session.params.get("segmentationSilenceTimeoutMs") ?? 500),
        onInterim: () => reply("speech.hypothesis", { Text: transcript.split(" ")[0], Offset: 0, Duration: 1 }),
        onEnd: () => reply("speech.phrase", { RecognitionStatus: "Success", DisplayText: transcript, Offset: 0, Duration: 1 }),
      });
      ws.on("message", (data, isBinary) => {
        const { headers, body } = isBinary ? binaryMessage(data) : textMessage(data.toString());
        session.requestId ??= headers["x-requestid"];
        if (!isBinary) {
          const json = JSON.parse(body || "{}");
          if (headers.path === "speech.config") session.config = json;
          if (headers.path === "speech.context") session.context = json;
          return;
        }
        if (headers.path !== "audio" || !session.config) return ws.close(1007, "audio before speech.config");
        session.audioMessages++;
        let pcm = body;
        if (session.audioMessages === 1 && pcm.subarray(0, 4).toString() === "RIFF") {
          session.wavHeader = { sampleRate: pcm.readUInt32LE(24), channels: pcm.readUInt16LE(22), bits: pcm.readUInt16LE(34) };
          pcm = pcm.subarray(44);
        }
        session.bytes += pcm.length;
        heard.feed(pcm, session.wavHeader?.sampleRate ?? 16000);
      });
    },
  });
  const standin = await startTtsStandin(
    {
      upgrade: live.upgrade,
      closing: live.closing,
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
  return Object.assign(standin, { sessions: live.sessions, listening: live.listening });
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

// A protocol message's lower-cased headers and its body (text for text messages, a Buffer for
// binary ones).
function headersOf(text) {
  return Object.fromEntries(text.split("\r\n").filter(Boolean).map((line) => [line.slice(0, line.indexOf(":")).trim().toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]));
}
function textMessage(text) {
  const at = text.indexOf("\r\n\r\n");
  return { headers: headersOf(at < 0 ? text : text.slice(0, at)), body: at < 0 ? "" : text.slice(at + 4) };
}
function binaryMessage(data) {
  const length = data.readUInt16BE(0);
  return { headers: headersOf(data.subarray(2, 2 + length).toString()), body: data.subarray(2 + length) };
}
