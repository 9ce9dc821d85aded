#include "api/files/file_content.hpp"

#include "api/common/storage_reply.hpp"
#include "core/api_error.hpp"
#include "domain/files/blob_store.hpp"
#include "domain/files/file_spec.hpp"
#include "domain/files/file_text.hpp"
#include "domain/files/file_types.hpp"

namespace sb::api {
namespace {

const files::FileType* type_of(std::string_view stored_name) {
  const auto dot = stored_name.rfind('.');
  return dot == std::string_view::npos ? nullptr
                                       : files::type_by_extension(stored_name.substr(dot + 1));
}

http::Response content(std::string body, std::string content_type) {
  http::Response r;
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Content-Security-Policy", "sandbox");
  return r;
}

}  // namespace

int FileContentRoutes::register_routes(http::Router& router) {
  const std::string base(files::kContentPath);
  for (const bool text : {false, true}) {
    http::Route route;
    route.method = http::Method::kGet;
    route.path = base + "{file}" + (text ? "/text" : "");
    route.authenticated = false;
    route.secret_params = {"file"};  // whoever reads the access log must not fetch the file
    route.handler = [this, text](http::Context&& ctx, http::Reply reply) {
      serve(text, std::move(ctx), std::move(reply));
    };
    router.add(std::move(route));
  }
  return 2;
}

void FileContentRoutes::serve(bool text, http::Context&& ctx, http::Reply reply) const {
  reply_from_read(store_, std::move(reply), ctx.request.request_id,
                  [this, text, name = ctx.request.param("file")](storage::Session& s) {
                    const auto* type = type_of(name);
                    auto bytes = type ? files_.read(s, name) : std::nullopt;
                    if (!bytes || (text && type->text == files::FileType::Text::kNone))
                      throw ApiError::not_found("File not found");
                    if (text)
                      return content(*files::extract_text(*type, *bytes),
                                     "text/plain; charset=utf-8");
                    const bool utf8 = type->text != files::FileType::Text::kNone;
                    return content(std::move(*bytes),
                                   std::string(type->mimetype) + (utf8 ? "; charset=utf-8" : ""));
                  });
}

}  // namespace sb::api
