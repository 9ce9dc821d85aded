#include "runtime/voice/keypad_input.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/json_fields.hpp"

namespace sb::voice {

KeypadPlan KeypadPlan::of(const boost::json::object& assistant) {
  KeypadPlan plan;
  const auto* config = object_at(assistant, "keypadInputPlan");
  if (!config) return plan;
  plan.enabled = bool_at(*config, "enabled", false);
  if (const auto* t = config->if_contains("timeoutSeconds"); t && t->is_number())
    plan.timeout = std::chrono::milliseconds(
        std::llround(std::clamp(t->to_number<double>(), 0.0, 10.0) * 1000));
  plan.delimiters = string_at(*config, "delimiters");
  return plan;
}

std::string keypad_entry_message(const std::string& digits) {
  return "User's Keypad Entry: " + digits;
}

std::optional<std::string> KeypadInput::press(char key, Clock::SteadyTime now) {
  if (!plan_.enabled) return std::nullopt;
  if (!plan_.delimiters.empty() && plan_.delimiters.find(key) != std::string::npos) {
    if (digits_.empty()) return std::nullopt;
    return std::exchange(digits_, {});
  }
  // No timeout and no delimiter: each key is an entry of its own at once.
  if (plan_.timeout.count() == 0 && plan_.delimiters.empty()) return std::string(1, key);
  digits_ += key;
  last_press_ = now;
  return std::nullopt;
}

std::optional<Clock::SteadyTime> KeypadInput::due() const {
  if (digits_.empty() || plan_.timeout.count() == 0) return std::nullopt;
  return last_press_ + plan_.timeout;
}

std::optional<std::string> KeypadInput::expire(Clock::SteadyTime now) {
  const auto at = due();
  if (!at || now < *at) return std::nullopt;
  return std::exchange(digits_, {});
}

}  // namespace sb::voice
