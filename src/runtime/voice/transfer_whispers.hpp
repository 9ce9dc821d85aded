#pragma once
// The introductions of warm transfers (calls/transfer_plan.hpp) waiting for their destination
// to answer. The transfer hands Twilio a <Dial> whose <Number url> (or <Sip url>) points here;
// when the destination picks up, Twilio fetches that TwiML for the destination's leg, which
// plays the introduction (or waits for the operator first) before connecting the caller. The
// call itself has ended by then (`assistant-forwarded-call`), so the introduction lives here,
// under a random token, until it expires. In memory: an introduction is minutes long-lived
// and a restart drops it (the destination then hears none).

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "domain/calls/transfer_plan.hpp"

namespace sb::voice {

struct TransferWhisper {
  std::string call_id;
  std::string twilio_auth_token;  ///< signs Twilio's requests for it
  calls::TransferPlan plan;
  std::string audio_wav;  ///< the message or summary in the assistant's voice; "" for TwiML
};

class TransferWhispers {
 public:
  /// The destination rings (at most 10 minutes on Twilio) and the operator may take the wait-
  /// first modes' timeout (at most 10 more) to speak.
  static constexpr std::chrono::minutes kLifetime{25};
  static constexpr std::size_t kMaxKept = 512;

  explicit TransferWhispers(const Clock& clock) : clock_(clock) {}

  /// Keeps `whisper`; returns its token (URL-safe). Past kMaxKept, the oldest is dropped.
  std::string add(TransferWhisper whisper);
  /// The whisper of `token`, unless unknown or expired.
  std::shared_ptr<const TransferWhisper> find(std::string_view token) const;

  /// The path of a whisper's TwiML under the public URL; "/spoken" and "/audio.wav" follow it.
  static std::string path(std::string_view token) {
    return "/twilio/transfer_whisper/" + std::string(token);
  }

 private:
  struct Kept {
    std::shared_ptr<const TransferWhisper> whisper;
    Clock::SteadyTime expires;
    std::uint64_t order;
  };
  void drop_expired(Clock::SteadyTime now);

  const Clock& clock_;
  mutable std::mutex mutex_;
  std::map<std::string, Kept, std::less<>> kept_;
  std::uint64_t added_ = 0;
};

}  // namespace sb::voice
