#include "domain/calls/call_monitor.hpp"

#include "core/json_fields.hpp"
#include "domain/calls/websocket_call.hpp"

namespace sb::calls {
namespace json = boost::json;

MonitorPlan MonitorPlan::of(const json::object& assistant) {
  MonitorPlan plan;
  const auto* p = object_at(assistant, "monitorPlan");
  if (!p) return plan;
  plan.listen_enabled = bool_at(*p, "listenEnabled", plan.listen_enabled);
  plan.listen_authentication = bool_at(*p, "listenAuthenticationEnabled", false);
  plan.control_enabled = bool_at(*p, "controlEnabled", plan.control_enabled);
  plan.control_authentication = bool_at(*p, "controlAuthenticationEnabled", false);
  return plan;
}

std::string listen_url(std::string_view public_url, std::string_view call_id) {
  return websocket_base_url(public_url) + "/" + std::string(call_id) + "/listen";
}

std::string control_url(std::string_view public_url, std::string_view call_id) {
  std::string url(public_url);
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url + "/" + std::string(call_id) + "/control";
}

json::object monitor_of(const MonitorPlan& plan, std::string_view public_url,
                        std::string_view call_id) {
  json::object monitor;
  if (plan.listen_enabled) monitor["listenUrl"] = listen_url(public_url, call_id);
  if (plan.control_enabled) monitor["controlUrl"] = control_url(public_url, call_id);
  return monitor;
}

MonitorAccess monitor_access(const MonitorPlan& plan, MonitorEndpoint endpoint,
                             std::string_view call_org, std::string_view key_org) {
  if (!plan.enabled(endpoint)) return MonitorAccess::kDisabled;
  if (!plan.authenticated(endpoint)) return MonitorAccess::kAllowed;
  return !key_org.empty() && key_org == call_org ? MonitorAccess::kAllowed
                                                 : MonitorAccess::kUnauthorized;
}

}  // namespace sb::calls
