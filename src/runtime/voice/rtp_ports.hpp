#pragma once
// The UDP ports a server's calls may take for RTP, from a configured range (the firewall opens
// that range and no other). RTP takes an even port and its RTCP the odd one after it (RFC
// 3550 §11), so only even ports are handed out and the range must hold the pair. Ports are
// handed out round-robin rather than lowest-free first, so a port just released is not taken
// again at once and stray packets of an ended call do not reach the next one. Thread-safe.

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace sb::voice {

class RtpPorts {
 public:
  /// Even ports p with first <= p and p + 1 <= last. Throws std::invalid_argument when there
  /// is not one.
  RtpPorts(std::uint16_t first, std::uint16_t last);

  /// A free even port, or nullopt when every one is taken.
  std::optional<std::uint16_t> acquire();
  /// Gives a port back (one not taken, or not ours, is ignored).
  void release(std::uint16_t port);

  std::size_t total() const { return taken_.size(); }
  std::size_t in_use() const;
  /// "10000-10099", for messages.
  std::string describe() const;

 private:
  std::uint16_t first_;  ///< even
  std::uint16_t last_;
  mutable std::mutex mutex_;
  std::vector<bool> taken_;  ///< by (port - first_) / 2
  std::size_t next_ = 0;
  std::size_t in_use_ = 0;
};

}  // namespace sb::voice
