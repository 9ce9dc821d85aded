#include "telephony/sip/sip_agent_outbound.hpp"

#include <sofia-sip/msg_header.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_tag.h>
#include <spdlog/spdlog.h>
#include <strings.h>

#include <boost/asio/post.hpp>

#include "telephony/sip/sip_transfer.hpp"

namespace sb::telephony::sip {
namespace {

std::string call_id_of(const sip_t* sip) {
  return sip && sip->sip_call_id && sip->sip_call_id->i_id ? sip->sip_call_id->i_id : "";
}

std::string sdp_of(const sip_t* sip) {
  if (!sip || !sip->sip_payload || !sip->sip_payload->pl_data || !sip->sip_content_type ||
      !sip->sip_content_type->c_type ||
      ::strcasecmp(sip->sip_content_type->c_type, "application/sdp") != 0)
    return {};
  return std::string(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
}

// NUTAG_AUTH's "scheme:realm:user:password" for the challenge of a 401 or 407 (the realm
// quoted, as it is in the challenge); "" when the response has no challenge.
std::string credentials_for(const sip_t* sip, const std::string& user,
                            const std::string& password) {
  const msg_auth_t* challenge = nullptr;
  if (sip && sip->sip_www_authenticate) challenge = sip->sip_www_authenticate;
  if (sip && sip->sip_proxy_authenticate) challenge = sip->sip_proxy_authenticate;
  if (!challenge || !challenge->au_scheme) return {};
  const char* realm =
      challenge->au_params ? msg_params_find(challenge->au_params, "realm=") : nullptr;
  std::string quoted = realm ? realm : "";
  if (quoted.empty() || quoted.front() != '"') quoted = "\"" + quoted + "\"";
  return std::string(challenge->au_scheme) + ":" + quoted + ":" + user + ":" + password;
}

std::string extra_headers(const std::vector<SipHeader>& headers) {
  std::string extra;
  for (const auto& [name, value] : headers) extra += name + ": " + value + "\r\n";
  if (!extra.empty()) extra.resize(extra.size() - 2);
  return extra;
}

}  // namespace

void OutboundDialogs::post(std::function<void()> work) {
  boost::asio::post(executor_, std::move(work));
}

void OutboundDialogs::refuse(DialogId id, const std::shared_ptr<SipDialEvents>& events) {
  post([id, events] { events->on_failed(id, {503, "SIP agent not running", "", ""}); });
}

void OutboundDialogs::refuse(std::function<void(int)> done) {
  post([done = std::move(done)] { done(503); });
}

void OutboundDialogs::dial(nua_t* nua, DialogId id, SipDialRequest request,
                           std::shared_ptr<SipDialEvents> events) {
  // As name-addrs: a bare URI's ;parameters would be read as the header's own.
  const std::string to =
      "<" + (request.to_uri.empty() ? request.request_uri : request.to_uri) + ">";
  const std::string from = request.from_uri.empty() ? "" : "<" + request.from_uri + ">";
  nua_handle_t* nh = nua_handle(nua, nullptr, SIPTAG_TO_STR(to.c_str()),
                                TAG_IF(!from.empty(), SIPTAG_FROM_STR(from.c_str())), TAG_END());
  if (!nh) {
    spdlog::warn("sip: cannot place an INVITE to {}", request.request_uri);
    refuse(id, events);
    return;
  }
  auto& d = dialogs_[nh];
  d.id = id;
  d.events = std::move(events);
  d.request = std::move(request);
  handles_[id] = nh;
  const std::string extra = extra_headers(d.request.headers);
  spdlog::info("sip: outbound INVITE to {} from {}", d.request.request_uri,
               d.request.from_uri.empty() ? "(agent)" : d.request.from_uri);
  nua_invite(nh, NUTAG_URL(d.request.request_uri.c_str()),
             TAG_IF(!extra.empty(), SIPTAG_HEADER_STR(extra.c_str())),
             TAG_IF(!d.request.sdp.empty(), SIPTAG_CONTENT_TYPE_STR("application/sdp")),
             TAG_IF(!d.request.sdp.empty(), SIPTAG_PAYLOAD_STR(d.request.sdp.c_str())), TAG_END());
}

void OutboundDialogs::ping(nua_t* nua, const std::string& uri, std::function<void(int)> done) {
  const std::string to = "<" + uri + ">";
  nua_handle_t* nh = nua_handle(nua, nullptr, SIPTAG_TO_STR(to.c_str()), TAG_END());
  if (!nh) {
    refuse(std::move(done));
    return;
  }
  pings_[nh] = std::move(done);
  nua_options(nh, NUTAG_URL(uri.c_str()), TAG_END());
}

bool OutboundDialogs::hang_up(DialogId dialog) {
  if (!(dialog & kOutboundDialogBit)) return false;
  const auto it = handles_.find(dialog);
  if (it == handles_.end()) return true;  // over already
  const auto& d = dialogs_.at(it->second);
  if (d.answered)
    nua_bye(it->second, TAG_END());
  else
    nua_cancel(it->second, TAG_END());
  return true;
}

nua_handle_t* OutboundDialogs::answered_handle(DialogId dialog) const {
  const auto it = handles_.find(dialog);
  return it != handles_.end() && dialogs_.at(it->second).answered ? it->second : nullptr;
}

void OutboundDialogs::refer(nua_handle_t* nh, const std::string& refer_to,
                            const std::vector<SipHeader>& headers, std::function<void(int)> done,
                            std::function<void(int)> outcome) {
  if (!nh || refers_.count(nh) || outcomes_.count(nh)) {
    post([done = std::move(done)] { done(481); });  // nothing to transfer, or one under way
    return;
  }
  refers_[nh] = {std::move(done), std::move(outcome)};
  const std::string extra = extra_headers(headers);
  spdlog::info("sip: REFER to {}", refer_to);
  nua_refer(nh, SIPTAG_REFER_TO_STR(refer_to.c_str()),
            TAG_IF(!extra.empty(), SIPTAG_HEADER_STR(extra.c_str())), TAG_END());
}

void OutboundDialogs::info(nua_handle_t* nh, const std::string& content_type,
                           const std::string& body) {
  if (!nh) return;
  nua_info(nh, SIPTAG_CONTENT_TYPE_STR(content_type.c_str()), SIPTAG_PAYLOAD_STR(body.c_str()),
           TAG_END());
}

void OutboundDialogs::forget_refer(nua_handle_t* nh) {
  outcomes_.erase(nh);
  const auto it = refers_.find(nh);
  if (it == refers_.end()) return;
  post([done = std::move(it->second.done)] { done(481); });
  refers_.erase(it);
}

// A NOTIFY of the REFER's implicit subscription (RFC 3515): its sipfrag's status line.
void OutboundDialogs::on_notify(nua_handle_t* nh, const sip_t* sip) {
  const auto it = outcomes_.find(nh);
  if (it == outcomes_.end() || !sip || !sip->sip_payload || !sip->sip_payload->pl_data) return;
  const auto status =
      sipfrag_status(std::string_view(sip->sip_payload->pl_data, sip->sip_payload->pl_len));
  if (!status) return;
  spdlog::info("sip: NOTIFY of the REFER: {}", *status);
  if (*status < 200) return;
  post([outcome = std::move(it->second), status = *status] { outcome(status); });
  outcomes_.erase(it);
}

void OutboundDialogs::on_invite_response(Dialog& d, nua_handle_t* nh, int status,
                                         const char* phrase, const sip_t* sip) {
  if (d.call_id.empty()) d.call_id = call_id_of(sip);
  SipDialResponse response{status, phrase ? phrase : "", sdp_of(sip), d.call_id};
  if (status < 200) {
    if (status < 180) return;
    spdlog::info("sip: outbound Call-ID {} {} {}", d.call_id, status, response.reason);
    post([events = d.events, id = d.id, response] { events->on_progress(id, response); });
    return;
  }
  if (status < 300) {
    spdlog::info("sip: outbound Call-ID {} answered {}", d.call_id, status);
    d.answered = true;
    post([events = d.events, id = d.id, response] { events->on_answered(id, response); });
    return;
  }
  if ((status == 401 || status == 407) && !d.authenticated && !d.request.auth_username.empty()) {
    const auto credentials = credentials_for(sip, d.request.auth_username, d.request.auth_password);
    if (!credentials.empty()) {
      spdlog::info("sip: outbound Call-ID {} challenged ({}), answering with digest", d.call_id,
                   status);
      d.authenticated = true;
      nua_authenticate(nh, NUTAG_AUTH(d.auth.emplace_back(credentials).c_str()), TAG_END());
      return;
    }
  }
  spdlog::info("sip: outbound Call-ID {} failed ({} {})", d.call_id, status, response.reason);
  d.reported_end = true;
  post([events = d.events, id = d.id, response] { events->on_failed(id, response); });
  if (status == 401 || status == 407) {
    // nua keeps a challenged INVITE waiting for nua_authenticate (until shutdown): let it go.
    forget_refer(nh);
    handles_.erase(d.id);
    dialogs_.erase(nh);
    nua_handle_destroy(nh);
  }
}

void OutboundDialogs::on_terminated(nua_handle_t* nh, int status, const char* phrase) {
  forget_refer(nh);
  auto it = dialogs_.find(nh);
  auto& d = it->second;
  if (!d.reported_end) {
    std::string why = std::to_string(status) + " " + (phrase ? phrase : "");
    spdlog::info("sip: outbound Call-ID {} ended ({})", d.call_id, why);
    if (d.answered)
      post([events = d.events, id = d.id, why] { events->on_ended(id, why); });
    else
      post([events = d.events, id = d.id,
            r = SipDialResponse{status, phrase ? phrase : "", "", d.call_id}] {
        events->on_failed(id, r);
      });
  }
  handles_.erase(d.id);
  dialogs_.erase(it);
  nua_handle_destroy(nh);
}

bool OutboundDialogs::on_event(nua_event_t event, int status, const char* phrase, nua_handle_t* nh,
                               const sip_t* sip, tagi_t tags[]) {
  if (!nh) return false;
  if (const auto refer = refers_.find(nh); event == nua_r_refer && refer != refers_.end()) {
    if (status >= 200) {
      spdlog::info("sip: REFER answered {}", status);
      if (status < 300 && refer->second.outcome) outcomes_[nh] = std::move(refer->second.outcome);
      post([done = std::move(refer->second.done), status] { done(status); });
      refers_.erase(refer);
    }
    return true;
  }
  if (event == nua_i_notify && outcomes_.count(nh)) {
    on_notify(nh, sip);
    return true;
  }
  if (const auto ping = pings_.find(nh); ping != pings_.end()) {
    if (event == nua_r_options && status >= 200) {
      post([done = std::move(ping->second), status] { done(status); });
      pings_.erase(ping);
      nua_handle_destroy(nh);
    }
    return true;
  }
  const auto it = dialogs_.find(nh);
  if (it == dialogs_.end()) return false;
  switch (event) {
    case nua_r_invite:
      on_invite_response(it->second, nh, status, phrase, sip);
      break;
    case nua_i_bye:
      spdlog::info("sip: outbound Call-ID {} BYE from the peer", it->second.call_id);
      break;
    case nua_i_state: {
      int state = nua_callstate_init;
      tl_gets(tags, NUTAG_CALLSTATE_REF(state), TAG_END());
      if (state == nua_callstate_terminated) on_terminated(nh, status, phrase);
      break;
    }
    default:
      break;
  }
  return true;
}

void OutboundDialogs::destroy_all() {
  for (auto& [nh, d] : dialogs_) {
    if (!d.reported_end) {
      if (d.answered)
        post([events = d.events, id = d.id] { events->on_ended(id, "SIP agent stopped"); });
      else
        refuse(d.id, d.events);
    }
    nua_handle_destroy(nh);
  }
  for (auto& [nh, refer] : refers_) refuse(std::move(refer.done));
  refers_.clear();
  outcomes_.clear();
  for (auto& [nh, done] : pings_) {
    refuse(std::move(done));
    nua_handle_destroy(nh);
  }
  dialogs_.clear();
  handles_.clear();
  pings_.clear();
}

}  // namespace sb::telephony::sip
