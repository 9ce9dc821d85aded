#pragma once

#include "storage/outbox_repository.hpp"

namespace sb::storage::postgres {

class Connection;

class PgOutboxRepository final : public OutboxRepository {
 public:
  explicit PgOutboxRepository(Connection& db) : db_(db) {}
  std::int64_t insert(const OutboxMessage& message) override;
  std::vector<OutboxMessage> pending_after(std::int64_t after_seq, std::size_t limit) override;
  std::vector<OutboxMessage> claim(std::string_view owner, std::int64_t now, std::int64_t until,
                                   std::size_t limit) override;
  std::size_t renew(std::string_view owner, std::int64_t until) override;
  std::size_t release(std::string_view owner) override;
  std::optional<std::int64_t> next_due_after(std::int64_t now) override;
  bool record_attempt(const OutboxAttempt& attempt) override;
  std::optional<OutboxMessage> find(std::int64_t seq) override;
  std::optional<OutboxMessage> find_by_id(std::string_view id) override;
  std::vector<OutboxAttempt> attempts_of(std::int64_t seq) override;
  std::int64_t pending_count() override;
  std::size_t prune_delivered(std::int64_t delivered_before, std::size_t limit) override;

 private:
  std::optional<OutboxMessage> find_one(std::string_view where, const std::string& value);
  Connection& db_;
};

}  // namespace sb::storage::postgres
