#pragma once
// The Signer of the outbox and of synchronous messages: loads the server's credential (its
// document and its write-only secrets) on a storage reader, never on an I/O thread, and
// signs with ServerAuth.

#include "webhooks/exchange.hpp"

namespace sb {
class SecretBox;
}
namespace sb::storage {
class Store;
}

namespace sb::webhooks {

class ServerAuth;

/// `store`, `secrets` and `auth` must outlive every signing in flight.
Signer credential_signer(storage::Store& store, const SecretBox& secrets, ServerAuth& auth);

}  // namespace sb::webhooks
