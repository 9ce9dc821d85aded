#pragma once
// Committed changes between instances on one PostgreSQL database: a transaction NOTIFYs every
// change it wrote, just before its COMMIT (so only a committed write is heard, and a job
// rolled back to its savepoint is not), on a channel of the schema; each instance LISTENs
// (change_listener.hpp).
//
// Payload, in text: "1\t<origin>\t<op>\t<kind>\t<org>\t<id>\n<document>", where op is
//   u  written; the document follows the newline
//   f  written; the document did not fit in NOTIFY's 8000 bytes: read it from the table
//   d  deleted; no document
// `origin` names the writing process, so a listener skips what its own store published.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/change_feed.hpp"

namespace sb::storage::postgres {

class Connection;

/// SQL giving this session's channel: one per schema, so servers on other schemas of the same
/// database (tests use one each) do not hear each other.
inline constexpr std::string_view kChannelSql = "'sb_changes_' || md5(current_schema())";

/// One statement NOTIFYing `changes` in order, to run in the transaction that wrote them.
std::string notify_sql(const Connection& db, std::string_view origin,
                       const std::vector<ResourceChange>& changes);

/// What a listener received.
struct ReceivedChange {
  std::string origin;
  ResourceChange change;
  bool fetch_document = false;  ///< op 'f': the document must be read from the table
};

/// Parses a payload; nullopt for one this version does not know (ignored by listeners).
std::optional<ReceivedChange> parse_change(std::string_view payload);

/// The payload for `change` (exposed for tests).
std::string change_payload(std::string_view origin, const ResourceChange& change);

}  // namespace sb::storage::postgres
