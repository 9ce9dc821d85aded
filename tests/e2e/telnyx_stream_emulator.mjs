// A stand-in for Telnyx's side of a bidirectional media stream (TeXML <Connect><Stream
// bidirectionalMode="rtp">), written from Telnyx's Media Streaming documentation: it opens the
// WebSocket at the URL the TeXML names, sends `connected` and `start` (PCMU, 8 kHz, mono), then
// the caller's audio as `media` frames (base64 RTP payload, 160 bytes per 20 ms) in real time —
// and, since Telnyx does not promise order, sends some of them out of order on purpose (every
// `swapEvery`-th pair of chunks swapped). What the server sends back (PCMU, TeXML's default
// bidirectional codec) is queued and "played" in real time: a `mark` comes back once the audio
// before it has played, `clear` drops the queue and returns the pending marks at once, `stop`
// ends the stream. Guess where the docs are silent: the field names of `stop` and `dtmf`
// beyond `event`, `stream_id`, `sequence_number` and dtmf.digit.
import { randomUUID } from "node:crypto";
import { WebSocket } from "ws";

const FRAME = 160; // bytes of PCMU per 20 ms

/**
 * Connects to `url`; resolves the stream once open. Options: callControlId, swapEvery (default
 * 5; 0 keeps order), source(frame) → 160 bytes of μ-law. The stream: {received (bytes of PCMU
 * received), oddChunks (media not in whole 20 ms frames), played, marks, clears, swapped (pairs
 * sent out of order), events, audioAt, pressKey(digit), stop(), close(), closed, streamId}.
 */
export function connectTelnyxStream(url, opts = {}) {
  const streamId = randomUUID();
  const callControlId = opts.callControlId ?? `v3:${randomUUID()}`;
  const swapEvery = opts.swapEvery ?? 5;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    let seq = 1, sentFrames = 0, timer;
    const send = (m) => ws.send(JSON.stringify({ ...m, sequence_number: String(seq++), stream_id: streamId }));
    const stream = {
      streamId, received: 0, oddChunks: 0, played: 0, marks: [], clears: 0, swapped: 0, events: [], audioAt: [],
      pressKey(digit) {
        send({ event: "dtmf", occurred_at: new Date().toISOString(), dtmf: { digit } });
      },
      stop() {
        send({ event: "stop", stop: { user_id: "user-1", call_control_id: callControlId } });
      },
      close: () => ws.close(1000),
    };
    const queue = []; // {bytes} | {mark}
    const started = Date.now();
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
        if (bytes === 0 || bytes % FRAME !== 0) stream.oddChunks++; // RTP chunks of 20 ms and more
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
      send({ event: "mark", mark: { name } });
    }
    const mediaFrame = (frame) => ({
      event: "media",
      media: {
        track: "inbound", chunk: String(frame + 1), timestamp: String(frame * 20),
        payload: (opts.source ? opts.source(frame) : Buffer.alloc(FRAME, 0xff)).toString("base64"),
      },
    });
    function tick() {
      let budget = FRAME;
      while (queue.length && (budget > 0 || queue[0].mark)) {
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
      // The caller's frames now due, in pairs so that one pair in `swapEvery` goes out swapped.
      const due = Math.floor((Date.now() - started) / 20) + 1;
      while (sentFrames + 2 <= due && ws.readyState === WebSocket.OPEN) {
        const pair = [mediaFrame(sentFrames), mediaFrame(sentFrames + 1)];
        if (swapEvery && (sentFrames / 2) % swapEvery === swapEvery - 1) {
          pair.reverse();
          stream.swapped++;
        }
        for (const m of pair) send(m);
        sentFrames += 2;
      }
    }
    ws.on("open", () => {
      ws.send(JSON.stringify({ event: "connected", version: "1.0.0" }));
      send({
        event: "start",
        start: {
          user_id: "user-1", call_control_id: callControlId, call_session_id: randomUUID(),
          from: "+14155550199", to: "+14155550100", custom_parameters: {},
          media_format: { encoding: "PCMU", sample_rate: 8000, channels: 1 },
        },
      });
      timer = setInterval(tick, 20);
      resolve(stream);
    });
  });
}
