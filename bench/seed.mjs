// Seeds a running server with N phone numbers shaped like the reference page's example
// (fallbackDestination with a full transferPlan, a call.ringing hook, a server with a
// backoffPlan). Usage: node seed.mjs BASE_URL API_KEY COUNT — prints the ids, one per line.
const [baseUrl, apiKey, countText] = process.argv.slice(2);
const count = Number(countText ?? 1000);

export function exampleNumber(i) {
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
    credentialId: "550e8400-e29b-41d4-a716-446655440000",
    name: `Line ${i}`,
    number: `+1415${String(2000000 + i).padStart(7, "0")}`,
    numberE164CheckEnabled: true,
    assistantId: "7b1e3c1c-4d1c-4a6e-9a8e-2f7f1a3b5c6d",
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

if (baseUrl) {
  let next = 0;
  const ids = [];
  async function worker() {
    while (next < count) {
      const i = next++;
      const res = await fetch(`${baseUrl}/phone-number`, {
        method: "POST",
        headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
        body: JSON.stringify(exampleNumber(i)),
      });
      if (res.status !== 201) throw new Error(`seed ${i}: ${res.status} ${await res.text()}`);
      ids.push((await res.json()).id);
    }
  }
  await Promise.all(Array.from({ length: 16 }, worker));
  process.stdout.write(ids.join("\n") + "\n");
}
