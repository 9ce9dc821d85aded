#include "auth/api_key_authenticator.hpp"

#include <mutex>

#include "core/crypto.hpp"
#include "storage/org_repository.hpp"
#include "storage/store.hpp"

namespace sb::auth {

using http::AuthResult;

ApiKeyAuthenticator::ApiKeyAuthenticator(storage::Store& store,
                                         http::RateLimiter::Options lookup_rate, const Clock& clock)
    : store_(store),
      lookup_limiter_(lookup_rate),
      clock_(clock),
      changes_(store.changes().subscribe([this](const storage::ResourceChange& change) {
        if (!change.is_everything() && change.kind != storage::kApiKeyKind) return;
        std::unique_lock lock(mutex_);
        if (change.is_everything())
          org_by_key_.clear();
        else
          std::erase_if(org_by_key_, [&](const auto& e) { return e.second.digest == change.id; });
        ++forgotten_;
      })) {}

void ApiKeyAuthenticator::authenticate(std::string token, std::string_view remote_address,
                                       std::function<void(AuthResult)> done) {
  const auto now = clock_.steady_now();
  bool known = false;
  std::uint64_t forgotten = 0;
  {
    std::shared_lock lock(mutex_);
    if (auto it = org_by_key_.find(token); it != org_by_key_.end()) {
      if (now - it->second.checked < kRecheckAfter) {
        AuthResult ok{AuthResult::Status::kOk, it->second.org_id, {}};
        lock.unlock();
        done(std::move(ok));
        return;
      }
      known = true;  // checked again below, never counted against the lookup budget
    }
    forgotten = forgotten_;
  }
  if (token.size() > 256) {  // no key is this long; don't hash or look up junk
    done(AuthResult{});
    return;
  }
  if (!known) {
    if (const auto decision = lookup_limiter_.acquire(remote_address); !decision.allowed) {
      done(AuthResult{AuthResult::Status::kThrottled, {}, decision.retry_after});
      return;
    }
  }
  store_.post_read([this, now, forgotten, token = std::move(token),
                    done = std::move(done)](storage::Session& s) {
    std::optional<std::string> org;
    std::string digest = sha256_hex(token);
    try {
      org = s.orgs().org_for_private_key(digest);
    } catch (...) {
      done(AuthResult{});
      throw;
    }
    {
      std::unique_lock lock(mutex_);
      if (!org)
        org_by_key_.erase(token);
      else if (forgotten_ == forgotten)
        org_by_key_.insert_or_assign(token, Known{*org, std::move(digest), now});
    }
    if (!org) return done(AuthResult{});
    done(AuthResult{AuthResult::Status::kOk, std::move(*org), {}});
  });
}

}  // namespace sb::auth
