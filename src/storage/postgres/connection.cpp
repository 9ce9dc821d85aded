#include "storage/postgres/connection.hpp"

#include <libpq-fe.h>

#include <functional>

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

// Runs the prepared statement `name`, or (`prepared` false) the text `name`, with `params`.
Result exec_params(PGconn* conn, const std::string& name, const std::vector<Param>& params,
                   std::string_view context, bool prepared) {
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
  for (const auto& p : params) {
    values.push_back(p.value ? p.value->data() : nullptr);
    lengths.push_back(p.value ? static_cast<int>(p.value->size()) : 0);
    formats.push_back(p.binary ? 1 : 0);
  }
  const int n = static_cast<int>(params.size());
  return checked(conn,
                 prepared ? PQexecPrepared(conn, name.c_str(), n, values.data(), lengths.data(),
                                           formats.data(), 0)
                          : PQexecParams(conn, name.c_str(), n, nullptr, values.data(),
                                         lengths.data(), formats.data(), 0),
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
  if (PQstatus(conn_) == CONNECTION_OK) return;
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK)
    throw PgError("08006", std::string("reconnect to PostgreSQL: ") + PQerrorMessage(conn_));
  prepared_.clear();  // statements are per session
  configure();
}

Connection::~Connection() {
  PQfinish(conn_);
}

void Connection::exec(std::string_view sql) {
  reopen_if_lost();
  const std::string text(sql);
  checked(conn_, PQexec(conn_, text.c_str()), text);
}

Result Connection::run(std::string_view sql, const std::vector<Param>& params) {
  // Named by the text's hash: a dynamic list query (its filters vary) is prepared once per
  // shape, like the SQLite backend's statement cache.
  reopen_if_lost();
  const std::string name = "s" + std::to_string(std::hash<std::string_view>{}(sql));
  if (!prepared_.contains(name)) {
    const std::string text(sql);
    checked(conn_, PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr), text);
    prepared_.insert(name);
  }
  return exec_params(conn_, name, params, sql, true);
}

Result Connection::run_once(std::string_view sql, const std::vector<Param>& params) {
  reopen_if_lost();
  return exec_params(conn_, std::string(sql), params, sql, false);
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
