#pragma once
// Provider resources (/provider/{provider}/{resourceName}): objects a voice provider holds
// for the org, such as an 11labs or Cartesia pronunciation dictionary. The body is the
// provider's own format (the contract declares none); it is kept as the object's `resource`,
// next to `provider` and `resourceName` (from the path) and `resourceId`. A PATCH replaces
// the top-level properties of `resource` it names (null removes one).
//
// The resource is held by this server only: pushing it to the provider needs that
// provider's API, which belongs to the voice runtime; until then `resourceId` is an id
// this server assigns.

#include "domain/resources/resource_spec.hpp"

namespace sb::provider_resources {

resources::ResourceSpec provider_resource_spec();

/// The spec's shape_body: the body becomes (or is merged into) `resource`.
void shape_body(boost::json::object& body, const boost::json::object* stored);

}  // namespace sb::provider_resources
