#pragma once
// A thin RAII layer over one libpq connection: statements prepared once per connection (named
// by a hash of their text) and run with text parameters, results as values, errors as
// exceptions. Not thread-safe: one connection belongs to one storage thread.

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

struct pg_conn;
struct pg_result;

namespace sb::storage::postgres {

class PgError : public std::runtime_error {
 public:
  PgError(std::string sqlstate, const std::string& what)
      : std::runtime_error(what), sqlstate_(std::move(sqlstate)) {}
  /// The five-character SQLSTATE ("23505" unique violation, "40P01" deadlock, ...).
  const std::string& sqlstate() const { return sqlstate_; }

 private:
  std::string sqlstate_;
};

/// One parameter: text (or NULL), or bytes sent in binary format (for BYTEA).
struct Param {
  std::optional<std::string> value;
  bool binary = false;

  Param(std::string_view text) : value(std::string(text)) {}  // NOLINT: implicit on purpose
  Param(const std::string& text) : value(text) {}             // NOLINT
  Param(const char* text) : value(std::string(text)) {}       // NOLINT
  Param(std::int64_t n) : value(std::to_string(n)) {}         // NOLINT
  Param(int n) : value(std::to_string(n)) {}                  // NOLINT
  static Param null() { return Param(std::nullopt); }
  static Param bytes(std::string_view b) {
    Param p(b);
    p.binary = true;
    return p;
  }

 private:
  explicit Param(std::nullopt_t) {}
};

class Result {
 public:
  explicit Result(pg_result* result);
  int rows() const;
  /// Rows a command changed (INSERT/UPDATE/DELETE).
  std::int64_t affected() const;
  std::string text(int row, int column) const;
  std::int64_t integer(int row, int column) const;
  bool is_null(int row, int column) const;
  /// A BYTEA column (text format) as its bytes.
  std::string bytes(int row, int column) const;

 private:
  std::shared_ptr<pg_result> result_;
};

/// A NOTIFY this connection LISTENs to.
struct Notification {
  std::string channel;
  std::string payload;
};

class Connection {
 public:
  /// `url`: a libpq connection string or URI. `schema`, if set, is the search_path. The
  /// session's application_name is "switchboard" (with "/schema" when one is set).
  Connection(const std::string& url, const std::string& schema);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Runs statements without parameters (DDL, BEGIN/COMMIT); several may be ';'-separated.
  void exec(std::string_view sql);
  /// Queues one statement without parameters whose result is only checked (SAVEPOINT,
  /// RELEASE, a NOTIFY): it is sent ahead of the next exec(), run() or flush(), in the same
  /// round trip, and its failure is that call's failure.
  void defer(std::string sql);
  /// Queues a write whose result is only checked (an INSERT), the same way; a caller that
  /// must know it succeeded before going on calls flush().
  void defer_write(std::string sql, std::vector<Param> params);
  /// Sends the deferred statements now if a write is among them (one round trip), so that
  /// any failure of theirs is known here; statements without parameters may wait.
  void flush();
  /// `text` quoted as an SQL string literal for this connection.
  std::string literal(std::string_view text) const;
  /// Runs `sql` ($1, $2, ... parameters) as a statement prepared on first use.
  Result run(std::string_view sql, const std::vector<Param>& params = {});
  /// Runs `sql` once, unprepared: for statements whose text varies too much to keep prepared
  /// (analytics queries, shaped by their request).
  Result run_once(std::string_view sql, const std::vector<Param>& params);

  /// Whether the connection is up (a statement run while it is not would reconnect first).
  bool ok() const;
  /// For a LISTENing connection: the socket to wait on for input (poll for reading).
  int socket() const;
  /// Reads what the server sent and returns the notifications received, in order. Throws
  /// when the connection is lost (a LISTENer must then connect again and LISTEN again).
  std::vector<Notification> notifications();

 private:
  /// A connection the server closed (restart, failover, idle timeout) is opened again before
  /// the next statement; the statement that found it closed has failed.
  void reopen_if_lost();
  void configure();
  struct Statement {
    std::string sql;
    std::vector<Param> params;
  };
  /// Sends the deferred statements and then `last` (if any) in one pipeline, preparing what
  /// was not prepared yet, and reads every result back; returns the last one.
  std::optional<Result> run_pipelined(const Statement* last);
  static std::string name_of(std::string_view sql);

  pg_conn* conn_ = nullptr;
  std::string schema_;
  std::unordered_set<std::string> prepared_;
  std::vector<Statement> deferred_;
  bool deferred_write_ = false;  ///< whether deferred_ holds a write
};

}  // namespace sb::storage::postgres
