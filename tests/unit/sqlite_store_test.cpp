#include "storage/sqlite/sqlite_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <vector>

#include "core/api_error.hpp"
#include "storage/org_repository.hpp"
#include "storage/phone_number_repository.hpp"

namespace sb::storage {
namespace {

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sb-store-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    open();
    store_->write_sync([](Session& s) {
      s.orgs().insert_org("org-a", "a", 1);
      s.orgs().insert_org("org-b", "b", 1);
    });
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void open() {
    store_ =
        std::make_unique<sqlite::SqliteStore>(sqlite::SqliteOptions{(dir_ / "db").string(), 2});
  }

  static PhoneNumberRecord record(std::string id, std::string org, std::int64_t created,
                                  std::optional<std::string> number = std::nullopt) {
    PhoneNumberRecord r;
    r.id = std::move(id);
    r.org_id = std::move(org);
    r.provider = "byo-phone-number";
    r.number = std::move(number);
    r.created_at = r.updated_at = created;
    r.document = "{\"id\":\"" + r.id + "\"}";
    return r;
  }

  std::vector<std::string> list(const TimeFilter& f, std::int64_t limit = 100) {
    std::vector<std::string> out;
    store_->read_sync([&](Session& s) { out = s.phone_numbers().list("org-a", f, limit); });
    return out;
  }

  std::filesystem::path dir_;
  std::unique_ptr<sqlite::SqliteStore> store_;
};

TEST_F(SqliteStoreTest, AFailedWriteInAGroupCommitLeavesTheOthersCommitted) {
  constexpr int kWriters = 64;
  std::vector<std::promise<std::exception_ptr>> results(kWriters);
  for (int i = 0; i < kWriters; ++i) {
    store_->post_write(
        [i](Session& s) {
          s.phone_numbers().insert(record("id-" + std::to_string(i), "org-a", i));
          if (i % 8 == 0) throw ApiError::bad_request("rejected");
        },
        [&results, i](std::exception_ptr e) { results[i].set_value(e); });
  }
  int failed = 0;
  for (auto& r : results) failed += r.get_future().get() != nullptr;
  EXPECT_EQ(failed, kWriters / 8);
  EXPECT_EQ(list({}, 1000).size(), static_cast<std::size_t>(kWriters - kWriters / 8));
}

TEST_F(SqliteStoreTest, WritesSurviveReopening) {
  store_->write_sync([](Session& s) { s.phone_numbers().insert(record("kept", "org-a", 5)); });
  store_.reset();
  open();
  EXPECT_EQ(list({}), std::vector<std::string>{R"({"id":"kept"})"});
}

TEST_F(SqliteStoreTest, TimeFiltersAreStrictOrInclusiveAndScopedToTheOrg) {
  store_->write_sync([](Session& s) {
    for (int t = 1; t <= 5; ++t)
      s.phone_numbers().insert(record("a" + std::to_string(t), "org-a", t * 10));
    s.phone_numbers().insert(record("b1", "org-b", 30));
  });
  TimeFilter gt;
  gt.created_gt = 30;
  EXPECT_EQ(list(gt), (std::vector<std::string>{R"({"id":"a5"})", R"({"id":"a4"})"}));
  TimeFilter ge;
  ge.created_ge = 30;
  ge.created_le = 40;
  EXPECT_EQ(list(ge), (std::vector<std::string>{R"({"id":"a4"})", R"({"id":"a3"})"}));
  TimeFilter lt;
  lt.created_lt = 20;
  EXPECT_EQ(list(lt), std::vector<std::string>{R"({"id":"a1"})"});
  EXPECT_EQ(list({}, 2).size(), 2u);
  EXPECT_TRUE(list({}, 0).empty());
}

TEST_F(SqliteStoreTest, PagesCountAndSearchAnywhereInTheSearchText) {
  store_->write_sync([](Session& s) {
    for (int t = 1; t <= 5; ++t) {
      auto r = record("a" + std::to_string(t), "org-a", t, "+1415555010" + std::to_string(t));
      r.search_text = (t == 3 ? "support 100%\n" : "\n") + *r.number;
      s.phone_numbers().insert(r);
    }
  });
  PhoneNumberPageQuery q;
  q.limit = 2;
  q.page = 2;
  DocumentPage page;
  store_->read_sync([&](Session& s) { page = s.phone_numbers().page("org-a", q); });
  EXPECT_EQ(page.total, 5);
  EXPECT_EQ(page.documents, (std::vector<std::string>{R"({"id":"a3"})", R"({"id":"a2"})"}));

  q = {};
  q.search = "port 100%";
  store_->read_sync([&](Session& s) { page = s.phone_numbers().page("org-a", q); });
  EXPECT_EQ(page.documents, std::vector<std::string>{R"({"id":"a3"})"});
  q.search = "0%";  // '%' is literal, not a wildcard
  store_->read_sync([&](Session& s) { page = s.phone_numbers().page("org-a", q); });
  EXPECT_EQ(page.total, 1);
  q.search = "5550104";
  store_->read_sync([&](Session& s) { page = s.phone_numbers().page("org-a", q); });
  EXPECT_EQ(page.documents, std::vector<std::string>{R"({"id":"a4"})"});
}

TEST_F(SqliteStoreTest, NumbersAreUniquePerOrg) {
  store_->write_sync(
      [](Session& s) { s.phone_numbers().insert(record("x", "org-a", 1, "+14155550100")); });
  bool taken_a = false, taken_b = false, taken_self = true;
  store_->read_sync([&](Session& s) {
    taken_a = s.phone_numbers().number_taken("org-a", "+14155550100", "other");
    taken_b = s.phone_numbers().number_taken("org-b", "+14155550100", "other");
    taken_self = s.phone_numbers().number_taken("org-a", "+14155550100", "x");
  });
  EXPECT_TRUE(taken_a);
  EXPECT_FALSE(taken_b);
  EXPECT_FALSE(taken_self);
  EXPECT_THROW(store_->write_sync([](Session& s) {
    s.phone_numbers().insert(record("y", "org-a", 2, "+14155550100"));
  }),
               std::exception);
}

}  // namespace
}  // namespace sb::storage
