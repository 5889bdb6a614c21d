// The MIME tree walk: which parts are the text a person reads, which are attachments, and
// what a delivery report carries.
#include <set>

#include "core/crypto.h"
#include "mail/charset.h"
#include "mail/html.h"
#include "mail/parse_internal.h"

namespace redress::mail {
namespace {

// Body text found at one place in the tree; a multipart/alternative gives both forms.
struct Segment {
  std::optional<std::string> plain;
  std::optional<std::string> html;  // UTF-8, not yet sanitised
};

std::string lower(const char* s) { return s ? ascii_lowercase(s) : std::string(); }

std::string media_type(GMimeObject* object) {
  GMimeContentType* type = g_mime_object_get_content_type(object);
  if (!type) return "application/octet-stream";
  return lower(g_mime_content_type_get_media_type(type)) + "/" + lower(g_mime_content_type_get_media_subtype(type));
}

std::string content_type_parameter(GMimeObject* object, const char* name) {
  const char* value = g_mime_object_get_content_type_parameter(object, name);
  return value ? std::string(value) : std::string();
}

std::string stream_bytes(GMimeStream* stream) {
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream));
  if (!bytes || bytes->len == 0) return {};
  return std::string(reinterpret_cast<const char*>(bytes->data), bytes->len);
}

// The part's content with its transfer encoding undone.
std::string decoded_content(GMimePart* part) {
  GMimeDataWrapper* content = g_mime_part_get_content(part);
  if (!content) return {};
  GObjectPtr<GMimeStream> out(g_mime_stream_mem_new());
  g_mime_data_wrapper_write_to_stream(content, out.get());
  return stream_bytes(out.get());
}

// The embedded message as bytes, the way GMime writes it back out.
std::string message_bytes(GMimeMessage* message) {
  if (!message) return {};
  GObjectPtr<GMimeStream> out(g_mime_stream_mem_new());
  g_mime_object_write_to_stream(GMIME_OBJECT(message), nullptr, out.get());
  return stream_bytes(out.get());
}

std::string crlf_to_lf(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      out += '\n';
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

// RFC 3676: a line ending in a space continues on the next line of the same quote depth
// (except the "-- " signature separator); with delsp=yes the sender added that space, so
// it goes. A space right after the quote marks (or starting the line) is stuffing.
std::string unflow(std::string_view text, bool delsp) {
  struct Line {
    size_t depth;
    std::string_view content;
    bool soft;
  };
  std::vector<Line> lines;
  bool ends_with_newline = text.ends_with('\n');
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    size_t depth = 0;
    while (depth < line.size() && line[depth] == '>') ++depth;
    std::string_view content = line.substr(depth);
    if (content.starts_with(' ')) content.remove_prefix(1);
    bool soft = content.ends_with(' ') && content != "-- ";
    if (soft && delsp) content.remove_suffix(1);
    lines.push_back({depth, content, soft});
  }
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    out.append(lines[i].depth, '>');
    if (lines[i].depth > 0) out += ' ';
    out.append(lines[i].content);
    while (lines[i].soft && i + 1 < lines.size() && lines[i + 1].depth == lines[i].depth) {
      ++i;
      out.append(lines[i].content);
    }
    if (i + 1 < lines.size() || ends_with_newline) out += '\n';
  }
  return out;
}

// <meta charset=x> or <meta http-equiv=Content-Type content="...; charset=x"> near the top.
std::string html_meta_charset(std::string_view html) {
  std::string head = ascii_lowercase(html.substr(0, 4096));
  size_t pos = 0;
  while ((pos = head.find("<meta", pos)) != std::string::npos) {
    size_t end = head.find('>', pos);
    if (end == std::string::npos) break;
    std::string_view tag = std::string_view(head).substr(pos, end - pos);
    size_t c = tag.find("charset=");
    if (c != std::string_view::npos) {
      size_t b = c + 8;
      while (b < tag.size() && (tag[b] == '"' || tag[b] == '\'' || tag[b] == ' ')) ++b;
      size_t e = b;
      while (e < tag.size() && tag[e] != '"' && tag[e] != '\'' && tag[e] != ';' && tag[e] != ' ' && tag[e] != '/')
        ++e;
      if (e > b) return std::string(tag.substr(b, e - b));
    }
    pos = end;
  }
  return {};
}

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

