#include "storage/postgres/connection.hpp"

#include <libpq-fe.h>

#include <functional>
#include <optional>
#include <utility>

namespace sb::storage::postgres {
namespace {

[[noreturn]] void fail(PGconn* conn, const PGresult* result, std::string_view context) {
  std::string sqlstate;
  if (result) {
    if (const char* s = PQresultErrorField(result, PG_DIAG_SQLSTATE)) sqlstate = s;
  }
  std::string message(context);
  message += ": ";
  message += result ? PQresultErrorMessage(result) : PQerrorMessage(conn);
  while (!message.empty() && message.back() == '\n') message.pop_back();
  throw PgError(sqlstate, message);
}

Result checked(PGconn* conn, PGresult* raw, std::string_view context) {
  Result result(raw);
  const auto status = PQresultStatus(raw);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(conn, raw, context);
  return result;
}

// Parameters in libpq's arrays.
struct Values {
  explicit Values(const std::vector<Param>& params) {
    for (const auto& p : params) {
      values.push_back(p.value ? p.value->data() : nullptr);
      lengths.push_back(p.value ? static_cast<int>(p.value->size()) : 0);
      formats.push_back(p.binary ? 1 : 0);
    }
  }
  int count() const { return static_cast<int>(values.size()); }
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
};

// Runs the prepared statement `name`, or (`prepared` false) the text `name`, with `params`.
Result exec_params(PGconn* conn, const std::string& name, const std::vector<Param>& params,
                   std::string_view context, bool prepared) {
  const Values v(params);
  return checked(conn,
                 prepared ? PQexecPrepared(conn, name.c_str(), v.count(), v.values.data(),
                                           v.lengths.data(), v.formats.data(), 0)
                          : PQexecParams(conn, name.c_str(), v.count(), nullptr, v.values.data(),
                                         v.lengths.data(), v.formats.data(), 0),
                 context);
}

}  // namespace

Result::Result(PGresult* result) : result_(result, PQclear) {}

int Result::rows() const {
  return PQntuples(result_.get());
}

std::int64_t Result::affected() const {
  const char* n = PQcmdTuples(result_.get());
  return n && *n ? std::stoll(n) : 0;
}

std::string Result::text(int row, int column) const {
  return std::string(PQgetvalue(result_.get(), row, column),
                     PQgetlength(result_.get(), row, column));
}

std::int64_t Result::integer(int row, int column) const {
  return std::stoll(PQgetvalue(result_.get(), row, column));
}

bool Result::is_null(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) != 0;
}

std::string Result::bytes(int row, int column) const {
  if (is_null(row, column)) return {};
  std::size_t length = 0;
  unsigned char* raw = PQunescapeBytea(
      reinterpret_cast<const unsigned char*>(PQgetvalue(result_.get(), row, column)), &length);
  if (!raw) throw PgError("", "could not decode a BYTEA value");
  std::string out(reinterpret_cast<const char*>(raw), length);
  PQfreemem(raw);
  return out;
}

Connection::Connection(const std::string& url, const std::string& schema)
    : conn_(PQconnectdb(url.c_str())), schema_(schema) {
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string message = std::string("connect to PostgreSQL: ") + PQerrorMessage(conn_);
    PQfinish(conn_);
    throw PgError("", message);
  }
  configure();
}

void Connection::configure() {
  const std::string name = schema_.empty() ? "switchboard" : "switchboard/" + schema_;
  char* literal = PQescapeLiteral(conn_, name.data(), name.size());
  std::string sql =
      std::string("SET client_min_messages = warning; SET application_name = ") + literal;
  PQfreemem(literal);
  if (!schema_.empty()) {
    char* quoted = PQescapeIdentifier(conn_, schema_.data(), schema_.size());
    sql += std::string("; SET search_path TO ") + quoted;
    PQfreemem(quoted);
  }
  exec(sql);
}

void Connection::reopen_if_lost() {
  if (PQstatus(conn_) == CONNECTION_OK && PQpipelineStatus(conn_) == PQ_PIPELINE_OFF) return;
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK)
    throw PgError("08006", std::string("reconnect to PostgreSQL: ") + PQerrorMessage(conn_));
  prepared_.clear();  // statements are per session
  deferred_.clear();  // they belonged to the lost session's transaction
  deferred_write_ = false;
  configure();
}

Connection::~Connection() {
  PQfinish(conn_);
}

void Connection::exec(std::string_view sql) {
  reopen_if_lost();
  flush();
  // What is left deferred has no parameters: it goes with `sql` as text.
  std::string text;
  for (const auto& d : std::exchange(deferred_, {})) (text += d.sql) += "; ";
  text += sql;
  checked(conn_, PQexec(conn_, text.c_str()), text);
}

void Connection::defer(std::string sql) {
  deferred_.push_back({std::move(sql), {}});
}

void Connection::defer_write(std::string sql, std::vector<Param> params) {
  deferred_.push_back({std::move(sql), std::move(params)});
  deferred_write_ = true;
}

