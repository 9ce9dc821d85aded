#pragma once
// POST /file: a multipart/form-data upload (the part `file`, and the optional text fields
// `purpose` and `metadata` of CreateFileDTO) read into the File document the generic engine
// stores. The file must be of a supported type (domain/files/file_types.hpp), non-empty and
// within the size limit; text files must be UTF-8 and get their text extracted. The bytes
// are staged in the BlobStore and kept with the commit of the row.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "api/resources/resource_controller.hpp"

namespace sb::contract {
class Contract;
}
namespace sb::files {
class BlobStore;
}

namespace sb::api {

struct FileUploadOptions {
  std::size_t size_limit = 10 << 20;  ///< largest file, in bytes
  /// The server's public base URL ("https://voice.example.com"), for the File's `url`.
  std::function<std::string()> public_url;
};

/// The upload reader of the /file routes.
UploadReader file_upload_reader(const files::BlobStore& store,
                                std::shared_ptr<const contract::Contract> contract,
                                FileUploadOptions options);

/// The body limit of the upload route: the file and room for the other fields and framing.
std::size_t upload_body_limit(std::size_t file_size_limit);

}  // namespace sb::api
