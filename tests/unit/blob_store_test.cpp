// The blob stores' one contract, each with its backend (the data directory beside SQLite,
// the database on PostgreSQL): bytes are kept iff the write job that saves them commits,
// read back whole however large, and gone once a removal commits.
#include "domain/files/blob_store.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "store_backend.hpp"

namespace sb::files {
namespace {

const std::string kName = std::string(64, 'a') + ".txt";

class BlobStoreTest : public ::testing::TestWithParam<test::StoreBackend> {
 protected:
  void SetUp() override {
    SB_SKIP_UNLESS_AVAILABLE(db_);
    store_ = db_.open(1);
    blobs_ = GetParam() == test::StoreBackend::kPostgres ? database_blob_store()
                                                         : directory_blob_store(db_.dir().string());
  }
  void TearDown() override {
    if (store_) store_->stop();
  }
  std::optional<std::string> read(const std::string& name) {
    std::optional<std::string> bytes;
    store_->read_sync([&](storage::Session& s) { bytes = blobs_->read(s, name); });
    return bytes;
  }

  test::BackendDatabase db_{GetParam(), "sb-blobs"};
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<BlobStore> blobs_;
};

INSTANTIATE_TEST_SUITE_P(Backends, BlobStoreTest, SB_ALL_STORE_BACKENDS);

TEST_P(BlobStoreTest, BytesAreKeptWithTheirCommitAndReadBackWhole) {
  // Larger than one database chunk (1 MB), with every byte value.
  std::string bytes;
  for (int i = 0; i < 2'500'000; ++i) bytes.push_back(static_cast<char>(i * 7 % 256));
  auto pending = blobs_->stage(kName, bytes);
  EXPECT_EQ(read(kName), std::nullopt);  // not before its row's commit
  store_->write_sync([&](storage::Session& s) { pending->save(s); });
  EXPECT_EQ(read(kName), bytes);
}

TEST_P(BlobStoreTest, AnEmptyFileExists) {
  auto pending = blobs_->stage(kName, "");
  store_->write_sync([&](storage::Session& s) { pending->save(s); });
  EXPECT_EQ(read(kName), "");
}

TEST_P(BlobStoreTest, AJobThatFailsKeepsNothing) {
  auto pending = blobs_->stage(kName, "never committed");
  EXPECT_THROW(store_->write_sync([&](storage::Session& s) {
    pending->save(s);
    throw std::runtime_error("rejected");
  }),
               std::runtime_error);
  pending.reset();
  EXPECT_EQ(read(kName), std::nullopt);
}

TEST_P(BlobStoreTest, ARemovalTakesEffectWithItsCommit) {
  auto pending = blobs_->stage(kName, "hello");
  store_->write_sync([&](storage::Session& s) { pending->save(s); });
  EXPECT_THROW(store_->write_sync([&](storage::Session& s) {
    blobs_->remove(s, kName);
    throw std::runtime_error("rolled back");
  }),
               std::runtime_error);
  EXPECT_EQ(read(kName), "hello");
  store_->write_sync([&](storage::Session& s) { blobs_->remove(s, kName); });
  EXPECT_EQ(read(kName), std::nullopt);
  store_->write_sync([&](storage::Session& s) { blobs_->remove(s, kName); });  // twice: nothing
}

TEST_P(BlobStoreTest, OnlyItsOwnNamesAreStoredOrRead) {
  EXPECT_THROW(blobs_->stage("../escape.txt", "x"), std::logic_error);
  EXPECT_EQ(read("../secret.key"), std::nullopt);
}

}  // namespace
}  // namespace sb::files
