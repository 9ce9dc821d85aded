#include "media/jitter_buffer.hpp"

#include <algorithm>

#include "media/rtp_packet.hpp"

namespace sb::media {

namespace {
// RFC 3550 A.1: further than this from the expected sequence number is a new stream.
constexpr int kMaxDropout = 3000;
constexpr int kMaxMisorder = 100;
}  // namespace

JitterBuffer::JitterBuffer(Config config)
    : config_(config), slots_(std::max<std::size_t>(config.capacity, 1)) {
  config_.capacity = slots_.size();
}

void JitterBuffer::restart(std::uint32_t ssrc, std::uint16_t sequence) {
  if (active_) ++stats_.restarts;
  for (auto& s : slots_) s = Slot{};
  held_ = 0;
  head_ = 0;
  active_ = true;
  playing_ = false;
  waited_ = 0;
  ssrc_ = ssrc;
  next_ = sequence;
}

void JitterBuffer::advance() {
  auto& head = slot(0);
  if (head.filled) --held_;
  head = Slot{};
  head_ = (head_ + 1) % slots_.size();
  ++next_;
}

std::size_t JitterBuffer::reach() {
  std::size_t end = 0;
  for (std::size_t offset = 0; offset < slots_.size(); ++offset)
    if (slot(offset).filled) end = offset + 1;
  return end;
}

JitterBuffer::Push JitterBuffer::push(std::uint32_t ssrc, std::uint16_t sequence,
                                      std::string frame) {
  Push result = Push::kQueued;
  int delta = sequence_delta(sequence, next_);
  if (!active_ || ssrc != ssrc_ || delta > kMaxDropout || delta < -kMaxMisorder) {
    if (active_) result = Push::kRestarted;
    restart(ssrc, sequence);
    delta = 0;
  }
  if (delta < 0 && !playing_ && reach() + static_cast<std::size_t>(-delta) <= slots_.size()) {
    // Reordered before playout began: this one plays first.
    head_ = (head_ + slots_.size() - static_cast<std::size_t>(-delta)) % slots_.size();
    next_ = sequence;
    delta = 0;
  }
  if (delta < 0) {
    ++stats_.late;
    return Push::kLate;
  }
  while (static_cast<std::size_t>(delta) >= slots_.size()) {  // full: the oldest make room
    if (slot(0).filled) ++stats_.overflow;
    advance();
    --delta;
  }
  auto& target = slot(static_cast<std::size_t>(delta));
  if (target.filled) {
    ++stats_.duplicates;
    return Push::kDuplicate;
  }
  target.filled = true;
  target.frame = std::move(frame);
  ++held_;
  ++stats_.received;
  return result;
}

std::optional<std::string> JitterBuffer::pull() {
  if (!active_ || held_ == 0) {
    playing_ = false;  // ran dry: wait out the delay again once frames come
    waited_ = 0;
    return std::nullopt;
  }
  if (!playing_) {
    if (++waited_ <= config_.playout_delay) return std::nullopt;
    playing_ = true;
  }
  auto& head = slot(0);
  std::optional<std::string> out;
  if (head.filled) {
    out = std::move(head.frame);
    ++stats_.played;
  } else {
    ++stats_.lost;
  }
  advance();
  return out;
}

}  // namespace sb::media
