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
class Store;
}
namespace sb::phone_numbers {
class PhoneNumberService;
}

namespace sb::api {

class PhoneNumbersController {
 public:
  PhoneNumbersController(storage::Store& store, const phone_numbers::PhoneNumberService& service,
                         std::shared_ptr<const contract::Contract> contract);

  void register_routes(http::Router& router);

 private:
  void create(http::Context&& ctx, http::Reply reply);
  void list(http::Context&& ctx, http::Reply reply);
  void list_paginated(http::Context&& ctx, http::Reply reply);
  void get(http::Context&& ctx, http::Reply reply);
  void update(http::Context&& ctx, http::Reply reply);
  void remove(http::Context&& ctx, http::Reply reply);

  storage::Store& store_;
  const phone_numbers::PhoneNumberService& service_;
  std::shared_ptr<const contract::Contract> contract_;
};

}  // namespace sb::api
