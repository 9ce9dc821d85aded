// The benchmark's webhook receiver: answers every POST 200 at once and keeps, per message, the
// time from its enqueue (the message's `timestamp`, ms since the epoch) to its arrival here.
// GET /stats answers {count, duplicates, firstAt, lastAt, p50, p99, max} (ms).
// Usage: node bench/webhook_receiver.mjs PORT
import { createServer } from "node:http";

const port = Number(process.argv[2] ?? 0);
let latencies = new Float64Array(1 << 16);
let count = 0;
let firstAt = 0;
let lastAt = 0;
const seen = new Set();
let duplicates = 0;

function record(ms, id) {
  if (seen.has(id)) duplicates += 1;
  seen.add(id);
  if (count === latencies.length) {
    const bigger = new Float64Array(latencies.length * 2);
    bigger.set(latencies);
    latencies = bigger;
  }
  latencies[count++] = ms;
}

function quantile(sorted, q) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const server = createServer((req, res) => {
  if (req.method === "GET") {
    const sorted = latencies.slice(0, count).sort();
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ count, duplicates, firstAt, lastAt, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: quantile(sorted, 1) }));
    return;
  }
  const chunks = [];
  req.on("data", (d) => chunks.push(d));
  req.on("end", () => {
    const now = Date.now();
    if (!firstAt) firstAt = now;
    lastAt = now;
    try {
      const { message } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      record(now - message.timestamp, req.headers["x-message-id"]);
    } catch {
      // not a server message: not counted
    }
    res.writeHead(200, { "content-type": "application/json", "content-length": "2" });
    res.end("{}");
  });
});
server.keepAliveTimeout = 120000;
server.listen(port, "127.0.0.1", () => console.log(`receiver on ${server.address().port}`));
