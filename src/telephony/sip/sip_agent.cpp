#include "telephony/sip/sip_agent.hpp"

#include "telephony/sip/sip_metrics.hpp"
#include "telephony/sip/wake_queue.hpp"

// sofia-sip passes this "magic" back to its callbacks typed, when told before its headers.
#define NUA_MAGIC_T sb::telephony::sip::SipAgent::Impl
#define SU_ROOT_MAGIC_T sb::telephony::sip::SipAgent::Impl
#define SU_WAKEUP_ARG_T sb::telephony::sip::SipAgent::Impl
#define SU_TIMER_ARG_T sb::telephony::sip::SipAgent::Impl

#include <netdb.h>
#include <sofia-sip/msg_addr.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/su_log.h>
#include <sofia-sip/su_wait.h>
#include <sofia-sip/url.h>
#include <spdlog/spdlog.h>
#include <strings.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cctype>
#include <cstdarg>
#include <cstdio>
#include <deque>
#include <functional>
#include <future>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_map>

// After the magic types above: it includes sofia-sip too.
#include "telephony/sip/sip_agent_outbound.hpp"

namespace sb::telephony::sip {
namespace {

// The method a response event answers: its CSeq's, or the event's when sofia made the response
// itself (a timeout). nullopt for events that are not final responses to our requests.
std::optional<std::string_view> answered_method(nua_event_t event, const sip_t* sip) {
  std::string_view by_event;
  switch (event) {
    case nua_r_invite:
      by_event = "INVITE";
      break;
    case nua_r_bye:
      by_event = "BYE";
      break;
    case nua_r_cancel:
      by_event = "CANCEL";
      break;
    case nua_r_options:
      by_event = "OPTIONS";
      break;
    case nua_r_info:
      by_event = "INFO";
      break;
    case nua_r_refer:
      by_event = "REFER";
      break;
    case nua_r_notify:
      by_event = "NOTIFY";
      break;
    default:
      return std::nullopt;
  }
  if (sip && sip->sip_cseq && sip->sip_cseq->cs_method_name)
    return std::string_view(sip->sip_cseq->cs_method_name);
  return by_event;
}

// Whether the event is a request received (its method is the request line's).
bool is_request_received(nua_event_t event) {
  switch (event) {
    case nua_i_invite:
    case nua_i_ack:
    case nua_i_cancel:
    case nua_i_bye:
    case nua_i_options:
    case nua_i_info:
    case nua_i_refer:
    case nua_i_notify:
    case nua_i_prack:
    case nua_i_method:
      return true;
    default:
      return false;
  }
}

// What OPTIONS answers advertise: the methods this agent handles.
// (NOTIFY: of the REFERs we send; INFO: keypad digits as application/dtmf-relay.)
constexpr const char* kAllow = "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, NOTIFY";
// How long nua_shutdown may take to finish open transactions before the loop ends anyway.
constexpr su_duration_t kShutdownTimeoutMs = 5000;

std::string url_text(const url_t* url) {
  if (!url) return {};
  char buffer[1024];
  const auto n = url_e(buffer, sizeof buffer, url);
  return n > 0 && static_cast<std::size_t>(n) < sizeof buffer ? std::string(buffer, n) : "";
}

// The peer's address of the request being handled, "ip:port".
std::string source_of(nua_t* nua) {
  msg_t* msg = nua_current_request(nua);
  const su_addrinfo_t* ai = msg ? msg_addrinfo(msg) : nullptr;
  if (!ai || !ai->ai_addr) return {};
  char host[NI_MAXHOST], port[NI_MAXSERV];
  if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof host, port, sizeof port,
                  NI_NUMERICHOST | NI_NUMERICSERV) != 0)
    return {};
  const std::string h = host;
  return (h.find(':') != std::string::npos ? "[" + h + "]" : h) + ":" + port;
}

std::string transport_of(const sip_t* sip) {
  if (!sip || !sip->sip_via || !sip->sip_via->v_protocol) return {};
  std::string p = sip->sip_via->v_protocol;  // "SIP/2.0/UDP"
  p = p.substr(p.rfind('/') + 1);
  for (auto& c : p) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return p;
}

