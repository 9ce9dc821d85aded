#pragma once
// Reads a list request into a storage query, from the list operation's own parameters in the
// contract, so every list of the API follows its document: generic parameters (limit, page,
// sortOrder, sortBy, createdAt…/updatedAt… bounds), `search`/`name` (partial, case-insensitive),
// `id`, `…Any` (one of several, comma-separated or repeated), and any other parameter as an
// equality filter on the document field of the same name, typed as the contract types it.

#include <map>
#include <string>

#include "http/message.hpp"
#include "storage/resource_repository.hpp"

namespace sb::contract {
struct Operation;
}

namespace sb::api {

/// Where a list parameter points when its name is not the document field: a dotted path
/// ("customer.number"), or "" for a parameter that is not a filter at all.
using ParamFields = std::map<std::string, std::string, std::less<>>;

/// Builds the query. `paged` lists answer {results, metadata}; others a plain array.
storage::ResourceQuery resource_query(const contract::Operation& op, const http::Request& request,
                                      const ParamFields& param_fields, bool paged);

/// Renders the answer: a JSON array, or {"results": [...], "metadata": {itemsPerPage,
/// totalItems, currentPage, totalPages}}.
std::string render_list(const storage::DocumentPage& page, const storage::ResourceQuery& query,
                        bool paged);

}  // namespace sb::api
