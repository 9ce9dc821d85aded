// multipart/form-data parsing: what real clients send (undici's FormData, curl, browsers),
// the lenient corners of RFC 2046, and hostile bodies (a seeded mutation loop: no crash, no
// sanitizer report, always parts or a 400).

#include "http/multipart.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "core/api_error.hpp"

namespace sb::http {
namespace {

using namespace std::string_literals;

constexpr std::string_view kBoundary = "----formdata-undici-0123456789";

// What Node's fetch sends for client.files.create({file, purpose}).
std::string undici_body(std::string_view data = "hello\r\nworld") {
  std::string b;
  b += "------formdata-undici-0123456789\r\n";
  b += "Content-Disposition: form-data; name=\"file\"; filename=\"notes.txt\"\r\n";
  b += "Content-Type: application/octet-stream\r\n\r\n";
  b += data;
  b += "\r\n------formdata-undici-0123456789\r\n";
  b += "Content-Disposition: form-data; name=\"purpose\"\r\n\r\n";
  b += "knowledge-base-v2";
  b += "\r\n------formdata-undici-0123456789--\r\n";
  return b;
}

std::string error_of(std::string_view body, std::string_view boundary = kBoundary,
                     const MultipartLimits& limits = {}) {
  try {
    parse_form_data(body, boundary, limits);
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), ErrorCode::kBadRequest);
    return e.messages().at(0);
  }
  return "(parsed)";
}

TEST(FormDataBoundary, ReadsQuotedBareAndOddlyCasedTypes) {
  EXPECT_EQ(form_data_boundary("multipart/form-data; boundary=----formdata-undici-0123456789"),
            "----formdata-undici-0123456789");
  EXPECT_EQ(form_data_boundary("Multipart/Form-Data;BOUNDARY=\"a b:c\""), "a b:c");
  EXPECT_EQ(form_data_boundary("multipart/form-data; charset=utf-8; boundary=xyz"), "xyz");
  EXPECT_EQ(form_data_boundary("multipart/form-data; boundary=\"q\\\"x\""), "q\"x");
  EXPECT_EQ(form_data_boundary("multipart/form-data"), std::nullopt);
  EXPECT_EQ(form_data_boundary("multipart/form-data; boundary="), std::nullopt);
  EXPECT_EQ(form_data_boundary("multipart/form-data; boundary=\"unterminated"), std::nullopt);
  EXPECT_EQ(form_data_boundary("multipart/mixed; boundary=xyz"), std::nullopt);
  EXPECT_EQ(form_data_boundary("application/json"), std::nullopt);
  EXPECT_EQ(form_data_boundary(""), std::nullopt);
  EXPECT_EQ(form_data_boundary("multipart/form-data; boundary=" + std::string(71, 'a')),
            std::nullopt);
  EXPECT_EQ(form_data_boundary("multipart/form-data; boundary=a\x01z"), std::nullopt);
}

TEST(FormData, ParsesWhatUndiciSends) {
  const std::string body = undici_body();
  const auto parts = parse_form_data(body, kBoundary);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].name, "file");
  EXPECT_EQ(parts[0].filename, "notes.txt");
  EXPECT_EQ(parts[0].content_type, "application/octet-stream");
  EXPECT_EQ(parts[0].data, "hello\r\nworld");
  EXPECT_EQ(parts[1].name, "purpose");
  EXPECT_EQ(parts[1].filename, std::nullopt);
  EXPECT_EQ(parts[1].data, "knowledge-base-v2");
  // Views into the body: no copy of the data.
  EXPECT_GE(parts[0].data.data(), body.data());
  EXPECT_LE(parts[0].data.data() + parts[0].data.size(), body.data() + body.size());
}

TEST(FormData, KeepsBinaryDataAndLineBreaksInside) {
  const std::string data = "\0\r\n--\r\n------formdata-undici-012345678\xff\r\n\r"s;
  const std::string body = undici_body(data);  // the parts are views into it
  const auto parts = parse_form_data(body, kBoundary);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].data, data);
}

