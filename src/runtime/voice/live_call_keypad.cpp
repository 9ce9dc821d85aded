// The caller's keypad (keypad_input.hpp): digits collected per the assistant's keypadInputPlan
// become one customer turn, "User's Keypad Entry: 1234", answered as spoken words are.

#include <spdlog/spdlog.h>

#include "runtime/voice/live_call_impl.hpp"

namespace sb::voice {

void LiveCallImpl::press_key(char key) {
  if (!live_) return;
  if (!keypad_.enabled()) {
    spdlog::debug("call {}: key {} ignored (keypadInputPlan not enabled)", id_, key);
    return;
  }
  last_activity_ = now();
  if (auto entry = keypad_.press(key, now())) {
    keypad_timer_.cancel();
    return keypad_entry(*entry);
  }
  if (const auto due = keypad_.due())
    keypad_timer_.arm(*due, [weak = weak_from_this()] {
      auto self = weak.lock();
      if (!self || !self->live_) return;
      if (auto entry = self->keypad_.expire(self->now())) self->keypad_entry(*entry);
    });
}

void LiveCallImpl::keypad_entry(const std::string& digits) {
  if (customer_turn_.empty()) customer_turn_started_ms_ = wall_ms();
  customer_turn_ += (customer_turn_.empty() ? "" : " ") + keypad_entry_message(digits);
  end_of_customer_turn();  // no endpointing wait: the entry is complete
}

}  // namespace sb::voice
