// Cross-instance cache delay: how long after a write on instance A a cached read on instance B
// shows it. B's GET /assistant/{id} is answered from B's response cache, which learns of A's
// writes only through the database's change feed (LISTEN/NOTIFY), so a read that never
// showed the write would time out here rather than pass.
// Each round: read on B until cached (two reads), PATCH the name on A, then read on B in a
// tight loop (one keep-alive connection) until the new name appears. Prints p50/p99/max of
// the delay from A's answer (the write committed) to B's first fresh answer, and from just
// before the PATCH was sent (the write's own time included), in ms; and the time of one cached
// read on B, the resolution of the first figure (when B's first read after the write is
// already fresh, that figure is just this read).
// Usage: node bench/invalidation.mjs BASE_A BASE_B API_KEY [ROUNDS=500]
import http from "node:http";

const [baseA, baseB, key, roundsText] = process.argv.slice(2);
const rounds = Number(roundsText ?? 500);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function request(base, method, path, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(new URL(path, base), {
      method, agent,
      headers: { authorization: `Bearer ${key}`, ...(data ? { "content-type": "application/json" } : {}) },
    }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        if (res.statusCode >= 300) reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`));
        else resolve(JSON.parse(text));
      });
    });
    req.on("error", reject);
    req.end(data);
  });
}

const ms = () => Number(process.hrtime.bigint()) / 1e6;
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const summary = (xs) => {
  const s = Float64Array.from(xs).sort();
  return `p50 ${quantile(s, 0.5).toFixed(2)} / p99 ${quantile(s, 0.99).toFixed(2)} / max ${quantile(s, 1).toFixed(2)} ms`;
};

const { id } = await request(baseA, "POST", "/assistant", { name: "delay 0" });
const fromCommit = [], fromBefore = [], cachedRead = [];
let polls = 0;
for (let i = 1; i <= rounds; i++) {
  await request(baseB, "GET", `/assistant/${id}`);
  const readStart = ms();
  await request(baseB, "GET", `/assistant/${id}`);
  cachedRead.push(ms() - readStart);
  const name = `delay ${i}`;
  const before = ms();
  await request(baseA, "PATCH", `/assistant/${id}`, { name });
  const committed = ms();
  for (const started = ms(); ; polls++) {
    if ((await request(baseB, "GET", `/assistant/${id}`)).name === name) break;
    if (ms() - started > 5000) throw new Error(`round ${i}: B still serves the old name after 5 s`);
  }
  const seen = ms();
  fromCommit.push(seen - committed);
  fromBefore.push(seen - before);
}
console.log(`rounds: ${rounds}, reads on B that were still stale: ${polls}`);
console.log(`from A's answer: ${summary(fromCommit)}`);
console.log(`from before the write: ${summary(fromBefore)}`);
console.log(`one cached read on B: ${summary(cachedRead)}`);
agent.destroy();
