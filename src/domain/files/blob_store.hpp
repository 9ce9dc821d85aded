#pragma once
// Where the bytes of uploaded files live: in the data directory (FileStore, the default), or
// in the database when it is PostgreSQL, so that every instance on it serves every file.
// Either way the bytes become visible with the commit of their row and go with its removal.
//
// Thread safety: const members may run on any thread.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sb::storage {
class Session;
}

namespace sb::files {

class BlobStore {
 public:
  virtual ~BlobStore() = default;

  /// An upload received and held (on disk or in memory) until its row's write job.
  class Pending {
   public:
    virtual ~Pending() = default;
    /// Called in the write job that inserts the row: the bytes are kept iff it commits.
    virtual void save(storage::Session& session) = 0;
  };

  /// Takes the bytes of a new file named `name` (FileStore::valid_name). Throws
  /// std::runtime_error when they cannot be held.
  virtual std::shared_ptr<Pending> stage(std::string_view name, std::string_view bytes) const = 0;
  /// The bytes under `name`, in a read job; nullopt when there are none or `name` is not one
  /// this store could have made.
  virtual std::optional<std::string> read(storage::Session& session,
                                          std::string_view name) const = 0;
  /// In the write job that removes the row: the bytes go once it commits.
  virtual void remove(storage::Session& session, std::string_view name) const = 0;
};

/// Files under DATA_DIR/files (file_store.hpp).
std::unique_ptr<BlobStore> directory_blob_store(const std::string& data_dir);
/// Files in the database's blob repository (storage/blob_repository.hpp).
std::unique_ptr<BlobStore> database_blob_store();

}  // namespace sb::files
