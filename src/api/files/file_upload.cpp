#include "api/files/file_upload.hpp"

#include <boost/json/parse.hpp>

#include "contract/contract.hpp"
#include "core/api_error.hpp"
#include "core/ids.hpp"
#include "core/utf8.hpp"
#include "domain/files/blob_store.hpp"
#include "domain/files/file_spec.hpp"
#include "domain/files/file_text.hpp"
#include "domain/files/file_types.hpp"
#include "domain/resources/resource_service.hpp"
#include "http/multipart.hpp"
#include "storage/store.hpp"

namespace sb::api {
namespace {

namespace json = boost::json;
using files::FileType;

// Room beside the file for `purpose`, `metadata` (≤ 4096) and the multipart framing.
constexpr std::size_t kFormOverhead = 64 * 1024;
constexpr std::size_t kMaxNameBytes = 255;
constexpr std::size_t kNameLength = 40;  // File.name maxLength (UTF-16 units, as JS counts)

struct Form {
  const http::FormPart* file = nullptr;
  json::object fields;  // the text fields, as the contract checks them
};

Form read_form(const std::vector<http::FormPart>& parts) {
  Form form;
  for (const auto& part : parts) {
    if (part.name == "file") {
      if (form.file) throw ApiError::bad_request("file must be sent once");
      if (!part.filename)
        throw ApiError::bad_request("file must be a file: a part with a filename");
      form.file = &part;
      continue;
    }
    if (form.fields.contains(part.name))
      throw ApiError::bad_request(part.name + " must be sent once");
    if (utf8::invalid_at(part.data)) throw ApiError::bad_request(part.name + " must be UTF-8 text");
    form.fields[part.name] = json::string(part.data);
  }
  return form;
}

void check_fields(const contract::Contract& contract, const Form& form) {
  json::object fields = form.fields;
  fields["file"] = "";  // the file is checked below, with messages of its own
  const auto* op = contract.operation("post", "/file");
  auto messages = contract.validate(*op->request_body, fields);
  if (!form.file)
    messages.insert(
        messages.begin(),
        "file must be uploaded: a multipart/form-data part named file, with a filename");
  if (!messages.empty()) throw ApiError::bad_request(std::move(messages));
}

// The name as sent, without any directory part, control characters or surrounding spaces,
// cut to 255 bytes at a character boundary.
std::string original_name(std::string_view sent) {
  const auto slash = sent.find_last_of("/\\");
  if (slash != std::string_view::npos) sent.remove_prefix(slash + 1);
  if (utf8::invalid_at(sent)) throw ApiError::bad_request("file name must be UTF-8 text");
  std::string name;
  for (char c : sent)
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7F) name.push_back(c);
  name.resize(utf8::cut(name, kMaxNameBytes).size());
  const auto first = name.find_first_not_of(' ');
  if (first == std::string::npos) return {};
  return name.substr(first, name.find_last_not_of(' ') - first + 1);
}

const FileType& type_of(const http::FormPart& file, std::string_view name) {
  const auto dot = name.rfind('.');
  if (dot != std::string_view::npos && dot + 1 < name.size()) {
    if (const auto* type = files::type_by_extension(name.substr(dot + 1))) return *type;
    throw ApiError::bad_request(
        "file type ." + std::string(name.substr(dot + 1)) +
        " is not supported; supported types: " + files::supported_extensions());
  }
  if (const auto* type = files::type_by_mimetype(file.content_type)) return *type;
  throw ApiError::bad_request(
      "file type unknown: the file name has no extension and its Content-Type (" +
      (file.content_type.empty() ? std::string("none") : file.content_type) +
      ") is not a supported type; supported types: " + files::supported_extensions());
}

void check_content(const FileType& type, std::string_view data, std::size_t limit) {
  if (data.empty()) throw ApiError::bad_request("file is empty");
  if (data.size() > limit)
    throw ApiError::bad_request("file is too large: " + std::to_string(data.size()) +
                                " bytes, the limit is " + std::to_string(limit) + " bytes");
  if (!data.starts_with(type.magic))
    throw ApiError::bad_request("file is not " + std::string(type.label) + ", as its ." +
                                std::string(type.extension) + " type says");
  if (type.text == FileType::Text::kNone) return;
  if (auto at = utf8::invalid_at(data))
    throw ApiError::bad_request("file is not UTF-8 text (byte " + std::to_string(*at) +
                                " is not valid UTF-8), as its ." + std::string(type.extension) +
                                " type requires");
}

json::object metadata_of(const json::object& fields) {
  const auto* sent = fields.if_contains("metadata");
  if (!sent) return {};
  boost::system::error_code ec;
  auto parsed = json::parse(sent->as_string(), ec);
  if (ec || !parsed.is_object())
    throw ApiError::bad_request("metadata must be a JSON-encoded object");
  return std::move(parsed.as_object());
}

}  // namespace

std::size_t upload_body_limit(std::size_t file_size_limit) {
  return file_size_limit + kFormOverhead;
}

UploadReader file_upload_reader(const files::BlobStore& store,
                                std::shared_ptr<const contract::Contract> contract,
                                FileUploadOptions options) {
  return [&store, contract = std::move(contract), options = std::move(options)](
             const http::Request& request, const std::string&) {
    const auto boundary = http::form_data_boundary(request.content_type);
    if (!boundary)
      throw ApiError(ErrorCode::kUnsupportedMediaType,
                     "Content-Type must be multipart/form-data with a boundary, not " +
                         (request.content_type.empty() ? "none" : request.content_type));
    const auto parts = http::parse_form_data(request.body, *boundary);
    const Form form = read_form(parts);
    check_fields(*contract, form);
    std::string name = original_name(*form.file->filename);
    const FileType& type = type_of(*form.file, name);
    const std::string_view data = form.file->data;
    check_content(type, data, options.size_limit);
    if (name.empty()) name = "upload." + std::string(type.extension);

    json::object doc;
    doc["name"] = std::string(utf8::utf16_prefix(name, kNameLength));
    doc["originalName"] = name;
    doc["bytes"] = static_cast<std::int64_t>(data.size());
    doc["mimetype"] = type.mimetype;
    if (const auto* purpose = form.fields.if_contains("purpose")) doc["purpose"] = *purpose;
    if (form.fields.contains("metadata")) doc["metadata"] = metadata_of(form.fields);
    const std::string stored = random_hex(32) + "." + std::string(type.extension);
    const std::string url = options.public_url() + std::string(files::kContentPath) + stored;
    doc["url"] = url;
    if (auto text = files::extract_text(type, data)) {
      doc["parsedTextUrl"] = url + "/text";
      doc["parsedTextBytes"] = static_cast<std::int64_t>(text->size());
    }
    auto staged = store.stage(stored, data);
    return Upload{std::move(doc),
                  [staged](storage::Session& s, const resources::Written&) { staged->save(s); }};
  };
}

}  // namespace sb::api