// Filenames are shown and offered for download: only the last path component is kept,
// without control characters.
std::string clean_filename(const char* name) {
  if (!name) return {};
  std::string s = make_valid_utf8(name);
  size_t slash = s.find_last_of("/\\");
  if (slash != std::string::npos) s = s.substr(slash + 1);
  std::string out;
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7F) out += c;
  // KMail names inline parts " ": a blank name is no name.
  size_t b = out.find_first_not_of(' '), e = out.find_last_not_of(' ');
  return b == std::string::npos ? std::string() : out.substr(b, e - b + 1);
}

bool is_body_type(const std::string& type) { return type == "text/plain" || type == "text/html" || type == "text"; }

class BodyReader {
 public:
  BodyReader(const std::vector<std::string>& candidates, const ParseLimits& limits, ParsedMail& mail,
             BounceEvidence& evidence)
      : candidates_(candidates), limits_(limits), mail_(mail), evidence_(evidence) {}

  void read(GMimeObject* root) {
    std::vector<Segment> segments;
    if (root) walk(root, 0, true, segments);
    assemble(segments);
  }

 private:
  // False once max_parts objects have been looked at: the rest of the tree is ignored.
  bool count_part() {
    if (parts_ >= limits_.max_parts) {
      add_warning(mail_.warnings, "more than " + std::to_string(limits_.max_parts) + " MIME parts: the rest ignored");
      return false;
    }
    ++parts_;
    return true;
  }

  void walk(GMimeObject* object, int depth, bool body_position, std::vector<Segment>& segments) {
    if (!count_part()) return;
    if (GMIME_IS_MULTIPART(object)) {
      if (depth >= limits_.max_depth) {
        add_warning(mail_.warnings, "MIME nesting deeper than " + std::to_string(limits_.max_depth) + ": parts ignored");
        return;
      }
      walk_multipart(GMIME_MULTIPART(object), depth + 1, body_position, segments);
    } else if (GMIME_IS_MESSAGE_PART(object)) {
      add_message_attachment(object);
    } else if (GMIME_IS_PART(object)) {
      walk_leaf(GMIME_PART(object), body_position, segments);
    }
  }

  void walk_multipart(GMimeMultipart* multipart, int depth, bool body_position, std::vector<Segment>& segments) {
    GMimeObject* object = GMIME_OBJECT(multipart);
    std::string type = media_type(object);
    int count = g_mime_multipart_get_count(multipart);
    if (count == 0) {
      // No boundary, or one that never occurs. Its raw content (GMime keeps it as the
      // prologue) would show MIME syntax and encoded attachments as text, so nothing is
      // shown; the raw mail keeps it.
      add_warning(mail_.warnings, "a " + type + " without parts: its content is not shown");
      return;
    }
    if (type == "multipart/alternative") {
      walk_alternative(multipart, depth, body_position, segments);
    } else if (type == "multipart/related") {
      std::string start = bare_message_id(content_type_parameter(object, "start"));
      int root = 0;
      for (int i = 0; i < count && !start.empty(); ++i) {
        const char* id = g_mime_object_get_content_id(g_mime_multipart_get_part(multipart, i));
        if (id && start == id) root = i;
      }
      for (int i = 0; i < count; ++i)
        walk(g_mime_multipart_get_part(multipart, i), depth, body_position && i == root, segments);
    } else if (type == "multipart/encrypted") {
      add_warning(mail_.warnings, "encrypted content (multipart/encrypted) cannot be read");
      for (int i = 0; i < count; ++i) walk(g_mime_multipart_get_part(multipart, i), depth, false, segments);
    } else {
      // mixed, signed (content, then signature), report (text, status, returned message),
      // digest and unknown subtypes: parts in order.
      bool single_body = type == "multipart/signed" || type == "multipart/report";
      for (int i = 0; i < count; ++i)
        walk(g_mime_multipart_get_part(multipart, i), depth, body_position && (!single_body || i == 0), segments);
    }
  }

