#pragma once
// An assistant's `hooks` as a live call runs them: which fire when, and how often. Pure: the
// call says what happened (the customer spoke, a silence began, time passed) and gets back the
// actions due (SayHookAction / ToolCallHookAction / MessageAddHookAction objects as written).
//
// customer.speech.timeout measures one silence: from when the customer stopped speaking and
// the answer to them had been said (the call's start when nobody has spoken yet) until the
// customer speaks again. What the hooks themselves say does not restart it, so staggered hooks
// (10 s: ask, 20 s: ask again, 30 s: end the call) fire in their order. Each fires at most once
// per silence and `triggerMaxCount` times per call (default 3); `triggerResetMode:
// onUserSpeech` counts from zero again when the customer speaks. call.timeElapsed fires once
// at `options.seconds`; assistant.speech.interrupted when the customer cuts the assistant;
// customer.speech.interrupted when the assistant starts speaking over the customer; call.ending
// as the call ends, when its `filters` (`oneOf` on a key of the call, e.g. call.endedReason)
// hold.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace sb::voice {

class CallHooks {
 public:
  using Actions = boost::json::array;
  static CallHooks of(const boost::json::object& assistant);

  bool empty() const {
    return timeouts_.empty() && elapsed_.empty() && interrupted_.empty() &&
           customer_interrupted_.empty() && ending_.empty();
  }
  /// The customer spoke: the silence is over.
  void customer_spoke();
  /// A silence begins: each customer.speech.timeout hook may fire once more in it.
  void silence_started();
  /// The customer.speech.timeout hooks due `silence` into the current silence, marked fired.
  std::vector<Actions> speech_timeouts_due(std::chrono::milliseconds silence);
  /// The call.timeElapsed hooks due `elapsed` after the call started, marked fired.
  std::vector<Actions> time_elapsed_due(std::chrono::milliseconds elapsed);
  /// The assistant.speech.interrupted hooks' actions.
  const std::vector<Actions>& on_assistant_interrupted() const { return interrupted_; }
  /// The customer.speech.interrupted hooks' actions.
  const std::vector<Actions>& on_customer_interrupted() const { return customer_interrupted_; }
  /// The call.ending hooks whose filters hold for `call` (the ended call document).
  std::vector<Actions> on_call_ending(const boost::json::object& call) const;

 private:
  struct SpeechTimeout {
    std::chrono::milliseconds timeout{7'500};
    int max_count = 3;
    bool reset_on_speech = false;
    int count = 0;
    bool fired_this_silence = false;
    Actions actions;
  };
  struct TimeElapsed {
    std::chrono::milliseconds at{0};
    bool fired = false;
    Actions actions;
  };
  std::vector<SpeechTimeout> timeouts_;
  std::vector<TimeElapsed> elapsed_;
  struct Ending {
    boost::json::array filters;
    Actions actions;
  };
  std::vector<Actions> interrupted_;
  std::vector<Actions> customer_interrupted_;
  std::vector<Ending> ending_;
};

/// Whether a call.ending hook's `filters` hold for `call`: each `oneOf` filter's `key`
/// ("call.endedReason", or another field of the call) has one of its values; a value also
/// matches the reasons it is the hyphenated prefix of ("pipeline-error" holds for
/// "pipeline-error-openai-llm-failed"). A filter of another type never holds.
bool filters_hold(const boost::json::array& filters, const boost::json::object& call);

/// The text a `say` action speaks: `exact`, or variant `pick` (modulo their number) of an
/// `exact` array; nullopt when it has none (a `prompt` action).
std::optional<std::string> exact_text(const boost::json::object& say, std::size_t pick);

/// The instruction of a `say` action's `prompt` (a string, or the text of its messages), with
/// {{transcript}} replaced by `transcript`; "" when it has none.
std::string prompt_text(const boost::json::object& say, std::string_view transcript);

}  // namespace sb::voice
