#pragma once
// The oracle of fuzz_contract_body: request-body bytes parsed by the server's own
// http::parse_json_body, then validated by the contract against the largest DTOs. Header-only and
// free of libFuzzer so the regression test (tests/unit/contract/contract_body_regression_test.cpp)
// replays committed reproducers through exactly the checks that caught them.

#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "contract/contract.hpp"
#include "core/api_error.hpp"
#include "embedded_contract.hpp"
#include "http/json_body.hpp"
#include "http/message.hpp"

namespace sb::fuzz {

/// What the server may answer per body: at most this many messages (the validator's cap).
inline constexpr std::size_t kMaxBodyMessages = 100;

/// One schema the first input byte can pick.
struct BodyTarget {
  std::string name;
  const contract::Schema* schema = nullptr;
  std::string discriminator_default;
};

inline const std::vector<BodyTarget>& body_targets() {
  static const std::vector<BodyTarget> targets = [] {
    const auto& c = embedded_contract();
    const auto* post = c.operation("post", "/phone-number");
    const auto* patch = c.operation("patch", "/phone-number/{id}");
    if (!post || !post->request_body || !patch || !patch->request_body)
      throw std::logic_error("the contract lost the phone-number request bodies");
    std::vector<BodyTarget> t;
    t.push_back({"CreateAssistantDTO", c.schema("CreateAssistantDTO"), ""});
    t.push_back({"POST /phone-number", post->request_body, ""});
    // PATCH: the stored provider stands in for a missing `provider`, as the controller does.
    for (std::string_view provider : {"byo-phone-number", "twilio", "vonage", "vapi", "telnyx"})
      t.push_back({"PATCH /phone-number/{id} (" + std::string(provider) + ")", patch->request_body,
                   std::string(provider)});
    for (const auto& target : t)
      if (!target.schema) throw std::logic_error("the contract lost " + target.name);
    return t;
  }();
  return targets;
}

/// What the server makes of a request body: http::parse_json_body (blank → {}, Boost.JSON with
/// max_depth 256, non-object → 400). nullopt where it answers 400 before validating; `failure`
/// is set when it fails in a way it must not (an exception other than ApiError, or an
/// ApiError without a message).
inline std::optional<boost::json::value> parse_body_like_the_server(std::string_view body,
                                                                    std::string& failure) {
  http::Request request;
  request.body = std::string(body);  // no Content-Type: read as JSON, as the server does
  try {
    auto v = http::parse_json_body(request);
    if (v.is_object()) return v;
    failure = "parse_json_body returned something else than an object";
  } catch (const ApiError& e) {
    if (std::string_view(e.what()).empty()) failure = "parse_json_body: an ApiError without text";
  } catch (const std::exception& e) {
    failure = std::string("parse_json_body threw something else than ApiError: ") + e.what();
  }
  return std::nullopt;
}

/// The schema the first input byte picks: '0' the assistant, '1' POST, '2'…'6' PATCH per
/// provider (counted from '0' so the seed files stay readable), any byte modulo the count.
inline const BodyTarget& body_target(char selector) {
  const auto& targets = body_targets();
  return targets[static_cast<std::uint8_t>(selector - '0') % targets.size()];
}

/// Empty when the input passes the oracle, else what is wrong. The first byte picks the schema
/// (body_target); the rest is the body.
inline std::string check_contract_body(std::string_view input) {
  if (input.empty()) return {};
  const BodyTarget& target = body_target(input[0]);
  std::string failure;
  const auto body = parse_body_like_the_server(input.substr(1), failure);
  if (!body) return failure;  // else 400 "not valid JSON" / "must be a JSON object"

  contract::ValidateOptions options;
  options.discriminator_default = target.discriminator_default;
  const auto messages = embedded_contract().validate(*target.schema, *body, options);
  // Valid (no messages) or a 400 whose every message says something.
  if (messages.size() > kMaxBodyMessages)
    return target.name + ": " + std::to_string(messages.size()) + " messages (at most " +
           std::to_string(kMaxBodyMessages) + ")";
  for (std::size_t i = 0; i < messages.size(); ++i)
    if (messages[i].empty()) return target.name + ": message " + std::to_string(i) + " is empty";
  return {};
}

}  // namespace sb::fuzz
