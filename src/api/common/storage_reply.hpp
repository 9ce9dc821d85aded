#pragma once
// Bridges controllers and the Store: run a unit of work on a storage thread and answer the
// request with what it returns, or with the error it threw, mapped once by error_response().

#include <functional>
#include <string>

#include "http/message.hpp"

namespace sb::storage {
class Session;
class Store;
}  // namespace sb::storage

namespace sb::api {

using StorageWork = std::function<http::Response(storage::Session&)>;

/// Runs `work` on a reader connection; replies with its response.
void reply_from_read(storage::Store& store, http::Reply reply, std::string request_id,
                     StorageWork work);

/// Runs `work` in the writer's next group commit; replies once the commit is durable (or at
/// once with the error if `work` threw, in which case nothing of it was written).
void reply_after_write(storage::Store& store, http::Reply reply, std::string request_id,
                       StorageWork work);

}  // namespace sb::api
