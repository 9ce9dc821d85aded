// Isolation-audit fixtures of the credentials_files group (see audit_isolation.test.mjs).
export const FIXTURES = {};
