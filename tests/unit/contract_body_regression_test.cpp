// Inputs fuzz_contract_body found (fuzz/regressions/fuzz_contract_body/), replayed through the
// fuzzer's own oracle in the normal test build, and the fixed behaviours pinned down by name.
// Here rather than in contract/: the oracle parses bodies with http::parse_json_body.

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "../../fuzz/oracles/contract_body.hpp"
#include "../../fuzz/oracles/regressions.hpp"

namespace sb {
namespace {

TEST(ContractBodyRegression, CommittedReproducersPassTheOracle) {
  const auto inputs = fuzz::regression_inputs("fuzz_contract_body", __FILE__);
  ASSERT_FALSE(inputs.empty()) << "fuzz/regressions/fuzz_contract_body/ not found";
  for (const auto& [name, bytes] : inputs) EXPECT_EQ(fuzz::check_contract_body(bytes), "") << name;
}

// An assistant whose handoff tool hands off to an assistant whose handoff tool… `levels` deep,
// no model naming its provider.
std::string nested_handoffs(int levels) {
  std::string inner = R"({"name":"leaf"})";
  for (int i = 0; i < levels; ++i)
    inner = R"({"model":{"model":"m","tools":[{"type":"handoff","destinations":[)"
            R"({"type":"assistant","assistant":)" +
            inner + "}]}]}}";
  return inner;
}

// A model without `provider` leaves every model branch a candidate, and each branch's tools hold
// the next level's models: the validator re-ran the inner unions for every trial of the outer
// ones, exponentially. Four levels (427 bytes) used up the 1,000,000-visit budget (~60 ms of
// CPU per request, -O2) and the client got "body is too complex to validate"; trials are now run
// once per branch and value.
TEST(ContractBodyRegression, NestedUnionsDoNotExhaustTheVisitBudget) {
  const auto& contract = fuzz::embedded_contract();
  const auto* dto = contract.schema("CreateAssistantDTO");
  ASSERT_NE(dto, nullptr);
  for (int levels : {4, 8, 10}) {
    boost::json::parse_options options;
    options.max_depth = 256;
    const auto body = boost::json::parse(nested_handoffs(levels), {}, options);
    const auto messages = contract.validate(*dto, body);
    // One message per level, each about that level's model.provider.
    ASSERT_EQ(messages.size(), static_cast<std::size_t>(levels)) << levels << " levels";
    std::string prefix;
    for (int i = levels - 1; i >= 0; --i) {
      EXPECT_TRUE(messages[i].starts_with(prefix + "model.provider must be one of the following "
                                                   "values: "))
          << messages[i];
      prefix += "model.tools.0.destinations.0.assistant.";
    }
  }
}

}  // namespace
}  // namespace sb
