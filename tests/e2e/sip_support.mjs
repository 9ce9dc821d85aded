// Helpers of the SIP e2e tests: free ports for SIP (UDP and TCP at once) and sipp runs.
import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { createServer } from "node:net";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir, removeTempDir } from "./harness.mjs";

// A port free for both UDP and TCP on 127.0.0.1 (SIP listens on both).
export async function freeSipPort() {
  for (;;) {
    const udp = createSocket("udp4");
    await new Promise((resolve) => udp.bind(0, "127.0.0.1", resolve));
    const port = udp.address().port;
    const tcpFree = await new Promise((resolve) => {
      const tcp = createServer();
      tcp.once("error", () => resolve(false));
      tcp.listen(port, "127.0.0.1", () => tcp.close(() => resolve(true)));
    });
    await new Promise((resolve) => udp.close(resolve));
    if (tcpFree) return port;
  }
}

// sipp as a UAS (a trunk gateway) on 127.0.0.1:port running `scenario` (a path) once; `done`
// resolves {status, errors} when sipp exits (it is killed after `timeoutMs`).
export async function sippGateway(scenario, { transport = "u1", timeoutMs = 30000, } = {}) {
  const port = await freeSipPort();
  const work = tempDir("switchboard-sipp-uas-");
  const errors = join(work, "errors.log");
  const args = [
    "-sf", scenario, "-i", "127.0.0.1", "-p", String(port), "-mp", String(await freeSipPort()),
    "-m", "1", "-t", transport, "-nostdin", "-timeout", `${Math.round(timeoutMs / 1000)}s`,
    "-timeout_error", "-trace_err", "-error_file", errors,
  ];
  const child = spawn("sipp", args, { cwd: work, timeout: timeoutMs + 5000 });
  let stdout = "";
  child.stdout.on("data", (d) => (stdout += d));
  const done = new Promise((resolve) => {
    child.on("error", (error) => resolve({ status: -1, errors: `sipp did not run (install sip-tester): ${error.message}` }));
    child.on("exit", (status) => {
      const logged = existsSync(errors) ? readFileSync(errors, "utf8") : "";
      removeTempDir(work);
      resolve({ status, errors: `${logged}\n${stdout.slice(-2000)}` });
    });
  });
  // Listening once its port is taken.
  for (let i = 0; i < 100; i++) {
    const taken = await new Promise((resolve) => {
      const probe = createSocket("udp4");
      probe.once("error", () => resolve(true));
      probe.bind(port, "127.0.0.1", () => probe.close(() => resolve(false)));
    });
    if (taken || transport !== "u1") break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return { port, done, kill: () => child.kill("SIGKILL") };
}
