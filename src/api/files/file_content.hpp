#pragma once
// GET /file-content/{file} and GET /file-content/{file}/text: the bytes of an uploaded file
// (its `url`) and its extracted text (its `parsedTextUrl`). They answer without an API key:
// the providers that fetch a file (knowledge-base indexers, model providers) never hold the
// org's key, and the stored name's 256 random bits are the capability, revoked by deleting
// the file. Responses are marked nosniff and sandboxed, so an uploaded HTML page cannot run
// as this server's origin.

#include "http/router.hpp"

namespace sb::storage {
class Store;
}
namespace sb::files {
class BlobStore;
}

namespace sb::api {

class FileContentRoutes {
 public:
  /// Files are read on the store's reader threads (never on an I/O thread).
  FileContentRoutes(storage::Store& store, const files::BlobStore& files)
      : store_(store), files_(files) {}

  /// Adds the two routes; returns 2.
  int register_routes(http::Router& router);

 private:
  void serve(bool text, http::Context&& ctx, http::Reply reply) const;

  storage::Store& store_;
  const files::BlobStore& files_;
};

}  // namespace sb::api
