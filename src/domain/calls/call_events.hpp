#pragma once
// The events a live call records for the insights' events table (JSONQueryOnEventsTable's
// `on`): the ones this server produces, and the data fields each carries for the filters.
// The document names many more (voice connections, recording pauses, structured-output
// steps...); this server never produces those, so queries over them count none.

#include <span>
#include <string_view>

namespace sb::calls::events {

inline constexpr std::string_view kStarted = "call.started";
inline constexpr std::string_view kEnded = "call.ended";                          // endedReason
inline constexpr std::string_view kDtmfReceived = "call.dtmfReceived";            // digit
inline constexpr std::string_view kDtmfSent = "call.dtmfSent";                    // digits
inline constexpr std::string_view kTransferInitiated = "call.transferInitiated";  // destinationType
inline constexpr std::string_view kTransferCompleted = "call.transferCompleted";
inline constexpr std::string_view kTransferFailed = "call.transferFailed";  // error
inline constexpr std::string_view kVoicemailDetected = "call.voicemailDetected";
inline constexpr std::string_view kFirstToken = "assistant.model.firstTokenReceived";
inline constexpr std::string_view kResponseSucceeded = "assistant.model.responseSucceeded";
inline constexpr std::string_view kResponseFailed = "assistant.model.responseFailed";
inline constexpr std::string_view kToolStarted = "assistant.tool.started";
inline constexpr std::string_view kToolCompleted = "assistant.tool.completed";
inline constexpr std::string_view kToolFailed = "assistant.tool.failed";
inline constexpr std::string_view kPartialTranscript = "assistant.transcriber.partialTranscript";
inline constexpr std::string_view kFinalTranscript = "assistant.transcriber.finalTranscript";
inline constexpr std::string_view kTurnStarted = "pipeline.turnStarted";
inline constexpr std::string_view kUserSpeechStarted = "pipeline.userSpeechStarted";
inline constexpr std::string_view kUserSpeechStopped = "pipeline.userSpeechStopped";
inline constexpr std::string_view kBotSpeechStarted = "pipeline.botSpeechStarted";
inline constexpr std::string_view kBotSpeechStopped = "pipeline.botSpeechStopped";

/// A field of an event's data, as the filters compare it.
struct Field {
  enum class Kind { kText, kNumber, kBoolean };
  std::string_view name;
  Kind kind;
};

/// The data fields `type`'s events carry here, or null when this server never records
/// the type.
const std::span<const Field>* recorded_fields(std::string_view type);

}  // namespace sb::calls::events
