#pragma once
// Sessions (/session): a persistent context that groups an assistant's (or squad's) chats
// with one customer. Active for 24 hours unless `expirationSeconds` says otherwise;
// expiring them belongs to the chat engine.

#include "domain/resources/resource_spec.hpp"

namespace sb::sessions {

resources::ResourceSpec session_spec();

}  // namespace sb::sessions
