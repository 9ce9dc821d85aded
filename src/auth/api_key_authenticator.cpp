#include "auth/api_key_authenticator.hpp"

#include <mutex>

#include "core/crypto.hpp"
#include "storage/org_repository.hpp"
#include "storage/store.hpp"

namespace sb::auth {

using http::AuthResult;

ApiKeyAuthenticator::ApiKeyAuthenticator(storage::Store& store,
                                         http::RateLimiter::Options lookup_rate)
    : store_(store),
      lookup_limiter_(lookup_rate),
      changes_(store.changes().subscribe([this](const storage::ResourceChange& change) {
        if (!change.is_everything() && change.kind != storage::kApiKeyKind) return;
        std::unique_lock lock(mutex_);
        org_by_key_.clear();
        ++forgotten_;
      })) {}

void ApiKeyAuthenticator::authenticate(std::string token, std::string_view remote_address,
                                       std::function<void(AuthResult)> done) {
  {
    std::shared_lock lock(mutex_);
    if (auto it = org_by_key_.find(token); it != org_by_key_.end()) {
      AuthResult ok{AuthResult::Status::kOk, it->second, {}};
      lock.unlock();
      done(std::move(ok));
      return;
    }
  }
  if (token.size() > 256) {  // no key is this long; don't hash or look up junk
    done(AuthResult{});
    return;
  }
  if (const auto decision = lookup_limiter_.acquire(remote_address); !decision.allowed) {
    done(AuthResult{AuthResult::Status::kThrottled, {}, decision.retry_after});
    return;
  }
  std::uint64_t forgotten = 0;
  {
    std::shared_lock lock(mutex_);
    forgotten = forgotten_;
  }
  store_.post_read(
      [this, forgotten, token = std::move(token), done = std::move(done)](storage::Session& s) {
        std::optional<std::string> org;
        try {
          org = s.orgs().org_for_private_key(sha256_hex(token));
        } catch (...) {
          done(AuthResult{});
          throw;
        }
        if (!org) return done(AuthResult{});
        {
          std::unique_lock lock(mutex_);
          if (forgotten_ == forgotten) org_by_key_.emplace(token, *org);
        }
        done(AuthResult{AuthResult::Status::kOk, std::move(*org), {}});
      });
}

}  // namespace sb::auth
