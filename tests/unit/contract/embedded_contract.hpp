#pragma once
// What the tests of the real embedded contract share: the contract, loaded once per test
// binary, and the messages its validators give.

#include <string>
#include <vector>

#include "contract/contract.hpp"

namespace sb::contract {

using Msgs = std::vector<std::string>;

/// The embedded contract, loaded on first use.
inline const Contract& contract() {
  static const auto loaded = Contract::load_embedded();
  return *loaded;
}

}  // namespace sb::contract
