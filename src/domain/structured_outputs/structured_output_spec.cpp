#include "domain/structured_outputs/structured_output_spec.hpp"

namespace sb::structured_outputs {

resources::ResourceSpec structured_output_spec() {
  resources::ResourceSpec spec;
  spec.kind = "structured-output";
  spec.noun = "Structured output";
  spec.search_fields = {"name"};
  // The assistants whose calls it extracts from.
  spec.references = {{"assistantIds[]", "assistant", {}}};
  // CreateStructuredOutputDTO.type defaults to "ai"; the stored object says so explicitly.
  spec.create_defaults = {{"type", "ai"}};
  return spec;
}

}  // namespace sb::structured_outputs
