#include "webhooks/webhook_runtime.hpp"

#include "net/http_client.hpp"
#include "webhooks/credential_signer.hpp"

namespace sb::webhooks {

WebhookRuntime::WebhookRuntime(storage::Store& store, const SecretBox& secrets,
                               net::HttpClient& http, DispatcherOptions options,
                               net::Placement placement)
    : auth_(http, placement.clock_or_system()),
      signer_(credential_signer(store, secrets, auth_)),
      dispatcher_(
          store,
          [&http](net::OutboundRequest request, std::function<void(net::OutboundResponse)> done) {
            return http.send(std::move(request), std::move(done));
          },
          signer_, metrics_, options, placement) {
  metrics_.instance = dispatcher_.instance();
}

}  // namespace sb::webhooks
