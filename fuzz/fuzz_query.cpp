// libFuzzer target: request targets through net::parse_target, the router over the
// phone-number routes, and Contract::validate_path/validate_query. See oracles/query.hpp.

#include "oracles/query.hpp"
#include "oracles/report.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sb::fuzz::require(sb::fuzz::check_query(sb::fuzz::as_text(data, size)), "fuzz_query");
  return 0;
}
