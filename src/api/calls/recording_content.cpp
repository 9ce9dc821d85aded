#include "api/calls/recording_content.hpp"

#include "api/common/storage_reply.hpp"
#include "core/api_error.hpp"
#include "domain/calls/recording_store.hpp"

namespace sb::api {

int RecordingContentRoute::register_routes(http::Router& router) {
  http::Route route;
  route.method = http::Method::kGet;
  route.path = std::string(calls::kRecordingPath) + "{name}";
  route.authenticated = false;
  route.secret_params = {"name"};  // whoever reads the access log must not fetch the file
  route.handler = [this](http::Context&& ctx, http::Reply reply) {
    reply_from_read(store_, std::move(reply), ctx.request.request_id,
                    [this, name = ctx.request.param("name")](storage::Session& s) {
                      auto bytes = recordings_.read(s, name);
                      if (!bytes) throw ApiError::not_found("Recording not found");
                      http::Response r;
                      r.body = std::move(*bytes);
                      r.content_type = "audio/wav";
                      r.headers.emplace_back("X-Content-Type-Options", "nosniff");
                      return r;
                    });
  };
  router.add(std::move(route));
  return 1;
}

}  // namespace sb::api
