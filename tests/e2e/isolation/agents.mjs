// Isolation-audit fixtures of the agents group (see audit_isolation.test.mjs).
export const FIXTURES = {};
