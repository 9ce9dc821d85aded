#include "net/body_files.hpp"

#include <unistd.h>

#include <gtest/gtest.h>

namespace sb::net {
namespace {

std::string file_text(const BodyFile& file) {
  std::string text(file.size(), '\0');
  EXPECT_EQ(::pread(file.fd(), text.data(), text.size(), 0), static_cast<ssize_t>(text.size()));
  return text;
}

TEST(BodyFiles, ALargeBodyGetsAFileOnItsSecondSendWithItsExactBytes) {
  BodyFiles files;
  auto body = std::make_shared<const std::string>(BodyFiles::kMinSize + 7, 'x');
  EXPECT_EQ(files.file_for(body), nullptr);  // first send: from memory
  const auto file = files.file_for(body);
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(file_text(*file), *body);
  EXPECT_EQ(files.file_for(body), file);  // the same file from then on
}

TEST(BodyFiles, SmallBodiesNeverGetAFile) {
  BodyFiles files;
  auto body = std::make_shared<const std::string>(100, 'x');
  EXPECT_EQ(files.file_for(body), nullptr);
  EXPECT_EQ(files.file_for(body), nullptr);
}

TEST(BodyFiles, ABodyAtTheAddressOfADroppedOneIsNotAnsweredWithTheOldBytes) {
  BodyFiles files;
  auto first = std::make_shared<const std::string>(BodyFiles::kMinSize, 'a');
  files.file_for(first);
  ASSERT_NE(files.file_for(first), nullptr);
  first.reset();
  // Another body, likely at the same address: it starts over, and its file holds its bytes.
  auto second = std::make_shared<const std::string>(BodyFiles::kMinSize, 'b');
  files.file_for(second);
  const auto file = files.file_for(second);
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(file_text(*file), *second);
}

}  // namespace
}  // namespace sb::net
