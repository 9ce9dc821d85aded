// A stand-in for Twilio's side of a bidirectional Media Stream (<Connect><Stream>), written
// from Twilio's Media Streams documentation: it opens the WebSocket with X-Twilio-Signature
// (HMAC-SHA1 of the wss URL, no parameters), sends `connected` and `start`, then the caller's
// audio as `media` messages (base64 μ-law, 8 kHz, 20 ms chunks) in real time. What the server
// sends back is buffered and "played" in real time like Twilio's buffer: a `mark` comes back
// once the audio before it has played, `clear` drops what has not played (and returns the
// pending marks at once), and `stop` ends the stream.
import { randomBytes } from "node:crypto";
import { WebSocket } from "ws";
import { twilioSignature } from "./telephony_helpers.mjs";

const FRAME = 160; // bytes of μ-law per 20 ms

/**
 * Connects to `url`; resolves the stream once open. Options: authToken (signs the handshake),
 * signature (overrides it), callSid, accountSid, customParameters, source(frame) → 160 bytes.
 * The stream: {received (bytes of μ-law received), played (bytes played so far), marks (names
 * echoed), clears, events (every message from the server), stop(), close(), closed, streamSid}.
 */
export function connectTwilioStream(url, opts = {}) {
  const signature = opts.signature ?? twilioSignature(opts.authToken, url, {});
  const streamSid = "MZ" + randomBytes(16).toString("hex");
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { "X-Twilio-Signature": signature } });
    const stream = {
      streamSid, received: 0, played: 0, marks: [], clears: 0, events: [], audioAt: [],
      stop() {
        ws.send(JSON.stringify({ event: "stop", sequenceNumber: String(seq++), streamSid,
                                 stop: { accountSid: opts.accountSid ?? "AC0", callSid: opts.callSid ?? "CA0" } }));
      },
      close: () => ws.close(),
      // A key the caller pressed, as Twilio's bidirectional streams report it.
      pressKey(digit) {
        ws.send(JSON.stringify({ event: "dtmf", streamSid, sequenceNumber: String(seq++), dtmf: { track: "inbound_track", digit } }));
      },
    };
    // The playback buffer: queued audio (bytes) and marks between it.
    const queue = []; // {bytes} | {mark}
    let seq = 1, chunk = 1, sentFrames = 0;
    const started = Date.now();
    let timer;
    stream.closed = new Promise((r) => ws.on("close", (code) => {
      clearInterval(timer);
      r(code);
    }));
    ws.on("unexpected-response", (req, res) => reject(Object.assign(new Error(`handshake ${res.statusCode}`), { status: res.statusCode })));
    ws.on("error", reject);
    ws.on("message", (data) => {
      const m = JSON.parse(data.toString());
      stream.events.push(m);
      if (m.event === "media") {
        const bytes = Buffer.from(m.media.payload, "base64").length;
        stream.received += bytes;
        stream.audioAt.push({ at: Date.now(), bytes });
        queue.push({ bytes });
      } else if (m.event === "mark") {
        queue.push({ mark: m.mark.name });
      } else if (m.event === "clear") {
        stream.clears++;
        for (const item of queue.splice(0)) if (item.mark) echoMark(item.mark);
      }
    });
    function echoMark(name) {
      stream.marks.push(name);
      ws.send(JSON.stringify({ event: "mark", sequenceNumber: String(seq++), streamSid, mark: { name } }));
    }
    // Every 20 ms: play one frame of what is buffered, and send one frame of the caller.
    function tick() {
      let budget = FRAME;
      while (budget > 0 && queue.length) {
        const head = queue[0];
        if (head.mark) {
          echoMark(head.mark);
          queue.shift();
          continue;
        }
        const take = Math.min(budget, head.bytes);
        head.bytes -= take;
        budget -= take;
        stream.played += take;
        if (head.bytes === 0) queue.shift();
      }
      while (queue.length && queue[0].mark) echoMark(queue.shift().mark);
      const due = Math.floor((Date.now() - started) / 20);
      while (sentFrames <= due && ws.readyState === WebSocket.OPEN) {
        const audio = opts.source ? opts.source(sentFrames) : Buffer.alloc(FRAME, 0xff);
        ws.send(JSON.stringify({
          event: "media", sequenceNumber: String(seq++), streamSid,
          media: { track: "inbound", chunk: String(chunk++), timestamp: String(sentFrames * 20), payload: audio.toString("base64") },
        }));
        sentFrames++;
      }
    }
    ws.on("open", () => {
      ws.send(JSON.stringify({ event: "connected", protocol: "Call", version: "1.0.0" }));
      ws.send(JSON.stringify({
        event: "start", sequenceNumber: String(seq++), streamSid,
        start: {
          streamSid, accountSid: opts.accountSid ?? "AC0", callSid: opts.callSid ?? "CA0",
          tracks: ["inbound"], customParameters: opts.customParameters ?? {},
          mediaFormat: { encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1 },
        },
      }));
      timer = setInterval(tick, 20);
      resolve(stream);
    });
  });
}
