#pragma once
// Chats (/chat) as stored objects: listed, read and deleted here. Only the chat engine
// creates them (POST /chat and /chat/responses are 501s until it exists), with kind "chat"
// so it stores them where these routes read.

#include "domain/resources/resource_spec.hpp"

namespace sb::chats {

inline constexpr const char* kChatKind = "chat";

resources::ResourceSpec chat_spec();

}  // namespace sb::chats
