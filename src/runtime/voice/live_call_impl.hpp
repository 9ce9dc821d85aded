#pragma once
// The state of one live call (private to live_call*.cpp). Every member below the mutex is read
// and written on the call's strand only; events from other threads (the transport, the engine,
// the speech adapters) are posted to it and dropped when they belong to an answer that has been
// cut since (`answer_` generations).

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

#include <boost/json/array.hpp>

#include "domain/calls/call_costs.hpp"
#include "domain/calls/call_events.hpp"
#include "domain/calls/transfer_plan.hpp"
#include "media/frame_pacer.hpp"
#include "media/voice_activity.hpp"
#include "net/timer.hpp"
#include "runtime/chat/call_control.hpp"
#include "runtime/speech/speech.hpp"
#include "runtime/voice/call_hooks.hpp"
#include "runtime/voice/call_listeners.hpp"
#include "runtime/voice/call_recorder.hpp"
#include "runtime/voice/call_transfers.hpp"
#include "runtime/voice/chunker.hpp"
#include "runtime/voice/keypad_input.hpp"
#include "runtime/voice/live_call.hpp"
#include "runtime/voice/tool_speech.hpp"
#include "runtime/voice/turn_taking.hpp"

namespace sb::voice {

/// A piece of the assistant's speech: its text and how much of its audio has been played, so a
/// cut knows what the caller heard.
/// A piece of an answer waiting for the voice: words, or (keys) keypad tones the dtmf tool
/// pressed, played as they come in the answer's audio.
struct QueuedSpeech {
  std::string text;
  bool keys = false;
  bool sip_info = false;  ///< keys: as SIP INFO where the transport can (sipInfoDtmfEnabled)
};

/// A key to send out of band when the audio before it has been sent: `at` samples from the
/// front of the outbound audio, where its placeholder silence starts.
struct DigitCue {
  std::size_t at = 0;
  char key = 0;
  bool sip_info = false;
};

struct SpokenSegment {
  std::uint64_t answer = 0;
  std::string text;
  std::size_t samples = 0;  ///< synthesised so far
  std::size_t played = 0;
  bool complete = false;  ///< synthesis finished
};

class LiveCallImpl final : public LiveCall,
                           public chat::CallControl,
                           public std::enable_shared_from_this<LiveCallImpl> {
 public:
  LiveCallImpl(boost::asio::any_io_executor strand, LiveCallServices services,
               std::unique_ptr<CallSink> sink, boost::json::object call,
               chat::Conversation conversation, LiveCallOptions options,
               boost::json::object phone_number);
  ~LiveCallImpl() override;

  // LiveCall
  bool claim() override;
  void connected(std::shared_ptr<CallTransport> transport) override;
  void end(std::string ended_reason) override;
  void progress(boost::json::object fields, std::string status) override;
  std::shared_ptr<void> reserve_listener() override;
  std::shared_ptr<net::WebSocketHandler> listen(std::shared_ptr<net::WebSocket> socket,
                                                std::shared_ptr<void> place) override;
  boost::json::object snapshot() const override;
  const std::string& id() const override { return id_; }
  bool ended() const override { return ended_flag_.load(); }
  bool has_member(std::string_view name_or_id) const override;
  void voicemail_reached() override;

  // CallMedia (transport threads)
  void customer_audio(std::vector<std::int16_t> pcm) override;
  void control(boost::json::object message) override;
  void dtmf(std::string digits) override;
  void mark_played(std::string name) override;
  void hung_up(std::string reason) override;

  // chat::CallControl (the engine's thread, turn lock held: post, never wait)
  std::string end_call(const boost::json::object& tool) override;
  std::string transfer(const boost::json::object& tool,
                       const boost::json::object& destination) override;
  std::string send_dtmf(const boost::json::object& tool, std::string_view digits) override;
  std::string voicemail(const boost::json::object& tool) override;

  void arm_connect_deadline();

 private:
  /// Runs `f` on the call's strand (keeping the call alive until it has run).
  void on_strand(std::function<void(LiveCallImpl&)> f);
  Clock::SteadyTime now() const { return services_.clock.steady_now(); }

  // live_call.cpp: lifecycle, messages
  /// The plans of assistant_ (turn-taking, chunking, end-call phrases, hooks).
  void read_plans();
  void start(std::shared_ptr<CallTransport> transport);
  void finish(const std::string& ended_reason);

  // live_call_control.cpp: control messages, handoffs
  /// assistants[index] answers from now on (a squad handoff); a member with another
  /// transcriber gets a stream of its own.
  void hand_off(std::size_t index);
  /// Opens assistant_'s transcriber stream.
  void open_transcriber();
  void handle_control(const boost::json::object& message);
  bool wants_server(std::string_view type) const;
  bool wants_client(std::string_view type) const;
  void emit(boost::json::object message);
  boost::json::object base_message(std::string_view type) const;
  void add_artifact_message(std::string role, const std::string& text, std::int64_t at_ms,
                            std::int64_t end_ms);
  void send_conversation_update();
  /// An event for the insights' events table (calls/call_events.hpp), to the sink.
  void record(std::string_view type, boost::json::object data = {});
  /// provider and model of the model answering (and the ms since its turn was asked for,
  /// `latency`), for its events.
  boost::json::object turn_fields(bool latency) const;
  boost::json::object artifact() const;
  /// What the call used, for its costs; `ended_ms` is when it ended.
  calls::CallUsage usage(std::int64_t ended_ms) const;
  std::int64_t wall_ms() const { return services_.clock.wall_ms(); }

  // live_call_audio.cpp: frames in, voice activity, barge-in, paced frames out
  void take_customer_audio(const std::vector<std::int16_t>& pcm);
  void customer_frame(std::span<const std::int16_t> frame);
  void tick();
  void send_due(Clock::SteadyTime t);
  void send_frames(std::size_t frames);
  void credit_played(Clock::SteadyTime t);
  void assistant_started_speaking();
  void assistant_stopped_speaking();
  void check_barge_in();
  void interrupt();
  /// What the caller heard of `answer` (of every answer when `all`).
  std::string heard_text(std::uint64_t answer, bool all = false) const;
  void fade_out();
  bool speaking_queued() const;

  // live_call_listen.cpp: monitor.listenUrl
  void add_listener(std::shared_ptr<net::WebSocket> socket, std::shared_ptr<void> place);
  void drop_listener(const net::WebSocket* socket);
  /// The recorder aligns what listeners hear: a call that is not recorded gets one (without a
  /// disk) while somebody listens, and loses it when nobody does.
  void align_for_listeners();

  // live_call_turns.cpp: transcripts, endpointing, model turns, synthesis
  void on_transcript(speech::Transcript transcript);
  void end_of_customer_turn();
  void press_key(char key);
  void begin_transfer(const boost::json::object& tool, boost::json::object destination);
  void ask_transfer_destination(const boost::json::object& tool);
  void carry_out_transfer();
  void hand_transfer_over(std::optional<TransferIntro> intro);
  void transfer_failed(std::string error);
  // live_call_warm_transfer.cpp: what a transfer's plan needs before the carrier is asked
  void prepare_transfer(boost::json::object destination, calls::TransferPlan plan);
  void summarize_for_transfer();
  void summary_written(std::string summary, const std::string& why);
  void introduce_transfer();
  void introduction_spoken(const std::string& failure);
  void abandon_transfer_preparation();
  void keypad_entry(const std::string& digits);
  /// Asks the customer's server how long to wait before the turn ends (`fallback` without it).
  void ask_endpointing(std::chrono::milliseconds fallback);
  /// What the assistant said last (customEndpointingRules of type assistant look at it).
  std::string last_assistant_text() const;
  /// A model turn; `instruction`, when given, is a system message for this turn only.
  void respond(std::string instruction = {});
  void model_delta(std::uint64_t answer, std::string delta);
  void model_done(std::uint64_t answer, chat::ChatResult result);
  void model_failed(std::uint64_t answer, chat::ChatFailure failure);
  void say(std::string text, bool interruptible);
  void queue_speech(std::uint64_t answer, std::string text, bool keys = false,
                    bool sip_info = false);
  void play_keys(std::uint64_t answer, const std::string& keys, bool sip_info);
  /// Queues `keys`' audio (live_call_keypad.cpp): tones, or silence with DigitCues.
  void queue_keys(const std::string& keys, bool sip_info);
  void synthesize_next();
  void synthesis_audio(std::uint64_t answer, std::vector<std::int16_t> pcm);
  void synthesis_done(std::uint64_t answer);
  void keep_heard(const std::string& heard, boost::json::array* output);
  void check_end_call_phrases(const std::string& text);

  // live_call_hooks.cpp: hooks, tools' spoken messages, hang
  void check_hooks(Clock::SteadyTime t);
  void run_hook(const boost::json::array& actions);
  /// A hook's `tool` action; `ending`: from call.ending, when the call cannot be ended again.
  void run_hook_tool(const boost::json::object& action, bool ending);
  /// A hook's transferCall tool: as the model's call of it, to its first phone destination.
  void transfer_from_hook(const boost::json::object& tool);
  void run_ending_hooks(const std::string& ended_reason);
  void run_customer_interrupted_hooks();
  void begin_silence();
  void customer_spoke();
  void tool_started(std::uint64_t answer, const llm::ToolCall& call);
  void tool_finished(std::uint64_t answer, const chat::ToolOutcome& outcome);
  void speak_tool_message(const ToolSpeech& speech);
  void say_handoff_message(const llm::ToolCall& call);
  void gate_tools(std::uint64_t answer, std::function<void()> go);
  /// Lets the held tools run once what was said before them has been heard.
  void release_tools(Clock::SteadyTime t);
  /// Everything said so far has been played to the caller (a turn may still be running).
  bool all_heard(Clock::SteadyTime t) const;
  void answer_started();

  const std::string id_;
  boost::asio::any_io_executor strand_;
  LiveCallServices services_;
  std::unique_ptr<CallSink> sink_;
  LiveCallOptions options_;
  const boost::json::object phone_number_;  ///< {} unless an inbound call's

  std::vector<std::pair<std::string, std::string>> members_;  ///< (name, id); immutable
  std::atomic<bool> claimed_{false};
  std::atomic<bool> ended_flag_{false};
  mutable std::mutex snapshot_mutex_;
  boost::json::object call_;          ///< written on the strand under snapshot_mutex_
  boost::json::array live_messages_;  ///< messages_ as of the last one, under snapshot_mutex_

  // Strand only from here.
  chat::Conversation conversation_;
  boost::json::object assistant_;  ///< conversation_.assistants[0].assistant
  StartSpeakingPlan start_plan_;
  StopSpeakingPlan stop_plan_;
  ChunkPlan chunk_plan_;
  std::vector<std::string> end_call_phrases_;  ///< normalized
  std::vector<std::string> server_messages_, client_messages_;

  std::shared_ptr<CallTransport> transport_;
  std::unique_ptr<speech::TranscriberStream> transcriber_;
  std::uint64_t transcriber_stream_ = 0;  ///< numbers the streams opened (handoffs open more)
  speech::SpeechContext speech_context_;
  net::Timer tick_timer_, endpoint_timer_, deadline_timer_, keypad_timer_;
  KeypadInput keypad_;
  Clock::SteadyTime started_at_{};
  std::int64_t started_wall_ms_ = 0;
  std::chrono::milliseconds max_duration_{600'000};
  std::chrono::milliseconds silence_timeout_{30'000};
  Clock::SteadyTime last_activity_{};
  bool live_ = false;  ///< connected and not ended

  // Customer side.
  media::VoiceActivity vad_{16'000};
  std::vector<std::int16_t> customer_pending_;
  bool customer_speaking_ = false;
  std::chrono::milliseconds voiced_{0};    ///< speech heard in the current utterance
  std::chrono::milliseconds unvoiced_{0};  ///< silence since the last speech
  std::string partial_;                    ///< the transcript so far of the current utterance
  std::string customer_turn_;              ///< final text not yet answered
  std::int64_t customer_turn_started_ms_ = 0;
  bool customer_muted_ = false;
  std::uint64_t endpointing_ = 0;   ///< generation of the last final transcript's endpointing
  bool answer_when_quiet_ = false;  ///< a customer turn waits for the assistant to finish

  // Assistant side.
  std::uint64_t answer_ = 0;  ///< generation of the answer being produced/played
  std::shared_ptr<chat::TurnHandle> turn_;
  bool turn_running_ = false;
  std::size_t history_mark_ = 0;  ///< where the running answer's output starts in history
  std::optional<Chunker> chunker_;
  std::string answer_text_;  ///< what the model has written of the current answer
  /// What is to be said next, in order: text for the voice, or keys pressed (QueuedSpeech).
  std::deque<QueuedSpeech> speech_queue_;
  std::unique_ptr<speech::Synthesis> synthesis_;
  std::deque<SpokenSegment> segments_;
  std::deque<std::int16_t> outbound_;
  std::deque<DigitCue> digit_cues_;       ///< keys out of band, in outbound_ order
  std::vector<std::int16_t> last_frame_;  ///< the assistant's last frame, for the transcriber
  std::size_t sent_samples_ = 0;          ///< of this speaking stretch
  std::size_t credited_samples_ = 0;      ///< of those, credited to segments as heard
  std::uint64_t marked_answer_ = 0;       ///< the last answer whose end was marked
  media::FramePacer pacer_;
  Clock::SteadyTime speak_not_before_{};
  Clock::SteadyTime grid_origin_{};  ///< ticks fall on this + k × 20 ms
  bool assistant_speaking_ = false;
  bool interruptible_ = true;
  bool assistant_muted_ = false;
  std::int64_t assistant_started_ms_ = 0;
  int turn_count_ = 0;
  /// While interrupt() cancels the turn: where on_cancelled leaves the partial output.
  std::shared_ptr<std::optional<chat::ChatResult>> cut_slot_;
  /// An answer cut while its completion was already on its way: its output, when it arrives,
  /// keeps only `heard`.
  std::optional<std::pair<std::uint64_t, std::string>> late_cut_;
  std::string pending_end_;  ///< end the call with this once the assistant has finished speaking
  /// Transfer the call there once the assistant has finished speaking (its message).
  std::optional<boost::json::object> pending_transfer_;
  bool transferring_ = false;  ///< a transfer is under way: no second one
  /// A transfer whose plan is being prepared (its summary written, its introduction spoken).
  struct PreparedTransfer {
    boost::json::object destination;
    calls::TransferPlan plan;
    std::string text;  ///< the summary, or what the destination hears
    std::shared_ptr<chat::TurnHandle> summary;
    std::unique_ptr<speech::Synthesis> synthesis;
    std::vector<std::int16_t> audio;
  };
  std::optional<PreparedTransfer> preparing_;
  net::Timer transfer_timer_;
  bool transfer_sent_ = false;       ///< the carrier is moving the call: its media ending is that
  boost::json::array messages_;      ///< artifact.messages
  boost::json::array model_costs_;   ///< tokens per provider + model, all turns
  std::int64_t tts_characters_ = 0;  ///< text sent to the voice
  CallListeners listeners_;          ///< reserve() from any thread, the rest on the strand
  /// None when recording is off and nobody listens; without a disk when only listened to.
  /// After listeners_: its tap feeds them until it is gone.
  std::unique_ptr<CallRecorder> recorder_;

  // Hooks and tools' messages.
  CallHooks hooks_;
  bool quiet_ = false;  ///< a silence of the customer's is running (customer.speech.timeout)
  Clock::SteadyTime quiet_since_{};
  std::uint64_t hook_answer_ = 0;      ///< an answer a hook made, which does not end a silence
  std::size_t variant_ = 0;            ///< rotates among variants of what is said
  std::uint64_t hook_tool_calls_ = 0;  ///< numbers the tool calls hooks make
  struct ToolRun {
    std::string call_id;
    std::string arguments;
    boost::json::object tool;
  };
  std::vector<ToolRun> tool_runs_;
  struct DelayedToolSpeech {
    std::string call_id;
    Clock::SteadyTime due;
    ToolSpeech speech;
    std::uint64_t answer;
  };
  std::vector<DelayedToolSpeech> delayed_tool_speech_;
  bool blocking_said_ = false;                 ///< a blocking request-start was said in this round
  std::function<void()> held_tools_;           ///< the round's tools, waiting for it to be heard
  std::vector<std::string> system_for_model_;  ///< role-system tool messages for the next turn
  std::optional<Clock::SteadyTime> awaiting_answer_;  ///< a turn started, nothing said yet
  Clock::SteadyTime turn_started_{};                  ///< when the model's turn was asked for
  bool hang_sent_ = false;
};

}  // namespace sb::voice
