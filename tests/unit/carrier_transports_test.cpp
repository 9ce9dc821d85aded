// The Vonage and Telnyx transports against a recording socket and call: what goes on the wire
// for the pipeline's audio and controls, and what the call hears of the carrier's messages.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "api/calls/call_routes.hpp"
#include "core/codec.hpp"
#include "runtime/voice/telnyx_transport.hpp"
#include "runtime/voice/vonage_transport.hpp"

namespace sb::voice {
namespace {

namespace json = boost::json;

struct Socket : net::WebSocket {
  std::vector<std::string> texts, binaries;
  std::optional<net::CloseCode> closed;
  bool send_text(std::string m) override {
    texts.push_back(std::move(m));
    return true;
  }
  bool send_binary(std::string m) override {
    binaries.push_back(std::move(m));
    return true;
  }
  void close(net::CloseCode code, std::string) override { closed = code; }
  std::size_t queued_bytes() const override { return 0; }
  net::WebSocketStats stats() const override { return {}; }
};

struct Call : CallMedia {
  std::size_t samples = 0;
  std::vector<std::string> digits, marks, hangups;
  void customer_audio(std::vector<std::int16_t> pcm) override { samples += pcm.size(); }
  void control(json::object) override {}
  void dtmf(std::string d) override { digits.push_back(std::move(d)); }
  void mark_played(std::string n) override { marks.push_back(std::move(n)); }
  void hung_up(std::string r) override { hangups.push_back(std::move(r)); }
};

constexpr const char* kConnected =
    R"({"event":"websocket:connected","content-type":"audio/l16;rate=16000","callId":"call-1"})";

TEST(VonageTransport, TakesNothingBeforeConnectedAndClosesOnAnotherCallsId) {
  auto socket = std::make_shared<Socket>();
  auto call = std::make_shared<Call>();
  VonageTransport t("call-1", socket, call);
  const std::vector<std::int16_t> pcm(320, 100);
  EXPECT_FALSE(t.send_audio(pcm));
  t.on_binary(std::string(640, '\0'));
  EXPECT_EQ(call->samples, 0u);
  t.on_text(
      R"({"event":"websocket:connected","content-type":"audio/l16;rate=16000","callId":"x"})");
  EXPECT_EQ(socket->closed, net::CloseCode::kPolicy);
}

TEST(VonageTransport, SendsWhole640ByteFramesAndPadsTheLastBeforeAMark) {
  auto socket = std::make_shared<Socket>();
  auto call = std::make_shared<Call>();
  VonageTransport t("call-1", socket, call);
  t.on_text(kConnected);
  EXPECT_FALSE(socket->closed);
  const std::vector<std::int16_t> pcm(500, 100);  // 31.25 ms
  EXPECT_TRUE(t.send_audio(pcm));
  ASSERT_EQ(socket->binaries.size(), 1u);
  EXPECT_EQ(socket->binaries[0].size(), 640u);
  t.mark("utterance-1");
  ASSERT_EQ(socket->binaries.size(), 2u);
  EXPECT_EQ(socket->binaries[1].size(), 640u);
  EXPECT_EQ(socket->binaries[1].substr(360), std::string(280, '\0'));
  ASSERT_EQ(socket->texts.size(), 1u);
  EXPECT_EQ(json::parse(socket->texts[0]),
            json::parse(R"({"action":"notify","payload":{"name":"utterance-1"}})"));
  t.on_text(R"({"event":"websocket:notify","payload":{"name":"utterance-1"}})");
  EXPECT_EQ(call->marks, std::vector<std::string>{"utterance-1"});
  t.clear();
  EXPECT_EQ(json::parse(socket->texts.back()), json::parse(R"({"action":"clear"})"));
}

TEST(VonageTransport, PassesCallerAudioKeysAndTheCloseToTheCall) {
  auto socket = std::make_shared<Socket>();
  auto call = std::make_shared<Call>();
  VonageTransport t("call-1", socket, call);
  t.on_text(kConnected);
  t.on_binary(std::string(640, '\x01'));
  EXPECT_EQ(call->samples, 320u);
  t.on_text(R"({"event":"websocket:dtmf","digit":"4","duration":200})");
  EXPECT_EQ(call->digits, std::vector<std::string>{"4"});
  t.on_close(1000, "bye");
  ASSERT_EQ(call->hangups.size(), 1u);
}

std::string media(int chunk, std::size_t bytes) {
  return R"({"event":"media","media":{"track":"inbound","chunk":")" + std::to_string(chunk) +
         R"(","payload":")" + base64_encode(std::string(bytes, '\xff')) + R"("}})";
}

std::size_t payload_bytes(const std::string& message) {
  const auto m = json::parse(message).as_object();
  EXPECT_EQ(m.at("event"), "media");
  return base64_decode(m.at("media").as_object().at("payload").as_string())->size();
}

TEST(TelnyxTransport, ReordersCallerAudioAndSendsPcmuBackInWholeFrames) {
  auto socket = std::make_shared<Socket>();
  auto call = std::make_shared<Call>();
  TelnyxTransport t(socket, call);
  EXPECT_FALSE(t.send_audio(std::vector<std::int16_t>(320, 0)));
  t.on_text(
      R"({"event":"start","stream_id":"S","start":{"media_format":{"encoding":"PCMU","sample_rate":8000,"channels":1}}})");
  t.on_text(media(2, 160));
  EXPECT_EQ(call->samples, 0u);  // waits for chunk 1
  t.on_text(media(1, 160));
  EXPECT_GT(call->samples, 500u);  // both, at 16 kHz (less what the resampler holds back)
  // 40 ms at 16 kHz: one whole 20 ms frame of μ-law goes (the resampler holds a few back).
  EXPECT_TRUE(t.send_audio(std::vector<std::int16_t>(640, 0)));
  ASSERT_EQ(socket->texts.size(), 1u);
  EXPECT_EQ(payload_bytes(socket->texts[0]), 160u);
  // The rest goes before the mark, filled out to a whole frame.
  t.mark("answer-1");
  ASSERT_EQ(socket->texts.size(), 3u);
  EXPECT_EQ(payload_bytes(socket->texts[1]), 160u);
  EXPECT_EQ(json::parse(socket->texts[2]),
            json::parse(R"({"event":"mark","mark":{"name":"answer-1"}})"));
  t.on_text(R"({"event":"mark","mark":{"name":"answer-1"}})");
  EXPECT_EQ(call->marks, std::vector<std::string>{"answer-1"});
  t.on_text(R"({"event":"dtmf","dtmf":{"digit":"9"}})");
  EXPECT_EQ(call->digits, std::vector<std::string>{"9"});
  t.on_text(R"({"event":"stop"})");
  EXPECT_EQ(call->hangups.size(), 1u);
}

TEST(CarrierStreamPaths, NameTheCarrierAndTheCall) {
  const std::string id = "0b7c9f3e-2d4a-4c1e-9f6b-5a8d7e6c4b3a";
  EXPECT_EQ(api::carrier_stream_of("/vonage/stream/" + id).carrier, "vonage");
  EXPECT_EQ(api::carrier_stream_of("/telnyx/stream/" + id).call_id, id);
  EXPECT_EQ(api::carrier_stream_of("/twilio/stream/" + id).carrier, "twilio");
  EXPECT_TRUE(api::carrier_stream_of("/plivo/stream/" + id).carrier.empty());
  EXPECT_TRUE(api::carrier_stream_of("/vonage/stream/not-a-uuid").call_id.empty());
  EXPECT_TRUE(api::carrier_stream_of("/vonage/streams/" + id).call_id.empty());
}

}  // namespace
}  // namespace sb::voice
