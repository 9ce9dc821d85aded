#pragma once
// The authentication a server's `credentialId` puts on each message sent to it: the
// credential's `authenticationPlan` (bearer token, HMAC signature, OAuth2 client credentials),
// as Vapi's custom credentials (provider "custom-credential" or "webhook") define it.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "http/message.hpp"

namespace sb::net {
class HttpClient;
}

namespace sb::webhooks {

/// What an HMAC `payloadFormat` may name besides {body} and {timestamp}.
struct SignContext {
  std::string method = "POST";  ///< {method}
  std::string url;              ///< {url}: the URL the message is posted to
  /// {svix-id} and the plan's `messageIdHeader`. When empty: the X-Message-Id header already
  /// in the headers, else a new UUID.
  std::string message_id;
  /// Bounds an OAuth2 token request.
  std::chrono::milliseconds token_timeout{10'000};
};

/// Signs messages for their servers. Thread-safe; sign() may be called from any thread.
class ServerAuth {
 public:
  using Done = std::function<void(http::Fields headers, std::string error)>;

  /// `client` fetches OAuth2 tokens and must outlive every sign() in flight. `clock` gives the
  /// HMAC timestamps (wall) and the OAuth2 tokens' expiry (steady); it must outlive the signer.
  explicit ServerAuth(net::HttpClient& client, const Clock& clock = system_clock());
  ~ServerAuth();
  ServerAuth(const ServerAuth&) = delete;
  ServerAuth& operator=(const ServerAuth&) = delete;

  /// `credential` is the credential as stored: its public document merged with its
  /// write-only secrets (see with_secrets). Adds the headers its plan calls for to `headers`,
  /// for a POST of exactly `body`, and calls `done` once: at once for bearer and HMAC, from an
  /// HttpClient thread when an OAuth2 token has to be fetched.
  /// - bearer: `headerName` (default Authorization) = ("Bearer " if `bearerPrefixEnabled`,
  ///   default true) + token.
  /// - hmac: the signature header (default x-signature), the timestamp header (default
  ///   x-timestamp) and, when the plan names one, the message id header; see server_auth.cpp.
  /// - oauth2: "Authorization: Bearer <access_token>" from a client-credentials request to
  ///   `url`, cached per credential until shortly before `expires_in`.
  /// A header the credential would add that `headers` already has (an Authorization in
  /// server.headers, typically) wins: the credential's is not added, and no OAuth2 token is
  /// fetched for it. HMAC headers are always set, replacing any of the same name.
  /// On failure `done` gets the headers unchanged and the reason ("oauth2: ...", "hmac: ...").
  void sign(const boost::json::object& credential, std::string_view body, http::Fields headers,
            Done done, SignContext context = {});

 private:
  struct State;
  std::shared_ptr<State> state_;
};

/// A credential's public `document` with the `secrets` ResourceService::secrets_of returns
/// (values keyed by concrete path, e.g. "authenticationPlan.token") put back in place.
boost::json::object with_secrets(boost::json::object document, const boost::json::object& secrets);

}  // namespace sb::webhooks
