#include "runtime/voice/rtp_streams.hpp"

#include <cstdio>
#include <functional>
#include <vector>

#include "core/prometheus_text.hpp"
#include "runtime/voice/rtp_session.hpp"

namespace sb::voice {

void RtpStreams::add(const std::string& call_id, std::weak_ptr<RtpSession> session) {
  std::lock_guard lock(mutex_);
  streams_[call_id] = std::move(session);
}

void RtpStreams::remove(const std::string& call_id) {
  std::lock_guard lock(mutex_);
  streams_.erase(call_id);
}

std::string RtpStreams::render() const {
  std::vector<std::pair<std::string, RtpStreamCounters>> live;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, weak] : streams_)
      if (auto session = weak.lock()) live.emplace_back(id, session->counters());
  }
  std::string out;
  append_metric(out, "switchboard_rtp_streams_active", "gauge", "RTP streams of live SIP calls",
                live.size());
  const auto per_call = [&](std::string_view name, std::string_view help,
                            const std::function<std::string(const RtpStreamCounters&)>& value) {
    if (live.empty()) return;
    append_metric_header(out, name, "gauge", help);
    for (const auto& [id, c] : live)
      out += std::string(name) + "{call=\"" + id + "\"} " + value(c) + "\n";
  };
  per_call("switchboard_rtp_packets_received", "RTP packets received from the caller, per call",
           [](const auto& c) { return std::to_string(c.packets_in); });
  per_call("switchboard_rtp_packets_sent", "RTP packets sent to the caller, per call",
           [](const auto& c) { return std::to_string(c.packets_out); });
  per_call("switchboard_rtp_packets_lost", "RTP packets from the caller lost (RFC 3550 A.3)",
           [](const auto& c) { return std::to_string(c.lost); });
  per_call("switchboard_rtp_frames_dropped",
           "Outbound audio frames the server dropped (its send queue was full, or a send failed)",
           [](const auto& c) { return std::to_string(c.dropped_out); });
  per_call("switchboard_rtp_packets_ignored",
           "Datagrams ignored: malformed, of another payload type, or from another source",
           [](const auto& c) { return std::to_string(c.ignored); });
  per_call("switchboard_rtp_jitter_buffer_dropped",
           "Caller packets the jitter buffer dropped (late past their turn, or overflow)",
           [](const auto& c) {
             return std::to_string(c.jitter_buffer.late + c.jitter_buffer.overflow);
           });
  per_call("switchboard_rtp_jitter_ms", "Interarrival jitter of the caller's RTP (RFC 3550 A.8)",
           [](const auto& c) {
             char text[32];
             std::snprintf(text, sizeof text, "%.3f", c.jitter_ms);
             return std::string(text);
           });
  return out;
}

}  // namespace sb::voice
