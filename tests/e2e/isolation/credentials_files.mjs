// Isolation-audit fixtures of the credentials_files group (see audit_isolation.test.mjs).
import { credentialBody } from "../credentials_fixtures.mjs";
import { form, DOCUMENTS } from "../files_fixtures.mjs";

export const FIXTURES = {
  "/credential": {
    create: async () => credentialBody("byo-sip-trunk"),
    notFound: "Credential not found",
    patch: { name: "taken over" },
  },
  "/file": {
    // An upload: the audit posts the FormData as multipart/form-data.
    create: async () => form("faq.md", DOCUMENTS["faq.md"].data, { purpose: "knowledge-base-v2" }),
    notFound: "File not found",
    listQuery: { purpose: "knowledge-base-v2" },
    patch: { name: "taken over" },
  },
};
