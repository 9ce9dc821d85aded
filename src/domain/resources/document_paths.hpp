#pragma once
// Paths into JSON documents, as resource specs name them: "credentialId", "server.credentialId",
// "model.toolIds[]" (every element of an array), "members[].assistantId" (a field of every
// element). Concrete paths, as messages and stored secrets use them, spell indices:
// "members.1.assistantId".

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

namespace sb::resources {

/// Calls `fn(concrete_path, value)` for every value found at `path` in `document`. Missing
/// parts and values of the wrong shape are skipped.
void for_each_at(const boost::json::object& document, std::string_view path,
                 const std::function<void(const std::string&, const boost::json::value&)>& fn);

/// Moves every value found at `paths` out of `document` into the returned object, keyed by
/// concrete path. Null values are dropped, not kept.
boost::json::object take_at(boost::json::object& document, const std::vector<std::string>& paths);

/// PATCH semantics: each top-level property of `patch` replaces the stored one, and `null`
/// removes it. Values kept apart (secrets) under a replaced or removed property are dropped
/// before the patch's own (already taken out of it) are added.
void apply_patch(boost::json::object& document, boost::json::object& kept_apart,
                 const boost::json::object& patch, const boost::json::object& patch_kept_apart);

}  // namespace sb::resources
