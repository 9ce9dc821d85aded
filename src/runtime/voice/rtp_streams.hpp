#pragma once
// The RTP streams of live SIP calls, for GET /metrics: how many are active, and each one's
// packets, loss and jitter, labelled by call id (a server has at most --max-calls of them).
// Thread-safe; a stream is listed from its call's answer until its call ends.

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace sb::voice {

class RtpSession;

class RtpStreams {
 public:
  void add(const std::string& call_id, std::weak_ptr<RtpSession> session);
  void remove(const std::string& call_id);
  /// Prometheus text: switchboard_rtp_streams_active, then per call
  /// switchboard_rtp_packets_{received,sent}, switchboard_rtp_packets_lost and
  /// switchboard_rtp_jitter_ms.
  std::string render() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::weak_ptr<RtpSession>> streams_;
};

}  // namespace sb::voice
