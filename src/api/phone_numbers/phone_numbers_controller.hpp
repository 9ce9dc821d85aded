#pragma once
// HTTP surface of phone numbers: /phone-number, /phone-number/{id}, /v2/phone-number.
// Parses and validates, hands one unit of work to the store, serializes. Rules live in
// domain/phone_numbers, SQL in storage/.

#include <memory>

#include "http/router.hpp"

namespace sb::contract {
class Contract;
}
namespace sb::storage {
class Session;
class Store;
}  // namespace sb::storage
namespace sb::phone_numbers {
class PhoneNumberService;
struct Written;
}  // namespace sb::phone_numbers

namespace sb::api {

class ResponseCache;

class PhoneNumbersController {
 public:
  /// `cache` holds rendered phone numbers and list pages; it must serve this resource only.
  PhoneNumbersController(storage::Store& store, const phone_numbers::PhoneNumberService& service,
                         std::shared_ptr<const contract::Contract> contract, ResponseCache& cache);

  void register_routes(http::Router& router);

 private:
  void create(http::Context&& ctx, http::Reply reply);
  void list(http::Context&& ctx, http::Reply reply);
  void list_paginated(http::Context&& ctx, http::Reply reply);
  void get(http::Context&& ctx, http::Reply reply);
  void update(http::Context&& ctx, http::Reply reply);
  void remove(http::Context&& ctx, http::Reply reply);
  /// Answers a list from the cache, or runs `render` on a reader and caches what it returns.
  void cached_list(http::Context&& ctx, http::Reply reply,
                   std::function<std::string(storage::Session&, const std::string&)> render);
  /// Runs a write; once it is durable, refreshes or drops the cached object and makes the
  /// org's cached lists stale. `deletes` says the object is gone afterwards.
  void write(http::Context&& ctx, http::Reply reply, int status, bool deletes,
             std::function<phone_numbers::Written(storage::Session&)> work);

  storage::Store& store_;
  const phone_numbers::PhoneNumberService& service_;
  std::shared_ptr<const contract::Contract> contract_;
  ResponseCache& cache_;
};

}  // namespace sb::api