void Connection::flush() {
  if (!deferred_write_) return;
  reopen_if_lost();
  run_pipelined(nullptr);
}

std::string Connection::literal(std::string_view text) const {
  char* quoted = PQescapeLiteral(conn_, text.data(), text.size());
  if (!quoted) fail(conn_, nullptr, "quote a literal");
  std::string out(quoted);
  PQfreemem(quoted);
  return out;
}

// Named by the text's hash: a dynamic list query (its filters vary) is prepared once per
// shape, like the SQLite backend's statement cache.
std::string Connection::name_of(std::string_view sql) {
  return "s" + std::to_string(std::hash<std::string_view>{}(sql));
}

Result Connection::run(std::string_view sql, const std::vector<Param>& params) {
  reopen_if_lost();
  if (!deferred_.empty()) {
    const Statement last{std::string(sql), params};
    return *run_pipelined(&last);
  }
  const std::string name = name_of(sql);
  if (!prepared_.contains(name)) {
    const std::string text(sql);
    checked(conn_, PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr), text);
    prepared_.insert(name);
  }
  return exec_params(conn_, name, params, sql, true);
}

Result Connection::run_once(std::string_view sql, const std::vector<Param>& params) {
  reopen_if_lost();
  if (!deferred_.empty()) run_pipelined(nullptr);  // rare: a writer's analytics query
  return exec_params(conn_, std::string(sql), params, sql, false);
}

// libpq's pipeline mode: every query is sent before any result is read, and a Sync ends the
// pipeline. After an error the server skips the rest (PGRES_PIPELINE_ABORTED) up to the Sync;
// every result is still read, so the connection is left idle whatever happened.
std::optional<Result> Connection::run_pipelined(const Statement* last) {
  auto statements = std::exchange(deferred_, {});
  deferred_write_ = false;
  if (last) statements.push_back(*last);
  // What each result answers: a statement's preparation (its name) or the statement itself.
  struct Expected {
    const Statement* statement;
    std::string prepares;  ///< empty for the statement's own result
  };
  std::vector<Expected> expected;
  if (PQenterPipelineMode(conn_) != 1) fail(conn_, nullptr, "enter pipeline mode");
  bool sent = true;
  std::unordered_set<std::string> preparing;
  for (const auto& st : statements) {
    const std::string name = name_of(st.sql);
    if (!prepared_.contains(name) && preparing.insert(name).second) {
      sent = sent && PQsendPrepare(conn_, name.c_str(), st.sql.c_str(), 0, nullptr);
      expected.push_back({&st, name});
    }
    const Values v(st.params);
    sent = sent && PQsendQueryPrepared(conn_, name.c_str(), v.count(), v.values.data(),
                                       v.lengths.data(), v.formats.data(), 0);
    expected.push_back({&st, {}});
  }
  sent = sent && PQpipelineSync(conn_);
  if (!sent) {
    // Nothing can be read back in order: the connection stays in pipeline mode, which
    // reopen_if_lost takes as lost, and is opened again before the next statement.
    throw PgError("08006", std::string("send a pipeline to PostgreSQL: ") + PQerrorMessage(conn_));
  }
  std::optional<Result> out;
  std::optional<PgError> error;
  std::size_t read = 0;
  for (std::size_t i = 0; i < expected.size(); ++i, ++read) {
    PGresult* raw = PQgetResult(conn_);
    if (!raw) break;  // the connection failed: libpq has nothing more to give
    Result result(raw);
    const auto status = PQresultStatus(raw);
    const bool ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
    if (!ok && !error) {
      try {
        fail(conn_, raw, expected[i].statement->sql);
      } catch (const PgError& e) {
        error = e;
      }
    }
    // A statement prepared stays prepared whatever follows (even in a transaction undone).
    if (ok && !expected[i].prepares.empty()) prepared_.insert(expected[i].prepares);
    if (i + 1 == expected.size()) out = std::move(result);
    while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);  // up to this query's end
  }
  while (PGresult* raw = PQgetResult(conn_)) {  // the Sync's result ends the pipeline
    const bool synced = PQresultStatus(raw) == PGRES_PIPELINE_SYNC;
    PQclear(raw);
    if (synced) break;
  }
  PQexitPipelineMode(conn_);
  if (error) throw *error;
  if (read < expected.size()) fail(conn_, nullptr, "read a pipeline's results");
  return out;
}

bool Connection::ok() const {
  return PQstatus(conn_) == CONNECTION_OK;
}

int Connection::socket() const {
  return PQsocket(conn_);
}

std::vector<Notification> Connection::notifications() {
  if (PQconsumeInput(conn_) == 0 || PQstatus(conn_) != CONNECTION_OK)
    fail(conn_, nullptr, "LISTEN");
  std::vector<Notification> out;
  while (PGnotify* n = PQnotifies(conn_)) {
    out.push_back({n->relname, n->extra});
    PQfreemem(n);
  }
  return out;
}

}  // namespace sb::storage::postgres
