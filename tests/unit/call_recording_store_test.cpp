// The recording store: the names it makes, the only names it reads or removes, and a deleted
// call's files going with it.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <boost/json/parse.hpp>

#include "domain/calls/recording_store.hpp"
#include "temp_directory.hpp"

namespace sb::calls {
namespace {

namespace fs = std::filesystem;

TEST(RecordingStoreTest, NamesAreATokenAndAKind) {
  const auto token = RecordingStore::new_token();
  ASSERT_EQ(token.size(), 64u);
  EXPECT_NE(token, RecordingStore::new_token());
  for (const auto kind : kRecordingKinds) {
    const auto name = RecordingStore::file_name(token, kind);
    EXPECT_TRUE(RecordingStore::valid_name(name)) << name;
  }
  EXPECT_EQ(RecordingStore::file_name(token, RecordingKind::kStereo), token + "-stereo.wav");
  for (const std::string& bad :
       {token + "-video.wav", token + "-stereo.mp3", token + "-stereo.wav/x",
        "../" + token.substr(3) + "-stereo.wav", std::string(64, 'A') + "-mono.wav",
        token.substr(1) + "-mono.wav", token + "mono.wav", std::string("-mono.wav"),
        std::string(64, '0') + "-../x.wav"})
    EXPECT_FALSE(RecordingStore::valid_name(bad)) << bad;
  EXPECT_EQ(recording_name_of("http://h/recording/" + token + "-mono.wav"), token + "-mono.wav");
  EXPECT_EQ(recording_name_of("http://h/recording/" + token + "-mono.wav?x"), "");
}

TEST(RecordingStoreTest, ADeletedCallLosesItsFilesAndNothingElse) {
  test::TempDirectory dir("recording-store");
  const RecordingStore store(dir.path().string());
  const auto token = RecordingStore::new_token();
  const auto other = RecordingStore::new_token();
  const auto touch = [&](const std::string& name) {
    std::ofstream(fs::path(store.root()) / name) << "RIFF";
  };
  for (const auto kind : kRecordingKinds) {
    touch(RecordingStore::file_name(token, kind));
    touch(RecordingStore::file_name(other, kind));
  }
  touch("keep.txt");
  std::ofstream(dir.path() / "outside.wav") << "x";
  const std::string base = "http://localhost/recording/";
  const auto url = [&](RecordingKind kind) {
    return base + RecordingStore::file_name(token, kind);
  };
  const auto call =
      boost::json::parse(R"({"artifact":{"recording":{"stereoUrl":")" +
                         url(RecordingKind::kStereo) + R"(","mono":{"combinedUrl":")" +
                         url(RecordingKind::kMono) + R"(","customerUrl":")" +
                         url(RecordingKind::kCustomer) + R"(","assistantUrl":")" +
                         url(RecordingKind::kAssistant) + R"("}},"recordingUrl":")" + base +
                         R"(keep.txt","stereoRecordingUrl":")" + base + R"(../outside.wav"}})")
          .as_object();
  EXPECT_TRUE(store.read(RecordingStore::file_name(token, RecordingKind::kMono)));
  store.remove_call_files(call);
  for (const auto kind : kRecordingKinds) {
    EXPECT_FALSE(fs::exists(fs::path(store.root()) / RecordingStore::file_name(token, kind)));
    EXPECT_TRUE(fs::exists(fs::path(store.root()) / RecordingStore::file_name(other, kind)));
  }
  EXPECT_TRUE(fs::exists(fs::path(store.root()) / "keep.txt"));
  EXPECT_TRUE(fs::exists(dir.path() / "outside.wav"));
  EXPECT_FALSE(store.read("keep.txt"));
  EXPECT_FALSE(store.read(RecordingStore::file_name(token, RecordingKind::kMono)));
}

}  // namespace
}  // namespace sb::calls
