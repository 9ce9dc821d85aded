#include "app/sip_trunk_pings.hpp"

#include <spdlog/spdlog.h>

#include <boost/json/parse.hpp>

#include "domain/credentials/credential_spec.hpp"

namespace sb::app {

SipTrunkPings::SipTrunkPings(storage::Store& store, boost::asio::any_io_executor executor,
                             const Clock& clock)
    : store_(store), executor_(std::move(executor)), clock_(clock) {}

SipTrunkPings::~SipTrunkPings() {
  stop();
}

void SipTrunkPings::start(telephony::sip::SipPinger& pinger) {
  pinger_ = std::make_shared<telephony::sip::OptionsPinger>(pinger, executor_, clock_);
  // Any credential written may add, change or drop gateways: read them all again (rare).
  changes_ = store_.changes().subscribe([this](const storage::ResourceChange& change) {
    if (change.kind == credentials::kKind) rescan();
  });
  rescan();
}

void SipTrunkPings::stop() {
  changes_.reset();
  if (pinger_) pinger_->stop();
}

std::string SipTrunkPings::render_metrics() const {
  return pinger_ ? pinger_->render_metrics() : "";
}

void SipTrunkPings::rescan() {
  store_.post_read([pinger = pinger_](storage::Session& s) {
    const std::vector<storage::FieldFilter> trunks{{"provider",
                                                    storage::FieldFilter::Op::kEquals,
                                                    storage::FieldFilter::Type::kText,
                                                    {"byo-sip-trunk"}}};
    std::vector<telephony::sip::PingTarget> targets;
    for (const auto& record : s.resources().find_in_any_org(credentials::kKind, trunks)) {
      boost::system::error_code ec;
      const auto doc = boost::json::parse(record.document, ec);
      if (ec || !doc.is_object()) continue;
      for (auto& t : telephony::sip::ping_targets(doc.as_object())) targets.push_back(std::move(t));
    }
    if (!targets.empty())
      spdlog::info("sip: pinging {} trunk gateway(s) with OPTIONS", targets.size());
    pinger->set_targets(std::move(targets));
  });
}

}  // namespace sb::app
