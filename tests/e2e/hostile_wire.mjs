// Raw TCP for the hostile-client tests: what fetch and the SDK cannot send (bytes one at a
// time, lying Content-Lengths, pipelined requests, HTTP/1.0, no bytes at all).
import net from "node:net";

/** Opens a TCP connection to `baseUrl`'s host and port; resolves the socket. */
export function connect(baseUrl) {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) }, () => resolve(socket));
    socket.once("error", reject);
  });
}

/**
 * Sends `chunks` (strings or Buffers; a number pauses that many ms) over a new connection and
 * collects what comes back until the server closes or `timeoutMs` passes. Resolves
 * {text, closed, ms}: ms is the time from the connection to its close (or the timeout).
 */
export async function exchange(baseUrl, chunks, { timeoutMs = 5000 } = {}) {
  const socket = await connect(baseUrl);
  const started = Date.now();
  const received = [];
  let closed = false;
  const done = new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    socket.on("data", (d) => received.push(d));
    socket.on("error", () => {});
    socket.on("close", () => {
      closed = true;
      clearTimeout(timer);
      resolve();
    });
  });
  for (const chunk of chunks) {
    if (closed) break;
    if (typeof chunk === "number") await new Promise((r) => setTimeout(r, chunk));
    else socket.write(chunk);
  }
  await done;
  const ms = Date.now() - started;
  socket.destroy();
  return { text: Buffer.concat(received).toString("latin1"), closed, ms };
}

/** Splits a raw HTTP/1.x byte stream into responses: [{status, headers, body}], in order. */
export function parseResponses(text) {
  const out = [];
  let rest = text;
  while (rest.length > 0) {
    const end = rest.indexOf("\r\n\r\n");
    if (end < 0) break;
    const [statusLine, ...lines] = rest.slice(0, end).split("\r\n");
    const headers = {};
    for (const line of lines) {
      const colon = line.indexOf(":");
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers["content-length"] ?? 0);
    const body = rest.slice(end + 4, end + 4 + length);
    let json;
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
    out.push({ statusLine, status: Number(statusLine.split(" ")[1]), headers, body, json });
    rest = rest.slice(end + 4 + length);
  }
  return out;
}

/** A request head (HTTP/1.1 unless `version`), with the key of `server` unless token is null. */
export function head(server, method, path, { headers = {}, token, version = "1.1" } = {}) {
  const lines = [`${method} ${path} HTTP/${version}`, "Host: switchboard"];
  const key = token === undefined ? server.apiKey : token;
  if (key !== null) lines.push(`Authorization: Bearer ${key}`);
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  return lines.join("\r\n") + "\r\n\r\n";
}
