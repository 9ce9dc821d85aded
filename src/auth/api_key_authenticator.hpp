#pragma once
// Private API keys → org. Valid keys are remembered in memory after their first use, so the
// common case answers on the I/O thread; an unknown key is looked up in the database on a
// storage thread (a key minted by `switchboard org create` works at once, even while the
// server runs). Failed lookups are not cached, so they cannot grow memory.

#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "http/dispatcher.hpp"

namespace sb::storage {
class Store;
}

namespace sb::auth {

class ApiKeyAuthenticator final : public http::Authenticator {
 public:
  explicit ApiKeyAuthenticator(storage::Store& store) : store_(store) {}
  void authenticate(std::string token,
                    std::function<void(std::optional<std::string>)> done) override;

 private:
  storage::Store& store_;
  std::shared_mutex mutex_;
  std::unordered_map<std::string, std::string> org_by_key_;
};

}  // namespace sb::auth
