#pragma once
// Squads on the generic resource engine: members name saved assistants of the same org by
// assistantId (or carry a transient `assistant`), and any assistant configuration inside the
// squad names tools, credentials and files of the same org, as an assistant does.

#include "domain/resources/resource_spec.hpp"

namespace sb::squads {

resources::ResourceSpec squad_spec();

}  // namespace sb::squads
