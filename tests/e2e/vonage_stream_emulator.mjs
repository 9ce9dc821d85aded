// A stand-in for Vonage's side of an NCCO `connect` to a websocket endpoint, written from the
// Vonage Voice API's WebSocket documentation: it opens the socket (no credentials of its own),
// sends `websocket:connected` with the content-type and the NCCO's headers as its first, text,
// message, then the caller's audio as binary frames of 16-bit linear PCM (640 bytes per 20 ms
// at 16 kHz) in real time. What the server sends is queued and "played" in real time like
// Vonage's buffer: {"action":"notify"} comes back as websocket:notify once the audio before it
// has played, {"action":"clear"} empties the queue and answers websocket:cleared. Guesses where
// the docs are silent: pending notifies are dropped by a clear; audio frames that are not 640
// bytes are counted (stream.oddFrames) rather than refused.
import { WebSocket } from "ws";

/**
 * Connects to `url`; resolves the stream once open. Options: headers (the NCCO's, e.g.
 * {callId}), rate (8000 | 16000, default 16000), source(frame) → one frame of caller PCM bytes.
 * The stream: {received (bytes of PCM received), frames, oddFrames, played, notifies (names
 * echoed), clears, events (text from the server), audioAt, pressKey(digit), close(), closed}.
 */
export function connectVonageStream(url, opts = {}) {
  const rate = opts.rate ?? 16000;
  const FRAME = (rate / 50) * 2;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const stream = {
      received: 0, frames: 0, oddFrames: 0, played: 0, notifies: [], clears: 0, events: [], audioAt: [],
      pressKey(digit) {
        ws.send(JSON.stringify({ event: "websocket:dtmf", digit, duration: 250 }));
      },
      close: () => ws.close(1000),
    };
    const queue = []; // {bytes} | {notify}
    let sentFrames = 0, timer;
    const started = Date.now();
    stream.closed = new Promise((r) => ws.on("close", (code) => {
      clearInterval(timer);
      r(code);
    }));
    ws.on("unexpected-response", (req, res) => reject(Object.assign(new Error(`handshake ${res.statusCode}`), { status: res.statusCode })));
    ws.on("error", reject);
    ws.on("message", (data, isBinary) => {
      if (isBinary) {
        stream.received += data.length;
        stream.frames++;
        if (data.length !== FRAME) stream.oddFrames++;
        stream.audioAt.push({ at: Date.now(), bytes: data.length });
        queue.push({ bytes: data.length });
        return;
      }
      const m = JSON.parse(data.toString());
      stream.events.push(m);
      if (m.action === "notify") queue.push({ notify: m.payload });
      else if (m.action === "clear") {
        stream.clears++;
        queue.splice(0);
        ws.send(JSON.stringify({ event: "websocket:cleared" }));
      }
    });
    function notify(payload) {
      stream.notifies.push(payload?.name);
      ws.send(JSON.stringify({ event: "websocket:notify", payload }));
    }
    // Every 20 ms: play one frame of the queue, and send the caller's frames now due.
    function tick() {
      let budget = FRAME;
      while (queue.length && (budget > 0 || queue[0].notify)) {
        const head = queue[0];
        if (head.notify) {
          notify(head.notify);
          queue.shift();
          continue;
        }
        const take = Math.min(budget, head.bytes);
        head.bytes -= take;
        budget -= take;
        stream.played += take;
        if (head.bytes === 0) queue.shift();
      }
      const due = Math.floor((Date.now() - started) / 20);
      while (sentFrames <= due && ws.readyState === WebSocket.OPEN) {
        ws.send(opts.source ? opts.source(sentFrames) : Buffer.alloc(FRAME));
        sentFrames++;
      }
    }
    ws.on("open", () => {
      ws.send(JSON.stringify({ event: "websocket:connected", "content-type": `audio/l16;rate=${rate}`, ...(opts.headers ?? {}) }));
      timer = setInterval(tick, 20);
      resolve(stream);
    });
  });
}
