#include "core/file_io.hpp"

#include <sys/stat.h>

#include <fstream>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "temp_directory.hpp"

namespace sb {
namespace {

TEST(FileIo, ReadFileReturnsEveryByte) {
  test::TempDirectory dir("file-io");
  const std::string path = (dir.path() / "f").string();
  std::string bytes(200'000, '\0');  // more than one read's buffer
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7);
  std::ofstream(path, std::ios::binary) << bytes;
  EXPECT_EQ(read_file(path), bytes);
  std::ofstream(path, std::ios::binary | std::ios::trunc);
  EXPECT_EQ(read_file(path), "");
  EXPECT_EQ(read_file((dir.path() / "missing").string()), std::nullopt);
}

TEST(FileIo, MakePrivateDirIsIdempotentAndSaysWhyItCannot) {
  test::TempDirectory dir("file-io");
  const std::string path = (dir.path() / "d").string();
  make_private_dir(path);
  make_private_dir(path);  // exists: fine
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  try {
    make_private_dir(path + "/no/such");
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "cannot create " + path + "/no/such: No such file or directory");
  }
}

}  // namespace
}  // namespace sb
