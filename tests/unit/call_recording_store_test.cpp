// The recording store: the names it makes, the only names it reads or removes, and a deleted
// call's recordings going with it, on disk (SQLite) or in the database (PostgreSQL).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>

#include <boost/json/parse.hpp>

#include "domain/calls/recording_store.hpp"
#include "storage/store.hpp"
#include "store_backend.hpp"

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

// Over each backend: SQLite keeps the files on disk; PostgreSQL moves an ended call's files
// into the database (read_call_files, then keep_in_database in the call's write).
class RecordingStoreBackendTest : public ::testing::TestWithParam<test::StoreBackend> {
 protected:
  void SetUp() override {
    SB_SKIP_UNLESS_AVAILABLE(db_);
    store_ = db_.open(1);
    recordings_.emplace(db_.dir().string(), GetParam() == test::StoreBackend::kPostgres);
  }
  void touch(const std::string& name) {
    std::ofstream(fs::path(recordings_->root()) / name) << "RIFF" << name;
  }
  bool on_disk(const std::string& name) const {
    return fs::exists(fs::path(recordings_->root()) / name);
  }
  std::optional<std::string> read(const std::string& name) {
    std::optional<std::string> bytes;
    store_->read_sync([&](storage::Session& s) { bytes = recordings_->read(s, name); });
    return bytes;
  }

  test::BackendDatabase db_{GetParam(), "sb-recordings"};
  std::unique_ptr<storage::Store> store_;
  std::optional<RecordingStore> recordings_;
};

TEST_P(RecordingStoreBackendTest, ACallsRecordingsAreServedUntilItIsDeletedAndNothingElseGoes) {
  const auto token = RecordingStore::new_token();
  const auto other = RecordingStore::new_token();
  for (const auto kind : kRecordingKinds) {
    touch(RecordingStore::file_name(token, kind));
    touch(RecordingStore::file_name(other, kind));
  }
  touch("keep.txt");
  std::ofstream(db_.dir() / "outside.wav") << "x";
  const std::string base = "http://localhost/recording/";
  const auto url = [&](RecordingKind kind) {
    return base + RecordingStore::file_name(token, kind);
  };
  const auto call =
      boost::json::parse(
          R"({"artifact":{"recording":{"stereoUrl":")" + url(RecordingKind::kStereo) +
          R"(","mono":{"combinedUrl":")" + url(RecordingKind::kMono) + R"(","customerUrl":")" +
          url(RecordingKind::kCustomer) + R"(","assistantUrl":")" + url(RecordingKind::kAssistant) +
          R"("}},"recordingUrl":")" + url(RecordingKind::kMono) + R"(","stereoRecordingUrl":")" +
          base + R"(../outside.wav","x":")" + base + R"(keep.txt"}})")
          .as_object();
  // Only the names this store makes, each once.
  EXPECT_EQ(RecordingStore::names_of(call).size(), 4u);
  const auto mono = RecordingStore::file_name(token, RecordingKind::kMono);
  if (recordings_->in_database()) {
    auto files = recordings_->read_call_files(call);
    ASSERT_EQ(files.size(), 4u);
    EXPECT_EQ(read(mono), std::nullopt);  // not before the call's end is written
    store_->write_sync([&](storage::Session& s) { recordings_->keep_in_database(s, files); });
    EXPECT_FALSE(on_disk(mono));
  }
  EXPECT_EQ(read(mono), "RIFF" + mono);
  store_->write_sync([&](storage::Session& s) { recordings_->remove_call(s, call); });
  for (const auto kind : kRecordingKinds) {
    EXPECT_FALSE(on_disk(RecordingStore::file_name(token, kind)));
    EXPECT_EQ(read(RecordingStore::file_name(token, kind)), std::nullopt);
    EXPECT_TRUE(on_disk(RecordingStore::file_name(other, kind)));
  }
  EXPECT_TRUE(on_disk("keep.txt"));
  EXPECT_TRUE(fs::exists(db_.dir() / "outside.wav"));
  EXPECT_EQ(read("keep.txt"), std::nullopt);
}

INSTANTIATE_TEST_SUITE_P(Backends, RecordingStoreBackendTest, SB_ALL_STORE_BACKENDS);

}  // namespace
}  // namespace sb::calls
