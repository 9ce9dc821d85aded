// Uploads on the generic engine (ResourceRoutes::upload, ResourceSpec::on_remove), through
// the dispatcher with the real contract, a real store and the directory BlobStore: the route's body
// limit, bytes published only with a committed row, nothing left by a refused upload, cached
// lists that see a new upload, and bytes removed by a committed delete.

#include <gtest/gtest.h>

#include <filesystem>

#include <boost/json/serialize.hpp>

#include "api/files/file_upload.hpp"
#include "api/resources/resource_controller.hpp"
#include "contract/contract.hpp"
#include "core/crypto.hpp"
#include "dispatch_support.hpp"
#include "domain/files/blob_store.hpp"
#include "domain/files/file_spec.hpp"
#include "domain/resources/resource_service.hpp"
#include "http/dispatcher.hpp"
#include "storage/org_repository.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "temp_database.hpp"

namespace sb::api {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using http::Method;

constexpr std::size_t kLimit = 1000;

class FileUploadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<storage::sqlite::SqliteStore>(
        storage::sqlite::SqliteOptions{db_.path(), 2});
    store_->write_sync([](storage::Session& s) { s.orgs().insert_org("a", "a", 1); });
    files_ = files::directory_blob_store(db_.dir().string());
    spec_ = files::file_spec(*files_);
    ResourceRoutes routes{"/file", "/file/{id}", {}, {}};
    routes.upload = file_upload_reader(*files_, contract_,
                                       {kLimit, [] { return std::string("https://sb.test"); }});
    routes.upload_body_limit = upload_body_limit(kLimit);
    controller_ = std::make_unique<ResourceController>(*store_, service_, contract_, spec_,
                                                       std::move(routes));
    http::Router router;
    EXPECT_EQ(controller_->register_routes(router), 5);
    dispatcher_ = std::make_unique<http::Dispatcher>(std::move(router), auth_, contract_);
  }
  void TearDown() override { store_->stop(); }

  struct Answer {
    int status = 0;
    json::value body;
  };

  Answer send(Method method, std::string path, std::string body = {},
              std::string content_type = "multipart/form-data; boundary=b") {
    http::Request r = test::request_for(method, std::move(path));
    r.body = std::move(body);
    r.content_type = std::move(content_type);
    r.authorization = "Bearer a";
    const auto response = test::dispatch_and_wait(*dispatcher_, std::move(r));
    return {response.status, test::json_body(response)};
  }

  static std::string upload_body(std::string_view name, std::string_view data) {
    return "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + std::string(name) +
           "\"\r\n\r\n" + std::string(data) +
           "\r\n--b\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nassistant\r\n--b--";
  }

  std::optional<std::string> read(const std::string& name) const {
    std::optional<std::string> bytes;
    store_->read_sync([&](storage::Session& s) { bytes = files_->read(s, name); });
    return bytes;
  }

  std::vector<std::string> on_disk(const std::string& sub = "") const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(db_.dir() / "files" / sub))
      if (e.is_regular_file()) names.push_back(e.path().filename().string());
    return names;
  }

  test::TempDatabase db_{"sb-upload"};
  std::unique_ptr<storage::sqlite::SqliteStore> store_;
  const SecretBox secrets_{SecretBox::generate_key_hex()};
  const resources::ResourceService service_{secrets_};
  std::shared_ptr<const contract::Contract> contract_ = contract::Contract::load_embedded();
  std::unique_ptr<files::BlobStore> files_;
  resources::ResourceSpec spec_;
  std::unique_ptr<ResourceController> controller_;
  test::FakeAuthenticator auth_{""};  // the key is the org
  std::unique_ptr<http::Dispatcher> dispatcher_;
};

TEST_F(FileUploadTest, TheUploadRouteHasTheFileLimitAsItsBodyLimit) {
  EXPECT_EQ(dispatcher_->body_limit(Method::kPost, "/file"), upload_body_limit(kLimit));
  EXPECT_EQ(upload_body_limit(kLimit), kLimit + 64 * 1024);
  EXPECT_EQ(dispatcher_->body_limit(Method::kPatch, "/file/x"), 1024u * 1024);
}

TEST_F(FileUploadTest, AnUploadIsStoredWithItsRowAndSeenByCachedLists) {
  EXPECT_EQ(send(Method::kGet, "/file?purpose=assistant").body.as_array().size(), 0u);  // cached
  auto created = send(Method::kPost, "/file", upload_body("faq.md", "# FAQ\n"));
  ASSERT_EQ(created.status, 201) << json::serialize(created.body);
  const auto& file = created.body.as_object();
  EXPECT_EQ(file.at("mimetype"), "text/markdown");
  EXPECT_EQ(file.at("bytes"), 6);
  EXPECT_EQ(file.at("purpose"), "assistant");
  EXPECT_EQ(file.at("object"), "file");
  EXPECT_EQ(file.at("status"), "done");
  const std::string name = files::stored_name(file);
  EXPECT_EQ(std::string(file.at("url").as_string()), "https://sb.test/file-content/" + name);
  EXPECT_EQ(read(name), "# FAQ\n");
  EXPECT_TRUE(on_disk("tmp").empty());
  const auto listed = send(Method::kGet, "/file?purpose=assistant");
  ASSERT_EQ(listed.body.as_array().size(), 1u);
  EXPECT_EQ(listed.body.at(0), created.body);

  const std::string id(file.at("id").as_string());
  EXPECT_EQ(send(Method::kDelete, "/file/" + id).status, 200);
  EXPECT_EQ(read(name), std::nullopt);
  EXPECT_TRUE(on_disk().empty());
  EXPECT_EQ(send(Method::kGet, "/file?purpose=assistant").body.as_array().size(), 0u);
}

TEST_F(FileUploadTest, ARefusedUploadLeavesNothing) {
  auto refused = [&](std::string body, std::string content_type, int status) {
    const auto answer = send(Method::kPost, "/file", std::move(body), std::move(content_type));
    EXPECT_EQ(answer.status, status) << json::serialize(answer.body);
    EXPECT_TRUE(on_disk().empty());
    EXPECT_TRUE(on_disk("tmp").empty());
    return answer.body;
  };
  const std::string multipart = "multipart/form-data; boundary=b";
  refused(upload_body("big.txt", std::string(kLimit + 1, 'x')), multipart, 400);
  refused(upload_body("tool.exe", "MZ"), multipart, 400);
  refused(upload_body("bad.txt", "caf\xE9"), multipart, 400);
  refused(upload_body("a.txt", "x").substr(0, 60), multipart, 400);
  refused("{}", "application/json", 415);
  const auto both =
      refused("--b\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nnope\r\n--b--",
              multipart, 400);
  EXPECT_EQ(json::serialize(both.at("message")),
            R"(["file must be uploaded: a multipart/form-data part named file, with a filename",)"
            R"("purpose must be one of the following values: assistant, composer-attachment, )"
            R"(knowledge-base-v2"])");
}

TEST_F(FileUploadTest, PatchRenamesAndKeepsTheBytes) {
  auto created = send(Method::kPost, "/file", upload_body("prices.csv", "sku,price\nA,1\n"));
  ASSERT_EQ(created.status, 201);
  const std::string id(created.body.at("id").as_string());
  auto renamed =
      send(Method::kPatch, "/file/" + id, R"({"name":"Price list"})", "application/json");
  ASSERT_EQ(renamed.status, 200) << json::serialize(renamed.body);
  EXPECT_EQ(renamed.body.at("name"), "Price list");
  EXPECT_EQ(read(files::stored_name(renamed.body.as_object())), "sku,price\nA,1\n");
}

}  // namespace
}  // namespace sb::api
