#include "runtime/llm/llm_client.hpp"

#include <exception>
#include <memory>

#include "net/http_client.hpp"
#include "runtime/llm/anthropic_adapter.hpp"
#include "runtime/llm/failures.hpp"
#include "runtime/llm/openai_adapter.hpp"
#include "runtime/llm/stream_run.hpp"

namespace sb::llm {

namespace {

// When the HttpClient collects a body instead of streaming it (a non-2xx answer, or a client
// without streaming), a whole answer of a long completion must still fit.
constexpr std::size_t kMaxCollectedBody = StreamRun::kMaxJsonAnswer;

struct Plan {
  net::OutboundRequest request;
  std::unique_ptr<StreamDecoder> decoder;
};

Plan plan_for(const ProviderInfo& info, const CompletionRequest& request) {
  const std::string name(info.name);
  if (info.family == ProviderInfo::Family::kAnthropic)
    return {anthropic_request(request), std::make_unique<AnthropicStreamDecoder>(name)};
  return {openai_request(request), std::make_unique<OpenAiStreamDecoder>(name)};
}

}  // namespace

CancelStream LlmClient::stream(CompletionRequest request, StreamCallbacks callbacks) const {
  const CancelStream settled = [] {};
  const ProviderInfo* info = find_provider(request.provider);
  if (!info) {
    if (callbacks.on_failure)
      callbacks.on_failure({ErrorCode::kBadGateway, "unsupported LLM provider \"" +
                                                        request.provider +
                                                        "\"; supported: " + supported_providers()});
    return settled;
  }
  if (request.base_url.empty()) {
    if (callbacks.on_failure)
      callbacks.on_failure(
          {ErrorCode::kBadGateway, std::string(info->name) + " has no base URL to call"});
    return settled;
  }
  std::shared_ptr<StreamRun> run;
  try {
    auto plan = plan_for(*info, request);
    run = std::make_shared<StreamRun>(std::string(info->name), std::move(callbacks),
                                      std::move(plan.decoder));
    plan.request.max_response_bytes = kMaxCollectedBody;
    plan.request.on_body = [run](std::string_view chunk) { return run->on_body(chunk); };
    return http_.send(std::move(plan.request),
                      [run](net::OutboundResponse response) { run->on_done(response); });
  } catch (const std::exception& e) {
    // Only before send() took the exchange over (building the request ran out of memory):
    // send() itself never throws.
    if (run) {
      run->fail(invalid_stream(info->name, std::string("internal error: ") + e.what()));
    } else if (callbacks.on_failure) {
      callbacks.on_failure({ErrorCode::kInternal, std::string("internal error: ") + e.what()});
    }
  }
  return settled;
}

}  // namespace sb::llm
