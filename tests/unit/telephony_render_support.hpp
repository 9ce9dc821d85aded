#pragma once
// Decisions and a render context shared by the renderer tests (twiml, ncco, texml).

#include <string>
#include <string_view>
#include <utility>

#include <boost/json/parse.hpp>

#include "telephony/render_context.hpp"
#include "telephony/routing.hpp"

namespace sb::telephony::test {

namespace json = boost::json;

inline const RenderContext kCtx{"wss://sb.example.com/media/stream", "call-1", "+14155550100",
                                "+15550002222", ""};

constexpr std::string_view kProlog = R"(<?xml version="1.0" encoding="UTF-8"?>)";

inline std::string xml(std::string_view verbs) {
  return std::string(kProlog) + "<Response>" + std::string(verbs) + "</Response>";
}

inline Decision transfer(std::string_view destination) {
  Decision d;
  d.kind = Decision::Kind::kTransfer;
  d.destination = json::parse(destination).as_object();
  return d;
}

inline Decision say(std::string text) {
  Decision d;
  d.kind = Decision::Kind::kSay;
  d.text = std::move(text);
  return d;
}

inline Decision assistant() {
  Decision d;
  d.kind = Decision::Kind::kAssistant;
  d.assistant = json::object{{"assistantId", "a-1"}};
  return d;
}

inline Decision hangup() {
  Decision d;
  d.text = "nothing configured";
  return d;
}

}  // namespace sb::telephony::test
