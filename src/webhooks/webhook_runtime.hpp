#pragma once
// Everything server messages need at run time, assembled once by the server: the counters,
// the credential signing, and the outbox dispatcher (the Deliveries the rest of the server
// calls). Start after the store is open, stop before it stops.

#include "webhooks/metrics.hpp"
#include "webhooks/outbox_dispatcher.hpp"
#include "webhooks/server_auth.hpp"

namespace sb {
class SecretBox;
}
namespace sb::net {
class HttpClient;
}

namespace sb::webhooks {

class WebhookRuntime {
 public:
  /// All three must outlive the runtime, as must the placement's context and clock.
  WebhookRuntime(storage::Store& store, const SecretBox& secrets, net::HttpClient& http,
                 DispatcherOptions options = {}, net::Placement placement = {});

  /// Loads the pending messages and starts delivering (blocking read: call at start-up).
  void start() { dispatcher_.start(); }
  void stop() { dispatcher_.stop(); }
  /// At shutdown, before stop(): what is due now gets up to `deadline` to be sent.
  void flush(std::chrono::milliseconds deadline) { dispatcher_.flush(deadline); }

  Deliveries& deliveries() { return dispatcher_; }
  /// Signs a request for a server's credentialId (custom voices and transcribers use it too).
  const Signer& signer() const { return signer_; }
  const WebhookMetrics& metrics() const { return metrics_; }
  /// This instance's name: in its leases, and the `instance` label of its metrics.
  const std::string& instance() const { return dispatcher_.instance(); }

 private:
  WebhookMetrics metrics_;
  ServerAuth auth_;
  Signer signer_;
  OutboxDispatcher dispatcher_;
};

}  // namespace sb::webhooks