  // One form for people to read: the plain text from the first child that is only plain
  // text, the HTML from the last child that has HTML (RFC 2046: best form last).
  void walk_alternative(GMimeMultipart* multipart, int depth, bool body_position, std::vector<Segment>& segments) {
    int count = g_mime_multipart_get_count(multipart);
    std::optional<std::vector<Segment>> plain_child, html_child;
    for (int i = 0; i < count; ++i) {
      std::vector<Segment> child;
      walk(g_mime_multipart_get_part(multipart, i), depth, body_position, child);
      if (child.empty()) continue;
      bool all_plain = true, any_html = false;
      for (const Segment& s : child) {
        all_plain = all_plain && s.plain && !s.html;
        any_html = any_html || s.html;
      }
      if (all_plain && !plain_child) plain_child = std::move(child);
      else if (any_html) html_child = std::move(child);
    }
    Segment merged;
    if (plain_child) {
      std::string text;
      for (const Segment& s : *plain_child) text += *s.plain;
      // An empty plain alternative next to real HTML says nothing: let the HTML speak.
      if (!html_child || text.find_first_not_of(" \t\r\n") != std::string::npos) merged.plain = std::move(text);
    }
    if (html_child) {
      std::string html;
      for (const Segment& s : *html_child) html += s.html ? *s.html : "<pre>" + escape_html(*s.plain) + "</pre>";
      merged.html = std::move(html);
    }
    if (merged.plain || merged.html) segments.push_back(std::move(merged));
  }

  void walk_leaf(GMimePart* part, bool body_position, std::vector<Segment>& segments) {
    GMimeObject* object = GMIME_OBJECT(part);
    std::string type = media_type(object);
    std::string disposition = lower(g_mime_object_get_disposition(object));
    bool named = !clean_filename(g_mime_part_get_filename(part)).empty();
    if (body_position && is_body_type(type) && disposition != "attachment" && !named) {
      segments.push_back(read_text(part, type));
      return;
    }
    std::string data = decoded_content(part);
    if (type == "application/pkcs7-mime" || type == "application/x-pkcs7-mime") {
      add_warning(mail_.warnings, "S/MIME content (application/pkcs7-mime) cannot be read");
    } else if (type == "message/delivery-status" || type == "message/global-delivery-status") {
      evidence_.delivery_status.push_back(data);
    } else if (type == "text/rfc822-headers" || type == "message/rfc822-headers" || type == "message/rfc822" ||
               type == "message/global-headers") {
      // message/rfc822 arrives here only when GMime did not parse it (e.g. base64-encoded).
      note_returned_message(message_id_in_headers(data));
    }
    add_attachment(object, type, std::move(data));
  }

  Segment read_text(GMimePart* part, const std::string& type) {
    GMimeObject* object = GMIME_OBJECT(part);
    std::string bytes = decoded_content(part);
    std::string charset = content_type_parameter(object, "charset");
    if (charset.empty() && type == "text/html") charset = html_meta_charset(bytes);
    bool unknown_label = false;
    std::string text = crlf_to_lf(to_utf8(bytes, charset, candidates_, &unknown_label));
    if (unknown_label) add_warning(mail_.warnings, "unknown charset \"" + make_valid_utf8(charset.substr(0, 40)) + "\"");
    Segment segment;
    if (type == "text/html") {
      segment.html = std::move(text);
    } else {
      if (ascii_lowercase(content_type_parameter(object, "format")) == "flowed")
        text = unflow(text, ascii_lowercase(content_type_parameter(object, "delsp")) == "yes");
      segment.plain = std::move(text);
    }
    return segment;
  }