std::string call_id_of(const sip_t* sip) {
  return sip && sip->sip_call_id && sip->sip_call_id->i_id ? sip->sip_call_id->i_id : "";
}

bool is_sdp(const sip_t* sip) {
  return sip->sip_content_type && sip->sip_content_type->c_type &&
         ::strcasecmp(sip->sip_content_type->c_type, "application/sdp") == 0;
}

SipInvite invite_of(DialogId dialog, nua_t* nua, const sip_t* sip) {
  SipInvite in;
  in.dialog = dialog;
  in.call_id = call_id_of(sip);
  if (sip->sip_request) in.request_uri = url_text(sip->sip_request->rq_url);
  if (sip->sip_from) in.from = url_text(sip->sip_from->a_url);
  if (sip->sip_to) in.to = url_text(sip->sip_to->a_url);
  in.source = source_of(nua);
  in.transport = transport_of(sip);
  if (sip->sip_payload && sip->sip_payload->pl_data && is_sdp(sip))
    in.sdp.assign(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
  for (auto* h = sip->sip_unknown; h; h = h->un_next)
    if (h->un_name && h->un_value && (h->un_name[0] == 'x' || h->un_name[0] == 'X') &&
        h->un_name[1] == '-')
      in.x_headers.emplace_back(h->un_name, h->un_value);
  return in;
}

// sofia-sip's own diagnostics (transport errors, odd requests) join the server's log.
void sofia_log(void*, const char* format, va_list args) {
  char line[512];
  const int n = std::vsnprintf(line, sizeof line, format, args);
  if (n <= 0) return;
  std::string_view text(line, std::min<std::size_t>(static_cast<std::size_t>(n), sizeof line - 1));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  if (!text.empty()) spdlog::info("sofia-sip: {}", text);
}

// The listening URL: sofia binds maddr and names the host part in Via and Contact.
std::string listen_url(const SipAgentOptions& o) {
  const auto bracket = [](const std::string& h) {
    return !h.empty() && h.front() != '[' && h.find(':') != std::string::npos ? "[" + h + "]" : h;
  };
  const std::string shown = o.public_host.empty() ? o.bind_host : o.public_host;
  std::string url = "sip:" + bracket(shown) + ":" + std::to_string(o.port);
  if (shown != o.bind_host) url += ";maddr=" + bracket(o.bind_host);
  return url;
}

}  // namespace

struct SipAgent::Impl {
  SipAgentOptions options;
  SipEvents* events = nullptr;
  boost::asio::any_io_executor executor;
  std::thread thread;
  // SIP thread only, once it runs.
  su_root_t* root = nullptr;
  nua_t* nua = nullptr;
  su_timer_t* shutdown_timer = nullptr;
  su_wait_t wake_wait{};
  struct Dialog {
    nua_handle_t* handle = nullptr;
    std::string call_id;  ///< for the log
    // nua_respond hands its phrase to sofia's stack thread by pointer (its tags are copied):
    // the dialog keeps the phrases it sent until it ends.
    std::deque<std::string> phrases;
  };
  std::unordered_map<DialogId, Dialog> handles;
  std::unordered_map<nua_handle_t*, DialogId> dialogs;
  DialogId next_dialog = 1;
  WakeQueue commands;  ///< from other threads, run on the SIP thread
  OutboundDialogs outbound;

  Impl(SipAgentOptions o, boost::asio::any_io_executor x)
      : options(std::move(o)), executor(x), outbound(std::move(x)) {}

  void forget(nua_handle_t* nh) {
    const auto it = dialogs.find(nh);
    if (it == dialogs.end()) return;
    handles.erase(it->second);
    dialogs.erase(it);
    outbound.forget_refer(nh);
    nua_handle_destroy(nh);
  }

  void post_event(std::function<void(SipEvents&)> event) {
    boost::asio::post(executor, [events = events, event = std::move(event)] { event(*events); });
  }

