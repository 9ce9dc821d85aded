// Contract engine: start-up (compiling the embedded contract) and request-body validation.
//   contract_benchmark --benchmark_filter=Validate

#include <stdexcept>

#include <benchmark/benchmark.h>
#include <boost/json/parse.hpp>

#include "contract/contract.hpp"

namespace {

using sb::contract::Contract;

constexpr std::string_view kPhoneNumber = R"({
  "provider": "twilio", "number": "+14155550123", "twilioAccountSid": "AC123",
  "twilioAuthToken": "token", "name": "Support line",
  "fallbackDestination": {
    "type": "number", "number": "+14155550100",
    "transferPlan": {
      "mode": "warm-transfer-say-summary", "sipVerb": "refer",
      "contextEngineeringPlan": {"type": "lastNMessages", "maxMessages": 5},
      "summaryPlan": {"enabled": true, "messages": [{"role": "system", "content": "Summarize"}]},
      "fallbackPlan": {"message": "Sorry, nobody is available", "endCallEnabled": true}
    }
  },
  "hooks": [
    {"on": "call.ringing",
     "filters": [{"type": "startsWith", "key": "number", "startsWith": ["91"]}],
     "do": [{"type": "transfer", "destination": {"type": "number", "number": "+14155550100"}},
            {"type": "say", "exact": "Please hold."}]},
    {"on": "call.ending", "do": {"type": "say", "exact": "Goodbye"}}
  ],
  "server": {"url": "https://example.com/webhook", "timeoutSeconds": 20, "headers": {},
             "backoffPlan": {"type": "fixed", "maxRetries": 0, "baseDelaySeconds": 1,
                             "excludedStatusCodes": [400, 401]}}
})";

// The realistic full assistant of the end-to-end tests (fullAssistant() in
// tests/e2e/agents_fixtures.mjs, with two tool ids): about 3 KB of JSON, the largest DTO.
constexpr std::string_view kAssistant = R"json({
  "name": "Riley (front desk)",
  "firstMessage": "Hi, this is Riley from Acme Dental. How can I help you today?",
  "firstMessageMode": "assistant-speaks-first",
  "model": {
    "provider": "openai", "model": "gpt-4o", "temperature": 0.4, "maxTokens": 300,
    "messages": [{"role": "system", "content":
"You are Riley, the receptionist of Acme Dental. Book, move and cancel appointments. Keep answers short. Today is {{now}}."
    }],
    "toolIds": ["5a8da861-75d4-4494-9b35-6b0d0c3a4f10", "6b9eb972-86e5-45a5-8c46-7c1e1d4b5021"],
    "tools": [
      {"type": "function",
       "function": {"name": "check_insurance", "description": "Books an appointment for the caller",
                    "strict": false,
                    "parameters": {"type": "object",
                                   "properties": {
                                     "date": {"type": "string", "format": "date",
                                              "description": "The day, as YYYY-MM-DD"},
                                     "partySize": {"type": "integer",
                                                   "description": "How many people"},
                                     "service": {"type": "string",
                                                 "enum": ["checkup", "cleaning", "whitening"]}},
                                   "required": ["date", "service"]}},
       "server": {"url": "https://hooks.example.com/vapi/insurance", "timeoutSeconds": 20,
                  "headers": {"X-Tenant": "acme"},
                  "backoffPlan": {"type": "exponential", "maxRetries": 3, "baseDelaySeconds": 1,
                                  "excludedStatusCodes": [400, 401]}},
       "messages": [{"type": "request-start", "content": "Let me check your insurance."}]},
      {"type": "endCall"},
      {"type": "transferCall",
       "destinations": [{"type": "number", "number": "+14155550100",
                         "message": "Transferring you to a person now."}]}
    ]
  },
  "voice": {"provider": "11labs", "voiceId": "sarah", "model": "eleven_turbo_v2_5",
            "stability": 0.5, "similarityBoost": 0.75, "speed": 1.0, "useSpeakerBoost": true},
  "transcriber": {"provider": "deepgram", "model": "nova-2", "language": "en", "smartFormat": true,
                  "keywords": ["Acme:2", "Riley:1"], "endpointing": 300},
  "server": {"url": "https://hooks.example.com/vapi/assistant", "timeoutSeconds": 20,
             "headers": {"X-Tenant": "acme", "Authorization": "Bearer webhook-token"},
             "backoffPlan": {"type": "exponential", "maxRetries": 3, "baseDelaySeconds": 1,
                             "excludedStatusCodes": [400, 401, 403, 404]}},
  "serverMessages": ["end-of-call-report", "status-update", "tool-calls", "hang"],
  "clientMessages": ["transcript", "tool-calls"],
  "analysisPlan": {
    "summaryPlan": {"enabled": true, "timeoutSeconds": 10,
                    "messages": [
                      {"role": "system", "content": "Summarize the call in two sentences."},
                      {"role": "user", "content": "Here is the transcript:\n\n{{transcript}}"}]},
    "structuredDataPlan": {"enabled": true,
                           "schema": {"type": "object",
                                      "properties": {
                                        "appointmentBooked": {"type": "boolean"},
                                        "appointmentDate": {"type": "string", "format": "date"}},
                                      "required": ["appointmentBooked"]}},
    "successEvaluationPlan": {"rubric": "PassFail", "enabled": true}
  },
  "maxDurationSeconds": 900, "backgroundSound": "office",
  "voicemailMessage":
    "Hi, this is Riley from Acme Dental. Please call us back at your convenience.",
  "endCallMessage": "Thanks for calling Acme Dental. Goodbye!",
  "endCallPhrases": ["goodbye", "talk to you later"],
  "metadata": {"team": "front-desk", "region": "us-west"},
  "startSpeakingPlan": {"waitSeconds": 0.4, "smartEndpointingEnabled": "livekit"},
  "stopSpeakingPlan": {"numWords": 2, "voiceSeconds": 0.3, "backoffSeconds": 1},
  "artifactPlan": {"recordingEnabled": true, "recordingFormat": "mp3",
                   "transcriptPlan": {"enabled": true}}
})json";

void BM_LoadEmbedded(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(Contract::load_embedded());
}
BENCHMARK(BM_LoadEmbedded)->Unit(benchmark::kMillisecond);

void validate(benchmark::State& state, std::string_view method, std::string_view path,
              std::string_view json) {
  static const auto contract = Contract::load_embedded();
  const auto* op = contract->operation(method, path);
  const auto body = boost::json::parse(json);
  if (!contract->validate(*op->request_body, body).empty()) {
    throw std::logic_error("benchmark body is invalid");
  }
  for (auto _ : state) benchmark::DoNotOptimize(contract->validate(*op->request_body, body));
}

void BM_ValidateAssistant(benchmark::State& state) {
  validate(state, "post", "/assistant", kAssistant);
}
BENCHMARK(BM_ValidateAssistant)->Unit(benchmark::kMicrosecond);

void BM_ValidatePhoneNumber(benchmark::State& state) {
  validate(state, "post", "/phone-number", kPhoneNumber);
}
BENCHMARK(BM_ValidatePhoneNumber)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