  void note_returned_message(std::optional<std::string> id) {
    evidence_.has_returned_message = true;
    if (id && !evidence_.returned_message_id) evidence_.returned_message_id = std::move(id);
  }

  void add_message_attachment(GMimeObject* object) {
    GMimeMessage* message = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));
    std::optional<std::string> id;
    if (message) {
      const char* mid = g_mime_message_get_message_id(message);
      if (mid && *mid) id = make_valid_utf8(mid);
    }
    note_returned_message(std::move(id));
    add_attachment(object, media_type(object), message_bytes(message));
  }

  void add_attachment(GMimeObject* object, std::string type, std::string data) {
    Attachment a;
    a.content_type = std::move(type);
    const char* filename = GMIME_IS_PART(object) ? g_mime_part_get_filename(GMIME_PART(object)) : nullptr;
    if (!filename) filename = g_mime_object_get_content_disposition_parameter(object, "filename");
    if (!filename) filename = g_mime_object_get_content_type_parameter(object, "name");
    a.filename = clean_filename(filename);
    const char* id = g_mime_object_get_content_id(object);
    if (id) a.content_id = make_valid_utf8(bare_message_id(id));
    a.is_inline = lower(g_mime_object_get_disposition(object)) == "inline";
    a.size = static_cast<int64_t>(data.size());
    if (a.size > limits_.max_attachment_bytes || total_bytes_ + a.size > limits_.max_total_attachment_bytes) {
      a.dropped = true;
      add_warning(mail_.warnings, "attachment \"" + a.filename + "\" (" + std::to_string(a.size) +
                                      " bytes) dropped: over the size limit");
    } else {
      total_bytes_ += a.size;
      a.sha256 = crypto::sha256_hex(data);
      a.data = std::move(data);
    }
    mail_.attachments.push_back(std::move(a));
  }

  void assemble(std::vector<Segment>& segments) {
    std::string text, html;
    bool has_html = false;
    for (const Segment& s : segments) has_html = has_html || s.html;
    for (const Segment& s : segments) {
      std::string piece = s.plain ? *s.plain : html_to_text(*s.html);
      if (!text.empty() && !piece.empty() && !text.ends_with('\n')) text += '\n';
      text += piece;
      if (has_html) html += s.html ? *s.html : "<pre>" + escape_html(*s.plain) + "</pre>";
    }
    mail_.text = std::move(text);
    if (has_html) {
      mark_referenced_inline(html);
      mail_.html = sanitize_html(html);
    }
  }

  // Attachments the HTML shows through cid: URLs are inline images.
  void mark_referenced_inline(std::string_view html) {
    std::set<std::string> referenced;
    size_t pos = 0;
    while ((pos = html.find("cid:", pos)) != std::string_view::npos) {
      pos += 4;
      size_t end = html.find_first_of("\"' \t\r\n>)", pos);
      if (end == std::string_view::npos) end = html.size();
      referenced.insert(std::string(html.substr(pos, end - pos)));
    }
    for (Attachment& a : mail_.attachments)
      if (!a.content_id.empty() && referenced.contains(a.content_id)) a.is_inline = true;
  }

  const std::vector<std::string>& candidates_;
  const ParseLimits& limits_;
  ParsedMail& mail_;
  BounceEvidence& evidence_;
  int parts_ = 0;
  int64_t total_bytes_ = 0;
};

}  // namespace

void read_body(GMimeMessage* message, const std::vector<std::string>& candidates, const ParseLimits& limits,
               ParsedMail& mail, BounceEvidence& evidence) {
  BodyReader reader(candidates, limits, mail, evidence);
  reader.read(g_mime_message_get_mime_part(message));
}

}  // namespace redress::mail
