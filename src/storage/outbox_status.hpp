#pragma once
// How backends store an outbox message's status: "pending", "delivered" or "dead".

#include <string_view>

#include "storage/outbox_repository.hpp"

namespace sb::storage {

inline std::string_view outbox_status_text(OutboxStatus s) {
  switch (s) {
    case OutboxStatus::kPending:
      return "pending";
    case OutboxStatus::kDelivered:
      return "delivered";
    case OutboxStatus::kDead:
      return "dead";
  }
  return "pending";
}

inline OutboxStatus outbox_status_of(std::string_view text) {
  if (text == "delivered") return OutboxStatus::kDelivered;
  if (text == "dead") return OutboxStatus::kDead;
  return OutboxStatus::kPending;
}

}  // namespace sb::storage
