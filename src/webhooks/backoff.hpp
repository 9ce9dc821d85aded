#pragma once
// The pure rules of webhook delivery, as the API's `Server` object states them: how long an
// attempt may take, whether a failed attempt is retried, and after how long.
//
// - timeoutSeconds: 1–300, default 20, per attempt. Any non-2xx answer or a timeout (or no
//   answer at all) fails the attempt.
// - backoffPlan: absent = one attempt. `maxRetries` (0–10, default 0) retries follow the first
//   attempt; retry n (1-based) waits `baseDelaySeconds` for `fixed`, and
//   baseDelaySeconds × 2^(n−1) for `exponential` (the base is the first delay, then it doubles).
//   An answer whose status is in `excludedStatusCodes` is not retried: the message is dead.

#include <chrono>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "http/message.hpp"

namespace sb::webhooks {

struct BackoffPlan {
  enum class Type { kFixed, kExponential };
  Type type = Type::kFixed;
  int max_retries = 0;
  double base_delay_seconds = 0;
  std::vector<int> excluded_status_codes;
};

/// A `Server` object as delivery uses it.
struct ServerPlan {
  std::string url;
  http::Fields headers;  ///< the server's own `headers`, values as text
  std::chrono::milliseconds timeout{20'000};
  BackoffPlan backoff;
  std::string credential_id;
};

/// Reads a `Server` object leniently: out-of-range or ill-typed values fall back to their
/// defaults or bounds (the contract has validated what the API stored).
ServerPlan parse_server(const boost::json::object& server);

/// The delay before retry `retry` (1-based).
std::chrono::milliseconds retry_delay(const BackoffPlan& plan, int retry);

/// What an attempt's outcome means for its message.
struct Decision {
  enum class Verdict { kDelivered, kRetry, kDead };
  Verdict verdict = Verdict::kDead;
  std::chrono::milliseconds delay{0};  ///< for kRetry: wait this long before the next attempt
};

/// `attempts_made` includes the attempt that just ended; `status` is 0 when no answer arrived.
Decision decide(const BackoffPlan& plan, int attempts_made, int status);

/// Whether an answer with this status delivers the message.
inline bool is_success(int status) {
  return status >= 200 && status < 300;
}

}  // namespace sb::webhooks
