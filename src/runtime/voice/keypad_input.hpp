#pragma once
// The assistant's keypadInputPlan (docs: assistants/keypad-input-settings): the digits a
// caller presses are collected and handed to the conversation as one entry when the caller
// presses a delimiter or, after the last digit, timeoutSeconds pass — whichever comes first.
// Disabled (the default), digits are ignored. A timeout of 0 waits for a delimiter only.
// Pure rules over the times the call passes in; the call owns the timer.

#include <chrono>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "core/clock.hpp"

namespace sb::voice {

struct KeypadPlan {
  bool enabled = false;
  std::chrono::milliseconds timeout{2'000};
  std::string delimiters;  ///< "#", "*" or "" (none)
  /// From assistant.keypadInputPlan (absent: disabled).
  static KeypadPlan of(const boost::json::object& assistant);
};

/// How an entry reads in the conversation, e.g. "User's Keypad Entry: 1234".
std::string keypad_entry_message(const std::string& digits);

class KeypadInput {
 public:
  explicit KeypadInput(KeypadPlan plan = {}) : plan_(std::move(plan)) {}
  bool enabled() const { return plan_.enabled; }
  /// `key` pressed at `now` ('0'-'9', '*', '#', 'A'-'D'): the entry when it completes one (a
  /// delimiter after at least one digit), else nullopt.
  std::optional<std::string> press(char key, Clock::SteadyTime now);
  /// When the digits so far are due to be handed over; nullopt when there are none or the
  /// plan waits for a delimiter only.
  std::optional<Clock::SteadyTime> due() const;
  /// The digits so far when they are due at `now` (then cleared), else nullopt.
  std::optional<std::string> expire(Clock::SteadyTime now);

 private:
  KeypadPlan plan_;
  std::string digits_;
  Clock::SteadyTime last_press_{};
};

}  // namespace sb::voice
