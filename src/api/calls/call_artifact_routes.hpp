#pragma once
// GET /call/{id}/mono-recording, /stereo-recording, /video-recording, /customer-recording,
// /assistant-recording, /pcap and /call-logs: as Vapi does, a 302 redirect to where the
// artifact is stored, found in the call's document. 404 "Call not found" for a call that does
// not exist (or is another org's); 404 naming the artifact when the call has none.

#include "api/common/route_provider.hpp"

namespace sb::contract {
class Contract;
}
namespace sb::resources {
class ResourceService;
struct ResourceSpec;
}  // namespace sb::resources
namespace sb::storage {
class Store;
}

namespace sb::api {

class CallArtifactRoutes final : public RouteProvider {
 public:
  /// `calls` is the call spec the catalog serves.
  CallArtifactRoutes(storage::Store& store, const resources::ResourceService& service,
                     const contract::Contract& contract, const resources::ResourceSpec& calls);
  int register_routes(http::Router& router) override;

 private:
  storage::Store& store_;
  const resources::ResourceService& service_;
  const contract::Contract& contract_;
  const resources::ResourceSpec& calls_;
};

}  // namespace sb::api