  void on_invite(nua_handle_t* nh, const sip_t* sip) {
    if (dialogs.count(nh)) {
      // A re-INVITE (hold, a new codec): refused until the call work handles them; the
      // session goes on as it was (RFC 3261 14.2).
      spdlog::info("sip: re-INVITE Call-ID {} refused with 488 (not supported yet)",
                   call_id_of(sip));
      if (options.metrics) options.metrics->response_sent("INVITE", 488);
      nua_respond(nh, SIP_488_NOT_ACCEPTABLE,
                  SIPTAG_WARNING_STR("399 switchboard \"re-INVITE is not supported yet\""),
                  TAG_END());
      return;
    }
    const DialogId id = next_dialog++;
    handles[id].handle = nh;
    handles[id].call_id = call_id_of(sip);
    dialogs[nh] = id;
    auto invite = invite_of(id, nua, sip);
    spdlog::info("sip: INVITE Call-ID {} {} from {} via {} {}", invite.call_id, invite.request_uri,
                 invite.from, invite.transport, invite.source);
    post_event([invite = std::move(invite)](SipEvents& e) { e.on_invite(invite); });
  }

  void on_state(nua_handle_t* nh, int status, const char* phrase, tagi_t tags[]) {
    int state = nua_callstate_init;
    tl_gets(tags, NUTAG_CALLSTATE_REF(state), TAG_END());
    if (state != nua_callstate_terminated) return;
    const auto it = dialogs.find(nh);
    if (it == dialogs.end()) return;
    const DialogId id = it->second;
    std::string why = std::to_string(status) + " " + (phrase ? phrase : "");
    spdlog::info("sip: Call-ID {} ended ({})", handles[id].call_id, why);
    post_event([id, why = std::move(why)](SipEvents& e) { e.on_ended(id, why); });
    forget(nh);
  }

  void count_transaction(nua_event_t event, int status, const sip_t* sip) {
    auto* metrics = options.metrics;
    if (!metrics) return;
    if (is_request_received(event)) {
      const std::string_view method = sip && sip->sip_request && sip->sip_request->rq_method_name
                                          ? sip->sip_request->rq_method_name
                                          : "OTHER";
      metrics->request_received(method);
      metrics->response_sent(method, status);  // what sofia answered itself, if final
    } else if (const auto method = answered_method(event, sip)) {
      metrics->response_received(*method, status);
    }
  }

  void on_event(nua_event_t event, int status, const char* phrase, nua_handle_t* nh,
                const sip_t* sip, tagi_t tags[]) {
    count_transaction(event, status, sip);
    if (outbound.on_event(event, status, phrase, nh, sip, tags)) return;
    switch (event) {
      case nua_i_invite:
        if (sip) on_invite(nh, sip);
        break;
      case nua_i_cancel:
        if (const auto it = dialogs.find(nh); it != dialogs.end()) {
          spdlog::info("sip: CANCEL Call-ID {}", call_id_of(sip));
          post_event([id = it->second](SipEvents& e) { e.on_cancelled(id); });
        }
        break;
      case nua_i_bye:
        spdlog::info("sip: BYE Call-ID {}", call_id_of(sip));
        break;
      case nua_i_options:
        spdlog::info("sip: OPTIONS Call-ID {} answered {}", call_id_of(sip), status);
        if (!dialogs.count(nh)) nua_handle_destroy(nh);  // out of dialog: its handle is ours
        break;
      case nua_i_state:
        on_state(nh, status, phrase, tags);
        break;
      case nua_i_info:
        on_info(nh, sip);
        break;
      case nua_i_notify:  // out of dialog, or of no REFER of ours: answered, nothing to do
        if (!dialogs.count(nh)) nua_handle_destroy(nh);
        break;
      case nua_r_info:
        if (status >= 300) spdlog::info("sip: INFO refused {} {}", status, phrase ? phrase : "");
        break;
      case nua_r_shutdown:
        if (status >= 200) su_root_break(root);
        break;
      default:
        break;
    }
  }

