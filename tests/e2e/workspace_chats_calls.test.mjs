// Chats and calls as stored objects, through the official SDK. Nothing creates them yet (the
// chat engine and the voice runtime are later capabilities): the lists are empty in the shape
// the document gives them, and every by-id route answers the resource's own 404.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, expectError, assertBadRequest, api } from "./harness.mjs";

let server, client;
before(async () => {
  server = await startServer();
  client = server.client;
});
after(async () => {
  await server?.stop();
});

const ID = "6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d";
const notFound = (message) => ({ statusCode: 404, body: { message, error: "Not Found", statusCode: 404 } });

test("GET /chat is an empty page with its filters; GET and DELETE /chat/{id} are 404s", async () => {
  const page = await client.chats.list({ assistantId: ID, sessionId: ID, page: 1, sortOrder: "ASC", limit: 10 });
  assert.deepEqual(page, { results: [], metadata: { itemsPerPage: 10, totalItems: 0, currentPage: 1, totalPages: 0 } });
  assert.deepEqual((await client.chats.list({ idAny: `${ID},${ID}`, previousChatId: ID })).results, []);
  assert.deepEqual(await expectError(client.chats.get({ id: ID })), notFound("Chat not found"));
  assert.deepEqual(await expectError(client.chats.delete({ id: ID })), notFound("Chat not found"));
  assertBadRequest(await expectError(client.chats.list({ limit: 1001 })), "limit must not be greater than 1000");
});

test("GET /call is an empty array with its filters; GET, PATCH and DELETE /call/{id} are 404s", async () => {
  assert.deepEqual(await client.calls.list({ assistantId: ID, phoneNumberId: ID, limit: 5 }), []);
  assert.deepEqual(await client.calls.list({ createdAtGt: "2025-01-01T00:00:00.000Z" }), []);
  assert.deepEqual(await expectError(client.calls.get({ id: ID })), notFound("Call not found"));
  assert.deepEqual(await expectError(client.calls.update({ id: ID, name: "Renamed" })), notFound("Call not found"));
  assert.deepEqual(await expectError(client.calls.delete({ id: ID })), notFound("Call not found"));
  assertBadRequest(await expectError(client.calls.update({ id: ID, name: "n".repeat(41) })),
    "name must be shorter than or equal to 40 characters");
  assertBadRequest(await expectError(client.calls.get({ id: "call-1" })), "id must be a UUID");
});

test("a call's artifacts answer 'Call not found' while the call does not exist", async () => {
  const downloads = [
    "callArtifactControllerMonoRecordingDownload",
    "callArtifactControllerStereoRecordingDownload",
    "callArtifactControllerVideoRecordingDownload",
    "callArtifactControllerCustomerRecordingDownload",
    "callArtifactControllerAssistantRecordingDownload",
    "callArtifactControllerPcapDownload",
    "callArtifactControllerCallLogsDownload",
  ];
  for (const method of downloads)
    assert.deepEqual(await expectError(client.calls[method]({ id: ID })), notFound("Call not found"), method);
  const res = await api(server, `/call/${ID}/pcap`, { token: null });
  assert.equal(res.status, 401);
});
