#include "domain/files/file_spec.hpp"

#include "core/json_fields.hpp"
#include "domain/files/blob_store.hpp"
#include "domain/files/file_store.hpp"
#include "storage/store.hpp"

namespace sb::files {

std::string stored_name(const boost::json::object& document) {
  const std::string_view url = string_at(document, "url");
  const auto at = url.rfind(kContentPath);
  if (at == std::string_view::npos) return {};
  const std::string_view name = url.substr(at + kContentPath.size());
  return FileStore::valid_name(name) ? std::string(name) : std::string();
}

resources::ResourceSpec file_spec(const BlobStore& store) {
  resources::ResourceSpec spec;
  spec.kind = kKind;
  spec.noun = "File";
  spec.search_fields = {"name", "originalName"};
  spec.create_defaults = {{"object", "file"}, {"status", "done"}};
  // The bytes go once the row is gone for good: a rolled-back delete keeps them.
  spec.on_remove = [&store](storage::Session& s, const boost::json::object& removed) {
    store.remove(s, stored_name(removed));
  };
  return spec;
}

}  // namespace sb::files
