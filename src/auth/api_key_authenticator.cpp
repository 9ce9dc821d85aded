#include "auth/api_key_authenticator.hpp"

#include <mutex>

#include "core/crypto.hpp"
#include "storage/org_repository.hpp"
#include "storage/store.hpp"

namespace sb::auth {

void ApiKeyAuthenticator::authenticate(std::string token,
                                       std::function<void(std::optional<std::string>)> done) {
  {
    std::shared_lock lock(mutex_);
    if (auto it = org_by_key_.find(token); it != org_by_key_.end()) {
      std::string org = it->second;
      lock.unlock();
      done(std::move(org));
      return;
    }
  }
  if (token.size() > 256) {  // no key is this long; don't hash or look up junk
    done(std::nullopt);
    return;
  }
  store_.post_read([this, token = std::move(token), done = std::move(done)](storage::Session& s) {
    std::optional<std::string> org;
    try {
      org = s.orgs().org_for_private_key(sha256_hex(token));
    } catch (...) {
      done(std::nullopt);
      throw;
    }
    if (org) {
      std::unique_lock lock(mutex_);
      org_by_key_.emplace(token, *org);
    }
    done(std::move(org));
  });
}

}  // namespace sb::auth