  void on_info(nua_handle_t* nh, const sip_t* sip) {
    const auto it = dialogs.find(nh);
    if (it == dialogs.end()) {
      nua_handle_destroy(nh);  // out of dialog: its handle is ours
      return;
    }
    std::string type, body;
    if (sip && sip->sip_content_type && sip->sip_content_type->c_type)
      type = sip->sip_content_type->c_type;
    for (auto& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (sip && sip->sip_payload && sip->sip_payload->pl_data)
      body.assign(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
    post_event([id = it->second, type = std::move(type), body = std::move(body)](SipEvents& e) {
      e.on_info(id, type, body);
    });
  }

  nua_handle_t* established(DialogId dialog) {
    if (auto* nh = outbound.answered_handle(dialog)) return nh;
    const auto it = handles.find(dialog);
    return it == handles.end() ? nullptr : it->second.handle;
  }

  void respond(DialogId dialog, int status, const std::string& reason,
               const std::vector<SipHeader>& headers, const std::string& sdp) {
    const auto it = handles.find(dialog);
    if (it == handles.end()) return;
    const char* phrase = it->second.phrases.emplace_back(reason).c_str();
    std::string extra;
    for (const auto& [name, value] : headers) extra += name + ": " + value + "\r\n";
    if (!extra.empty()) extra.resize(extra.size() - 2);
    if (options.metrics) options.metrics->response_sent("INVITE", status);
    nua_respond(it->second.handle, status, phrase,
                TAG_IF(!extra.empty(), SIPTAG_HEADER_STR(extra.c_str())),
                TAG_IF(!sdp.empty(), SIPTAG_CONTENT_TYPE_STR("application/sdp")),
                TAG_IF(!sdp.empty(), SIPTAG_PAYLOAD_STR(sdp.c_str())), TAG_END());
  }

  void begin_shutdown() {
    nua_shutdown(nua);
    shutdown_timer = su_timer_create(su_root_task(root), kShutdownTimeoutMs);
    su_timer_set(
        shutdown_timer,
        [](Impl*, su_timer_t*, Impl* self) {
          spdlog::warn("sip: shutdown took over {} ms, stopping anyway", kShutdownTimeoutMs);
          su_root_break(self->root);
        },
        this);
  }

  // The SIP thread: everything sofia-sip is created, run and destroyed here.
  void run(std::promise<void>& listening) {
    su_init();
    su_log_redirect(nullptr, &sofia_log, nullptr);
    root = su_root_create(this);
    nua = root ? nua_create(root, &Impl::callback, this, NUTAG_URL(listen_url(options).c_str()),
                            NUTAG_MEDIA_ENABLE(0), SIPTAG_ALLOW_STR(kAllow),
                            SIPTAG_ACCEPT_STR("application/sdp"),
                            // Neither reliable provisional responses nor session timers:
                            // their PRACKs and refreshes are not handled here.
                            SIPTAG_SUPPORTED_STR(""), NUTAG_SESSION_TIMER(0),
                            NUTAG_USER_AGENT("Switchboard"), NUTAG_ENABLEMESSAGE(0), TAG_END())
               : nullptr;
    if (!nua || su_wait_create(&wake_wait, commands.fd(), SU_WAIT_IN) != 0 ||
        su_root_register(root, &wake_wait, &Impl::wake, this, 0) < 0) {
      if (nua) nua_destroy(nua);
      if (root) su_root_destroy(root);
      su_deinit();
      listening.set_exception(std::make_exception_ptr(std::runtime_error(
          "SIP: cannot listen on " + listen_url(options) + " (UDP and TCP; is the port taken?)")));
      return;
    }
    commands.open();
    listening.set_value();
    su_root_run(root);
    outbound.destroy_all();
    for (auto& [id, dialog] : handles) nua_handle_destroy(dialog.handle);
    handles.clear();
    dialogs.clear();
    if (shutdown_timer) su_timer_destroy(shutdown_timer);
    nua_destroy(nua);
    su_root_unregister(root, &wake_wait, &Impl::wake, this);
    su_root_destroy(root);
    su_deinit();
  }

  static int wake(Impl*, su_wait_t*, Impl* self) {
    self->commands.run_ready();
    return 0;
  }

  static void callback(nua_event_t event, int status, const char* phrase, nua_t*, Impl* self,
                       nua_handle_t* nh, nua_hmagic_t*, const sip_t* sip, tagi_t tags[]) {
    self->on_event(event, status, phrase, nh, sip, tags);
  }
};

SipAgent::SipAgent(SipAgentOptions options, boost::asio::any_io_executor executor)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(executor))) {}

