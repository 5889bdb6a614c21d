#include "http/multipart_form.h"

#include <gmime/gmime.h>

#include <memory>

#include "mail/gmime_init.h"

namespace redress::http {
namespace {

struct Unref {
  void operator()(gpointer p) const {
    if (p) g_object_unref(p);
  }
};
template <typename T>
using GPtr = std::unique_ptr<T, Unref>;

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace

bool is_multipart_form(std::string_view content_type) {
  return lower(content_type.substr(0, content_type.find(';'))) == "multipart/form-data";
}

std::optional<MultipartForm> parse_multipart_form(std::string_view content_type, std::string_view body) {
  if (!is_multipart_form(content_type) || content_type.find_first_of("\r\n") != std::string_view::npos) return std::nullopt;
  mail::ensure_gmime();
  // GMime reads a MIME entity: the form's Content-Type as its header, then the body.
  std::string entity = "Content-Type: " + std::string(content_type) + "\r\n\r\n";
  entity.append(body);
  GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(entity.data(), entity.size()));
  std::string().swap(entity);  // the stream has its own copy
  GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  GPtr<GMimeObject> top(g_mime_parser_construct_part(parser.get(), nullptr));
  if (!top || !GMIME_IS_MULTIPART(top.get())) return std::nullopt;
  GMimeMultipart* multipart = GMIME_MULTIPART(top.get());
  MultipartForm out;
  const int n = g_mime_multipart_get_count(multipart);
  for (int i = 0; i < n; ++i) {
    GMimeObject* part = g_mime_multipart_get_part(multipart, i);
    if (!GMIME_IS_PART(part)) continue;
    GMimeContentDisposition* disposition = g_mime_object_get_content_disposition(part);
    const char* name = disposition ? g_mime_content_disposition_get_parameter(disposition, "name") : nullptr;
    if (!name) continue;  // not a form field
    GPtr<GMimeStream> content(g_mime_stream_mem_new());
    if (GMimeDataWrapper* wrapper = g_mime_part_get_content(GMIME_PART(part)))
      g_mime_data_wrapper_write_to_stream(wrapper, content.get());
    GByteArray* array = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(content.get()));
    std::string bytes(reinterpret_cast<const char*>(array->data), array->len);
    const char* filename = g_mime_content_disposition_get_parameter(disposition, "filename");
    if (!filename) {
      out.fields.emplace(name, std::move(bytes));
      continue;
    }
    if (!*filename && bytes.empty()) continue;  // a file input left empty
    FormFile f;
    f.field = name;
    f.filename = filename;
    if (GMimeContentType* type = g_mime_object_get_content_type(part)) {
      if (char* mime = g_mime_content_type_get_mime_type(type)) {
        f.content_type = lower(mime);
        g_free(mime);
      }
    }
    f.bytes = std::move(bytes);
    out.files.push_back(std::move(f));
  }
  return out;
}

}  // namespace redress::http
