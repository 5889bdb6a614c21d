#include "support/mail_samples.h"

#include "core/crypto.h"

namespace redress::test {

std::string noise(size_t n, uint32_t seed) {
  std::string out(n, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (auto& ch : out) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    ch = static_cast<char>(x & 0xFF);
  }
  return out;
}

std::string base64_lines(const std::string& bytes) {
  const std::string b = crypto::base64_encode(bytes);
  std::string out;
  out.reserve(b.size() + b.size() / 38 + 2);
  for (size_t i = 0; i < b.size(); i += 76) {
    out.append(b, i, 76);
    out += "\r\n";
  }
  return out;
}

std::string mail_with_files(const std::string& message_id, const std::string& png, const std::string& pdf,
                            const std::string& from) {
  return "From: " + from + "\r\nTo: support@desk.example\r\nSubject: Colis =?utf-8?q?=C3=A9cras=C3=A9?=\r\n"
         "Date: Wed, 18 Nov 2026 09:00:00 +0100\r\nMessage-ID: <" + message_id + ">\r\nMIME-Version: 1.0\r\n"
         "Content-Type: multipart/mixed; boundary=\"XYZ\"\r\n\r\n"
         "--XYZ\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVoir relevé joint et la photo du colis.\r\n"
         "--XYZ\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=\"colis.png\"\r\n"
         "Content-Transfer-Encoding: base64\r\n\r\n" + base64_lines(png) +
         "--XYZ\r\nContent-Type: application/pdf; name=\"=?utf-8?q?relev=C3=A9.pdf?=\"\r\n"
         "Content-Disposition: attachment; filename*=utf-8''relev%C3%A9.pdf\r\n"
         "Content-Transfer-Encoding: base64\r\n\r\n" + base64_lines(pdf) + "--XYZ--\r\n";
}

}  // namespace redress::test
