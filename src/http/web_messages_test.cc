// Every word a page shows exists in every language we ship: a key used by a template is
// in each web/messages file, and the files list the same keys (adding a language is
// adding a file, and this test says what it still lacks).
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "core/embedded.h"

namespace redress::http {
namespace {

std::set<std::string> keys_of(const std::string& language) {
  auto text = embedded_file("web/messages/" + language + ".json");
  EXPECT_TRUE(text) << language;
  auto j = nlohmann::json::parse(text.value_or("{}"));
  std::set<std::string> out;
  const nlohmann::json words = j.value("web", nlohmann::json::object());
  for (const auto& [k, v] : words.items()) {
    EXPECT_TRUE(v.is_string() && !v.get<std::string>().empty()) << language << ": " << k;
    out.insert(k);
  }
  return out;
}

TEST(WebMessages, EveryLanguageHasTheSameWords) {
  const auto en = keys_of("en");
  ASSERT_FALSE(en.empty());
  for (const auto& f : embedded_files_under("web/messages/")) {
    std::string language(f.path.substr(13, f.path.size() - 13 - 5));
    const auto other = keys_of(language);
    for (const auto& k : en) EXPECT_TRUE(other.contains(k)) << language << " lacks " << k;
    for (const auto& k : other) EXPECT_TRUE(en.contains(k)) << language << " has " << k << " that English lacks";
  }
}

TEST(WebMessages, EveryWordAPageUsesExists) {
  const auto en = keys_of("en");
  static const std::regex used(R"(\{\{\s*t\.([a-z0-9_]+)\s*\}\})");
  int seen = 0;
  for (const auto& f : embedded_files_under("web/pages/")) {
    const std::string text(f.content);
    for (auto it = std::sregex_iterator(text.begin(), text.end(), used); it != std::sregex_iterator(); ++it) {
      ++seen;
      EXPECT_TRUE(en.contains((*it)[1].str())) << f.path << " uses t." << (*it)[1].str();
    }
  }
  EXPECT_GT(seen, 100);  // the pages do use the message files
}

}  // namespace
}  // namespace redress::http
