// Assertions shared by the assistant, squad and tool tests.
import assert from "node:assert/strict";
import { expectError, ISO_MS, UUID_V4 } from "./harness.mjs";

/** The exact 404 body for a missing (or another org's) object. */
export function notFound(noun) {
  return { message: `${noun} not found`, error: "Not Found", statusCode: 404 };
}

/** Awaits `promise`, expecting the 404 of a missing `noun`. */
export async function expectNotFound(promise, noun) {
  const err = await expectError(promise);
  assert.equal(err.statusCode, 404, JSON.stringify(err.body));
  assert.deepEqual(err.body, notFound(noun));
}

/** Awaits `request.withRawResponse()`; resolves {status, data}. */
export async function raw(request) {
  const { data, rawResponse } = await request.withRawResponse();
  return { status: rawResponse.status, data };
}

/**
 * Asserts a 201 whose body is `sent` exactly plus the server-set fields: id, orgId, createdAt,
 * updatedAt (equal to createdAt), and `extra` (e.g. {isServerUrlSecretSet: false}).
 */
export function assertCreated({ status, data }, sent, { orgId, extra = {} } = {}) {
  assert.equal(status, 201);
  assert.match(data.id, UUID_V4);
  assert.equal(typeof data.orgId, "string");
  if (orgId) assert.equal(data.orgId, orgId);
  assert.match(data.createdAt, ISO_MS);
  assert.equal(data.updatedAt, data.createdAt);
  const { id: _i, orgId: _o, createdAt: _c, updatedAt: _u, ...rest } = data;
  assert.deepEqual(rest, { ...structuredClone(sent), ...extra });
}

/**
 * Asserts `after` is `before` with `changes` applied (a null change removes the property),
 * createdAt kept and updatedAt advanced.
 */
export function assertUpdated(before, after, changes) {
  assert.equal(after.id, before.id);
  assert.equal(after.createdAt, before.createdAt);
  assert.match(after.updatedAt, ISO_MS);
  assert.ok(after.updatedAt > before.updatedAt, `${after.updatedAt} should be after ${before.updatedAt}`);
  const expected = { ...structuredClone(before), ...structuredClone(changes), updatedAt: after.updatedAt };
  for (const [k, v] of Object.entries(changes)) if (v === null) delete expected[k];
  assert.deepEqual(after, expected);
}

/** Ids of a list of objects. */
export const ids = (items) => items.map((o) => o.id);

/** A well-formed id no object has. */
export const MISSING_ID = "3f2b8c1d-9e4a-4b6c-8d7e-1f0a2b3c4d5e";
