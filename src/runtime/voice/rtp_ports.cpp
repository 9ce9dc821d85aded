#include "runtime/voice/rtp_ports.hpp"

#include <stdexcept>

namespace sb::voice {

namespace {
std::size_t pairs_in(std::uint32_t first, std::uint32_t last) {
  const auto even = first + (first % 2);
  return even + 1 <= last ? (last - even - 1) / 2 + 1 : 0;
}
}  // namespace

RtpPorts::RtpPorts(std::uint16_t first, std::uint16_t last)
    : first_(static_cast<std::uint16_t>(first + first % 2)),
      last_(last),
      taken_(pairs_in(first, last), false) {
  if (taken_.empty() || first == 0)
    throw std::invalid_argument("RTP port range " + std::to_string(first) + "-" +
                                std::to_string(last) + " holds no even port and the one after it");
}

std::optional<std::uint16_t> RtpPorts::acquire() {
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < taken_.size(); ++i) {
    const auto at = (next_ + i) % taken_.size();
    if (taken_[at]) continue;
    taken_[at] = true;
    ++in_use_;
    next_ = (at + 1) % taken_.size();
    return static_cast<std::uint16_t>(first_ + 2 * at);
  }
  return std::nullopt;
}

void RtpPorts::release(std::uint16_t port) {
  if (port < first_ || (port - first_) % 2 != 0) return;
  const std::size_t at = (port - first_) / 2u;
  std::lock_guard lock(mutex_);
  if (at >= taken_.size() || !taken_[at]) return;
  taken_[at] = false;
  --in_use_;
}

std::size_t RtpPorts::in_use() const {
  std::lock_guard lock(mutex_);
  return in_use_;
}

std::string RtpPorts::describe() const {
  return std::to_string(first_) + "-" + std::to_string(last_);
}

}  // namespace sb::voice
