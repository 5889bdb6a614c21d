#include "mail/compose.h"

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string_view>

#include <gmime/gmime.h>

#include "mail/gmime_init.h"

namespace redress::mail {
namespace {

struct GObjectUnref {
  void operator()(gpointer object) const { g_object_unref(object); }
};
template <typename T>
using GPtr = std::unique_ptr<T, GObjectUnref>;

// A header value is one logical line: a CR or LF from user input (a subject, a name) would
// end the header early and let the rest be read as headers of its own.
std::string one_line(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) out += (c == '\r' || c == '\n') ? ' ' : c;
  return out;
}

// Field names are fixed strings in our code (RFC 5322 ftext: printable ASCII but ':').
void check_header_name(const std::string& name) {
  if (name.empty()) throw std::invalid_argument("compose_mail: empty header name");
  for (unsigned char c : name) {
    if (c < 33 || c > 126 || c == ':') throw std::invalid_argument("compose_mail: bad header name '" + name + "'");
  }
}

// Body text with LF line ends only. GMime turns every LF into CRLF when it writes with
// the DOS newline format; a CR left in the text would then come out as CR CR LF.
std::string lf_only(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string crlf(std::string_view lf_text) {
  std::string out;
  out.reserve(lf_text.size() + lf_text.size() / 32);
  for (char c : lf_text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

void set_content(GMimePart* part, const std::string& bytes) {
  GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(bytes.data(), bytes.size()));
  GPtr<GMimeDataWrapper> content(g_mime_data_wrapper_new_with_stream(stream.get(), GMIME_CONTENT_ENCODING_DEFAULT));
  g_mime_part_set_content(part, content.get());
}

// A text/<subtype>; charset=utf-8 part. Not g_mime_text_part_set_text: it re-encodes the
// text into the "best" charset (ISO-8859-1 for most Western text), and we promise UTF-8.
GMimePart* utf8_text_part(const char* subtype, std::string_view text) {
  const std::string body = lf_only(text);
  GMimeTextPart* text_part = g_mime_text_part_new_with_subtype(subtype);
  GMimePart* part = GMIME_PART(text_part);
  set_content(part, body);
  g_mime_text_part_set_charset(text_part, "utf-8");
  // 7bit when it can be; otherwise GMime picks quoted-printable (mostly ASCII) or base64
  // (mostly not). 8bit is never used: not every relay accepts it. Long lines force QP too.
  const GMimeContentEncoding encoding = g_mime_part_get_best_content_encoding(part, GMIME_ENCODING_CONSTRAINT_7BIT);
  // Base64 text must carry CRLF line ends inside (RFC 2045's canonical form); GMime's
  // newline conversion only touches the encoded lines, so the content gets them first.
  // 7bit and QP content keeps LF: the writer turns those into CRLF.
  if (encoding == GMIME_CONTENT_ENCODING_BASE64) set_content(part, crlf(body));
  g_mime_part_set_content_encoding(part, encoding);
  return part;
}

void add_addresses(GMimeMessage* message, GMimeAddressType type, const std::vector<Address>& addresses) {
  InternetAddressList* list = g_mime_message_get_addresses(message, type);
  for (const auto& a : addresses) {
    const std::string name = one_line(a.name);
    const std::string email = one_line(a.email);
    GPtr<InternetAddress> address(internet_address_mailbox_new(name.empty() ? nullptr : name.c_str(), email.c_str()));
    // Without a charset GMime would pick one per name; UTF-8 is what we hold.
    internet_address_set_charset(address.get(), "utf-8");
    internet_address_list_add(list, address.get());
  }
}

std::string angle(std::string_view id) { return "<" + one_line(id) + ">"; }

}  // namespace

std::string compose_mail(const OutgoingMail& mail) {
  ensure_gmime();
  for (const auto& [name, value] : mail.extra_headers) check_header_name(name);

  GPtr<GMimeMessage> message(g_mime_message_new(TRUE));
  GMimeObject* top = GMIME_OBJECT(message.get());

  add_addresses(message.get(), GMIME_ADDRESS_TYPE_FROM, {mail.from});
  add_addresses(message.get(), GMIME_ADDRESS_TYPE_REPLY_TO, mail.reply_to);
  add_addresses(message.get(), GMIME_ADDRESS_TYPE_TO, mail.to);
  add_addresses(message.get(), GMIME_ADDRESS_TYPE_CC, mail.cc);
  // GMime writes RFC 2047 encoded-words for a non-ASCII subject, and folds it.
  g_mime_message_set_subject(message.get(), one_line(mail.subject).c_str(), "utf-8");

  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(mail.date.time_since_epoch()).count();
  GDateTime* date = g_date_time_new_from_unix_utc(seconds);
  g_mime_message_set_date(message.get(), date);
  g_date_time_unref(date);

  g_mime_message_set_message_id(message.get(), one_line(mail.message_id).c_str());
  if (!mail.in_reply_to.empty()) g_mime_object_set_header(top, "In-Reply-To", angle(mail.in_reply_to).c_str(), nullptr);
  if (!mail.references.empty()) {
    std::string refs;
    for (const auto& id : mail.references) {
      if (!refs.empty()) refs += ' ';
      refs += angle(id);
    }
    g_mime_object_set_header(top, "References", refs.c_str(), nullptr);
  }
  if (!mail.auto_submitted.empty())
    g_mime_object_set_header(top, "Auto-Submitted", one_line(mail.auto_submitted).c_str(), nullptr);
  if (!mail.language.empty())
    g_mime_object_set_header(top, "Content-Language", one_line(mail.language).c_str(), nullptr);
  for (const auto& [name, value] : mail.extra_headers)
    g_mime_object_append_header(top, name.c_str(), one_line(value).c_str(), "utf-8");

  GPtr<GMimePart> text(utf8_text_part("plain", mail.text));
  GMimeObject* body = GMIME_OBJECT(text.get());
  GPtr<GMimeMultipart> alternative;
  if (!mail.html.empty()) {
    // Simplest first: clients show the last alternative they can render.
    GPtr<GMimePart> html(utf8_text_part("html", mail.html));
    alternative.reset(g_mime_multipart_new_with_subtype("alternative"));
    g_mime_multipart_add(alternative.get(), GMIME_OBJECT(text.get()));
    g_mime_multipart_add(alternative.get(), GMIME_OBJECT(html.get()));
    body = GMIME_OBJECT(alternative.get());
  }
  GPtr<GMimeMultipart> mixed;
  if (!mail.files.empty()) {
    mixed.reset(g_mime_multipart_new_with_subtype("mixed"));
    g_mime_multipart_add(mixed.get(), body);
    for (const OutgoingFile& f : mail.files) {
      const std::string type = f.content_type.find('/') == std::string::npos ? "application/octet-stream" : f.content_type;
      const size_t slash = type.find('/');
      GPtr<GMimePart> part(g_mime_part_new_with_type(type.substr(0, slash).c_str(), type.substr(slash + 1).c_str()));
      set_content(part.get(), f.bytes);
      // The name as RFC 2231 wants it when it is not ASCII (GMime encodes the parameter).
      g_mime_part_set_filename(part.get(), one_line(f.filename).c_str());
      g_mime_object_set_disposition(GMIME_OBJECT(part.get()), GMIME_DISPOSITION_ATTACHMENT);
      g_mime_part_set_content_encoding(part.get(), GMIME_CONTENT_ENCODING_BASE64);
      g_mime_multipart_add(mixed.get(), GMIME_OBJECT(part.get()));
    }
    body = GMIME_OBJECT(mixed.get());
  }
  g_mime_message_set_mime_part(message.get(), body);
  if (!g_mime_header_list_contains(g_mime_object_get_header_list(top), "MIME-Version"))
    g_mime_object_set_header(top, "MIME-Version", "1.0", nullptr);

  // SMTP wants CRLF everywhere; GMime's default is the platform's LF.
  GMimeFormatOptions* options = g_mime_format_options_new();
  g_mime_format_options_set_newline_format(options, GMIME_NEWLINE_FORMAT_DOS);
  GPtr<GMimeStream> out(g_mime_stream_mem_new());
  const ssize_t written = g_mime_object_write_to_stream(top, options, out.get());
  g_mime_format_options_free(options);
  if (written < 0) throw std::runtime_error("compose_mail: GMime could not write the message");
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out.get()));
  return std::string(reinterpret_cast<const char*>(bytes->data), bytes->len);
}

}  // namespace redress::mail
