#pragma once
// Phone numbers on the generic resource engine: their write-only fields, uniqueness (a number
// once per org, a vapi SIP user once on the server, a pool number once), pool numbers for
// `numberDesiredAreaCode`, and the provider rules of phone_number_rules.hpp.

#include "domain/resources/resource_spec.hpp"

namespace sb::phone_numbers {

class NumberPool;

/// The spec refers to `pool`, which must outlive it.
resources::ResourceSpec phone_number_spec(const NumberPool& pool);

}  // namespace sb::phone_numbers
