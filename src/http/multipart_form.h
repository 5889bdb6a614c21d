#pragma once
// A multipart/form-data body (RFC 7578) as the web pages need it: text fields, and files
// with their names. Read by GMime, the MIME library the mail side already uses, since a
// form is a MIME multipart like a mail's.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redress::http {

struct FormFile {
  std::string field;         // the input's name
  std::string filename;      // as the browser sent it
  std::string content_type;  // "" when the browser sent none
  std::string bytes;
};

struct MultipartForm {
  std::multimap<std::string, std::string> fields;
  std::vector<FormFile> files;  // in the order they came; an empty file input sends none
};

bool is_multipart_form(std::string_view content_type);

// nullopt when the body is not a multipart/form-data body of that Content-Type.
std::optional<MultipartForm> parse_multipart_form(std::string_view content_type, std::string_view body);

}  // namespace redress::http
