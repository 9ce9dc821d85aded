// The Server-Sent Events parser: fields, line ends, comments, dispatch on a blank line, the
// same events however the bytes are split, and the bound on an event's size.
#include "runtime/llm/sse_parser.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace sb::llm {
namespace {

using Events = std::vector<std::pair<std::string, std::string>>;  // (type, data)

// Feeds `pieces` in order; the events they make.
Events parse(const std::vector<std::string>& pieces, SseParser& parser) {
  Events events;
  for (const auto& piece : pieces) {
    parser.feed(piece, [&](SseEvent& e) {
      events.emplace_back(e.type, e.data);
      return true;
    });
  }
  return events;
}

Events parse(const std::string& whole) {
  SseParser parser;
  return parse({whole}, parser);
}

TEST(LlmSseParser, DispatchesAnEventOnABlankLine) {
  SseParser parser;
  EXPECT_TRUE(parse({"data: {\"a\":1}\n"}, parser).empty());
  EXPECT_TRUE(parser.pending());
  EXPECT_EQ(parse({"\n"}, parser), (Events{{"", "{\"a\":1}"}}));
  EXPECT_FALSE(parser.pending());
}

TEST(LlmSseParser, ReadsEventTypesAndJoinsDataLines) {
  EXPECT_EQ(parse("event: message_start\ndata: one\ndata:two\ndata\n\n"
                  "data: next\n\n"),
            (Events{{"message_start", "one\ntwo\n"}, {"", "next"}}));
}

TEST(LlmSseParser, KeepsAllButOneLeadingSpaceOfAValue) {
  EXPECT_EQ(parse("data:   indented\n\n"), (Events{{"", "  indented"}}));
  EXPECT_EQ(parse("data: a: b\n\n"), (Events{{"", "a: b"}}));
}

TEST(LlmSseParser, IgnoresCommentsUnknownFieldsAndEventsWithoutData) {
  EXPECT_EQ(parse(": OPENROUTER PROCESSING\n\n"
                  "event: ping\n\n"
                  "id: 7\nretry: 1000\nfoo: bar\ndata: x\n\n"),
            (Events{{"", "x"}}));
}

TEST(LlmSseParser, ABlankLineForgetsTheEventTypeOfAnEventWithoutData) {
  EXPECT_EQ(parse("event: ping\n\ndata: x\n\n"), (Events{{"", "x"}}));
}

TEST(LlmSseParser, AcceptsCrLfCrAndLfLineEnds) {
  const Events expected{{"delta", "a\nb"}, {"", "c"}};
  EXPECT_EQ(parse("event: delta\ndata: a\ndata: b\n\ndata: c\n\n"), expected);
  EXPECT_EQ(parse("event: delta\r\ndata: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n"), expected);
  EXPECT_EQ(parse("event: delta\rdata: a\rdata: b\r\rdata: c\r\r"), expected);
}

TEST(LlmSseParser, SkipsALeadingByteOrderMarkOnly) {
  EXPECT_EQ(parse("\xEF\xBB\xBF"
                  "data: x\n\n"),
            (Events{{"", "x"}}));
  EXPECT_EQ(parse("data: \xEF\xBB\xBFx\n\n"), (Events{{"", "\xEF\xBB\xBFx"}}));
}

// Every way of cutting the stream in two, and byte by byte, gives the events of the whole.
TEST(LlmSseParser, GivesTheSameEventsHoweverTheBytesAreSplit) {
  const std::string stream =
      "\xEF\xBB\xBF: hello\r\n\r\nevent: content_block_delta\r\ndata: {\"text\":\"Hi\"}\r\n\r\n"
      "data: one\rdata: two\r\rdata:  three\n\ndata: [DONE]\r\n\r\n";
  const Events whole = parse(stream);
  ASSERT_EQ(whole.size(), 4u);
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    SseParser parser;
    EXPECT_EQ(parse({stream.substr(0, cut), stream.substr(cut)}, parser), whole) << "cut " << cut;
  }
  std::vector<std::string> bytes;
  for (char c : stream) bytes.emplace_back(1, c);
  SseParser parser;
  EXPECT_EQ(parse(bytes, parser), whole);
}

TEST(LlmSseParser, ACrLfSplitBetweenTwoPiecesIsOneLineEnd) {
  SseParser parser;
  // Were the LF a line of its own, it would be the blank line dispatching "a" early.
  EXPECT_EQ(parse({"data: a\r", "\ndata: b\r", "\n\r", "\n"}, parser), (Events{{"", "a\nb"}}));
}

TEST(LlmSseParser, FinishDispatchesAnEventLeftWithoutItsBlankLine) {
  for (const std::string tail : {"data: [DONE]\n", "data: [DONE]", "data: [DONE]\r"}) {
    SseParser parser;
    Events events = parse({"data: a\n\n" + tail}, parser);
    EXPECT_TRUE(parser.pending());
    parser.finish([&](SseEvent& e) {
      events.emplace_back(e.type, e.data);
      return true;
    });
    EXPECT_EQ(events, (Events{{"", "a"}, {"", "[DONE]"}})) << tail;
    EXPECT_FALSE(parser.pending());
  }
  SseParser empty;
  EXPECT_TRUE(empty.finish([](SseEvent&) {
    ADD_FAILURE() << "no event";
    return true;
  }));
}

TEST(LlmSseParser, RefusesAnEventOverTheLimit) {
  SseParser parser(64);
  int events = 0;
  auto count = [&](SseEvent&) {
    ++events;
    return true;
  };
  EXPECT_TRUE(parser.feed("data: " + std::string(40, 'a') + "\n\n", count));
  EXPECT_EQ(events, 1);
  // Many lines, each small, add up to one event too large.
  EXPECT_FALSE(parser.feed(
      "data: " + std::string(40, 'b') + "\ndata: " + std::string(40, 'c') + "\n\n", count));
  EXPECT_TRUE(parser.too_large());
  EXPECT_EQ(events, 1);
  EXPECT_FALSE(parser.feed("data: d\n\n", count));  // spent
  EXPECT_EQ(events, 1);
}

TEST(LlmSseParser, RefusesALineThatNeverEnds) {
  SseParser parser(1024);
  bool ok = true;
  for (int i = 0; i < 100 && ok; ++i)
    ok = parser.feed(std::string(100, 'x'), [](SseEvent&) { return true; });
  EXPECT_FALSE(ok);
  EXPECT_TRUE(parser.too_large());
}

TEST(LlmSseParser, StopsWhenTheSinkSaysSo) {
  SseParser parser;
  std::vector<std::string> seen;
  const bool more = parser.feed("data: 1\n\ndata: 2\n\n", [&](SseEvent& e) {
    seen.push_back(e.data);
    return false;
  });
  EXPECT_FALSE(more);
  EXPECT_FALSE(parser.too_large());
  EXPECT_EQ(seen, std::vector<std::string>{"1"});
}

}  // namespace
}  // namespace sb::llm
