#pragma once
// Where a strict reading of Vapi's OpenAPI document contradicts what clients send
// (../shared/reference/SPEC-QUIRKS.md). Every deviation from the document is made here, on
// the parsed contract, before it is compiled; quirks.cpp lists them all.

#include <boost/json/object.hpp>

namespace sb::contract {

/// Applies the override table (named schemas, operations) to the whole parsed contract.
/// Entries whose target the contract lacks are skipped: a newer document may have fixed them.
void apply_overrides(boost::json::object& contract);

/// Applies the general rules to one schema object (not to its sub-schemas). `schemas` is
/// components/schemas, used to look at the branches of a discriminated oneOf.
void normalize_schema(boost::json::object& schema, const boost::json::object& schemas);

}  // namespace sb::contract
