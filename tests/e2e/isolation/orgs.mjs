// Isolation-audit fixtures of /org/{id} (see audit_isolation.test.mjs). Orgs are not created
// through the API, so the audit sends an unknown id; webhooks_delivery.test.mjs checks that
// another org's real id is just as unknown to a key.
export const FIXTURES = {
  "/org": { none: true, notFound: "Org not found" },
};
