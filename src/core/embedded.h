#pragma once
// Files compiled into the binary at build time (migrations, workflows, OpenAPI).
#include <optional>
#include <string_view>
#include <vector>

namespace redress {

struct EmbeddedFile {
  std::string_view path;  // relative to the source root, e.g. "workflows/support-request.toml"
  std::string_view content;
};

const std::vector<EmbeddedFile>& embedded_files();

// The contents of one embedded file, or nullopt.
std::optional<std::string_view> embedded_file(std::string_view path);

// Every embedded file whose path starts with prefix, sorted by path.
std::vector<EmbeddedFile> embedded_files_under(std::string_view prefix);

}  // namespace redress
