// Isolation-audit fixtures of the telephony group (see audit_isolation.test.mjs).
import { nextNumber } from "../fixtures.mjs";

export const FIXTURES = {
  "/phone-number": {
    create: async () => ({ provider: "byo-phone-number", credentialId: "cred-audit", number: nextNumber("+1312555") }),
    notFound: "Phone number not found",
    patch: { name: "taken over" },
  },
};
