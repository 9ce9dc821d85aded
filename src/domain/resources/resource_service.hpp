#pragma once
// The operations every configuration resource shares, driven by its ResourceSpec. Each runs
// inside a storage job (a transaction for writes) and returns the API object as JSON text.
// Bodies arrive checked against the contract; this layer adds ids and timestamps, write-only
// fields, references to other resources of the org, unique keys and the spec's own rules.

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "domain/resources/resource_spec.hpp"
#include "storage/resource_repository.hpp"

namespace sb {
class SecretBox;
}

namespace sb::resources {

/// What a write produced: the object's id and its rendering.
struct Written {
  std::string id;
  std::string document;
};

class ResourceService {
 public:
  /// `clock` stamps createdAt and updatedAt; both must outlive the service.
  explicit ResourceService(const SecretBox& secrets, const Clock& clock = system_clock())
      : secrets_(secrets), clock_(clock) {}

  Written create(storage::Session& s, const ResourceSpec& spec, std::string_view org_id,
                 boost::json::object body) const;
  std::string get(storage::Session& s, const ResourceSpec& spec, std::string_view org_id,
                  std::string_view id) const;
  /// The stored object, parsed (e.g. to read the discriminator that picks the PATCH schema).
  boost::json::object load(storage::Session& s, const ResourceSpec& spec, std::string_view org_id,
                           std::string_view id) const;
  Written update(storage::Session& s, const ResourceSpec& spec, std::string_view org_id,
                 std::string_view id, boost::json::object patch) const;
  /// Returns the object as it was before deletion.
  Written remove(storage::Session& s, const ResourceSpec& spec, std::string_view org_id,
                 std::string_view id) const;
  storage::DocumentPage list(storage::Session& s, const ResourceSpec& spec, std::string_view org_id,
                             const storage::ResourceQuery& query) const;
  /// Objects the server makes itself (a call the routing engine answers): `document` is
  /// stored as given, with its own id, orgId and timestamps; no rules, references or keys
  /// apply. Replacing keeps createdAt and moves updatedAt forward like update() does. The
  /// spec's on_written hook runs as for create() and update(). `secrets` (write-only fields the
  /// server keeps for its own later use) are stored sealed, read back by secrets_of(), and
  /// dropped by the next replace_document().
  Written insert_document(storage::Session& s, const ResourceSpec& spec,
                          const boost::json::object& document,
                          const boost::json::object& secrets = {}) const;
  Written replace_document(storage::Session& s, const ResourceSpec& spec,
                           boost::json::object document) const;
  /// The write-only fields of an object, opened (for the server's own use: webhook auth,
  /// provider calls). Keyed by concrete path.
  boost::json::object secrets_of(storage::Session& s, const ResourceSpec& spec,
                                 std::string_view org_id, std::string_view id) const;

 private:
  storage::ResourceRecord find_or_throw(storage::Session& s, const ResourceSpec& spec,
                                        std::string_view org_id, std::string_view id) const;
  void check_references(storage::Session& s, const ResourceSpec& spec, std::string_view org_id,
                        const boost::json::object& document,
                        const boost::json::object* only_keys_of) const;
  storage::ResourceRecord to_record(const ResourceSpec& spec, const boost::json::object& document,
                                    const boost::json::object& secrets) const;
  void write_keys(storage::Session& s, const ResourceSpec& spec,
                  const storage::ResourceRecord& record,
                  const std::vector<storage::UniqueKey>& held,
                  const boost::json::object& doc) const;
  std::vector<storage::UniqueKey> keys_of(const ResourceSpec& spec,
                                          const boost::json::object& doc) const;

  const SecretBox& secrets_;
  const Clock& clock_;
};

}  // namespace sb::resources
