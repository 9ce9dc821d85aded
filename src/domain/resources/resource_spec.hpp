#pragma once
// What the generic resource engine needs to know about one kind of resource beyond what the
// contract already says (shapes, bounds, list parameters): its storage kind and name, its
// write-only fields, the ids it references, and any rules of its own.

#include <exception>
#include <functional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "storage/resource_repository.hpp"

namespace sb::storage {
class Session;
}

namespace sb::resources {

/// An id in the document that must name an existing resource of the same org.
struct ReferenceRule {
  std::string path;         ///< e.g. "assistantId", "members[].assistantId", "model.toolIds[]"
  std::string target_kind;  ///< storage kind of the referenced resource, e.g. "assistant"
  /// For references to credentials: which `provider` values the target may have, given the
  /// referring document (a byo number needs a byo-sip-trunk credential). Empty: any.
  std::function<std::vector<std::string>(const boost::json::object& document)> allowed_providers;
};

/// What a write did to an object, for ResourceSpec::on_written.
enum class Change { kCreated, kUpdated, kRemoved };

struct ResourceSpec {
  std::string kind;  ///< storage kind, e.g. "assistant"
  std::string noun;  ///< for messages: "Assistant" → "Assistant not found"
  /// The property whose value picks the PATCH DTO of a `oneOf` ("type", "provider"); "".
  std::string discriminator;
  std::vector<std::string> secret_paths;  ///< write-only fields, as document paths
  std::vector<ReferenceRule> references;
  /// Top-level string fields folded into the search text (`search` and `name` filters).
  std::vector<std::string> search_fields = {"name"};

  /// Rules the contract cannot express, on the whole document after a create or a merged
  /// PATCH; class-validator-style messages, empty when valid.
  std::function<std::vector<std::string>(const boost::json::object& document)> check;
  /// Values that must be unique (in the org or on the server), and the message when taken.
  std::function<std::vector<storage::UniqueKey>(const boost::json::object& document)> unique_keys;
  std::function<std::string(const storage::UniqueKey& taken)> key_taken_message;
  /// Runs on create, inside the write transaction, before the server-set fields are added
  /// (e.g. a vapi number takes a pool number).
  std::function<void(storage::Session& s, std::string_view org_id, boost::json::object& document)>
      on_create;
  /// Server-set fields every new object gets, e.g. {"status": "active"}.
  boost::json::object create_defaults;
  /// Turns a request body into the document fields it writes, before anything else reads it:
  /// on create `stored` is null; on PATCH it is the current document (inside the write
  /// transaction). E.g. a provider resource keeps the provider's own body under `resource`;
  /// ending a campaign records why. May throw ApiError.
  std::function<void(boost::json::object& body, const boost::json::object* stored)> shape_body;
  /// Asynchronous work a create needs done before anything is stored (e.g. pointing an
  /// imported number's provider webhook at this server). Called with the body as validated by
  /// the contract (valid until the call returns or calls `done`: copy what is needed) and the
  /// org id; must not block (it is called on an I/O thread) and must call `done` exactly once,
  /// on any thread: nullptr to go on with the create, or the exception (an ApiError) to
  /// answer instead, in which case nothing is stored. Not called on PATCH.
  std::function<void(const boost::json::object& body, const std::string& org_id,
                     std::function<void(std::exception_ptr)> done)>
      before_create;
  /// Runs on delete, inside the write transaction, with the deleted document (e.g. a file
  /// registers the removal of its bytes with after_commit).
  std::function<void(storage::Session& s, const boost::json::object& removed)> on_remove;
  /// Runs after every create, update and delete, inside the write transaction, with the
  /// object as written (as it was, for a delete): e.g. a session enqueues its server
  /// messages, which so become durable with the change itself.
  std::function<void(storage::Session& s, Change change, const boost::json::object& document)>
      on_written;
  /// Runs after every update (PATCH, or a server-side replace), inside the write transaction,
  /// with the object as it was and as written: e.g. a campaign's progress messages say what
  /// moved.
  std::function<void(storage::Session& s, const boost::json::object& before,
                     const boost::json::object& after)>
      on_changed;
};

}  // namespace sb::resources
