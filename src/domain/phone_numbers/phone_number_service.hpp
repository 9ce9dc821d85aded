#pragma once
// Phone-number operations. Each runs inside a storage job (on a storage thread, in a
// transaction for writes) and returns the API object as JSON text. Bodies arrive already
// checked against the contract; this layer adds the rules that need state: uniqueness,
// pool numbers, stored provider, secrets.

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "storage/phone_number_repository.hpp"

namespace sb {
class SecretBox;
}
namespace sb::storage {
class Session;
}

namespace sb::phone_numbers {

class NumberPool;

/// What a write produced: the object's id and its rendering.
struct Written {
  std::string id;
  std::string document;
};

class PhoneNumberService {
 public:
  PhoneNumberService(const SecretBox& secrets, const NumberPool& pool)
      : secrets_(secrets), pool_(pool) {}

  Written create(storage::Session& s, std::string_view org_id, boost::json::object body) const;
  std::string get(storage::Session& s, std::string_view org_id, std::string_view id) const;
  /// The stored provider, for choosing the PATCH schema. Throws not-found.
  std::string provider_of(storage::Session& s, std::string_view org_id, std::string_view id) const;
  Written update(storage::Session& s, std::string_view org_id, std::string_view id,
                 boost::json::object patch) const;
  /// Returns the object as it was before deletion.
  Written remove(storage::Session& s, std::string_view org_id, std::string_view id) const;
  /// A JSON array, newest first.
  std::string list(storage::Session& s, std::string_view org_id, const storage::TimeFilter& filter,
                   std::int64_t limit) const;
  /// {"results": [...], "metadata": {itemsPerPage, totalItems, currentPage, totalPages}}.
  std::string page(storage::Session& s, std::string_view org_id,
                   const storage::PhoneNumberPageQuery& query) const;

 private:
  storage::PhoneNumberRecord load(storage::Session& s, std::string_view org_id,
                                  std::string_view id) const;
  void check_unique(storage::Session& s, const storage::PhoneNumberRecord& record) const;
  std::string allocate_pool_number(storage::Session& s, std::string_view org_id,
                                   std::string_view area_code) const;
  storage::PhoneNumberRecord to_record(boost::json::object& document,
                                       const boost::json::object& secrets) const;

  const SecretBox& secrets_;
  const NumberPool& pool_;
};

}  // namespace sb::phone_numbers
