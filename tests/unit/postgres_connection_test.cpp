// The PostgreSQL connection's deferred statements: sent ahead of the next statement in one
// pipeline, in order; a failure among them is that statement's, and the connection stays
// usable, inside a transaction too (the writer's SAVEPOINT/ROLLBACK TO relies on it).
#include <gtest/gtest.h>

#include "storage/postgres/connection.hpp"
#include "store_backend.hpp"

namespace sb::storage::postgres {
namespace {

class PostgresConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SB_SKIP_UNLESS_AVAILABLE(db_);
    conn_ = db_.connect();
    conn_->exec("CREATE TABLE t (x INT)");
  }
  std::string xs() {
    return conn_->run("SELECT COALESCE(string_agg(x::text, ',' ORDER BY x), '') FROM t").text(0, 0);
  }
  std::string sqlstate_of(auto&& statement) {
    try {
      statement();
    } catch (const PgError& e) {
      return e.sqlstate();
    }
    return "no error";
  }
  test::BackendDatabase db_{test::StoreBackend::kPostgres, "sb-pgconn"};
  std::unique_ptr<Connection> conn_;
};

TEST_F(PostgresConnectionTest, DeferredStatementsRunInOrderBeforeTheNextOne) {
  conn_->defer("INSERT INTO t VALUES (1)");
  conn_->defer("UPDATE t SET x = x * 10");  // after the insert, or it changes nothing
  conn_->defer("INSERT INTO t VALUES (2)");
  EXPECT_EQ(xs(), "2,10");  // a statement this connection prepares in the same pipeline
  conn_->defer("INSERT INTO t VALUES (3)");
  EXPECT_EQ(xs(), "2,3,10");  // and one it prepared before
  conn_->defer("DELETE FROM t WHERE x = 2");
  conn_->exec("DELETE FROM t WHERE x = 3");  // a plain exec takes them along too
  EXPECT_EQ(xs(), "10");
}

TEST_F(PostgresConnectionTest, ADeferredFailureIsTheNextStatementsAndSkipsIt) {
  conn_->defer("INSERT INTO missing VALUES (1)");
  EXPECT_EQ(sqlstate_of([&] { conn_->run("INSERT INTO t VALUES ($1)", {7}); }), "42P01");
  EXPECT_EQ(xs(), "");  // the statement after the failure did not run; the connection works
  conn_->defer("INSERT INTO missing VALUES (1)");
  EXPECT_EQ(sqlstate_of([&] { conn_->exec("INSERT INTO t VALUES (8)"); }), "42P01");
  EXPECT_EQ(xs(), "");
  // A statement prepared in the pipeline that then failed is not prepared twice.
  conn_->defer("SELECT 1");
  EXPECT_EQ(sqlstate_of([&] { conn_->run("SELECT 10 / $1::int", {0}); }), "22012");
  EXPECT_EQ(conn_->run("SELECT 10 / $1::int", {5}).integer(0, 0), 2);
}

TEST_F(PostgresConnectionTest, ASavepointDeferredInATransactionUndoesAFailedStatement) {
  conn_->exec("BEGIN");
  conn_->run("INSERT INTO t VALUES ($1)", {1});
  conn_->defer("SAVEPOINT job");
  conn_->run("INSERT INTO t VALUES ($1)", {2});
  EXPECT_EQ(sqlstate_of([&] { conn_->run("SELECT 1 / $1::int", {0}); }), "22012");
  conn_->exec("ROLLBACK TO job; RELEASE job");
  conn_->defer("SAVEPOINT job");
  conn_->run("INSERT INTO t VALUES ($1)", {3});
  conn_->defer("RELEASE job");
  conn_->exec("COMMIT");
  EXPECT_EQ(xs(), "1,3");
}

TEST_F(PostgresConnectionTest, ADeferredWriteGoesWithTheNextStatementOrAtAFlush) {
  conn_->defer_write("INSERT INTO t VALUES ($1)", {1});
  conn_->defer_write("INSERT INTO t VALUES ($1)", {2});
  EXPECT_EQ(xs(), "1,2");
  conn_->flush();  // nothing deferred: nothing sent
  conn_->defer_write("INSERT INTO t VALUES ($1)", {"not a number"});
  EXPECT_EQ(sqlstate_of([&] { conn_->flush(); }), "22P02");  // its failure, known at the flush
  conn_->defer("INSERT INTO t VALUES (3)");
  conn_->flush();  // only a statement without parameters: it may wait for the next one
  conn_->defer_write("INSERT INTO t VALUES ($1)", {4});
  EXPECT_EQ(xs(), "1,2,3,4");
}

TEST_F(PostgresConnectionTest, ALiteralKeepsEveryCharacter) {
  const std::string text = "it's \\ a \"test\" — ü\n\t%_";
  EXPECT_EQ(conn_->run("SELECT " + conn_->literal(text)).text(0, 0), text);
}

}  // namespace
}  // namespace sb::storage::postgres
