#pragma once
// The live-call tests' fixture (voice_live_call*_test.cpp): a live call driven step by step —
// a manual clock, the call's strand polled by the test, a scripted model, speech engines and a
// transport the test plays.

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <numbers>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/json/parse.hpp>

#include "core/json_fields.hpp"
#include "core/manual_clock.hpp"
#include "domain/calls/transfer_plan.hpp"
#include "fake_websocket.hpp"
#include "runtime/chat/chat_engine.hpp"
#include "runtime/speech/speech.hpp"
#include "runtime/voice/call_listeners.hpp"
#include "runtime/voice/call_transfers.hpp"
#include "runtime/voice/live_call.hpp"
#include "scripted_model.hpp"

namespace sb::voice::testing {

namespace json = boost::json;
using namespace std::chrono_literals;
using chat::testing::ScriptedModel;
using chat::testing::ScriptedTools;

// Every character of text is 10 ms of audio (160 samples of a constant), delivered at once.
constexpr std::size_t kSamplesPerChar = 160;

struct FakeSynthesis final : speech::Synthesis {
  void cancel() override { *cancelled = true; }
  std::shared_ptr<bool> cancelled = std::make_shared<bool>(false);
};

struct FakeVoice final : speech::Voice {
  void check(const json::object&) const override {}
  std::unique_ptr<speech::Synthesis> synthesize(const json::object&, const speech::SpeechContext&,
                                                std::string text,
                                                speech::VoiceEvents events) override {
    said.push_back(text);
    auto s = std::make_unique<FakeSynthesis>();
    std::vector<std::int16_t> pcm(text.size() * kSamplesPerChar, 1000);
    if (first_piece > 0 && first_piece < pcm.size()) {
      events.on_audio({pcm.begin(), pcm.begin() + static_cast<std::ptrdiff_t>(first_piece)});
      rest.assign(pcm.begin() + static_cast<std::ptrdiff_t>(first_piece), pcm.end());
      held = std::move(events);
      return s;
    }
    events.on_audio(std::move(pcm));
    events.on_done();
    return s;
  }
  void deliver_rest() {
    held.on_audio(std::move(rest));
    held.on_done();
  }
  std::vector<std::string> said;
  std::size_t first_piece = 0;  ///< > 0: only this many samples at once, the rest on deliver_rest()
  speech::VoiceEvents held;
  std::vector<std::int16_t> rest;
};

struct FakeStream final : speech::TranscriberStream {
  void push(std::span<const std::int16_t>, std::span<const std::int16_t>) override { ++frames; }
  void close() override {
    closed = true;
    if (closes) ++*closes;
  }
  int frames = 0;
  bool closed = false;
  int* closes = nullptr;  ///< the transcriber's count
};

struct FakeTranscriber final : speech::Transcriber {
  void check(const json::object&) const override {}
  std::unique_ptr<speech::TranscriberStream> open(const json::object& config,
                                                  const speech::SpeechContext&,
                                                  speech::TranscriberEvents e) override {
    events = std::move(e);
    opened.push_back(config);
    auto stream = std::make_unique<FakeStream>();
    stream->closes = &closes;
    last = stream.get();
    return stream;
  }
  std::vector<json::object> opened;
  int closes = 0;
  void say(std::string text, bool final) { events.on_transcript({std::move(text), final, false}); }
  speech::TranscriberEvents events;
  FakeStream* last = nullptr;
};

struct SentFrame {
  Clock::SteadyTime at;
  std::size_t samples;
};

struct FakeTransport final : CallTransport {
  explicit FakeTransport(const Clock& clock) : clock(clock) {}
  bool paced() const override { return true; }
  bool send_audio(std::span<const std::int16_t> pcm) override {
    frames.push_back({clock.steady_now(), pcm.size()});
    return true;
  }
  void clear() override { ++clears; }
  void mark(const std::string&) override {}
  void send_message(const json::object& m) override { messages.push_back(m); }
  void hang_up() override { hung_up = true; }
  std::size_t count(std::string_view type) const {
    std::size_t n = 0;
    for (const auto& m : messages) n += string_at(m, "type") == type;
    return n;
  }
  const Clock& clock;
  std::vector<SentFrame> frames;
  std::vector<json::object> messages;
  int clears = 0;
  bool hung_up = false;
};

/// Transfers the test answers by hand.
struct FakeTransfers final : CallTransfers {
  bool can_transfer(const json::object&) const override { return true; }
  std::optional<std::string> plan_refusal(const json::object&,
                                          const calls::TransferPlan& plan) const override {
    return calls::transfer_plan_refusal(plan, warm ? "twilio" : "vonage", warm);
  }
  void transfer(const json::object&, const json::object& destination,
                std::optional<TransferIntro> intro,
                std::function<void(std::string)> done) override {
    asked.push_back(destination);
    intros.push_back(std::move(intro));
    answer = std::move(done);
  }
  bool warm = true;
  std::vector<json::object> asked;
  std::vector<std::optional<TransferIntro>> intros;
  std::function<void(std::string)> answer;
};

struct Recorded {
  std::vector<json::object> statuses, notified, reports;
  std::vector<std::string> ended_reasons;
  std::vector<std::pair<json::object, std::function<void(std::optional<json::object>)>>> asks;
  std::vector<std::pair<std::string, json::object>> events;  ///< (type, data), in order
  /// The data of the events of `type`, in order.
  std::vector<json::object> events_of(std::string_view type) const {
    std::vector<json::object> out;
    for (const auto& [t, data] : events)
      if (t == type) out.push_back(data);
    return out;
  }
};

struct FakeSink final : CallSink {
  explicit FakeSink(std::shared_ptr<Recorded> r) : r(std::move(r)) {}
  void status_changed(const json::object&, std::optional<json::object> m) override {
    if (m) r->statuses.push_back(std::move(*m));
  }
  void notify(json::object m) override { r->notified.push_back(std::move(m)); }
  void event(std::string_view type, json::object data) override {
    r->events.emplace_back(std::string(type), std::move(data));
  }
  void ended(const json::object& call, std::optional<json::object>,
             std::optional<json::object> report) override {
    r->ended_reasons.emplace_back(string_at(call, "endedReason"));
    if (report) r->reports.push_back(std::move(*report));
  }
  void ask(json::object m, const json::object*, std::chrono::milliseconds,
           std::function<void(std::optional<json::object>)> answer) override {
    r->asks.emplace_back(std::move(m), std::move(answer));
  }
  std::shared_ptr<Recorded> r;
};

class LiveCallTest : public ::testing::Test {
 protected:
  static chat::ResolvedAssistant resolved(std::string_view assistant_json, std::string name = "") {
    chat::ResolvedAssistant assistant;
    assistant.assistant = json::parse(assistant_json).as_object();
    if (const auto* model = object_at(assistant.assistant, "model"))
      if (const auto* tools = array_at(*model, "tools")) assistant.tools = *tools;
    assistant.name = std::move(name);
    return assistant;
  }
  void start(std::string_view assistant_json) { start_squad({resolved(assistant_json)}); }
  void start_squad(std::vector<chat::ResolvedAssistant> assistants) {
    chat::Conversation conversation;
    conversation.org_id = "org";
    conversation.assistants = std::move(assistants);
    conversation.access = [](const chat::ModelSetup&) {
      return chat::ModelAccess{"http://x", "k"};
    };
    json::object doc{{"id", "call-1"}, {"orgId", "org"}, {"status", "queued"}};
    call_ = LiveCall::create(
        boost::asio::make_strand(io_),
        LiveCallServices{clock_, engine_, transcriber_, voice_, nullptr, nullptr, transfers_},
        std::make_unique<FakeSink>(recorded_), doc, conversation);
    poll();
    ASSERT_TRUE(call_->claim());
    EXPECT_FALSE(call_->claim()) << "one connection per call";
    call_->connected(transport_);
    poll();
  }
  void poll() {
    io_.restart();
    while (io_.poll() > 0) {
    }
  }
  // Moves time forward in 20 ms steps, running what falls due.
  void run_for(std::chrono::milliseconds span) {
    for (auto t = 0ms; t < span; t += 20ms) {
      clock_.advance(20ms);
      poll();
    }
  }
  std::size_t frames() const { return transport_->frames.size(); }
  // The customer says a vowel (which the voice detector takes for speech) for `span`, a 20 ms
  // frame every 20 ms.
  void customer_speaks_for(std::chrono::milliseconds span) {
    for (auto t = 0ms; t < span; t += 20ms) {
      std::vector<std::int16_t> frame(320);
      for (auto& sample : frame) {
        const double at = static_cast<double>(vowel_at_++) / 16000;
        double v = 0;
        for (int h = 1; h * 140 < 3400; ++h) {
          const double f = h * 140.0;
          v += (1.0 / (1 + std::pow((f - 700) / 150, 2)) + 0.05) *
               std::sin(2 * std::numbers::pi * f * at);
        }
        sample = static_cast<std::int16_t>(std::clamp(v * 4000, -32000.0, 32000.0));
      }
      clock_.advance(20ms);
      call_->customer_audio(std::move(frame));
      poll();
    }
  }
  std::size_t vowel_at_ = 0;

  ManualClock clock_;
  boost::asio::io_context io_;
  ScriptedModel model_;
  ScriptedTools tools_;
  chat::ChatEngine engine_{model_, tools_};
  FakeTranscriber transcriber_;
  FakeVoice voice_;
  std::shared_ptr<FakeTransport> transport_ = std::make_shared<FakeTransport>(clock_);
  std::shared_ptr<Recorded> recorded_ = std::make_shared<Recorded>();
  std::shared_ptr<LiveCall> call_;
  CallTransfers* transfers_ = nullptr;  ///< a test that transfers sets it
};

constexpr std::string_view kAssistant = R"({"model": {"provider": "openai", "model": "gpt-4o"},
    "firstMessage": "Hello there."})";

}  // namespace sb::voice::testing
