#include "storage/postgres/change_notify.hpp"

#include <vector>

#include "storage/postgres/connection.hpp"

namespace sb::storage::postgres {
namespace {

// NOTIFY refuses payloads of 8000 bytes or more; a document that does not fit is fetched.
constexpr std::size_t kMaxPayload = 7999;

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> out;
  for (;;) {
    const auto at = text.find(separator);
    out.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return out;
    text.remove_prefix(at + 1);
  }
}

}  // namespace

std::string change_payload(std::string_view origin, const ResourceChange& change) {
  const auto header = [&](char op) {
    std::string out = "1\t";
    out.append(origin).push_back('\t');
    out.push_back(op);
    out.push_back('\t');
    out.append(change.kind).push_back('\t');
    out.append(change.org_id).push_back('\t');
    out.append(change.id).push_back('\n');
    return out;
  };
  if (!change.document) return header('d');
  std::string out = header('u');
  if (out.size() + change.document->size() > kMaxPayload) return header('f');
  out += *change.document;
  return out;
}

std::string notify_sql(const Connection& db, std::string_view origin,
                       const std::vector<ResourceChange>& changes) {
  // unnest() yields the array in order, and each row's pg_notify runs as it is produced.
  std::string sql = "SELECT pg_notify(" + std::string(kChannelSql) + ", p) FROM unnest(ARRAY[";
  for (std::size_t i = 0; i < changes.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += db.literal(change_payload(origin, changes[i]));
  }
  sql += "]::text[]) AS p";
  return sql;
}

std::optional<ReceivedChange> parse_change(std::string_view payload) {
  const auto newline = payload.find('\n');
  if (newline == std::string_view::npos) return std::nullopt;
  const auto fields = split(payload.substr(0, newline), '\t');
  if (fields.size() != 6 || fields[0] != "1" || fields[2].size() != 1) return std::nullopt;
  ReceivedChange out;
  out.origin = fields[1];
  out.change.kind = fields[3];
  out.change.org_id = fields[4];
  out.change.id = fields[5];
  switch (fields[2][0]) {
    case 'u':
      out.change.document = std::make_shared<const std::string>(payload.substr(newline + 1));
      break;
    case 'f':
      out.fetch_document = true;
      break;
    case 'd':
      break;
    default:
      return std::nullopt;
  }
  return out;
}

}  // namespace sb::storage::postgres
