#pragma once
// Streaming chat completions from LLM providers: the OpenAI-compatible family over one client
// (openai, groq, deep-seek, openrouter, together-ai, xai, deepinfra, perplexity-ai, anyscale,
// custom-llm) and Anthropic's Messages API natively. The conversation is always given in
// OpenAI's chat format; adapters translate. Cancellable at any step, through the function
// stream() returns or a delta callback returning false. Beast-free: it goes through
// net::HttpClient.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/api_error.hpp"

namespace sb::net {
class HttpClient;
}

namespace sb::llm {

/// One function call the model asked for.
struct ToolCall {
  std::string id;  ///< the provider's id ("call_…", "toolu_…"); generated when absent
  std::string name;
  std::string arguments;  ///< JSON text, as the model wrote it
};

struct Usage {
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
};

/// A finished model turn.
struct Completion {
  std::string text;  ///< all text deltas joined
  std::vector<ToolCall> tool_calls;
  Usage usage;
  std::string finish_reason;  ///< "stop", "tool_calls", "length", ... as mapped to OpenAI's
};

struct CompletionRequest {
  std::string provider;  ///< the assistant's model.provider, e.g. "openai", "anthropic"
  std::string model;     ///< model.model
  /// Where the provider's API is: for the OpenAI family the base that `/chat/completions` is
  /// appended to (".../v1"); for anthropic the root that `/v1/messages` is appended to.
  std::string base_url;
  std::string api_key;  ///< may be empty (a local model server, custom-llm without a key)
  /// The conversation in OpenAI's chat format: {"role": "system"|"user"|"assistant"|"tool",
  /// "content", "tool_calls": [{"id","type":"function","function":{"name","arguments"}}],
  /// "tool_call_id"}.
  boost::json::array messages;
  /// OpenAI function tools: [{"type":"function","function":{"name","description","parameters"}}].
  boost::json::array tools;
  std::optional<double> temperature;
  std::optional<std::int64_t> max_tokens;
  /// OpenAI's `response_format` (e.g. {"type": "json_schema", "json_schema": {...}}), sent by
  /// the OpenAI-compatible family when set; Anthropic has no such mode and ignores it.
  std::optional<boost::json::object> response_format;
  /// Up to the response head, and then between two body chunks.
  std::chrono::milliseconds head_timeout{60'000};
  std::chrono::milliseconds idle_timeout{60'000};
};

/// Why a completion failed, phrased for the API's client and naming the provider: kBadGateway
/// when the provider answered an error or garbage, kGatewayTimeout when it timed out or was
/// unreachable, and the message, e.g. "openai answered 401: Incorrect API key provided".
struct Failure {
  ErrorCode code = ErrorCode::kBadGateway;
  std::string message;
  int status = 0;  ///< the provider's HTTP status when it answered an error; 0 otherwise
};

struct StreamCallbacks {
  /// Each text delta as it arrives; false cancels (on_failure then gets "cancelled").
  std::function<bool(std::string_view text)> on_delta;
  /// Exactly one of these two runs, once, on any thread.
  std::function<void(Completion)> on_complete;
  std::function<void(Failure)> on_failure;
};

/// The providers this server speaks, with their defaults.
struct ProviderInfo {
  enum class Family { kOpenAiCompatible, kAnthropic };
  std::string_view name;  ///< model.provider value
  Family family;
  std::string_view default_base_url;     ///< "" for custom-llm (its model.url is the base)
  std::string_view key_env;              ///< e.g. "OPENAI_API_KEY"; "" when none
  std::string_view base_url_env;         ///< e.g. "OPENAI_BASE_URL"
  std::string_view credential_provider;  ///< the org credential's `provider` holding the key
};

/// nullptr when this server does not speak `provider`.
const ProviderInfo* find_provider(std::string_view provider);
/// "openai, groq, …, anthropic", for error messages.
std::string supported_providers();

/// Base URLs and keys from the server's environment and command line, read once at start-up.
class ProviderSettings {
 public:
  /// Every provider's <NAME>_BASE_URL and <NAME>_API_KEY variable, where set.
  static ProviderSettings from_environment();
  /// `--llm-base-url provider=url`; throws std::invalid_argument for an unknown provider or a
  /// malformed value.
  void override_base_url(std::string_view assignment);
  /// The base URL to use for `provider` (override, else environment, else default).
  std::string base_url(const ProviderInfo& provider) const;
  /// The server-wide key of `provider` ("" when none).
  std::string api_key(const ProviderInfo& provider) const;
  /// How long a provider may take to start answering, and then be silent mid-answer
  /// (`--llm-timeout`; CompletionRequest::head_timeout and idle_timeout).
  std::chrono::milliseconds timeout{60'000};

 private:
  std::vector<std::pair<std::string, std::string>> base_urls_;
  std::vector<std::pair<std::string, std::string>> keys_;
};

/// Cuts a stream short wherever it is (connecting, before the head, mid-body): its on_failure
/// then gets "cancelled" (unless it had settled). Any thread, idempotent, harmless after the end.
using CancelStream = std::function<void()>;

class LlmClient {
 public:
  /// `http` must outlive the client and every stream in flight.
  explicit LlmClient(net::HttpClient& http) : http_(http) {}
  /// Streams one completion of `request.provider` (which must be one find_provider knows).
  /// Never throws; exactly one of on_complete / on_failure runs, once, on any thread.
  CancelStream stream(CompletionRequest request, StreamCallbacks callbacks) const;

 private:
  net::HttpClient& http_;
};

}  // namespace sb::llm
