#pragma once
// The data directory: the database file and the two secrets the server keeps beside it, each
// readable by its owner only (mode 0600):
//   switchboard.db   the SQLite database (with its -wal and -shm files)
//   secret.key       the key that seals provider secrets at rest (unless
//                    SWITCHBOARD_SECRET_KEY gives it)
//   api-key          the first org's private API key, as printed on first start

#include <optional>
#include <string>

namespace sb::app {

class DataDir {
 public:
  /// Creates the directory (mode 0700) if needed. Throws with a clear message on failure.
  explicit DataDir(std::string path);

  const std::string& path() const { return path_; }
  std::string database_path() const;

  /// SWITCHBOARD_SECRET_KEY if set (64 hex characters), else secret.key, created on first use.
  std::string secret_key_hex() const;

  std::optional<std::string> read_api_key() const;
  void write_api_key(const std::string& key) const;

 private:
  std::string path_;
};

}  // namespace sb::app
