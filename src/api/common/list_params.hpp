#pragma once
// Reading list query parameters once the contract has validated them: the created/updated
// bounds, limit and page every list endpoint shares.

#include <cstdint>
#include <string_view>

#include "http/message.hpp"
#include "storage/list_query.hpp"

namespace sb::api {

storage::TimeFilter time_filter_from(const http::Request& request);
/// An integer query value (the contract has checked it is a number within bounds); numbers
/// with a fraction are truncated, as the DTO's number would be used as a SQL limit.
std::int64_t integer_query(const http::Request& request, std::string_view name,
                           std::int64_t fallback);

}  // namespace sb::api
