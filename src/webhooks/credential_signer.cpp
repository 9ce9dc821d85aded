#include "webhooks/credential_signer.hpp"

#include <memory>

#include "core/text.hpp"
#include "domain/credentials/credential_spec.hpp"
#include "domain/resources/resource_service.hpp"
#include "storage/store.hpp"
#include "webhooks/server_auth.hpp"

namespace sb::webhooks {

Signer credential_signer(storage::Store& store, const SecretBox& secrets, ServerAuth& auth) {
  struct Shared {
    resources::ResourceSpec spec = credentials::credential_spec();
    resources::ResourceService service;
    explicit Shared(const SecretBox& box) : service(box) {}
  };
  auto shared = std::make_shared<const Shared>(secrets);
  return
      [&store, &auth, shared](const std::string& org_id, const std::string& credential_id,
                              const std::string& url, const std::string& body, http::Fields headers,
                              std::function<void(http::Fields, std::string)> done) {
        store.post_read([&auth, shared, org_id, id = ascii_lower(credential_id), url, body,
                         headers = std::move(headers),
                         done = std::move(done)](storage::Session& s) mutable {
          boost::json::object credential;
          try {
            credential = with_secrets(shared->service.load(s, shared->spec, org_id, id),
                                      shared->service.secrets_of(s, shared->spec, org_id, id));
          } catch (const std::exception& e) {
            done({}, "credential " + id + " cannot be read (" + e.what() + ")");
            return;
          }
          SignContext context;
          context.url = url;
          auth.sign(
              credential, body, std::move(headers),
              [done = std::move(done)](http::Fields signed_headers, std::string error) {
                if (!error.empty())
                  done({}, std::move(error));
                else
                  done(std::move(signed_headers), "");
              },
              context);
        });
      };
}

}  // namespace sb::webhooks
