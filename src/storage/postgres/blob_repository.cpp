#include "storage/postgres/blob_repository.hpp"

#include <algorithm>

#include "storage/postgres/connection.hpp"

namespace sb::storage::postgres {
namespace {

constexpr std::size_t kChunkBytes = 1 << 20;

}  // namespace

void PgBlobRepository::put(std::string_view name, std::string_view bytes) {
  // An empty file is one empty chunk, so it exists.
  std::int64_t seq = 0;
  do {
    const auto chunk = bytes.substr(0, std::min(bytes.size(), kChunkBytes));
    db_.run("INSERT INTO blob_chunks (name, seq, bytes) VALUES ($1, $2, $3)",
            {name, seq++, Param::bytes(chunk)});
    bytes.remove_prefix(chunk.size());
  } while (!bytes.empty());
}

std::optional<std::string> PgBlobRepository::get(std::string_view name) {
  const auto r = db_.run("SELECT bytes FROM blob_chunks WHERE name = $1 ORDER BY seq", {name});
  if (r.rows() == 0) return std::nullopt;
  std::string out;
  for (int i = 0; i < r.rows(); ++i) out += r.bytes(i, 0);
  return out;
}

void PgBlobRepository::remove(std::string_view name) {
  db_.run("DELETE FROM blob_chunks WHERE name = $1", {name});
}

}  // namespace sb::storage::postgres
