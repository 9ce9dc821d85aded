// Isolation-audit fixtures of the agents group (see audit_isolation.test.mjs).
import { api } from "../harness.mjs";
import { TOOL_BODIES, fullAssistant, smallAssistant, twoAssistantSquad } from "../agents_fixtures.mjs";

/** Creates what org A's object refers to (as org A); resolves its id. */
async function createFor(server, path, body) {
  const res = await api(server, path, { method: "POST", body });
  if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

export const FIXTURES = {
  "/tool": {
    create: async () => TOOL_BODIES.function(),
    notFound: "Tool not found",
    patch: { type: "function", async: true },
  },
  "/assistant": {
    create: async (server) => fullAssistant([await createFor(server, "/tool", TOOL_BODIES.endCall())]),
    notFound: "Assistant not found",
    patch: { name: "taken over" },
  },
  "/squad": {
    create: async (server) =>
      twoAssistantSquad(
        await createFor(server, "/assistant", smallAssistant("Receptionist")),
        await createFor(server, "/assistant", smallAssistant("Billing")),
      ),
    notFound: "Squad not found",
    patch: { name: "taken over" },
  },
};
