#pragma once
// chat.created / chat.deleted: the server messages Vapi sends when a chat is stored or deleted.
// Enqueued in the write job of the change (durable with it), stream = the chat id. Unlike the
// session messages, these are opt-in as Vapi documents: they go only when the chat's assistant
// lists them in `serverMessages` (its assistantOverrides included); the default list has
// neither. The assistant is the chat's inline `assistant`, its stored `assistantId`, or the
// first member of its squad (inline or stored); the message goes to that assistant's server,
// else the org's. No server, no message.

#include <boost/json/object.hpp>

#include "webhooks/session_messages.hpp"

namespace sb::webhooks {

/// The chats' ResourceSpec::on_written hook. `deliveries` must outlive it.
WrittenHook chat_notifier(Deliveries& deliveries);

/// The message for `change` of `chat` (without the timestamp the outbox adds); "chat.created"
/// for a new chat, "chat.deleted" for a removed one.
boost::json::object chat_message(resources::Change change, const boost::json::object& chat);

}  // namespace sb::webhooks
