// Isolation-audit fixtures of the workspace group (see audit_isolation.test.mjs).
export const FIXTURES = {};
