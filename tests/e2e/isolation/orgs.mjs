// Isolation-audit fixtures of /org/{id} (see audit_isolation.test.mjs). Orgs are not created
// through the API: org A's object is the org of the server's own key, whose id its objects
// carry, so the audit sends org A's real id with org B's key.
import { api } from "../harness.mjs";

/** Org A's id, read off an object it creates (no route names the caller's org otherwise). */
async function ownOrgId(server) {
  const made = await api(server, "/structured-output", {
    method: "POST",
    body: { name: "Audit org probe", schema: { type: "string" } },
  });
  if (made.status !== 201) throw new Error(`POST /structured-output: ${made.status} ${JSON.stringify(made.body)}`);
  return made.body.orgId;
}

async function ownOrg(server) {
  const res = await api(server, `/org/${await ownOrgId(server)}`);
  if (res.status !== 200) throw new Error(`GET /org/{id}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** GET /org lists the caller's one org: org B's list holds org B and nothing of org A. */
async function listedForOther(server, other) {
  const res = await api(server, `/org/${other.orgId}`, { token: other.apiKey });
  if (res.status !== 200) throw new Error(`GET /org/{id} of org B: ${res.status} ${JSON.stringify(res.body)}`);
  return [res.body];
}

export const FIXTURES = {
  "/org": { make: ownOrg, notFound: "Org not found", patch: { name: "taken over" }, listedForOther },
};
