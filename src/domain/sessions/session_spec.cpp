#include "domain/sessions/session_spec.hpp"

namespace sb::sessions {

resources::ResourceSpec session_spec() {
  resources::ResourceSpec spec;
  spec.kind = "session";
  spec.noun = "Session";
  spec.search_fields = {"name"};
  // Who the session's chats are with, and the number they come through. Only a create sets
  // them (UpdateSessionDTO has none of them).
  spec.references = {{"assistantId", "assistant", {}},
                     {"squadId", "squad", {}},
                     {"phoneNumberId", "phone-number", {}}};
  // The documented defaults: a new session is active and expires after 24 hours.
  spec.create_defaults = {{"status", "active"}, {"expirationSeconds", 86400}};
  return spec;
}

}  // namespace sb::sessions
