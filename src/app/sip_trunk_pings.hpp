#pragma once
// OPTIONS pings to the gateways of every org's byo-sip-trunk credentials that ask for them
// (optionsPingEnabled), kept up to date as credentials are created, changed and deleted; their
// up/down state for GET /metrics. See telephony/sip/options_pinger.hpp.

#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <string>

#include "core/clock.hpp"
#include "storage/change_feed.hpp"
#include "storage/store.hpp"
#include "telephony/sip/options_pinger.hpp"

namespace sb::app {

class SipTrunkPings {
 public:
  /// Pings run on `executor`; `store` and `clock` must outlive this.
  SipTrunkPings(storage::Store& store, boost::asio::any_io_executor executor, const Clock& clock);
  ~SipTrunkPings();  ///< stop()

  /// Reads the credentials and starts pinging through `pinger` (which must outlive this, or
  /// stop() be called before it goes). Before the HTTP threads start: render_metrics may then
  /// be called from any thread.
  void start(telephony::sip::SipPinger& pinger);
  void stop();
  /// The gateways' metrics; "" when not started.
  std::string render_metrics() const;

 private:
  void rescan();

  storage::Store& store_;
  boost::asio::any_io_executor executor_;
  const Clock& clock_;
  std::shared_ptr<telephony::sip::OptionsPinger> pinger_;  /// shared with pending reads
  storage::ChangeFeed::Subscription changes_;
};

}  // namespace sb::app
