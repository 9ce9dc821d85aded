#pragma once
// POST /chat and POST /chat/responses: a chat run by the chat engine, answered whole (the
// Chat object, or a Responses API object) or streamed as Server-Sent Events. A streamed
// answer begins with the model's first delta, so a failure before it (a bad request, a
// provider's error) is still an ordinary error response; a failure after it ends the stream
// with an error event. GET/DELETE /chat are the generic read-only routes.

#include <memory>

#include "api/common/route_provider.hpp"
#include "http/router.hpp"

namespace sb::chat {
class ChatService;
}

namespace sb::contract {
class Contract;
}

namespace sb::api {

class ChatRoutes final : public RouteProvider {
 public:
  ChatRoutes(const contract::Contract& contract, const chat::ChatService& chats);
  int register_routes(http::Router& router) override;

 private:
  void create_chat(http::Context&& ctx, http::Reply reply) const;
  void create_response(http::Context&& ctx, http::Reply reply) const;

  const contract::Contract& contract_;
  const chat::ChatService& chats_;
};

}  // namespace sb::api
