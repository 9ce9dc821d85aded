#pragma once
// Audio bytes cut to whole frames for a peer that takes nothing shorter (Vonage's 640-byte
// frames, Telnyx's 20 ms minimum): what is short of a frame waits for more, or is filled out
// with the codec's silence when it must go (before a mark: the end of an answer).

#include <cstddef>
#include <string>
#include <string_view>

namespace sb::media {

class WholeFrames {
 public:
  WholeFrames(std::size_t frame_bytes, char silence) : frame_(frame_bytes), silence_(silence) {}

  std::size_t frame_bytes() const { return frame_; }
  void add(std::string_view bytes) { pending_ += bytes; }
  /// The whole frames pending; with `pad`, the rest too, filled out with silence.
  std::string take(bool pad = false) {
    if (pad && pending_.size() % frame_ != 0)
      pending_.append(frame_ - pending_.size() % frame_, silence_);
    const std::size_t whole = pending_.size() / frame_ * frame_;
    std::string out = pending_.substr(0, whole);
    pending_.erase(0, whole);
    return out;
  }
  void clear() { pending_.clear(); }

 private:
  std::size_t frame_;
  char silence_;
  std::string pending_;
};

}  // namespace sb::media
