#pragma once
// GET /recording/{name}: a call's recording (the URLs of its artifact.recording), a WAV file.
// Not in Vapi's API document and answered without an API key, like /file-content: whoever
// holds the URL (the call's owner, a tool they hand it to) may play it; the name's 256 random
// bits are the capability, revoked by deleting the call.

#include "http/router.hpp"

namespace sb::storage {
class Store;
}
namespace sb::calls {
class RecordingStore;
}

namespace sb::api {

class RecordingContentRoute {
 public:
  /// Files are read on the store's reader threads (never on an I/O thread).
  RecordingContentRoute(storage::Store& store, const calls::RecordingStore& recordings)
      : store_(store), recordings_(recordings) {}

  /// Adds the route; returns 1.
  int register_routes(http::Router& router);

 private:
  storage::Store& store_;
  const calls::RecordingStore& recordings_;
};

}  // namespace sb::api
