// The file domain: types by extension and MIME type, text extraction (HTML included, on any
// bytes), and the FileStore's staging: publish moves into place, anything else leaves nothing.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "domain/files/file_spec.hpp"
#include "domain/files/file_store.hpp"
#include "domain/files/file_text.hpp"
#include "domain/files/file_types.hpp"
#include "temp_directory.hpp"

namespace sb::files {
namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;

TEST(FileTypes, ByExtensionAnyCaseWithAliases) {
  EXPECT_EQ(type_by_extension("PDF")->mimetype, "application/pdf");
  EXPECT_EQ(type_by_extension("yml")->extension, "yaml");
  EXPECT_EQ(type_by_extension("htm")->text, FileType::Text::kHtml);
  EXPECT_EQ(type_by_extension("markdown")->extension, "md");
  EXPECT_EQ(type_by_extension("log")->mimetype, "text/plain");
  EXPECT_EQ(type_by_extension("exe"), nullptr);
  EXPECT_EQ(type_by_extension(""), nullptr);
  EXPECT_EQ(type_by_mimetype("text/plain; charset=utf-8")->extension, "txt");
  EXPECT_EQ(type_by_mimetype("Application/PDF")->extension, "pdf");
  EXPECT_EQ(type_by_mimetype("text/x-markdown")->extension, "md");
  EXPECT_EQ(type_by_mimetype("application/octet-stream"), nullptr);
  EXPECT_EQ(type_by_mimetype(""), nullptr);
  EXPECT_EQ(supported_extensions(),
            ".csv, .doc, .docx, .html, .json, .log, .md, .pdf, .tsv, .txt, .xml, .yaml, .htm, "
            ".markdown, .yml");
}

TEST(FileText, PlainTextIsKeptWithoutItsByteOrderMark) {
  const auto& txt = *type_by_extension("txt");
  EXPECT_EQ(extract_text(txt, "\xEF\xBB\xBFline 1\r\nline 2\n"), "line 1\r\nline 2\n");
  EXPECT_EQ(extract_text(*type_by_extension("pdf"), "%PDF-1.4"), std::nullopt);
}

TEST(FileText, HtmlLosesItsMarkup) {
  EXPECT_EQ(html_to_text("<html><head><title>Hours</title><style>p{color:red}</style>"
                         "<script type='text/javascript'>if (a < b) x = '</p>';</script></head>"
                         "<body><!-- nav --><h1>Opening&nbsp;hours</h1>"
                         "<p class=\"x>y\">Mon&ndash;Fri: <b>9</b>&ndash;5 &amp; Sat</p>"
                         "<ul><li>One</li><li>Two &#x1F600; &#233;</li></ul>"
                         "<table><tr><td>a</td><td>b</td></tr></table>"
                         "a < b and c<d</body></html>"),
            "Hours\nOpening hours\nMon\u2013Fri: 9\u20135 & Sat\nOne\nTwo \xF0\x9F\x98\x80 "
            "\xC3\xA9\na b\na < b and c");
  EXPECT_EQ(html_to_text("<SCRIPT>x</SCRIPT>after <STYLE>y</style >end"), "after end");
  EXPECT_EQ(html_to_text("&#0; &#xD800; &#99999999; &#; &bogus; &"),
            "\xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBD &#; &bogus; &");
  EXPECT_EQ(html_to_text("unterminated <a href=\"x"), "unterminated");
  EXPECT_EQ(html_to_text("<!-- never closed"), "");
  EXPECT_EQ(html_to_text("<script>never closed"), "");
  EXPECT_EQ(html_to_text("  \n\n  text  \n\n\n  more  "), "text\nmore");
}

TEST(FileText, HtmlOfAnyBytesIsNeverLongerThanItsSource) {
  std::mt19937 rng(7);
  const std::string alphabet = "<>/&#;x!-'\"abcdeprstyl \n\xC3\xA9"s;
  for (int round = 0; round < 5000; ++round) {
    std::string html(rng() % 200, ' ');
    for (char& c : html) c = alphabet[rng() % alphabet.size()];
    ASSERT_LE(html_to_text(html).size(), html.size()) << html;
  }
}

class FileStoreTest : public ::testing::Test {
 protected:
  std::size_t temp_files() const {
    return static_cast<std::size_t>(std::distance(
        fs::directory_iterator(dir_.path() / "files" / "tmp"), fs::directory_iterator()));
  }
  const test::TempDirectory dir_{"sb-files"};
  const std::string name_ = std::string(64, 'a') + ".txt";
};

TEST_F(FileStoreTest, PublishMovesTheStagedBytesIntoPlace) {
  FileStore store(dir_.path().string());
  auto staged = store.stage(name_, "hello");
  EXPECT_EQ(temp_files(), 1u);
  EXPECT_EQ(store.read(name_), std::nullopt);  // not served before the commit
  staged->publish();
  staged.reset();
  EXPECT_EQ(temp_files(), 0u);
  EXPECT_EQ(store.read(name_), "hello");
  EXPECT_EQ(fs::status(dir_.path() / "files").permissions() & fs::perms::all, fs::perms::owner_all);
  store.remove(name_);
  EXPECT_EQ(store.read(name_), std::nullopt);
  store.remove(name_);  // twice: nothing happens
}

TEST_F(FileStoreTest, AnUnpublishedStagingLeavesNothing) {
  FileStore store(dir_.path().string());
  store.stage(name_, "never committed").reset();
  EXPECT_EQ(temp_files(), 0u);
  EXPECT_EQ(store.read(name_), std::nullopt);
}

TEST_F(FileStoreTest, LeftoverTempFilesAreRemovedAtStart) {
  { FileStore first(dir_.path().string()); }
  std::ofstream(dir_.path() / "files" / "tmp" / "0123abcd") << "half an upload";
  FileStore store(dir_.path().string());
  EXPECT_EQ(temp_files(), 0u);
}

TEST_F(FileStoreTest, OnlyItsOwnNamesReachTheDisk) {
  EXPECT_TRUE(FileStore::valid_name(name_));
  EXPECT_TRUE(FileStore::valid_name(std::string(64, '0') + ".docx"));
  for (const std::string& bad :
       {std::string(64, 'A') + ".txt", std::string(63, 'a') + ".txt", std::string(64, 'a'),
        std::string(64, 'a') + ".", std::string(64, 'a') + "./x", std::string(64, 'a') + ".TXT",
        "../" + std::string(61, 'a') + ".txt", std::string(64, 'a') + "." + std::string(17, 'x')})
    EXPECT_FALSE(FileStore::valid_name(bad)) << bad;
  FileStore store(dir_.path().string());
  EXPECT_EQ(store.read("../secret.key"), std::nullopt);
  EXPECT_THROW(store.stage("../escape.txt", "x"), std::logic_error);
}

TEST(FileSpec, TheStoredNameComesFromTheUrl) {
  const std::string name = std::string(64, 'b') + ".pdf";
  EXPECT_EQ(stored_name({{"url", "https://voice.example.com/file-content/" + name}}), name);
  EXPECT_EQ(stored_name({{"url", "https://voice.example.com/file-content/../x.pdf"}}), "");
  EXPECT_EQ(stored_name({{"name", "no url"}}), "");
}

}  // namespace
}  // namespace sb::files
