#pragma once
// A live call's `monitor`: where it can be listened to (listenUrl, a WebSocket of its audio)
// and controlled (controlUrl, POST say / add-message / control / end-call), as the assistant's
// monitorPlan allows. Pure functions: the plan of an assistant, the URLs, and who may use them.

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace sb::calls {

enum class MonitorEndpoint { kListen, kControl };

/// assistant.monitorPlan, with the document's defaults: both endpoints on, neither asking for
/// a key.
struct MonitorPlan {
  bool listen_enabled = true;
  bool listen_authentication = false;
  bool control_enabled = true;
  bool control_authentication = false;

  /// The plan of the assistant a call runs (the one it starts with, overrides applied).
  static MonitorPlan of(const boost::json::object& assistant);

  bool enabled(MonitorEndpoint endpoint) const {
    return endpoint == MonitorEndpoint::kListen ? listen_enabled : control_enabled;
  }
  bool authenticated(MonitorEndpoint endpoint) const {
    return endpoint == MonitorEndpoint::kListen ? listen_authentication : control_authentication;
  }
};

/// "ws(s)://<public_url>/<id>/listen": `public_url` with http(s) turned into ws(s).
std::string listen_url(std::string_view public_url, std::string_view call_id);
/// "<public_url>/<id>/control".
std::string control_url(std::string_view public_url, std::string_view call_id);

/// The call's `monitor`: listenUrl and controlUrl, each only when the plan enables it.
boost::json::object monitor_of(const MonitorPlan& plan, std::string_view public_url,
                               std::string_view call_id);

enum class MonitorAccess {
  kAllowed,
  kDisabled,      ///< the plan turns the endpoint off: 404, as if it did not exist
  kUnauthorized,  ///< the plan asks for a key of the call's org and none was shown: 401
};

/// Whether a request may use `endpoint` of a call of `call_org` run under `plan`. `key_org` is
/// the org of the private key the request showed ("" for none, or one that is not valid).
MonitorAccess monitor_access(const MonitorPlan& plan, MonitorEndpoint endpoint,
                             std::string_view call_org, std::string_view key_org);

}  // namespace sb::calls
