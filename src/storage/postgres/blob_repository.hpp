#pragma once

#include "storage/blob_repository.hpp"

namespace sb::storage::postgres {

class Connection;

/// Bytes in rows of 1 MB (blob_chunks), so no one statement carries a whole large file and a
/// file may be as large as the upload limit allows, far below BYTEA's 1 GB per value.
class PgBlobRepository final : public BlobRepository {
 public:
  explicit PgBlobRepository(Connection& db) : db_(db) {}
  void put(std::string_view name, std::string_view bytes) override;
  std::optional<std::string> get(std::string_view name) override;
  void remove(std::string_view name) override;

 private:
  Connection& db_;
};

}  // namespace sb::storage::postgres
