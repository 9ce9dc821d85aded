#include "domain/files/blob_store.hpp"

#include "domain/files/file_store.hpp"
#include "storage/blob_repository.hpp"
#include "storage/store.hpp"

namespace sb::files {
namespace {

class DirectoryBlobStore final : public BlobStore {
 public:
  explicit DirectoryBlobStore(const std::string& data_dir) : files_(data_dir) {}

  std::shared_ptr<Pending> stage(std::string_view name, std::string_view bytes) const override {
    // Written and synced to a temp file now, off the writer; moved into place after commit.
    class Staged final : public Pending {
     public:
      explicit Staged(std::shared_ptr<FileStore::Staged> file) : file_(std::move(file)) {}
      void save(storage::Session& session) override {
        session.after_commit([file = file_] { file->publish(); });
      }

     private:
      std::shared_ptr<FileStore::Staged> file_;
    };
    return std::make_shared<Staged>(files_.stage(name, bytes));
  }

  std::optional<std::string> read(storage::Session&, std::string_view name) const override {
    return files_.read(name);
  }

  void remove(storage::Session& session, std::string_view name) const override {
    // A rolled-back delete keeps them.
    session.after_commit([this, name = std::string(name)] { files_.remove(name); });
  }

 private:
  FileStore files_;
};

class DatabaseBlobStore final : public BlobStore {
 public:
  std::shared_ptr<Pending> stage(std::string_view name, std::string_view bytes) const override {
    if (!FileStore::valid_name(name)) throw std::logic_error("not a stored file name");
    class Held final : public Pending {
     public:
      Held(std::string name, std::string bytes)
          : name_(std::move(name)), bytes_(std::move(bytes)) {}
      void save(storage::Session& session) override { session.blobs().put(name_, bytes_); }

     private:
      std::string name_, bytes_;
    };
    return std::make_shared<Held>(std::string(name), std::string(bytes));
  }

  std::optional<std::string> read(storage::Session& session, std::string_view name) const override {
    if (!FileStore::valid_name(name)) return std::nullopt;
    return session.blobs().get(name);
  }

  void remove(storage::Session& session, std::string_view name) const override {
    if (FileStore::valid_name(name)) session.blobs().remove(name);
  }
};

}  // namespace

std::unique_ptr<BlobStore> directory_blob_store(const std::string& data_dir) {
  return std::make_unique<DirectoryBlobStore>(data_dir);
}

std::unique_ptr<BlobStore> database_blob_store() {
  return std::make_unique<DatabaseBlobStore>();
}

}  // namespace sb::files
