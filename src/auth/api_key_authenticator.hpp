#pragma once
// Private API keys → org. Valid keys are remembered in memory after their first use, so the
// common case answers on the I/O thread; an unknown key is looked up in the database on a
// storage thread (a key minted by `switchboard org create` works at once, even while the
// server runs). Failed lookups are not cached, so they cannot grow memory; instead each remote
// address may have only so many keys looked up per second (`lookup_rate`), so a flood of bad
// keys is answered 429 from memory and cannot keep the database readers busy. Known keys
// never count against that budget.
//
// A deleted key is forgotten as soon as the store's change feed carries its deletion (kind
// storage::kApiKeyKind, id its digest), from this instance or, on PostgreSQL, from any other;
// the whole memory is dropped when the feed says it may have missed changes. A key deleted by
// another process that the feed does not reach (the CLI beside a SQLite server) is refused within
// kRecheckAfter: a remembered key is looked up again once it was last checked that long ago.

#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "core/clock.hpp"
#include "http/dispatcher.hpp"
#include "http/rate_limiter.hpp"
#include "storage/change_feed.hpp"

namespace sb::storage {
class Store;
}

namespace sb::auth {

class ApiKeyAuthenticator final : public http::Authenticator {
 public:
  /// `lookup_rate`: database lookups of keys not (yet) known, per remote address.
  static constexpr std::chrono::seconds kRecheckAfter{10};

  /// `clock`: when a remembered key was last checked (steady time).
  explicit ApiKeyAuthenticator(storage::Store& store, http::RateLimiter::Options lookup_rate = {},
                               const Clock& clock = system_clock());
  void authenticate(std::string token, std::string_view remote_address,
                    std::function<void(http::AuthResult)> done) override;

 private:
  storage::Store& store_;
  http::RateLimiter lookup_limiter_;
  std::shared_mutex mutex_;
  struct Known {
    std::string org_id;
    std::string digest;         ///< SHA-256 of the key, as the change feed names it
    Clock::SteadyTime checked;  ///< when the lookup that found it began
  };
  const Clock& clock_;
  std::unordered_map<std::string, Known> org_by_key_;
  /// Counts the times keys were forgotten; a lookup that began before must not remember what
  /// it read (it may have read a key deleted since).
  std::uint64_t forgotten_ = 0;
  storage::ChangeFeed::Subscription changes_;  // last: unsubscribed first
};

}  // namespace sb::auth
