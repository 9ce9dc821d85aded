// Isolation-audit fixtures of the workspace group (see audit_isolation.test.mjs).
import { api } from "../harness.mjs";
import { orgPhoneNumberId } from "../fixtures.mjs";

const lineInsight = {
  type: "line",
  name: "Calls per day",
  queries: [{ type: "vapiql-json", table: "call", column: "id", operation: "count", name: "Calls" }],
  timeRange: { start: "-7d", end: "now", step: "day" },
};

export const FIXTURES = {
  "/structured-output": {
    create: async () => ({ name: "Audit outcome", schema: { type: "boolean" } }),
    notFound: "Structured output not found",
    patch: { description: "taken over" },
  },
  "/reporting/insight": {
    create: async () => lineInsight,
    notFound: "Insight not found",
    patch: { name: "taken over" },
    // A valid InsightRunDTO, so the contract's check passes and only ownership can refuse it:
    // another org's insight is a 404 before anything runs.
    bodies: { "POST /reporting/insight/{id}/run": () => ({ formatPlan: { format: "recharts" } }) },
  },
  "/eval": {
    create: async () => ({
      type: "chat.mockConversation",
      name: "Greets",
      messages: [{ role: "user", content: "Hi" }],
    }),
    notFound: "Eval not found",
    patch: { name: "taken over" },
  },
  "/observability/scorecard": {
    create: async (server) => {
      const output = await api(server, "/structured-output", { method: "POST", body: { name: "Audit booked", schema: { type: "boolean" } } });
      return {
        name: "Audit scorecard",
        metrics: [{ structuredOutputId: output.body.id, conditions: [{ type: "comparator", comparator: "=", value: true, points: 100 }] }],
      };
    },
    notFound: "Scorecard not found",
    patch: { name: "taken over" },
  },
  "/provider/{provider}/{resourceName}": {
    params: { provider: "11labs", resourceName: "pronunciation-dictionary" },
    create: async () => ({ name: "Audit dictionary", rules: [{ stringToReplace: "UN", type: "alias", alias: "United Nations" }] }),
    notFound: "Provider resource not found",
    patch: { name: "taken over" },
  },
  "/session": {
    create: async () => ({ name: "Audit session", customer: { number: "+14155550123" } }),
    notFound: "Session not found",
    patch: { name: "taken over" },
  },
  "/campaign": {
    // Waits for a window far ahead, so nobody is dialled during the audit.
    create: async (server) => ({
      name: "Audit campaign", phoneNumberId: await orgPhoneNumberId(server), customers: [{ number: "+14155550124" }],
      schedulePlan: { earliestAt: "2099-01-01T09:00:00.000Z" },
    }),
    notFound: "Campaign not found",
    patch: { name: "taken over" },
  },
  // Also GET /v2/campaign/{id}/contacts, the campaign's contacts.
  "/v2/campaign": { sameAs: "/campaign", notFound: "Campaign not found", patch: { name: "taken over" } },
};
