// Trunk gateways with optionsPingEnabled are pinged with OPTIONS as soon as their
// byo-sip-trunk credential is saved, and GET /metrics tells which are up; sipp answers as the
// gateway (tests/unit/sip/uas_options.xml).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer, api } from "./harness.mjs";
import { freeSipPort, sippGateway } from "./sip_helpers.mjs";

const SCENARIOS = join(dirname(fileURLToPath(import.meta.url)), "..", "unit", "sip");

let server;
before(async () => {
  server = await startServer({ args: ["--sip-port", String(await freeSipPort())] });
});
after(async () => {
  await server?.stop();
});

async function metricsShowing(pattern) {
  let text = "";
  for (let i = 0; i < 100; i++) {
    text = (await api(server, "/metrics", { token: null })).body;
    if (pattern.test(text)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return text;
}

test("gateways with optionsPingEnabled are pinged: an answering one is up, a closed one down", async () => {
  const gateway = await sippGateway(join(SCENARIOS, "uas_options.xml"));
  const closed = await freeSipPort();  // nothing listens: TCP is refused at once
  try {
    const res = await api(server, "/credential", {
      method: "POST",
      body: {
        provider: "byo-sip-trunk",
        name: "pinged trunk",
        gateways: [
          { ip: "127.0.0.1", port: gateway.port, optionsPingEnabled: true },
          { ip: "127.0.0.1", port: closed, outboundProtocol: "tcp", optionsPingEnabled: true },
          { ip: "127.0.0.1", port: 9, optionsPingEnabled: false },
        ],
      },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const up = new RegExp(`switchboard_sip_gateway_up\\{gateway="127\\.0\\.0\\.1:${gateway.port}"\\} 1`);
    const down = new RegExp(`switchboard_sip_gateway_up\\{gateway="127\\.0\\.0\\.1:${closed}"\\} 0`);
    assert.match(await metricsShowing(up), up);
    const text = await metricsShowing(down);
    assert.match(text, down);
    assert.doesNotMatch(text, /127\.0\.0\.1:9"/);  // not asked for
    const run = await gateway.done;
    assert.equal(run.status, 0, run.errors);
    assert.match(server.stderr(), new RegExp(`sip: gateway 127\\.0\\.0\\.1:${gateway.port} is up`));
    assert.match(server.stderr(), new RegExp(`sip: gateway 127\\.0\\.0\\.1:${closed} is down`));

    // A deleted credential's gateways are no longer pinged nor shown.
    assert.equal((await api(server, `/credential/${res.body.id}`, { method: "DELETE" })).status, 200);
    const gone = await metricsShowing(new RegExp(`^(?![\\s\\S]*127\\.0\\.0\\.1:${closed}")`));
    assert.doesNotMatch(gone, new RegExp(`127\\.0\\.0\\.1:${closed}"`));
  } finally {
    gateway.kill();
  }
});
