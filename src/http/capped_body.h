#pragma once
// A Beast body for requests that keeps at most `keep` bytes and counts the rest. Past
// `keep` it holds on to the first `head` bytes only: a mail over mail.max_message_bytes is
// still read to its end, so that the handler can keep its headers and its size as a trace
// (and the client gets an answer rather than a reset), without the server holding it.
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>
#include <cstdint>
#include <limits>
#include <string>

namespace redress::http {

struct CappedBody {
  struct value_type {
    std::string data;
    uint64_t keep = std::numeric_limits<uint64_t>::max();  // beyond this the body is "over"
    uint64_t head = 0;                                      // what is kept of a body over keep
    uint64_t received = 0;                                  // every byte that came
    bool over = false;
  };

  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(boost::beast::http::header<isRequest, Fields>&, value_type& body) : body_(body) {}

    void init(const boost::optional<std::uint64_t>& length, boost::beast::error_code& ec) {
      ec = {};
      if (length && *length > body_.keep) {
        body_.over = true;
      } else if (length) {
        body_.data.reserve(static_cast<size_t>(*length));
      }
    }

    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, boost::beast::error_code& ec) {
      ec = {};
      std::size_t n = 0;
      for (const auto b : boost::beast::buffers_range_ref(buffers)) {
        append(static_cast<const char*>(b.data()), b.size());
        n += b.size();
      }
      return n;
    }

    void finish(boost::beast::error_code& ec) { ec = {}; }

   private:
    void append(const char* p, std::size_t n) {
      body_.received += n;
      if (!body_.over && body_.received > body_.keep) {
        body_.over = true;
        if (body_.data.size() > body_.head) body_.data.resize(body_.head);
        body_.data.shrink_to_fit();
      }
      if (!body_.over) {
        body_.data.append(p, n);
      } else if (body_.data.size() < body_.head) {
        body_.data.append(p, std::min<uint64_t>(n, body_.head - body_.data.size()));
      }
    }

    value_type& body_;
  };
};

}  // namespace redress::http
