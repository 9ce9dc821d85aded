#pragma once
// What the remote transcribers' unit tests share: the deps a transcriber is built from (the
// settings hold no key), check() refusing a config with a 400 that names a field, and the
// failure a stream opened without a key reports.

#include <chrono>
#include <future>
#include <string>
#include <string_view>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "core/api_error.hpp"
#include "net/http_client.hpp"
#include "net/websocket.hpp"
#include "runtime/speech/remote_speech.hpp"

namespace sb::speech::test {

/// A config written as JSON text.
inline boost::json::object config(std::string_view text) {
  return boost::json::parse(text).as_object();
}

struct RemoteDeps {
  net::HttpClient http;
  net::WebSocketClient websockets;
  RemoteSpeechSettings settings;
  RemoteSpeechDeps deps{http, websockets, settings};
};

/// check(config) throws a 400 whose message names `field`.
inline void expect_refused(const Transcriber& transcriber, std::string_view config,
                           std::string_view field) {
  try {
    transcriber.check(boost::json::parse(config).as_object());
    ADD_FAILURE() << "accepted " << config;
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), ErrorCode::kBadRequest) << config;
    EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
  }
}

/// The failure of a stream opened for `config` with no key anywhere, which must come at once.
inline SpeechFailure failure_without_key(Transcriber& transcriber, std::string_view config) {
  std::promise<SpeechFailure> failed;
  TranscriberEvents events;
  events.on_failure = [&](SpeechFailure f) { failed.set_value(std::move(f)); };
  auto stream = transcriber.open(boost::json::parse(config).as_object(), {}, events);
  auto future = failed.get_future();
  if (future.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
    ADD_FAILURE() << "no failure without a key";
    return {};
  }
  stream->close();
  return future.get();
}

}  // namespace sb::speech::test
