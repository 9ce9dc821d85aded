#pragma once
// session.created / session.updated / session.deleted: the server messages Vapi sends when a
// session changes. Enqueued in the write job of the change (durable with it), stream = the
// session id (so a session's messages arrive in order), to the first server with a url of:
// the session's inline assistant, its stored assistant (assistantId), its phone number
// (phoneNumberId), the org. No server, no message.

#include <functional>

#include <boost/json/object.hpp>

#include "domain/resources/resource_spec.hpp"

namespace sb::webhooks {

class Deliveries;

using WrittenHook = std::function<void(storage::Session& s, resources::Change change,
                                       const boost::json::object& document)>;

/// The sessions' ResourceSpec::on_written hook. `deliveries` must outlive it.
WrittenHook session_notifier(Deliveries& deliveries);

/// The message for `change` of `session` (without the timestamp the outbox adds).
boost::json::object session_message(resources::Change change, const boost::json::object& session);

}  // namespace sb::webhooks
