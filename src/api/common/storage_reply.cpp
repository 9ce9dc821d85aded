#include "api/common/storage_reply.hpp"

#include <memory>

#include "http/error_response.hpp"
#include "storage/store.hpp"

namespace sb::api {

void reply_from_read(storage::Store& store, http::Reply reply, std::string request_id,
                     StorageWork work) {
  store.post_read([reply = std::move(reply), request_id = std::move(request_id),
                   work = std::move(work)](storage::Session& session) {
    http::Response response;
    try {
      response = work(session);
    } catch (...) {
      response = http::error_response(std::current_exception(), request_id);
    }
    reply(std::move(response));
  });
}

void reply_after_write(storage::Store& store, http::Reply reply, std::string request_id,
                       StorageWork work) {
  // The job's response waits here until the commit's outcome is known.
  auto response = std::make_shared<http::Response>();
  store.post_write(
      [response, work = std::move(work)](storage::Session& session) { *response = work(session); },
      [response, reply = std::move(reply),
       request_id = std::move(request_id)](std::exception_ptr error) {
        reply(error ? http::error_response(error, request_id) : std::move(*response));
      });
}

}  // namespace sb::api
