#include "webhooks/webhooks.hpp"

namespace sb::webhooks {

std::optional<boost::json::object> pick_server(
    std::initializer_list<const boost::json::object*> candidates) {
  for (const auto* server : candidates) {
    if (!server) continue;
    const auto* url = server->if_contains("url");
    if (url && url->is_string() && !url->get_string().empty()) return *server;
  }
  return std::nullopt;
}

}  // namespace sb::webhooks