TEST(FormData, DataThatOnlyStartsLikeTheDelimiterIsData) {
  const std::string data = "a\r\n------formdata-undici-0123456789X\r\nb";
  const std::string body = undici_body(data);
  const auto parts = parse_form_data(body, kBoundary);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].data, data);
}

TEST(FormData, AcceptsBareLineFeedsPreambleEpilogueAndPadding) {
  const std::string body =
      "This is a preamble.\r\n--b \t\n"
      "content-disposition: form-data; name=f; filename=a.csv\n"
      "content-type: text/csv\n\n"
      "x,y\n1,2\n"
      "--b\r\n"
      "Content-Disposition: form-data; name=\"empty\"\r\n\r\n"
      "\r\n--b--\r\nand an epilogue";
  const auto parts = parse_form_data(body, "b");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].filename, "a.csv");
  EXPECT_EQ(parts[0].content_type, "text/csv");
  EXPECT_EQ(parts[0].data, "x,y\n1,2");
  EXPECT_EQ(parts[1].name, "empty");
  EXPECT_EQ(parts[1].data, "");
}

TEST(FormData, FilenameStarWinsAndIsDecoded) {
  auto one = [](std::string disposition) {
    const std::string body = "--b\r\nContent-Disposition: " + disposition + "\r\n\r\nx\r\n--b--";
    return parse_form_data(body, "b").at(0).filename;
  };
  EXPECT_EQ(
      one("form-data; name=file; filename=\"euro.txt\"; filename*=UTF-8''%E2%82%AC%20rates.txt"),
      "\xE2\x82\xAC rates.txt");
  EXPECT_EQ(one("form-data; name=file; filename*=iso-8859-1'en'caf%E9.md"), "caf\xC3\xA9.md");
  // An unknown charset or a broken escape falls back to filename=.
  EXPECT_EQ(one("form-data; name=file; filename*=koi8-r''%C1.txt; filename=plain.txt"),
            "plain.txt");
  EXPECT_EQ(one("form-data; name=file; filename*=UTF-8''bad%2; filename=plain.txt"), "plain.txt");
  EXPECT_EQ(one("form-data; name=file; filename*=UTF-8''bad%zz.txt"), std::nullopt);
  // Quoted values keep semicolons and escaped quotes; browsers send %22 for a quote.
  EXPECT_EQ(one("form-data; name=\"file\"; filename=\"a;b \\\"c\\\".txt\""), "a;b \"c\".txt");
  EXPECT_EQ(one("form-data; name=\"file\"; filename=\"say %22hi%22.txt\""), "say %22hi%22.txt");
  EXPECT_EQ(one("form-data; name=\"file\"; filename=\"\""), "");
}

TEST(FormData, AnEmptyFormHasNoParts) {
  EXPECT_TRUE(parse_form_data("--b--\r\n", "b").empty());
  EXPECT_TRUE(parse_form_data("--b--", "b").empty());
}

TEST(FormData, RefusesMalformedBodies) {
  const std::string prefix = "Malformed multipart/form-data body: ";
  EXPECT_EQ(error_of("", "b"), prefix + "no part delimited by the Content-Type's boundary");
  EXPECT_EQ(error_of("just some text", "b"), error_of("", "b"));
  EXPECT_EQ(error_of(undici_body(), "other-boundary"), error_of("", "b"));
  EXPECT_EQ(error_of("--bX\r\n", "b"), error_of("", "b"));
  EXPECT_EQ(error_of("--b\r\nContent-Disposition: form-data; name=a\r\n\r\nno end", "b"),
            prefix + "the body ends before its closing boundary (--b--)");
  std::string truncated = undici_body();
  truncated.resize(truncated.size() - 4);  // "--\r\n" of the closing delimiter
  EXPECT_EQ(error_of(truncated), prefix + "the body ends before its closing boundary (--" +
                                     std::string(kBoundary) + "--)");
  EXPECT_EQ(error_of("--b\r\nContent-Disposition: form-data; name=a", "b"),
            prefix + "a part's headers are not terminated by an empty line");
  EXPECT_EQ(error_of("--b\r\nno colon here\r\n\r\nx\r\n--b--", "b"),
            prefix + "a part header is not a \"Name: value\" line");
  EXPECT_EQ(
      error_of("--b\r\nContent-Disposition: form-data; name=a\r\n folded\r\n\r\nx\r\n--b--", "b"),
      prefix + "a part header is not a \"Name: value\" line");
  EXPECT_EQ(error_of("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--", "b"),
            prefix + "a part has no Content-Disposition: form-data header");
  EXPECT_EQ(error_of("--b\r\n\r\nx\r\n--b--", "b"),
            prefix + "a part has no Content-Disposition: form-data header");
  EXPECT_EQ(error_of("--b\r\nContent-Disposition: attachment; name=a\r\n\r\nx\r\n--b--", "b"),
            prefix + "a part's Content-Disposition is not form-data");
  EXPECT_EQ(error_of("--b\r\nContent-Disposition: form-data; filename=a\r\n\r\nx\r\n--b--", "b"),
            prefix + "a part's Content-Disposition has no name");
  EXPECT_EQ(error_of("--b\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--b--", "b"),
            prefix + "a Content-Disposition header has an unterminated quoted value");
}

