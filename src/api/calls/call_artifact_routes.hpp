#pragma once
// GET /call/{id}/mono-recording, /stereo-recording, /video-recording, /customer-recording,
// /assistant-recording, /pcap and /call-logs: as Vapi does, a 302 redirect to where the
// artifact is stored, found in the call's document. 404 "Call not found" for a call that does
// not exist (or is another org's); 404 naming the artifact when the call has none.

#include "app/catalog/catalog.hpp"

namespace sb::api {

class CallArtifactRoutes final : public app::RouteProvider {
 public:
  /// `calls` is the call spec the catalog serves.
  CallArtifactRoutes(const app::Catalog& catalog, const resources::ResourceSpec& calls);
  int register_routes(http::Router& router) override;

 private:
  const app::Catalog& catalog_;
  const resources::ResourceSpec& calls_;
};

}  // namespace sb::api
