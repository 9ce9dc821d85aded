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

constexpr std::string_view kAssistant = R"({
  "name": "Front desk", "firstMessage": "Hello, how can I help?",
  "firstMessageMode": "assistant-speaks-first",
  "model": {
    "provider": "openai", "model": "gpt-4o", "temperature": 0.7, "maxTokens": 250,
    "messages": [{"role": "system", "content": "You are a receptionist."}],
    "tools": [
      {"type": "function",
       "function": {"name": "book_slot", "description": "Books a slot",
                    "parameters": {"type": "object",
                                   "properties": {"day": {"type": "string"}},
                                   "required": ["day"]}},
       "server": {"url": "https://example.com/tools", "timeoutSeconds": 10},
       "messages": [{"type": "request-start", "content": "One moment"}]},
      {"type": "endCall"},
      {"type": "transferCall",
       "destinations": [{"type": "number", "number": "+14155550100", "message": "Transferring"}]}
    ]
  },
  "voice": {"provider": "11labs", "voiceId": "burt", "stability": 0.5, "similarityBoost": 0.75},
  "transcriber": {"provider": "deepgram", "model": "nova-2", "language": "en"},
  "server": {"url": "https://example.com/webhook", "timeoutSeconds": 20},
  "serverMessages": ["end-of-call-report", "status-update"],
  "clientMessages": ["transcript"],
  "maxDurationSeconds": 600, "backgroundSound": "office",
  "endCallPhrases": ["goodbye", "bye now"], "metadata": {"team": "sales"},
  "analysisPlan": {
    "summaryPlan": {"enabled": true, "messages": [{"role": "system", "content": "Summarize"}]},
    "successEvaluationPlan": {"rubric": "PassFail", "enabled": true}
  },
  "startSpeakingPlan": {"waitSeconds": 0.4},
  "artifactPlan": {"recordingEnabled": true, "recordingFormat": "mp3"}
})";

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
