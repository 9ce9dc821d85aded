#pragma once
// Shared by the OpenAI adapter's tests: chunks as OpenAI streams them, and a basic request.

#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "runtime/llm/llm_client.hpp"
#include "runtime/llm/sse_parser.hpp"

namespace sb::llm::test {

namespace json = boost::json;

// --- chunks as OpenAI streams them -----------------------------------------------------------

inline std::string sse(const json::value& chunk) {
  return "data: " + json::serialize(chunk) + "\n\n";
}

inline std::string text_chunk(std::string_view text) {
  return sse(
      json::object{{"object", "chat.completion.chunk"},
                   {"choices", json::array{json::object{{"index", 0},
                                                        {"delta", json::object{{"content", text}}},
                                                        {"finish_reason", nullptr}}}}});
}

inline std::string finish_chunk(std::string_view reason) {
  return sse(json::object{
      {"choices", json::array{json::object{
                      {"index", 0}, {"delta", json::object{}}, {"finish_reason", reason}}}}});
}

inline std::string usage_chunk(int prompt, int completion) {
  return sse(json::object{
      {"choices", json::array{}},
      {"usage", json::object{{"prompt_tokens", prompt}, {"completion_tokens", completion}}}});
}

inline const std::string kDone = "data: [DONE]\n\n";

inline SseEvent event_of(const std::string& sse_text) {
  // "data: <json>\n\n" → the event it makes.
  return {"", sse_text.substr(6, sse_text.size() - 8)};
}

inline CompletionRequest basic_request(std::string base_url = "https://api.openai.com/v1") {
  CompletionRequest r;
  r.provider = "openai";
  r.model = "gpt-4o-mini";
  r.base_url = std::move(base_url);
  r.api_key = "sk-test";
  r.messages = json::array{json::object{{"role", "system"}, {"content", "Be brief."}},
                           json::object{{"role", "user"}, {"content", "Hi"}}};
  return r;
}

inline json::object tool_fragment(int index, std::string id, std::string name,
                                  std::string arguments) {
  json::object function;
  if (!name.empty()) function["name"] = name;
  function["arguments"] = arguments;
  json::object fragment{{"index", index}, {"function", function}};
  if (!id.empty()) {
    fragment["id"] = id;
    fragment["type"] = "function";
  }
  return fragment;
}

inline std::string tool_chunk(json::array fragments) {
  return sse(json::object{
      {"choices",
       json::array{json::object{{"index", 0},
                                {"delta", json::object{{"tool_calls", std::move(fragments)}}}}}}});
}

}  // namespace sb::llm::test
