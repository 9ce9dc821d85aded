#include "telephony/sip/options_pinger.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <map>
#include <mutex>

#include "core/json_fields.hpp"
#include "core/prometheus_text.hpp"
#include "net/timer.hpp"

namespace sb::telephony::sip {

std::vector<PingTarget> ping_targets(const boost::json::object& credential) {
  std::vector<PingTarget> out;
  const auto* gateways = array_at(credential, "gateways");
  if (!gateways) return out;
  for (const auto& g : *gateways) {
    const auto* gateway = g.if_object();
    if (!gateway || !bool_at(*gateway, "optionsPingEnabled", false)) continue;
    const std::string ip(string_at(*gateway, "ip"));
    std::string protocol(string_at(*gateway, "outboundProtocol"));
    if (protocol.empty()) protocol = "udp";
    if (ip.empty() || (protocol != "udp" && protocol != "tcp")) continue;
    const std::string host = (ip.find(':') != std::string::npos ? "[" + ip + "]" : ip) + ":" +
                             std::to_string(int_at(*gateway, "port", 5060));
    out.push_back({host, "sip:" + host + ";transport=" + protocol});
  }
  return out;
}

namespace {

// A Prometheus label value: backslash, quote and newline escaped.
std::string label(const std::string& value) {
  std::string out;
  for (const char ch : value) {
    if (ch == '\n') {
      out += "\\n";
      continue;
    }
    if (ch == '\\' || ch == '"') out += '\\';
    out += ch;
  }
  return out;
}

}  // namespace

bool ping_says_up(int status) {
  return status >= 200 && status != 408 && (status < 500 || status >= 600);
}

struct OptionsPinger::Impl : std::enable_shared_from_this<Impl> {
  SipPinger& pinger;
  boost::asio::any_io_executor executor;
  const Clock& clock;
  std::chrono::milliseconds interval;
  struct Gateway {
    PingTarget target;
    std::unique_ptr<net::Timer> timer;
    std::uint64_t generation = 0;  ///< tells a removed and re-added gateway's old answers apart
  };
  // On the executor.
  std::map<std::string, Gateway> gateways;  ///< by uri
  std::uint64_t next_generation = 1;
  bool stopped = false;
  // Any thread.
  mutable std::mutex mutex;
  std::map<std::string, GatewayState> states;  ///< by uri

  Impl(SipPinger& p, boost::asio::any_io_executor x, const Clock& c, std::chrono::milliseconds i)
      : pinger(p), executor(std::move(x)), clock(c), interval(i) {}

  void ping(const std::string& uri, std::uint64_t generation) {
    pinger.ping(uri, [weak = weak_from_this(), uri, generation](int status) {
      // The agent posts to its executor; the state lives on ours.
      if (auto self = weak.lock())
        boost::asio::post(self->executor, [self, uri, generation, status] {
          self->answered(uri, generation, status);
        });
    });
  }

  void answered(const std::string& uri, std::uint64_t generation, int status) {
    const auto it = gateways.find(uri);
    if (stopped || it == gateways.end() || it->second.generation != generation) return;
    const bool up = ping_says_up(status);
    {
      std::lock_guard lock(mutex);
      auto& state = states[uri];
      if (state.up != up)
        spdlog::log(up ? spdlog::level::info : spdlog::level::warn,
                    "sip: gateway {} is {} (OPTIONS answered {})", state.gateway,
                    up ? "up" : "down", status);
      state.up = up;
      state.last_status = status;
      ++state.pings;
    }
    it->second.timer->arm_after(interval, [weak = weak_from_this(), uri, generation] {
      if (auto self = weak.lock(); self && !self->stopped) self->ping(uri, generation);
    });
  }

  void set(std::vector<PingTarget> targets) {
    if (stopped) return;
    std::map<std::string, Gateway> kept;
    for (auto& t : targets) {
      if (kept.count(t.uri)) continue;
      if (auto it = gateways.find(t.uri); it != gateways.end()) {
        kept.emplace(t.uri, std::move(it->second));
        continue;
      }
      Gateway g{t, std::make_unique<net::Timer>(executor, clock), next_generation++};
      const auto generation = g.generation;
      kept.emplace(t.uri, std::move(g));
      {
        std::lock_guard lock(mutex);
        states[t.uri] = GatewayState{t.gateway, std::nullopt, 0, 0};
      }
      ping(t.uri, generation);
    }
    gateways.swap(kept);  // the removed ones' timers are cancelled with them
    std::lock_guard lock(mutex);
    std::erase_if(states, [&](const auto& s) { return !gateways.count(s.first); });
  }
};

OptionsPinger::OptionsPinger(SipPinger& pinger, boost::asio::any_io_executor executor,
                             const Clock& clock, std::chrono::milliseconds interval)
    : impl_(std::make_shared<Impl>(pinger, std::move(executor), clock, interval)) {}

OptionsPinger::~OptionsPinger() {
  stop();
}

void OptionsPinger::set_targets(std::vector<PingTarget> targets) {
  boost::asio::post(impl_->executor, [impl = impl_, targets = std::move(targets)]() mutable {
    impl->set(std::move(targets));
  });
}

void OptionsPinger::stop() {
  // The timers are cancelled on the executor; the flag stops what is already on its way.
  boost::asio::post(impl_->executor, [impl = impl_] {
    impl->stopped = true;
    impl->gateways.clear();
  });
}

std::vector<OptionsPinger::GatewayState> OptionsPinger::states() const {
  std::lock_guard lock(impl_->mutex);
  std::vector<GatewayState> out;
  for (const auto& [uri, state] : impl_->states) out.push_back(state);
  return out;
}

std::string OptionsPinger::render_metrics() const {
  const auto all = states();
  std::string out;
  append_metric_header(out, "switchboard_sip_gateway_up", "gauge",
                       "Whether a trunk gateway answered its last OPTIONS ping (1) or not (0).");
  for (const auto& s : all)
    if (s.up)
      out += "switchboard_sip_gateway_up{gateway=\"" + label(s.gateway) + "\"} " +
             (*s.up ? "1\n" : "0\n");
  append_metric_header(out, "switchboard_sip_gateway_pings_total", "counter",
                       "OPTIONS pings to a trunk gateway that got a final answer.");
  for (const auto& s : all)
    out += "switchboard_sip_gateway_pings_total{gateway=\"" + label(s.gateway) + "\"} " +
           std::to_string(s.pings) + "\n";
  return out;
}

}  // namespace sb::telephony::sip
