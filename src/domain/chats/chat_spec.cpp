#include "domain/chats/chat_spec.hpp"

namespace sb::chats {

resources::ResourceSpec chat_spec() {
  resources::ResourceSpec spec;
  spec.kind = kChatKind;
  spec.noun = "Chat";
  spec.search_fields = {"name"};
  return spec;
}

}  // namespace sb::chats
