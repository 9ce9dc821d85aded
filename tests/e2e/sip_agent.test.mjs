// The SIP user agent's groundwork, with sipp (Debian's sip-tester) as the peer: started only by
// --sip-port, it answers OPTIONS pings over UDP and TCP, refuses an INVITE to a user no number
// has with 404, logs each dialog with its Call-ID, stops cleanly with the server, and says so
// when its port is taken. Whole calls are in calls_sip.test.mjs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { startServer, runCli } from "./harness.mjs";
import { freeSipPort, sipp } from "./sip_helpers.mjs";

// The server's log once it shows `pattern` (its output is read asynchronously).
async function logShowing(pattern) {
  for (let i = 0; i < 50 && !pattern.test(server.stderr()); i++) await new Promise((r) => setTimeout(r, 100));
  return server.stderr();
}

let server, sipPort;
before(async () => {
  sipPort = await freeSipPort();
  server = await startServer({ args: ["--sip-port", String(sipPort)] });
});
after(async () => {
  await server?.stop();
});

test("sipp is installed (the SIP peer of these tests)", () => {
  const run = spawnSync("sipp", ["-v"], { encoding: "utf8" });
  assert.equal(run.error, undefined, "sipp is missing: install sip-tester (scripts/install-deps.sh --test)");
  assert.match(`${run.stdout}${run.stderr}`, /SIPp v3/);
});

for (const transport of ["u1", "t1"]) {
  const name = transport === "u1" ? "UDP" : "TCP";

  test(`OPTIONS over ${name} is answered 200 with Allow and Accept: application/sdp`, async () => {
    const run = await sipp(sipPort, "options.xml", { transport });
    assert.equal(run.status, 0, run.errors);
    assert.match(await logShowing(/sip: OPTIONS Call-ID \S+ answered 200/), /sip: OPTIONS Call-ID \S+ answered 200/);
  });

  test(`INVITE over ${name} to a user no number has is refused with 404`, async () => {
    const run = await sipp(sipPort, "invite_refused.xml", { transport, service: `desk-${transport}` });
    assert.equal(run.status, 0, run.errors);
    // The dialog is logged with its Call-ID, from the INVITE to its end.
    const inviteLine = new RegExp(`sip: INVITE Call-ID (\\S+) sip:desk-${transport}@127\\.0\\.0\\.1:${sipPort} .* via ${name.toLowerCase()} `);
    const invite = (await logShowing(inviteLine)).match(inviteLine);
    assert.ok(invite, server.stderr());
    const log = await logShowing(new RegExp(`Call-ID ${invite[1]} ended`));
    assert.ok(log.includes(`sip: Call-ID ${invite[1]} ended (404 Not Found)`), log);
  });
}

test("the SIP agent stops with the server, which exits cleanly", async () => {
  const port = await freeSipPort();
  const other = await startServer({ args: ["--sip-port", String(port)] });
  assert.equal((await sipp(port, "options.xml")).status, 0);
  const status = await other.stop();
  assert.deepEqual(status, { code: 0, signal: null });
  assert.match(other.stderr(), /stopped cleanly/);
  // Its port is free again.
  const udp = createSocket("udp4");
  await new Promise((resolve, reject) => {
    udp.once("error", reject);
    udp.bind(port, "127.0.0.1", resolve);
  });
  udp.close();
});

test("--sip-public-host is the host in Contact, while the agent listens on --host", async () => {
  const port = await freeSipPort();
  const other = await startServer({ args: ["--sip-port", String(port), "--sip-public-host", "sip.example.test"] });
  try {
    const run = await sipp(port, "options_public_host.xml");
    assert.equal(run.status, 0, run.errors);
  } finally {
    await other.stop();
  }
});

test("serve --help lists the SIP options", async () => {
  const help = await runCli(["serve", "--help"]);
  assert.match(help.stdout, /--sip-port/);
  assert.match(help.stdout, /--sip-public-host/);
  assert.match(help.stdout, /--rtp-ports/);
});

test("a SIP port already taken stops the server at start, naming the address", async () => {
  const port = await freeSipPort();
  const holder = createSocket("udp4");
  await new Promise((resolve) => holder.bind(port, "127.0.0.1", resolve));
  try {
    await assert.rejects(
      startServer({ args: ["--sip-port", String(port)] }),
      (err) => err.message.includes(`sip:127.0.0.1:${port}`) && /exited with [1-9]/.test(err.message),
    );
  } finally {
    holder.close();
  }
});
