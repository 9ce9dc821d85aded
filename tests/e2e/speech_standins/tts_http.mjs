// What the HTTP text-to-speech stand-ins (elevenlabs.mjs, cartesia.mjs, openai_speech.mjs,
// lmnt.mjs, rime.mjs, azure_speech.mjs, playht.mjs) share: a local server that records every request, lets each provider's
// module check auth and read the request, and answers raw 16-bit little-endian mono PCM, a
// 440 Hz tone of `msPerChar` per character of the text, in `chunkBytes` writes `chunkGapMs`
// apart after `firstByteMs`.
// Chunks are cut at an odd byte count on purpose, as a real stream may be.
//
// `behaviour(record)` (per request, may change between tests through `standin.behaviour`) may
// return {status} to fail with the provider's error shape for it, or {cutAfterBytes} to write
// that much audio and then drop the connection mid-stream.
import { createServer } from "node:http";

/**
 * Starts a stand-in. `provider.route(method, pathname)` says whether a request is for it,
 * `provider.authorized(headers)` whether its key is right, `provider.read(record)` gives
 * {text, sampleRate} or {status, message} for a request it refuses, and
 * `provider.error(status, kind, message)` the body of an error answer (kind: "auth", "rate",
 * "invalid", "server"). A provider whose requests are not JSON sets `textBody` and reads
 * `record.raw`; one that streams "wav" sets `wav` (a streaming WAV header goes first). Resolves {url, requests, behaviour, close()}.
 */
export async function startTtsStandin(provider, { msPerChar = 40, firstByteMs = 0, chunkBytes = 3001, chunkGapMs = 5, behaviour } = {}) {
  const requests = [];
  const standin = { requests, behaviour, url: "", close: null };
  const http = createServer((req, res) => {
    let raw = "";
    req.on("data", (d) => (raw += d));
    req.on("end", async () => {
      const url = new URL(req.url, "http://standin");
      let json = null;
      try {
        json = raw ? JSON.parse(raw) : null;
      } catch {
        json = null;
      }
      const record = { method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, json, raw, at: Date.now() };
      requests.push(record);
      const fail = (status, kind, message) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(provider.error(status, kind, message)));
      };
      if (!provider.route(req.method, url.pathname)) return fail(404, "invalid", `no route ${req.method} ${url.pathname}`);
      if (!provider.authorized(req.headers)) return fail(401, "auth", "invalid API key");
      const b = standin.behaviour?.(record) ?? {};
      if (b.status) return fail(b.status, b.status === 429 ? "rate" : b.status >= 500 ? "server" : "invalid", b.message ?? "simulated failure");
      const asked = json || provider.textBody ? provider.read(record) : { status: 400, message: "the body is not JSON" };
      if (asked.status) return fail(asked.status, "invalid", asked.message);
      record.answeredAt = Date.now();
      const pcm = provider.wav ? Buffer.concat([wavHeader(asked.sampleRate), tone(asked.text, asked.sampleRate, msPerChar)]) : tone(asked.text, asked.sampleRate, msPerChar);
      const end = b.cutAfterBytes ?? pcm.length;
      res.writeHead(200, { "content-type": provider.contentType ?? "application/octet-stream" });
      res.flushHeaders();
      await sleep(firstByteMs);
      for (let at = 0; at < end && !res.destroyed; at += chunkBytes) {
        res.write(pcm.subarray(at, Math.min(at + chunkBytes, end)));
        await sleep(chunkGapMs);
      }
      if (b.cutAfterBytes !== undefined) {
        record.cut = true;
        req.socket.destroy();  // mid-stream: no terminating chunk
        return;
      }
      res.end();
    });
  });
  // A provider that also streams speech-to-text over a WebSocket on the same host takes the
  // upgrades (`provider.upgrade(req, socket, head)`) and ends its sockets in `provider.closing()`.
  http.on("upgrade", provider.upgrade ?? ((req, socket) => socket.destroy()));
  await new Promise((resolve) => http.listen(0, "127.0.0.1", resolve));
  standin.origin = `http://127.0.0.1:${http.address().port}`;
  standin.close = async () => {
    provider.closing?.();
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  };
  return standin;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A WAV header as a stream sends it, lengths unknown (0xFFFFFFFF), with a LIST chunk between
// fmt and data as some servers write one.
function wavHeader(sampleRate) {
  const u32 = (v) => { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b; };
  const u16 = (v) => { const b = Buffer.alloc(2); b.writeUInt16LE(v); return b; };
  const fmt = Buffer.concat([u16(1), u16(1), u32(sampleRate), u32(sampleRate * 2), u16(2), u16(16)]);
  const info = Buffer.from("INFOISFT\x0e\x00\x00\x00Lavf58.76.100\x00", "binary");
  return Buffer.concat([
    Buffer.from("RIFF"), u32(0xffffffff), Buffer.from("WAVE"),
    Buffer.from("fmt "), u32(fmt.length), fmt,
    Buffer.from("LIST"), u32(info.length), info,
    Buffer.from("data"), u32(0xffffffff),
  ]);
}

function tone(text, sampleRate, msPerChar) {
  const samples = Math.floor((text.length * msPerChar * sampleRate) / 1000);
  const pcm = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) pcm.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / sampleRate) * 12000), i * 2);
  return pcm;
}
