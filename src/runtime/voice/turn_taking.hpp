#pragma once
// When the assistant may speak and when the caller's voice stops it: the assistant's
// startSpeakingPlan and stopSpeakingPlan read once per call, and the decisions they imply as
// pure functions of durations and transcripts, so they are unit-tested without a clock.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

namespace sb::voice {

using std::chrono::milliseconds;

/// customEndpointingRules, compiled (turn_taking.cpp).
struct EndpointingRules;

/// startSpeakingPlan, with Vapi's documented defaults for what the assistant leaves out.
struct StartSpeakingPlan {
  milliseconds wait{400};                ///< waitSeconds: customer's last words → first audio
  milliseconds on_punctuation{100};      ///< transcriptionEndpointingPlan.onPunctuationSeconds
  milliseconds on_no_punctuation{1500};  ///< ... onNoPunctuationSeconds
  milliseconds on_number{500};           ///< ... onNumberSeconds
  /// customEndpointingRules whose regexes compile (others are left out); null when none.
  std::shared_ptr<const EndpointingRules> rules;
  /// smartEndpointingPlan.provider custom-endpointing-model: the customer's server decides
  /// (call.endpointing.request), at `model_server` when it names one.
  bool custom_model = false;
  boost::json::object model_server;

  static StartSpeakingPlan of(const boost::json::object& assistant);
};

/// stopSpeakingPlan, with the documented defaults.
struct StopSpeakingPlan {
  int num_words = 0;           ///< 0: the caller's voice alone interrupts (after `voice`)
  milliseconds voice{200};     ///< voiceSeconds
  milliseconds backoff{1000};  ///< backoffSeconds: no assistant audio this soon after a cut
  std::vector<std::string> acknowledgements;  ///< normalized (see normalize_words)
  std::vector<std::string> interruptions;     ///< normalized

  static StopSpeakingPlan of(const boost::json::object& assistant);
};

/// How long after a final transcript the customer's turn is over. The first of the
/// customEndpointingRules that matches decides (an `assistant` rule on `last_assistant_text`,
/// the assistant's last words before the customer spoke; a `customer` rule on `customer_text`,
/// the turn so far; a `both` rule on both); else nothing when the transcriber itself detected
/// the end of the turn; else the transcription endpointing plan's wait for a transcript ending
/// in sentence punctuation, ending in a number, or neither.
milliseconds endpoint_wait(const StartSpeakingPlan& plan, std::string_view customer_text,
                           bool transcriber_end_of_turn, std::string_view last_assistant_text = {});

/// The wait of the first customEndpointingRule that matches; nullopt when none does.
std::optional<milliseconds> rule_wait(const StartSpeakingPlan& plan, std::string_view customer_text,
                                      std::string_view last_assistant_text);

/// Lower case, apostrophes dropped ("Don't" → "dont"), other punctuation as spaces, single
/// spaces between words: how phrases are compared.
std::string normalize_words(std::string_view text);

/// Whether `phrase` (normalized) occurs in `text` (normalized) as whole words.
bool contains_phrase(std::string_view text, std::string_view phrase);

enum class BargeIn {
  kNone,       ///< keep talking (not enough yet)
  kInterrupt,  ///< stop the assistant now
};

/// The caller is talking over the assistant: `voiced` of speech so far in this utterance and
/// its transcript so far (partial or final; "" before the first). An interruption phrase stops
/// the assistant at once; a transcript that is only acknowledgements never does; otherwise
/// numWords 0 decides on the voice alone (`voiced` ≥ voiceSeconds), else on the words heard.
BargeIn barge_in(const StopSpeakingPlan& plan, milliseconds voiced, std::string_view transcript);

/// Whether `text` is nothing but acknowledgement phrases ("okay", "yeah sure", "right okay").
bool only_acknowledgements(const StopSpeakingPlan& plan, std::string_view transcript);

}  // namespace sb::voice
