// Isolation-audit fixtures of the contract's groups this server leaves out on purpose (the same
// groups as OUT_OF_SCOPE in routes_walk.test.mjs: knowledge bases v2 and reporting boards). Nothing of theirs can leak while they have no route, so the audit requires
// exactly that: NestJS's "Cannot METHOD /path" 404 for each of their operations on one object.
// Once one of them gets a route, that answer changes and the audit fails until the collection
// has a real fixture (how to create its object, its "X not found" message).
const unrouted = { outOfScope: true };

export const FIXTURES = {
  "/v2/knowledge-base": unrouted,
  "/reporting/board": unrouted,
};
