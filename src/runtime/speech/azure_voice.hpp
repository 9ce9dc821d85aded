#pragma once
// The Azure voice, provider "azure": each text is one request to Azure Speech's text-to-speech
// REST API,
//   POST https://<region>.tts.speech.microsoft.com/cognitiveservices/v1
//   headers Ocp-Apim-Subscription-Key, X-Microsoft-OutputFormat: raw-16khz-16bit-mono-pcm,
//           Content-Type: application/ssml+xml, User-Agent
//   <speak version="1.0" xml:lang="<locale>"><voice name="<voiceId>"><prosody rate="<speed>">
//     text</prosody></voice></speak>
// (https://learn.microsoft.com/azure/ai-services/speech-service/rest-text-to-speech). The answer
// is raw 16-bit mono PCM at the pipeline's 16 kHz, streamed as it arrives.
//
// The region is the azure credential's `region` (else AZURE_SPEECH_REGION): the base URL holds
// "{region}", replaced by it, so `--speech-base-url azure=URL` may hold one too. Vapi's region
// names that are not Azure's ("france", "india", "norway", "switzerland", "uk") go out as the
// Azure region of that name's main one (francecentral, ...: a guess). A voiceId is an Azure voice
// name ("en-US-AriaNeural"), its locale the SSML's xml:lang; Vapi's presets andrew, brian and
// emma stand for en-US-<Name>MultilingualNeural (a guess: Azure's voices of those names).
// `speed` (0.5 to 2) is the prosody rate, a multiplier in SSML.
//
// Any failure ends the call with "pipeline-error-azure-voice-failed", the one endedReason the
// Call schema has for this voice.

#include <string>
#include <string_view>

#include "runtime/speech/http_voice.hpp"

namespace sb::speech {

/// The voice (HttpVoice(deps, kAzureVoice)); its request and failure are exposed for tests.
extern const HttpVoiceSpec kAzureVoice;

/// `url` with its "{region}" (if any) replaced by `region`, Vapi's region names mapped to Azure's
/// (also the azure transcriber's).
std::string azure_regional_url(std::string url, std::string_view region);

/// The Azure voice name for a voiceId (presets expanded).
std::string azure_voice_name(std::string_view voice_id);

}  // namespace sb::speech
