#include "domain/calls/call_events.hpp"

#include <array>
#include <map>

namespace sb::calls::events {
namespace {

using K = Field::Kind;
constexpr std::array<Field, 0> kNone{};
constexpr std::array kEndedFields{Field{"endedReason", K::kText}};
constexpr std::array kDigit{Field{"digit", K::kText}};
constexpr std::array kDigits{Field{"digits", K::kText}};
constexpr std::array kDestination{Field{"destinationType", K::kText}};
constexpr std::array kError{Field{"error", K::kText}};
constexpr std::array kModel{Field{"provider", K::kText}, Field{"model", K::kText},
                            Field{"latency", K::kNumber}};
constexpr std::array kModelFailure{Field{"provider", K::kText}, Field{"model", K::kText},
                                   Field{"error", K::kText}};
constexpr std::array kTool{Field{"name", K::kText}};
constexpr std::array kTranscriber{Field{"provider", K::kText}};

const std::map<std::string_view, std::span<const Field>>& catalogue() {
  static const std::map<std::string_view, std::span<const Field>> all = {
      {kStarted, kNone},
      {kEnded, kEndedFields},
      {kDtmfReceived, kDigit},
      {kDtmfSent, kDigits},
      {kTransferInitiated, kDestination},
      {kTransferCompleted, kDestination},
      {kTransferFailed, kError},
      {kVoicemailDetected, kNone},
      {kFirstToken, kModel},
      {kResponseSucceeded, kModel},
      {kResponseFailed, kModelFailure},
      {kToolStarted, kTool},
      {kToolCompleted, kTool},
      {kToolFailed, kTool},
      {kPartialTranscript, kTranscriber},
      {kFinalTranscript, kTranscriber},
      {kTurnStarted, kNone},
      {kUserSpeechStarted, kNone},
      {kUserSpeechStopped, kNone},
      {kBotSpeechStarted, kNone},
      {kBotSpeechStopped, kNone},
  };
  return all;
}

}  // namespace

const std::span<const Field>* recorded_fields(std::string_view type) {
  const auto& all = catalogue();
  const auto it = all.find(type);
  return it == all.end() ? nullptr : &it->second;
}

}  // namespace sb::calls::events
