#pragma once
// Every configuration resource (assistants, squads, tools, files, credentials, ...) is stored
// the same way: its API document (secrets removed), the timestamps lists filter on, a
// case-folded search text, and a sealed blob of its write-only fields. Filters on other
// fields run in SQL over the document. Uniqueness rules (a phone number's number in its org, a
// SIP user on the server) are unique keys kept beside the rows, so one unique index serves
// every resource. All methods are scoped to one kind and one org, except where noted.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/list_query.hpp"

namespace sb::storage {

struct ResourceRecord {
  std::string kind;  ///< e.g. "assistant"
  std::string id;
  std::string org_id;
  std::int64_t created_at = 0;  ///< ms since the epoch
  std::int64_t updated_at = 0;
  std::string document;        ///< the API object as JSON text, without write-only fields
  std::string sealed_secrets;  ///< SecretBox-sealed JSON of write-only fields; empty if none
  std::string search_text;     ///< case-folded text that `search`/`name` filters match
};

/// A condition on one top-level field of the document.
struct FieldFilter {
  enum class Op {
    kEquals,    ///< the field equals one of `values`
    kContains,  ///< the search text contains values[0] (already case-folded)
  };
  /// How `values` compare with the document's JSON value.
  enum class Type { kText, kBoolean, kNumber };
  std::string field;  ///< top-level property name, e.g. "status"; "id" means the row id
  Op op = Op::kEquals;
  Type type = Type::kText;
  std::vector<std::string> values;  ///< booleans as "true"/"false", numbers as decimal text
};

struct ResourceQuery {
  TimeFilter time;
  std::vector<FieldFilter> fields;
  std::int64_t limit = 100;
  std::int64_t page = 0;  ///< 1-based; 0 = no paging (the first `limit` rows, no total)
  bool ascending = false;
  bool by_updated_at = false;  ///< sort by updatedAt instead of createdAt
};

/// A value that must be unique among one kind's rows, in an org or on the whole server.
struct UniqueKey {
  std::string name;   ///< e.g. "number"
  std::string value;  ///< e.g. "+14155550100"
  bool server_wide = false;
};

class ResourceRepository {
 public:
  virtual ~ResourceRepository() = default;
  /// In a write job on a backend with other writers (PostgreSQL), also locks the row until
  /// the commit: the job that read it is about to write it back.
  virtual std::optional<ResourceRecord> find(std::string_view kind, std::string_view org_id,
                                             std::string_view id) = 0;
  /// find() without the lock, for an object the job only reads (a referenced credential):
  /// a lock would serialize every writer that refers to it, and cost a WAL record each.
  virtual std::optional<ResourceRecord> find_unlocked(std::string_view kind,
                                                      std::string_view org_id,
                                                      std::string_view id) {
    return find(kind, org_id, id);
  }
  /// Documents in order; `total` is counted only when the query pages.
  virtual DocumentPage list(std::string_view kind, std::string_view org_id,
                            const ResourceQuery& query) = 0;
  virtual void insert(const ResourceRecord& record) = 0;
  /// Replaces everything but kind, id, org and created_at.
  virtual void update(const ResourceRecord& record) = 0;
  /// Also releases `held`, the unique keys the record holds. Keys are found by value, not by
  /// holder: an index by holder would cost a random page write on every create.
  virtual bool remove(std::string_view kind, std::string_view org_id, std::string_view id,
                      const std::vector<UniqueKey>& held) = 0;

  /// Moves `id` from the unique keys it holds (`held`) to `wanted`. Returns the first wanted
  /// key another resource already holds (nothing is changed then), or nullopt on success.
  virtual std::optional<UniqueKey> claim_keys(std::string_view kind, std::string_view org_id,
                                              std::string_view id,
                                              const std::vector<UniqueKey>& held,
                                              const std::vector<UniqueKey>& wanted) = 0;
  /// Every resource of `kind`, in any org, holding the key `name` = `value` (org-scoped or
  /// server-wide: a SIP user), oldest first (a webhook names a number, not an org).
  virtual std::vector<ResourceRecord> find_by_key_in_any_org(std::string_view kind,
                                                             std::string_view name,
                                                             std::string_view value) = 0;
  /// Every resource of `kind`, in any org, whose document matches `fields` (kEquals only),
  /// oldest first: for rare sweeps at startup (the scheduled calls to re-arm), as it scans
  /// the kind's rows.
  virtual std::vector<ResourceRecord> find_in_any_org(std::string_view kind,
                                                      const std::vector<FieldFilter>& fields) = 0;
  /// Whether any resource of `kind` holds this key (for picking free pool numbers).
  virtual bool key_taken(std::string_view kind, std::string_view org_id, const UniqueKey& key) = 0;
};

}  // namespace sb::storage
