// core/utf8: strict validation and decoding, encoding, and the lead-byte counts and cuts, at
// the boundaries of 2-, 3- and 4-byte sequences and on bytes that are not UTF-8.

#include "core/utf8.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>

namespace sb::utf8 {
namespace {

constexpr std::string_view kE = "\xC3\xA9";             // é, 2 bytes
constexpr std::string_view kEuro = "\xE2\x82\xAC";      // €, 3 bytes
constexpr std::string_view kGrin = "\xF0\x9F\x98\x80";  // 😀, 4 bytes, 2 UTF-16 units
constexpr std::string_view kMixed = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z";  // aé€😀z

TEST(Utf8Invalid, AcceptsWellFormedText) {
  EXPECT_EQ(invalid_at(""), std::nullopt);
  EXPECT_EQ(invalid_at("plain ascii"), std::nullopt);
  EXPECT_EQ(invalid_at("men\xC3\xBC \xE2\x82\xAC \xF0\x9F\x98\x80"), std::nullopt);
  EXPECT_EQ(invalid_at("\xC2\x80\xDF\xBF"), std::nullopt);                  // U+0080, U+07FF
  EXPECT_EQ(invalid_at("\xE0\xA0\x80\xEF\xBF\xBF"), std::nullopt);          // U+0800, U+FFFF
  EXPECT_EQ(invalid_at("\xED\x9F\xBF\xEE\x80\x80"), std::nullopt);          // around the surrogates
  EXPECT_EQ(invalid_at("\xF0\x90\x80\x80\xF4\x8F\xBF\xBF"), std::nullopt);  // U+10000, U+10FFFF
}

TEST(Utf8Invalid, NamesTheFirstByteThatIsNotWellFormed) {
  EXPECT_EQ(invalid_at("caf\xE9"), 3u);           // Latin-1, not UTF-8
  EXPECT_EQ(invalid_at("a\x80"), 1u);             // a stray continuation byte
  EXPECT_EQ(invalid_at("\xC0\xAF"), 0u);          // overlong '/'
  EXPECT_EQ(invalid_at("\xC1\x81"), 0u);          // overlong 'A'
  EXPECT_EQ(invalid_at("\xE0\x80\x80"), 0u);      // overlong NUL
  EXPECT_EQ(invalid_at("\xF0\x8F\xBF\xBF"), 0u);  // overlong U+FFFF
  EXPECT_EQ(invalid_at("ab\xED\xA0\x80"), 2u);    // a surrogate
  EXPECT_EQ(invalid_at("\xED\xBF\xBF"), 0u);      // the last surrogate
  EXPECT_EQ(invalid_at("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(invalid_at("\xF5\x80\x80\x80"), 0u);  // a lead of nothing Unicode has
  EXPECT_EQ(invalid_at("\xFF"), 0u);
  EXPECT_EQ(invalid_at("x\xE2\x82"), 1u);  // cut short at the end
  EXPECT_EQ(invalid_at("x\xF0\x9F\x98"), 1u);
  EXPECT_EQ(invalid_at("\xC3"), 0u);
  EXPECT_EQ(invalid_at("\xE2\x82z"), 0u);  // cut short before other text
  EXPECT_EQ(invalid_at("\xC3\xA9\xF0\x9F\x98z"), 2u);
}

TEST(Utf8Decode, DecodesWellFormedSequences) {
  const auto decoded = [](std::string_view s, std::size_t at = 0) {
    const auto d = decode_at(s, at);
    return d ? std::pair{static_cast<std::uint32_t>(d->code_point), d->size}
             : std::pair{0xFFFFFFFFu, std::size_t{0}};
  };
  EXPECT_EQ(decoded("A"), std::pair(0x41u, std::size_t{1}));
  EXPECT_EQ(decoded(kE), std::pair(0xE9u, std::size_t{2}));
  EXPECT_EQ(decoded(kEuro), std::pair(0x20ACu, std::size_t{3}));
  EXPECT_EQ(decoded(kGrin), std::pair(0x1F600u, std::size_t{4}));
  EXPECT_EQ(decoded("\xF4\x8F\xBF\xBF"), std::pair(0x10FFFFu, std::size_t{4}));
  EXPECT_EQ(decoded(kMixed, 3), std::pair(0x20ACu, std::size_t{3}));
  EXPECT_FALSE(decode_at(kMixed, 2));  // inside é
  EXPECT_FALSE(decode_at("a", 1));     // past the end
  EXPECT_FALSE(decode_at("", 0));
}

TEST(Utf8Append, EncodesEachSize) {
  std::string out;
  for (const char32_t cp : {U'a', U'\u00E9', U'\u20AC', U'\U0001F600', U'\U0010FFFF'})
    append(out, cp);
  EXPECT_EQ(out, "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF");
  std::string latin1;
  append(latin1, 0xFF);
  EXPECT_EQ(latin1, "\xC3\xBF");
}

TEST(Utf8Length, CountsCodePoints) {
  EXPECT_EQ(length(""), 0u);
  EXPECT_EQ(length("abc"), 3u);
  EXPECT_EQ(length("h\xc3\xa9llo"), 5u);  // é
  EXPECT_EQ(length(kGrin), 1u);           // 😀: one, as validator.js counts it
  EXPECT_EQ(length(kMixed), 5u);
  EXPECT_EQ(length("\xFF\xC3"), 2u);  // bytes that lead nothing count one each
  EXPECT_EQ(length("\x80\x80"), 0u);  // stray continuation bytes count nothing
}

TEST(Utf8Length, CountsUtf16UnitsAsJavaScriptDoes) {
  EXPECT_EQ(utf16_length(""), 0u);
  EXPECT_EQ(utf16_length(kE), 1u);
  EXPECT_EQ(utf16_length(kEuro), 1u);
  EXPECT_EQ(utf16_length(kGrin), 2u);
  EXPECT_EQ(utf16_length(kMixed), 6u);
}

TEST(Utf8Prefix, TakesWholeCharacters) {
  EXPECT_EQ(prefix(kMixed, 0), "");
  EXPECT_EQ(prefix(kMixed, 1), "a");
  EXPECT_EQ(prefix(kMixed, 2), "a\xC3\xA9");
  EXPECT_EQ(prefix(kMixed, 3), "a\xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(prefix(kMixed, 4), "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  EXPECT_EQ(prefix(kMixed, 5), kMixed);
  EXPECT_EQ(prefix(kMixed, 99), kMixed);
  EXPECT_EQ(prefix("\x80"
                   "ab",
                   1),
            "\x80"
            "a");  // a stray continuation byte rides along
}

TEST(Utf8Cut, NeverEndsInsideACharacter) {
  // Cut in the middle of each size of sequence: back to its lead byte.
  EXPECT_EQ(cut(kMixed, 2), "a");                      // inside é
  EXPECT_EQ(cut(kMixed, 3), "a\xC3\xA9");              // right after é
  EXPECT_EQ(cut(kMixed, 4), "a\xC3\xA9");              // inside €, after its lead
  EXPECT_EQ(cut(kMixed, 5), "a\xC3\xA9");              // inside €, before its last byte
  EXPECT_EQ(cut(kMixed, 6), "a\xC3\xA9\xE2\x82\xAC");  // right after €
  for (std::size_t n = 7; n < 10; ++n)                 // inside 😀
    EXPECT_EQ(cut(kMixed, n), "a\xC3\xA9\xE2\x82\xAC") << n;
  EXPECT_EQ(cut(kMixed, 10), "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  EXPECT_EQ(cut(kMixed, 11), kMixed);
  EXPECT_EQ(cut(kMixed, 100), kMixed);
  EXPECT_EQ(cut(kGrin, 3), "");
  EXPECT_EQ(cut("", 0), "");
  EXPECT_EQ(cut("abc", 0), "");
}

TEST(Utf8Cut, KeepsWhatIsCutShortAlready) {
  // A sequence that was cut short before is not this cut's to drop: only bytes past the limit
  // are, and the byte at the limit decides.
  EXPECT_EQ(cut("ab\xE2\x82", 4), "ab\xE2\x82");
  EXPECT_EQ(cut("ab\xE2\x82z", 4), "ab\xE2\x82");
}

TEST(Utf8Utf16Prefix, CountsFourByteCharactersTwice) {
  EXPECT_EQ(utf16_prefix(kMixed, 0), "");
  EXPECT_EQ(utf16_prefix(kMixed, 3), "a\xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(utf16_prefix(kMixed, 4), "a\xC3\xA9\xE2\x82\xAC");  // 😀 needs two units
  EXPECT_EQ(utf16_prefix(kMixed, 5), "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  EXPECT_EQ(utf16_prefix(kMixed, 6), kMixed);
  EXPECT_EQ(utf16_prefix(kMixed, 60), kMixed);
  EXPECT_EQ(utf16_prefix(kGrin, 1), "");
}

}  // namespace
}  // namespace sb::utf8
