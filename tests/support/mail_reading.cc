#include "support/mail_reading.h"

#include <gmime/gmime.h>

#include "mail/gmime_init.h"

namespace redress::test {
namespace {

// Parses raw and hands the message (or nullptr) to use; frees everything after.
template <typename Use>
std::string with_message(const std::string& raw, Use use) {
  mail::ensure_gmime();
  GMimeStream* stream = g_mime_stream_mem_new_with_buffer(raw.data(), raw.size());
  GMimeParser* parser = g_mime_parser_new_with_stream(stream);
  GMimeMessage* message = g_mime_parser_construct_message(parser, nullptr);
  std::string out = message ? use(message) : std::string();
  if (message) g_object_unref(message);
  g_object_unref(parser);
  g_object_unref(stream);
  return out;
}

void find_text(GMimeObject*, GMimeObject* part, gpointer out) {
  auto* text = static_cast<std::string*>(out);
  if (!text->empty() || !GMIME_IS_TEXT_PART(part)) return;
  if (!g_mime_content_type_is_type(g_mime_object_get_content_type(part), "text", "plain")) return;
  char* decoded = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
  if (decoded) *text = decoded;
  g_free(decoded);
}

}  // namespace

std::string header_of(const std::string& raw, const std::string& name) {
  return with_message(raw, [&](GMimeMessage* message) {
    std::string out;
    if (const char* v = g_mime_object_get_header(GMIME_OBJECT(message), name.c_str())) {
      char* decoded = g_mime_utils_header_decode_text(nullptr, v);
      out = decoded;
      g_free(decoded);
    }
    return out;
  });
}

std::string text_of(const std::string& raw) {
  return with_message(raw, [](GMimeMessage* message) {
    std::string text;
    g_mime_message_foreach(message, find_text, &text);
    return text;
  });
}

}  // namespace redress::test
