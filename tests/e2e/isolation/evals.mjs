// Isolation-audit fixtures of evals' runs and simulations (see audit_isolation.test.mjs). Runs
// are made by running them to their end, so the object stays as it is during the audit.
import { api } from "../harness.mjs";
import { assistantBody } from "../chats_helpers.mjs";

const tester = { name: "Audit tester", assistant: assistantBody("Tester", "You are a caller.") };
const scenarioBody = { name: "Audit scenario", instructions: "Say hello.", evaluations: [] };

async function post(server, path, body) {
  const res = await api(server, path, { method: "POST", body });
  if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

// Polls `path` until its status is "ended"; resolves the object.
async function ended(server, path) {
  for (let i = 0; i < 400; i++) {
    const res = await api(server, path);
    if (res.body?.status === "ended") return res.body;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${path} did not end`);
}

async function simulation(server) {
  const personality = await post(server, "/eval/simulation/personality", tester);
  const scenario = await post(server, "/eval/simulation/scenario", scenarioBody);
  return { name: "Audit simulation", scenarioId: scenario.id, personalityId: personality.id };
}

export const FIXTURES = {
  "/eval/run": {
    make: async (server) => {
      const assistant = await post(server, "/assistant", assistantBody("Audit target", "x"));
      const run = await post(server, "/eval/run", {
        type: "eval",
        eval: { type: "chat.mockConversation", messages: [{ role: "user", content: "Hi" }, { role: "assistant", judgePlan: { type: "exact", content: "You said: Hi" } }] },
        target: { type: "assistant", assistantId: assistant.id },
      });
      return ended(server, `/eval/run/${run.id}`);
    },
    notFound: "Eval run not found",
  },
  "/eval/simulation/personality": { create: async () => tester, notFound: "Personality not found", patch: { name: "taken over" } },
  "/eval/simulation/scenario": { create: async () => scenarioBody, notFound: "Scenario not found", patch: { name: "taken over" } },
  "/eval/simulation": { create: simulation, notFound: "Simulation not found", patch: { name: "taken over" } },
  "/eval/simulation/suite": {
    create: async (server) => ({ name: "Audit suite", simulationIds: [(await post(server, "/eval/simulation", await simulation(server))).id] }),
    notFound: "Simulation suite not found",
    patch: { name: "taken over" },
  },
  "/eval/simulation/run": {
    make: async (server) => {
      const assistant = await post(server, "/assistant", assistantBody("Audit target", "x", {}, { firstMessage: "Bye, call endCall" }));
      const personality = await post(server, "/eval/simulation/personality", tester);
      const run = await post(server, "/eval/simulation/run", {
        simulations: [{ type: "simulation", scenario: scenarioBody, personalityId: personality.id }],
        target: { type: "assistant", assistantId: assistant.id },
      });
      return ended(server, `/eval/simulation/run/${run.id}`);
    },
    notFound: "Simulation run not found",
    queries: { "POST /eval/simulation/run/{id}/item/{itemId}/generate": { force: "false" } },
  },
};