TEST(FormData, BoundsPartsAndHeaders) {
  std::string many;
  for (int i = 0; i < 17; ++i) many += "--b\r\nContent-Disposition: form-data; name=f\r\n\r\nx\r\n";
  many += "--b--";
  EXPECT_EQ(error_of(many, "b"), "Malformed multipart/form-data body: more than 16 parts");
  MultipartLimits limits;
  limits.max_parts = 17;
  EXPECT_EQ(parse_form_data(many, "b", limits).size(), 17u);

  const std::string big =
      "--b\r\nContent-Disposition: form-data; name=f\r\nX-Pad: " + std::string(9000, 'p') +
      "\r\n\r\nx\r\n--b--";
  EXPECT_EQ(error_of(big, "b"),
            "Malformed multipart/form-data body: a part's headers exceed 8192 bytes");
  // A megabyte without a line end is refused after looking at the limit's worth of it.
  const std::string no_newline = "--b\r\n" + std::string(1 << 20, 'h');
  EXPECT_EQ(error_of(no_newline, "b"), error_of(big, "b"));
}

// Mutations of valid bodies (flipped, dropped, duplicated and inserted bytes, cuts): each
// parses or is a 400; under ASan/UBSan this also proves no out-of-bounds access.
TEST(FormData, SurvivesMutatedBodies) {
  std::mt19937 rng(20240611);
  const std::string seeds[] = {
      undici_body(),
      "pre\n--b\nContent-Disposition: form-data; name=\"f\"; filename*=UTF-8''%41.txt\n\nz\n--b--",
      "--b\r\nContent-Disposition: form-data; name=a\r\n\r\n\r\n--b\r\n"
      "Content-Disposition: form-data; name=\"b\"; filename=\"q\\\"\"\r\n\r\n--b--"};
  const std::string alphabet = "-\r\n\"';=%\\ :bB*aZ\0\xff"s;
  int parsed = 0, refused = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string body = seeds[round % 3];
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !body.empty(); ++e) {
      const std::size_t at = rng() % body.size();
      switch (rng() % 5) {
        case 0:
          body[at] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          body.erase(at, 1 + rng() % 8);
          break;
        case 2:
          body.insert(at, body.substr(at, 1 + rng() % 16));
          break;
        case 3:
          body.insert(at, 1, alphabet[rng() % alphabet.size()]);
          break;
        case 4:
          body.resize(at);
          break;
      }
    }
    const std::string_view boundary = round % 3 == 0 ? kBoundary : std::string_view("b");
    try {
      for (const auto& part : parse_form_data(body, boundary)) {
        ASSERT_GE(part.data.data(), body.data());
        ASSERT_LE(part.data.data() + part.data.size(), body.data() + body.size());
        ASSERT_FALSE(part.name.empty());
      }
      ++parsed;
    } catch (const ApiError& e) {
      ASSERT_EQ(e.code(), ErrorCode::kBadRequest);
      ++refused;
    }
  }
  EXPECT_GT(parsed, 1000);
  EXPECT_GT(refused, 1000);
}

}  // namespace
}  // namespace sb::http
