// Seeds a running server with N phone numbers shaped like the reference page's example
// (fallbackDestination with a full transferPlan, a call.ringing hook, a server with a
// backoffPlan), answered by one assistant it creates first. The numbers name the
// byo-sip-trunk credential SB_CREDENTIAL_ID (the server checks that it is one of the org's).
// Usage: SB_CREDENTIAL_ID=… node seed.mjs BASE_URL API_KEY COUNT — prints the ids, one per line.
const [baseUrl, apiKey, countText] = process.argv.slice(2);
const count = Number(countText ?? 1000);

/** Number `i` of the seed; `refs` holds the ids it names: {credentialId, assistantId}. */
export function exampleNumber(i, refs) {
  const transferPlan = {
    mode: "blind-transfer",
    message: "Connecting you now",
    timeout: 60,
    sipVerb: "refer",
    dialTimeout: 60,
    holdAudioUrl: "https://example.com/hold.mp3",
    transferCompleteAudioUrl: "https://example.com/done.mp3",
    contextEngineeringPlan: { type: "lastNMessages", maxMessages: 5 },
    summaryPlan: { messages: [{ role: "system", content: "Summarize the call" }], enabled: true, timeoutSeconds: 5 },
    sipHeadersInReferToEnabled: true,
    fallbackPlan: { message: "Sorry, nobody is available", endCallEnabled: true },
  };
  const destination = {
    message: "Transferring",
    type: "number",
    numberE164CheckEnabled: true,
    number: "+14155550199",
    extension: "123",
    callerId: "+14155550100",
    transferPlan,
    description: "front desk",
  };
  return {
    provider: "byo-phone-number",
    credentialId: refs.credentialId,
    name: `Line ${i}`,
    number: `+1415${String(2000000 + i).padStart(7, "0")}`,
    numberE164CheckEnabled: true,
    assistantId: refs.assistantId,
    fallbackDestination: destination,
    hooks: [
      {
        on: "call.ringing",
        filters: [{ type: "startsWith", key: "number", startsWith: ["91", "86", "7"] }],
        do: [{ type: "transfer", destination }],
      },
    ],
    server: {
      timeoutSeconds: 20,
      url: "https://example.com/webhook",
      headers: { "X-Env": "bench" },
      backoffPlan: { type: "fixed", maxRetries: 0, baseDelaySeconds: 1, excludedStatusCodes: [400, 401, 403, 404] },
    },
  };
}

async function post(path, body) {
  const res = await fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`seed POST ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()).id;
}

if (baseUrl) {
  const credentialId = process.env.SB_CREDENTIAL_ID;
  if (!credentialId) throw new Error("SB_CREDENTIAL_ID must name a byo-sip-trunk credential of the org");
  const assistantId = await post("/assistant", {
    name: "Front desk",
    firstMessage: "Hi, you've reached the front desk.",
    model: { provider: "openai", model: "gpt-4o-mini", messages: [{ role: "system", content: "You answer the front desk." }] },
  });
  const refs = { credentialId, assistantId };
  let next = 0;
  const ids = [];
  async function worker() {
    while (next < count) {
      const i = next++;
      ids.push(await post("/phone-number", exampleNumber(i, refs)));
    }
  }
  await Promise.all(Array.from({ length: 16 }, worker));
  process.stdout.write(ids.join("\n") + "\n");
}
