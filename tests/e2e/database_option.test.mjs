// --database / DATABASE_URL through the real binary, where no PostgreSQL server is needed:
// what is not a PostgreSQL URL is refused, and an unreachable server is named at start.
// (With SB_E2E_POSTGRES_URL set, the harness runs every other e2e test on PostgreSQL.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { runCli, tempDir, removeTempDir } from "./harness.mjs";

test("serve and org create refuse a --database that is not a postgres:// URL", async () => {
  const dataDir = tempDir();
  try {
    for (const args of [
      ["serve", "--port", "0", "--data-dir", dataDir, "--database", "mysql://db/sb"],
      ["org", "create", "acme", "--database", "mysql://db/sb"],
    ]) {
      const { code, stderr } = await runCli(args);
      assert.equal(code, 1, stderr);
      assert.match(stderr, /--database must be a postgres:\/\/ or postgresql:\/\/ URL/);
    }
  } finally {
    removeTempDir(dataDir);
  }
});

test("DATABASE_URL naming an unreachable PostgreSQL server stops the start with libpq's reason", async () => {
  const dataDir = tempDir();
  try {
    const unreachable = `postgresql://sb@/sb?host=${dataDir}/no-such-socket-dir`;
    const { code, stdout, stderr } = await runCli(["serve", "--port", "0", "--data-dir", dataDir], {
      DATABASE_URL: unreachable,
    });
    assert.equal(code, 1, stderr);
    assert.doesNotMatch(stdout, /listening on/);
    assert.match(stderr, /connect to PostgreSQL: .*no-such-socket-dir/s);
  } finally {
    removeTempDir(dataDir);
  }
});
