#pragma once
// Versioned schema migrations. Each entry runs once, in order, inside one transaction, and
// bumps PRAGMA user_version; a database newer than this binary is refused.

namespace sb::storage::sqlite {

class Connection;

/// Brings the schema up to date. Throws if the database comes from a newer version.
void migrate(Connection& db);

/// The schema version this binary writes.
int latest_schema_version();

}  // namespace sb::storage::sqlite