SipAgent::~SipAgent() {
  stop();
}

void SipAgent::start(SipEvents& events) {
  impl_->events = &events;
  std::promise<void> listening;
  auto ready = listening.get_future();
  impl_->thread = std::thread([this, &listening] { impl_->run(listening); });
  try {
    ready.get();
  } catch (...) {
    impl_->thread.join();
    throw;
  }
  spdlog::info("SIP agent listening on {} (UDP and TCP)", listen_url(impl_->options));
}

void SipAgent::stop() {
  if (!impl_->thread.joinable()) return;
  impl_->commands.push([impl = impl_.get()] { impl->begin_shutdown(); });
  impl_->thread.join();
  impl_->commands.close();
}

void SipAgent::respond(DialogId dialog, int status, std::string reason,
                       std::vector<SipHeader> headers, std::string sdp) {
  impl_->commands.push(
      [impl = impl_.get(), dialog, status, reason = std::move(reason), headers = std::move(headers),
       sdp = std::move(sdp)] { impl->respond(dialog, status, reason, headers, sdp); });
}

void SipAgent::hang_up(DialogId dialog) {
  impl_->commands.push([impl = impl_.get(), dialog] {
    if (impl->outbound.hang_up(dialog)) return;
    if (const auto it = impl->handles.find(dialog); it != impl->handles.end())
      nua_bye(it->second.handle, TAG_END());
  });
}

DialogId SipAgent::dial(SipDialRequest request, std::shared_ptr<SipDialEvents> events) {
  const DialogId id = impl_->outbound.next_id();
  auto work = [impl = impl_.get(), id, request = std::move(request), events]() mutable {
    impl->outbound.dial(impl->nua, id, std::move(request), std::move(events));
  };
  if (!impl_->commands.push(std::move(work))) impl_->outbound.refuse(id, events);
  return id;
}

void SipAgent::refer(DialogId dialog, std::string refer_to, std::vector<SipHeader> headers,
                     std::function<void(int status)> done,
                     std::function<void(int status)> outcome) {
  auto shared = std::make_shared<std::pair<std::function<void(int)>, std::function<void(int)>>>(
      std::move(done), std::move(outcome));
  auto work = [impl = impl_.get(), dialog, refer_to = std::move(refer_to),
               headers = std::move(headers), shared] {
    // An inbound dialog's handle before its INVITE is answered too: the peer refuses it.
    impl->outbound.refer(impl->established(dialog), refer_to, headers, std::move(shared->first),
                         std::move(shared->second));
  };
  if (!impl_->commands.push(std::move(work))) impl_->outbound.refuse(std::move(shared->first));
}

void SipAgent::info(DialogId dialog, std::string content_type, std::string body) {
  impl_->commands.push(
      [impl = impl_.get(), dialog, content_type = std::move(content_type), body = std::move(body)] {
        impl->outbound.info(impl->established(dialog), content_type, body);
      });
}

void SipAgent::ping(const std::string& uri, std::function<void(int status)> done) {
  auto shared = std::make_shared<std::function<void(int)>>(std::move(done));
  if (!impl_->commands.push([impl = impl_.get(), uri, shared] {
        impl->outbound.ping(impl->nua, uri, std::move(*shared));
      }))
    impl_->outbound.refuse(std::move(*shared));
}

}  // namespace sb::telephony::sip
