#pragma once
// Files on the generic resource engine. Their create is an upload (api/files/file_upload.hpp
// reads it); deleting one removes its bytes once the deletion is committed.

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "domain/resources/resource_spec.hpp"

namespace sb::files {

class BlobStore;

inline constexpr const char* kKind = "file";
/// Path prefix of the public content URLs: <public URL>/file-content/<stored name>.
inline constexpr std::string_view kContentPath = "/file-content/";

/// The name a file's bytes are stored under, read from its `url`; "" when it has none.
std::string stored_name(const boost::json::object& document);

/// The spec refers to `store`, which must outlive it.
resources::ResourceSpec file_spec(const BlobStore& store);

}  // namespace sb::files
