// Isolation-audit fixtures of the telephony group (see audit_isolation.test.mjs).
import { nextNumber, orgRefs } from "../fixtures.mjs";

export const FIXTURES = {
  "/phone-number": {
    create: async (server) => {
      const refs = await orgRefs(server);
      return {
        provider: "byo-phone-number",
        credentialId: refs.byoCredentialId,
        assistantId: refs.assistantId,
        number: nextNumber("+1312555"),
      };
    },
    notFound: "Phone number not found",
    patch: { name: "taken over" },
  },
};
