#pragma once

#include "storage/phone_number_repository.hpp"

namespace sb::storage::sqlite {

class Connection;

class SqlitePhoneNumberRepository final : public PhoneNumberRepository {
 public:
  explicit SqlitePhoneNumberRepository(Connection& db) : db_(db) {}
  std::optional<PhoneNumberRecord> find(std::string_view org_id, std::string_view id) override;
  std::vector<std::string> list(std::string_view org_id, const TimeFilter& filter,
                                std::int64_t limit) override;
  DocumentPage page(std::string_view org_id, const PhoneNumberPageQuery& query) override;
  void insert(const PhoneNumberRecord& record) override;
  void update(const PhoneNumberRecord& record) override;
  bool remove(std::string_view org_id, std::string_view id) override;
  bool number_taken(std::string_view org_id, std::string_view number,
                    std::string_view except_id) override;
  bool sip_user_taken(std::string_view sip_user, std::string_view except_id) override;
  bool pool_number_assigned(std::string_view number) override;

 private:
  Connection& db_;
};

}  // namespace sb::storage::sqlite
