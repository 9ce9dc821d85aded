#pragma once
// Inside SipAgent (this header includes sofia-sip's: only sip_agent*.cpp include it): the
// agent's outbound INVITE dialogs and OPTIONS pings. Everything but next_id() runs on the SIP
// thread; events go to the application's executor.

#include <sofia-sip/nua.h>

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "telephony/sip/sip_dial.hpp"

namespace sb::telephony::sip {

class OutboundDialogs {
 public:
  explicit OutboundDialogs(boost::asio::any_io_executor executor)
      : executor_(std::move(executor)) {}

  /// Any thread: a new outbound dialog id.
  DialogId next_id() { return kOutboundDialogBit | next_.fetch_add(1); }
  /// Reports on_failed 503 for a dial the agent could not take (not running).
  void refuse(DialogId id, const std::shared_ptr<SipDialEvents>& events);
  /// Reports a ping the agent could not send as 503.
  void refuse(std::function<void(int)> done);

  void dial(nua_t* nua, DialogId id, SipDialRequest request, std::shared_ptr<SipDialEvents> events);
  void ping(nua_t* nua, const std::string& uri, std::function<void(int)> done);
  /// CANCEL or BYE; false when `dialog` is not one of ours.
  bool hang_up(DialogId dialog);
  /// The handle of an outbound dialog that is answered; nullptr otherwise.
  nua_handle_t* answered_handle(DialogId dialog) const;
  /// REFER on `nh` (an answered dialog's handle, inbound or outbound; nullptr: 481 at once);
  /// after a 2xx, `outcome` waits for the final NOTIFY (SipTransfers::refer).
  void refer(nua_handle_t* nh, const std::string& refer_to, const std::vector<SipHeader>& headers,
             std::function<void(int)> done, std::function<void(int)> outcome);
  /// INFO on `nh` (nullptr: ignored).
  void info(nua_handle_t* nh, const std::string& content_type, const std::string& body);
  /// The dialog of `nh` is over (before its handle is destroyed): a REFER waiting on it gets
  /// 481; an outcome still awaited is dropped.
  void forget_refer(nua_handle_t* nh);
  /// Handles the events of our handles; false for others (the inbound side's).
  bool on_event(nua_event_t event, int status, const char* phrase, nua_handle_t* nh,
                const sip_t* sip, tagi_t tags[]);
  /// At shutdown, after the loop ended: frees every handle (no more events).
  void destroy_all();

 private:
  struct Dialog {
    DialogId id = 0;
    std::shared_ptr<SipDialEvents> events;
    SipDialRequest request;  ///< its strings stay alive as long as the handle
    std::string call_id;
    std::deque<std::string> auth;  ///< credentials strings given to nua_authenticate
    bool authenticated = false;
    bool answered = false;
    bool reported_end = false;  ///< on_failed or on_ended posted
  };
  void on_invite_response(Dialog& d, nua_handle_t* nh, int status, const char* phrase,
                          const sip_t* sip);
  void on_terminated(nua_handle_t* nh, int status, const char* phrase);
  void post(std::function<void()> work);

  boost::asio::any_io_executor executor_;
  std::atomic<DialogId> next_{1};
  std::unordered_map<nua_handle_t*, Dialog> dialogs_;
  std::unordered_map<DialogId, nua_handle_t*> handles_;
  std::unordered_map<nua_handle_t*, std::function<void(int)>> pings_;
  struct Refer {
    std::function<void(int)> done;
    std::function<void(int)> outcome;
  };
  void on_notify(nua_handle_t* nh, const sip_t* sip);

  std::unordered_map<nua_handle_t*, Refer> refers_;  ///< one at a time
  /// Transfers the peer took (202): their outcome comes in a NOTIFY.
  std::unordered_map<nua_handle_t*, std::function<void(int)>> outcomes_;
};

}  // namespace sb::telephony::sip
