#pragma once
// Phone numbers as stored: the API document (secrets removed) plus the columns that queries
// and uniqueness rules need. Every method is scoped to one org except the server-wide
// uniqueness checks, which say so.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/list_query.hpp"

namespace sb::storage {

struct PhoneNumberRecord {
  std::string id;
  std::string org_id;
  std::string provider;
  std::optional<std::string> number;
  std::optional<std::string> sip_user;  ///< lower-cased user part of a `vapi` sipUri
  std::string search_text;      ///< case-folded name, number and sipUri, what `search` matches
  std::int64_t created_at = 0;  ///< ms since the epoch
  std::int64_t updated_at = 0;
  std::string document;        ///< the API object as JSON text, without write-only fields
  std::string sealed_secrets;  ///< SecretBox-sealed JSON of write-only fields; empty if none
};

struct PhoneNumberPageQuery {
  TimeFilter filter;
  std::string search;  ///< case-folded; matched anywhere in search_text; "" = all
  std::int64_t page = 1;
  std::int64_t limit = 100;
  bool ascending = false;  ///< by createdAt
};

class PhoneNumberRepository {
 public:
  virtual ~PhoneNumberRepository() = default;
  virtual std::optional<PhoneNumberRecord> find(std::string_view org_id, std::string_view id) = 0;
  /// Documents, newest first, at most `limit`.
  virtual std::vector<std::string> list(std::string_view org_id, const TimeFilter& filter,
                                        std::int64_t limit) = 0;
  virtual DocumentPage page(std::string_view org_id, const PhoneNumberPageQuery& query) = 0;
  virtual void insert(const PhoneNumberRecord& record) = 0;
  /// Replaces everything but id, org and created_at.
  virtual void update(const PhoneNumberRecord& record) = 0;
  virtual bool remove(std::string_view org_id, std::string_view id) = 0;

  /// Whether another phone number of this org (not `except_id`) has this number.
  virtual bool number_taken(std::string_view org_id, std::string_view number,
                            std::string_view except_id) = 0;
  /// Server-wide: whether another `vapi` number uses this SIP user (lower-cased).
  virtual bool sip_user_taken(std::string_view sip_user, std::string_view except_id) = 0;
  /// Server-wide: whether a `vapi` number already holds this pool number.
  virtual bool pool_number_assigned(std::string_view number) = 0;
};

}  // namespace sb::storage
