#pragma once
// The data directory: the database file and the two secrets the server keeps beside it, each
// readable by its owner only (mode 0600):
//   switchboard.db   the SQLite database (with its -wal and -shm files)
//   secret.key       the key that seals provider secrets at rest (unless
//                    SWITCHBOARD_SECRET_KEY gives it)
//   api-key          the first org's private API key, as printed on first start
//   instance-id      this instance's name among several on one database (outbox leases,
//                    metrics), made on first start: a restart on the same directory is the
//                    same instance and takes back at once what it was delivering

#include <optional>
#include <string>

namespace sb::app {

class DataDir {
 public:
  static constexpr const char* kDatabaseFile = "switchboard.db";

  /// Creates the directory (mode 0700) if needed. Throws with a clear message on failure.
  explicit DataDir(std::string path);

  const std::string& path() const { return path_; }
  std::string database_path() const;
  /// Whether `path` holds a database (a non-empty database file): false for a directory no
  /// server has run on, or one that does not exist. Creates nothing.
  static bool holds_database(const std::string& path);

  /// SWITCHBOARD_SECRET_KEY if set, else secret.key, created on first use. Throws, naming the
  /// variable or the file, when the key is not 64 hex characters.
  std::string secret_key_hex() const;

  /// instance-id, created (a random id) on first use. Each instance has a directory of its own.
  std::string instance_id() const;

  std::optional<std::string> read_api_key() const;
  void write_api_key(const std::string& key) const;

 private:
  std::string path_;
};

}  // namespace sb::app
