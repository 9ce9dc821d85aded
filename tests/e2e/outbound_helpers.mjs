// What the outbound-call tests of every carrier share: the provider stand-in (whose dialled
// calls follow a per-customer behaviour), a server aimed at it, the transcriber and voice
// stand-ins, an assistant that greets, and fresh customer numbers.
import { startChatServer } from "./chats_helpers.mjs";
import { startProviderStandin } from "./provider_standin.mjs";
import { standinAssistant, startTranscriberStandin, startVoiceStandin, until, waitForCallStatus } from "./voice_helpers.mjs";

let customerCounter = 0;

/**
 * Starts the rig. `carrier`: "twilio" or "telnyx" (whose calls' behaviour it drives);
 * `standin`: more options of startProviderStandin; `args`: more server arguments. Resolves
 * {env, providers, transcriber, voice, assistant, customer(outcome) → a new E.164 number whose
 * dial behaves as `outcome` says (see the carrier's stand-in), waitForStatus(id, status, ms),
 * reportingAssistant(receiver) → an inline assistant that greets and sends its status-updates
 * and end-of-call-report to `receiver`, messagesAt(receiver) → {statuses, report} once the call
 * has ended, askedToTransfer(number, destination, dialled) → the Call of `number` (a stored
 * number's id) whose assistant has a transferCall tool to `destination`, once its customer has
 * asked for it (`dialled(callId)` finds the carrier's call), close()}. The server's
 * --call-connect-timeout is 5 s.
 */
export async function startOutboundRig({ carrier, standin = {}, args = [] }) {
  const outcomes = new Map(); // customer number → stand-in behaviour
  const providers = await startProviderStandin({ acceptAny: true, ...standin });
  providers[`${carrier}CallBehaviour`]((request) => outcomes.get(request.To) ?? {});
  const env = await startChatServer({ env: providers.env, args: ["--call-connect-timeout", "5", ...args] });
  const transcriber = await startTranscriberStandin();
  const voice = await startVoiceStandin();
  const assistant = await env.server.client.assistants.create(standinAssistant(transcriber, voice, { firstMessage: "Hello, this is the clinic calling." }));
  return {
    env, providers, transcriber, voice, assistant,
    customer(outcome) {
      const n = `+1650555${String(1000 + ++customerCounter)}`;
      if (outcome) outcomes.set(n, outcome);
      return n;
    },
    waitForStatus: (id, status, ms) => waitForCallStatus(env.server.client, id, status, ms),
    reportingAssistant: (receiver) => standinAssistant(transcriber, voice, {
      firstMessage: "Hello, this is the clinic calling.",
      server: { url: receiver.url("/events") },
      serverMessages: ["status-update", "end-of-call-report"],
    }),
    async messagesAt(receiver) {
      const hits = await receiver.waitFor("/events", 5, 5000);
      const messages = hits.map((h) => h.json.message);
      return {
        statuses: messages.filter((m) => m.type === "status-update").map((m) => m.status),
        report: messages.find((m) => m.type === "end-of-call-report"),
      };
    },
    async askedToTransfer(numberId, destination, dialled) {
      const call = await env.server.client.calls.create({
        phoneNumberId: numberId, customer: { number: this.customer() },
        assistant: standinAssistant(transcriber, voice, {
          firstMessage: "Hello.",
          model: {
            provider: "openai", model: "gpt-4o", messages: [{ role: "system", content: "Transfer callers who ask for a person." }],
            tools: [{ type: "transferCall", destinations: [destination] }],
          },
        }),
      });
      const carrierCall = await until(() => dialled(call.id), "the carrier's call");
      await until(() => carrierCall.stream, "the media stream connected back", 5000);
      await waitForCallStatus(env.server.client, call.id, "in-progress");
      const session = await until(() => transcriber.sessions.find((s) => s.start && s.bytes > 0 && !s.used), "the transcriber");
      session.used = true;
      session.say(`call transferCall with {"destination":"${destination.number ?? destination.sipUri}"}`, "final");
      return call;
    },
    async close() {
      await env.stop();
      await transcriber.close();
      await voice.close();
      await providers.close();
    },
  };
}
