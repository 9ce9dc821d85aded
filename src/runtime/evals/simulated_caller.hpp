#pragma once
// The caller's side of a voice simulation: the media connection of the target's live call,
// played in-process (the CallTransport seam SIP calls use too) rather than through the
// server's own WebSocket: the call's pipeline from the transport inwards is the same, and the
// runner needs no API key, port or public URL to reach its own server.
//
// Like a microphone it sends the call one 20 ms frame at each tick of real time from start()
// until the call hangs up: the tester's speech when there is some (say(): synthesised by a
// speech::Voice, played in order), silence otherwise. It listens to the call's client messages:
// the target's final transcripts make up its turn, which ends when its speech stops
// (speech-update stopped). It measures each turn's latency as the caller hears it: from the end
// of the tester's speech to the target's next speech-update started.
//
// Threads: its state lives on its executor (a strand); the call's messages, the voice's events
// and say() are posted there. Events run on that strand. Bounded: one utterance of at most
// kMaxSpeechSeconds is buffered, at most kMaxQueued wait to be synthesised, a target turn's
// words are cut at kMaxTurnChars.

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "net/timer.hpp"
#include "runtime/speech/speech.hpp"
#include "runtime/voice/call_transport.hpp"

namespace sb::evals {

struct SimulatedCallerEvents {
  /// The target stopped speaking; `words` is what the call says it spoke since its last turn
  /// (its final assistant transcripts, joined; may be empty).
  std::function<void(std::string words)> on_target_turn;
  /// The tester's speech could not be produced (the voice failed, or it was too long).
  std::function<void(std::string message)> on_failure;
};

class SimulatedCaller final : public voice::CallTransport,
                              public std::enable_shared_from_this<SimulatedCaller> {
 public:
  static constexpr int kMaxSpeechSeconds = 60;
  static constexpr std::size_t kMaxQueued = 4;
  static constexpr std::size_t kMaxTurnChars = 16'384;

  /// `voice_config` is the tester's voice (the Voice's config object); `context` names the call
  /// and org for it. Nothing runs before start().
  SimulatedCaller(boost::asio::any_io_executor strand, const Clock& clock, speech::Voice& voice,
                  boost::json::object voice_config, speech::SpeechContext context,
                  SimulatedCallerEvents events);
  ~SimulatedCaller() override;

  /// The call's transport is this: frames go to `call` from now until hang_up(). Any thread.
  void start(std::shared_ptr<voice::CallMedia> call);
  /// Says `text` after what is being said. Any thread.
  void say(std::string text);
  /// LatencyMetrics so far: turnCount and, when a turn was measured, avgTurn (ms). Any thread.
  boost::json::object latency() const;

  // voice::CallTransport (the call's strand)
  bool paced() const override { return true; }
  bool send_audio(std::span<const std::int16_t> pcm) override;
  void clear() override {}
  void mark(const std::string&) override {}
  void send_message(const boost::json::object& message) override;
  void hang_up() override;

 private:
  void tick();
  void next_synthesis();
  void heard(const boost::json::object& message);
  void fail(std::string message);

  boost::asio::any_io_executor strand_;
  const Clock& clock_;
  speech::Voice& voice_;
  boost::json::object voice_config_;
  speech::SpeechContext context_;
  SimulatedCallerEvents events_;
  net::Timer timer_;
  // On the strand:
  std::shared_ptr<voice::CallMedia> call_;  // until hang_up
  bool stopped_ = false;
  Clock::SteadyTime origin_{};
  std::int64_t frames_ = 0;
  std::deque<std::string> queued_;
  std::unique_ptr<speech::Synthesis> synthesis_;
  std::vector<std::int16_t> speech_;
  std::size_t played_ = 0;
  bool speaking_ = false;                         // an utterance is being synthesised or played
  std::optional<Clock::SteadyTime> spoke_until_;  // the end of the tester's last utterance
  std::string words_;
  // Latency, read from any thread.
  mutable std::mutex latency_mutex_;
  std::int64_t turns_measured_ = 0;
  std::int64_t turn_ms_total_ = 0;
};

}  // namespace sb::evals
