// What the live-transcription stand-ins share (deepgram.mjs, assemblyai.mjs, ...): refusing a
// WebSocket upgrade with an HTTP status, and hearing "speech" in the caller's PCM.
//
// GUESS (every stand-in): real providers recognise words; these measure energy (RMS over 500 is
// voice) and answer a fixed, configurable transcript per utterance.

/** Answers an upgrade request on `socket` with `status`, `headers` and a JSON `body`. */
export function refuseUpgrade(socket, status, { headers = {}, body = {} } = {}) {
  const text = JSON.stringify(body);
  const reason = { 401: "Unauthorized", 404: "Not Found", 429: "Too Many Requests" }[status] ?? "Error";
  const lines = Object.entries({ "content-type": "application/json", ...headers, "content-length": Buffer.byteLength(text), connection: "close" })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("");
  socket.end(`HTTP/1.1 ${status} ${reason}\r\n${lines}\r\n${text}`);
}

/**
 * Follows the caller's 16-bit mono PCM and calls `onInterim()` once an utterance has been voiced
 * for 300 ms, and `onEnd()` when it has been followed by `endpointingMs` of silence (at least
 * 200 ms, since a real-time caller's 20 ms frames arrive unevenly) after at least 100 ms of voice.
 * feed(buffer, rate) returns the buffer's duration in ms.
 */
export function utterances({ endpointingMs, onInterim, onEnd }) {
  const silenceMs = Math.max(endpointingMs, 200);
  let voicedMs = 0;
  let silentMs = 0;
  let interimSent = false;
  return {
    feed(data, rate) {
      const samples = Math.floor(data.length / 2);
      const ms = (samples * 1000) / rate;
      let energy = 0;
      for (let i = 0; i + 1 < data.length; i += 2) energy += data.readInt16LE(i) ** 2;
      const rms = Math.sqrt(energy / Math.max(1, samples));
      if (rms > 500) {
        voicedMs += ms;
        silentMs = 0;
        if (voicedMs >= 300 && !interimSent) {
          interimSent = true;
          onInterim();
        }
      } else if (voicedMs > 0) {
        silentMs += ms;
        if (silentMs >= silenceMs) {
          if (voicedMs >= 100) onEnd();
          voicedMs = 0;
          silentMs = 0;
          interimSent = false;
        }
      }
      return ms;
    },
  };
}

/** A text message from the server's client as JSON ({} when it is not JSON). */
export function jsonOf(data) {
  try {
    return JSON.parse(data.toString());
  } catch {
    return {};
  }
}

/**
 * Starts `http` on 127.0.0.1; resolves {url, close()}, where close() also ends the WebSocket
 * server `wss` and its clients.
 */
export async function listenLocally(http, wss) {
  await new Promise((resolve) => http.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${http.address().port}`,
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}
