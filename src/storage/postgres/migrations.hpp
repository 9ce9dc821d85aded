#pragma once

namespace sb::storage::postgres {

class Connection;

/// Brings the schema to the latest version, holding an advisory lock so instances starting
/// together migrate one at a time.
void migrate(Connection& db);
int latest_schema_version();

}  // namespace sb::storage::postgres
