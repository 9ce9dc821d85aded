// Catalog group: credentials and files.

#include "api/files/file_content.hpp"
#include "api/files/file_upload.hpp"
#include "app/catalog/catalog.hpp"
#include "domain/credentials/credential_spec.hpp"
#include "domain/files/blob_store.hpp"
#include "domain/files/file_spec.hpp"

namespace sb::app {
namespace {

// The public content routes; they own the blob store, which the file spec and the upload
// reader refer to (the catalog, and with it this entry, outlives every request).
class FileContentEntry final : public RouteProvider {
 public:
  FileContentEntry(storage::Store& store, std::unique_ptr<files::BlobStore> files)
      : files_(std::move(files)), routes_(store, *files_) {}
  int register_routes(http::Router& router) override { return routes_.register_routes(router); }
  const files::BlobStore& files() const { return *files_; }

 private:
  std::unique_ptr<files::BlobStore> files_;
  api::FileContentRoutes routes_;
};

}  // namespace

CredentialSpecs add_credentials_files(Catalog& catalog) {
  const auto& credentials =
      catalog.add(credentials::credential_spec(), {"/credential", "/credential/{id}", {}, {}});

  const auto& deps = catalog.deps();
  auto content = std::make_unique<FileContentEntry>(
      deps.store, deps.files_in_database ? files::database_blob_store()
                                         : files::directory_blob_store(deps.data_dir));
  const auto& store = content->files();
  catalog.add(std::move(content));
  // GET /file?purpose= is an equality filter on the stored purpose.
  api::ResourceRoutes files{"/file", "/file/{id}", {}, {}};
  files.upload =
      api::file_upload_reader(store, deps.contract, {deps.file_size_limit, deps.public_url});
  files.upload_body_limit = api::upload_body_limit(deps.file_size_limit);
  catalog.add(files::file_spec(store), std::move(files));
  return {credentials};
}

}  // namespace sb::app
