#pragma once
// The customer's turn as a provider finalises it piece by piece (Deepgram, Speechmatics, ...):
// final pieces are held until the provider says the turn is over, then reach the call as one
// final that ends the turn; meanwhile each partial shows what is held plus what is being heard.

#include <optional>
#include <string>
#include <utility>

#include "runtime/speech/speech.hpp"

namespace sb::speech {

class HeldTurn {
 public:
  /// What the call is told for `heard`, a piece not yet final.
  Transcript partial(const std::string& heard) const { return {join(held_, heard), false, false}; }
  void hold(const std::string& final_piece) { held_ = join(held_, final_piece); }
  /// The turn so far as a final that ends it (none when nothing is held); the next starts empty.
  std::optional<Transcript> end() {
    if (held_.empty()) return std::nullopt;
    return Transcript{std::exchange(held_, {}), true, true};
  }

 private:
  static std::string join(const std::string& a, const std::string& b) {
    return a.empty() ? b : b.empty() ? a : a + " " + b;
  }

  std::string held_;
};

}  // namespace sb::speech
