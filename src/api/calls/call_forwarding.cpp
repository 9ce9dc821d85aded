#include "api/calls/call_forwarding.hpp"

#include <spdlog/spdlog.h>

#include <memory>

#include <boost/asio/post.hpp>

#include "http/error_response.hpp"
#include "net/handover.hpp"
#include "net/http_client.hpp"
#include "net/websocket.hpp"
#include "runtime/voice/call_owners.hpp"

namespace sb::api {
void CallForwarding::route(std::string id, http::Request request, http::Reply reply,
                           Handler here) const {
  if (!request.header(kForwardedHeader).empty()) return here(std::move(request), std::move(reply));
  auto held = std::make_shared<http::Request>(std::move(request));
  owners_.owner_url(id, [this, id, held, reply = std::move(reply),
                         here = std::move(here)](std::optional<std::string> url) mutable {
    if (!url) return here(std::move(*held), std::move(reply));
    net::OutboundRequest out;
    out.method = std::string(http::method_name(held->method));
    out.url = *url + held->target;
    out.body = held->body;
    out.timeout = std::chrono::seconds(10);
    if (!held->content_type.empty()) out.headers.emplace_back("content-type", held->content_type);
    if (!held->authorization.empty())
      out.headers.emplace_back("authorization", held->authorization);
    for (const auto& header : held->headers) out.headers.push_back(header);
    out.headers.emplace_back(kForwardedHeader, owners_.instance());
    http_.send(std::move(out), [id, owner = *url,
                                reply = std::move(reply)](net::OutboundResponse answer) {
      if (!answer.error.empty()) {
        spdlog::warn("call {}: relaying to its instance at {} failed: {}", id, owner, answer.error);
        return reply(http::error_response(
            502, "The instance running call " + id + " did not answer: " + answer.error));
      }
      http::Response r;
      r.status = answer.status;
      r.body = std::move(answer.body);
      if (const auto type = answer.header("content-type"); !type.empty())
        r.content_type = std::string(type);
      reply(std::move(r));
    });
  });
}

net::ConnectionTaker CallForwarding::upgrade(std::string id, const http::Request& head,
                                             net::ConnectionTaker here) const {
  if (!head.header(kForwardedHeader).empty()) return here;
  return [this, id = std::move(id), head, here = std::move(here)](net::Handover&& connection) {
    auto held = std::make_shared<net::Handover>(std::move(connection));
    owners_.owner_url(id, [this, held, head, here](std::optional<std::string> url) {
      // Back on the connection's strand, where its socket is used.
      boost::asio::post(held->socket.get_executor(), [this, held, head, here, url] {
        if (!url) return here(std::move(*held));
        net::relay_upgrade(std::move(*held), head, *url, {{kForwardedHeader, owners_.instance()}});
      });
    });
  };
}

}  // namespace sb::api
