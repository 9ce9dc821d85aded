#pragma once
// Bytes kept in the database beside the rows that name them (uploaded files when the server
// runs on PostgreSQL, so every instance serves every file). Written in the same transaction
// as their row, so a file exists exactly when its row does.

#include <optional>
#include <string>
#include <string_view>

namespace sb::storage {

class BlobRepository {
 public:
  virtual ~BlobRepository() = default;
  /// Stores `bytes` under `name` (new names only: a name is random and never reused).
  virtual void put(std::string_view name, std::string_view bytes) = 0;
  virtual std::optional<std::string> get(std::string_view name) = 0;
  /// Removes the bytes under `name`, if any.
  virtual void remove(std::string_view name) = 0;
};

}  // namespace sb::storage
