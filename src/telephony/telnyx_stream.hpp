#pragma once
// Telnyx Media Streaming's WebSocket messages (JSON text frames), as Telnyx documents them:
// from Telnyx `connected`, `start` (stream_id, call_control_id, custom_parameters,
// media_format), `media` (track, chunk, timestamp, base64 RTP payload without headers),
// `dtmf`, `mark` (the echo of ours once what preceded it has played, or was cleared), `error`
// and `stop`; to Telnyx, in bidirectional RTP mode, `media`, `mark` and `clear`. Telnyx does
// not promise media frames in order: ChunkReorder puts them back by chunk number.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

namespace sb::telephony {

struct TelnyxStreamEvent {
  enum class Kind { kConnected, kStart, kMedia, kDtmf, kMark, kError, kStop };
  Kind kind = Kind::kConnected;
  std::string stream_id;
  std::int64_t sequence = 0;  ///< sequence_number
  // start
  std::string call_control_id;
  boost::json::object custom_parameters;
  std::string encoding;  ///< media_format.encoding: "PCMU", "PCMA", ...
  int sample_rate = 0;
  int channels = 0;
  // media
  std::string track;  ///< "inbound" / "outbound"
  std::int64_t chunk = 0;
  std::int64_t timestamp_ms = 0;
  std::string audio;  ///< the payload, base64-decoded
  // dtmf / mark / error
  std::string digit;
  std::string mark_name;
  std::string error;  ///< error.title / error.detail
};

/// The event of one text frame; nullopt (with `error` saying why) for what is not JSON, an
/// unknown event, or a message missing what its kind needs. Counts are read whether spelled
/// as strings or numbers.
std::optional<TelnyxStreamEvent> parse_telnyx_stream_event(std::string_view text,
                                                           std::string& error);

/// {"event":"media","media":{"payload": base64 of `rtp_payload`}}
std::string telnyx_media_message(std::string_view rtp_payload);
/// {"event":"mark","mark":{"name":…}}
std::string telnyx_mark_message(std::string_view name);
/// {"event":"clear"}: Telnyx stops playing, drops what it holds and echoes pending marks.
std::string telnyx_clear_message();

/// Media chunks back in order. Chunks are numbered from `first`; one that arrives early waits
/// for those before it, but at most `window` chunks wait: beyond that the missing ones are
/// taken as lost and playback moves on. A chunk that comes after its turn has passed (late or
/// repeated) is dropped. Chunks without a number (0) pass straight through.
class ChunkReorder {
 public:
  explicit ChunkReorder(std::size_t window = 8, std::int64_t first = 1)
      : window_(window), next_(first) {}
  /// Takes chunk `chunk`; returns the payloads now due, in order.
  std::vector<std::string> push(std::int64_t chunk, std::string audio);
  /// Chunks dropped as late or repeated, and chunks skipped as lost.
  std::size_t dropped() const { return dropped_; }
  std::size_t skipped() const { return skipped_; }

 private:
  void release(std::vector<std::string>& out);

  std::size_t window_;
  std::int64_t next_;
  std::map<std::int64_t, std::string> held_;
  std::size_t dropped_ = 0;
  std::size_t skipped_ = 0;
};

}  // namespace sb::telephony
