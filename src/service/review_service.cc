#include "service/review_service.h"

#include <cmath>
#include <map>

#include <fmt/format.h>

#include "domain/validation.h"
#include "service/notifier.h"
#include "service/queue_service.h"
#include "service/ticket_access.h"
#include "service/ticket_service.h"
#include "store/contact_store.h"
#include "store/event_store.h"
#include "store/review_store.h"
#include "store/ticket_store.h"

namespace redress::service {
namespace {

using store::Connection;

constexpr size_t kMaxId = 200;
constexpr size_t kMaxAuthorName = 200;
constexpr size_t kMaxUrl = 2000;
constexpr size_t kMaxText = 100'000;  // as a ticket's description allows
constexpr size_t kSubjectWords = 60;  // bytes of the review's text in the subject

using domain::code_points;

// The first UTF-8 character of s.
std::string first_char(const std::string& s) {
  size_t n = s.empty() ? 0 : 1;
  while (n < s.size() && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) ++n;
  return s.substr(0, n);
}

std::vector<std::string> words_of(const std::string& s) {
  std::vector<std::string> out;
  std::string word;
  for (char ch : s) {
    if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
      if (!word.empty()) out.push_back(std::move(word));
      word.clear();
    } else {
      word += ch;
    }
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

// "Jane Doe" -> "Jane D.": enough to tell reviews apart, short enough for a subject.
std::string short_name(const std::string& name) {
  auto words = words_of(name);
  if (words.empty()) return "";
  if (words.size() == 1) return words.front();
  return words.front() + " " + first_char(words.back()) + ".";
}

std::string rating_text(double rating) {
  if (rating == std::floor(rating)) return fmt::format("{}", static_cast<int>(rating));
  return fmt::format("{:.1f}", rating);
}

std::string body_of(const domain::Review& r) {
  std::string body;
  if (r.rating) body = "Rating: " + rating_text(*r.rating) + "/5\n\n";
  body += r.text;
  if (!r.url.empty()) body += "\n\n" + r.url;
  return body;
}

bool is_http_url(const std::string& url) {
  const std::string lower = domain::lower_ascii(url.substr(0, 8));
  for (std::string_view scheme : {"http://", "https://"}) {
    if (lower.starts_with(scheme) && url.size() > scheme.size() && url.find_first_of(" \t\r\n") == std::string::npos)
      return true;
  }
  return false;
}

// The review as stored; errors collects every problem with it.
domain::Review cleaned(const ReviewInput& in, std::map<std::string, std::string>& errors) {
  domain::Review r;
  r.source = in.source;
  r.external_id = domain::trim(in.external_id);
  if (r.external_id.empty()) errors["external_id"] = "required";
  if (code_points(r.external_id) > kMaxId) errors["external_id"] = "at most 200 characters";
  r.author_name = domain::trim(in.author_name);
  if (code_points(r.author_name) > kMaxAuthorName) errors["author.name"] = "at most 200 characters";
  r.author_email = domain::lower_ascii(domain::trim(in.author_email));
  if (!r.author_email.empty() && !domain::is_plausible_email(r.author_email))
    errors["author.email"] = "not a valid email address";
  if (in.rating && (!std::isfinite(*in.rating) || *in.rating < 0 || *in.rating > 5))
    errors["rating"] = "a number from 0 to 5, or null";
  r.rating = in.rating;
  r.text = domain::trim(in.text);
  if (r.text.empty()) errors["text"] = "required";
  if (r.text.size() > kMaxText) errors["text"] = "at most 100000 bytes";
  r.url = domain::trim(in.url);
  if (!r.url.empty() && (!is_http_url(r.url) || r.url.size() > kMaxUrl))
    errors["url"] = "an http:// or https:// URL of at most 2000 characters";
  if (in.language && !domain::is_language_tag(*in.language))
    errors["language"] = "must be a language tag such as en or fr";
  // Last, so that it names the real problem: bytes that are not text fail the checks above
  // for the wrong reason, and would stop whatever writes them as JSON later.
  for (const auto& [field, value] : {std::pair<const char*, const std::string*>{"external_id", &in.external_id},
                                     {"author.name", &in.author_name},
                                     {"author.email", &in.author_email},
                                     {"text", &in.text},
                                     {"url", &in.url}}) {
    if (auto why = domain::text_problem(*value); !why.empty()) errors[field] = why;
  }
  return r;
}

Result<domain::Review> checked(const ReviewInput& in, TimePoint now) {
  std::map<std::string, std::string> errors;
  domain::Review r = cleaned(in, errors);
  if (!errors.empty()) return fail(Error::invalid_fields(std::move(errors), "the review has invalid fields"));
  r.received_at = in.created_at.value_or(now);
  return r;
}

}  // namespace

const ReviewSourceSettings* find_review_source(const Context& ctx, const std::string& name) {
  for (const auto& s : ctx.review_sources) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::map<std::string, std::string> review_problems(const ReviewInput& input) {
  std::map<std::string, std::string> errors;
  (void)cleaned(input, errors);
  return errors;
}

std::string review_subject(const domain::Review& r) {
  std::string s = "Review";
  if (r.rating) s += " " + rating_text(*r.rating) + "/5";
  if (auto who = short_name(r.author_name); !who.empty()) s += " from " + who;
  std::string excerpt;
  for (const auto& w : words_of(r.text)) {
    if (!excerpt.empty() && excerpt.size() + 1 + w.size() > kSubjectWords) {
      excerpt += "…";
      break;
    }
    if (!excerpt.empty()) excerpt += " ";
    excerpt += w;
  }
  // One very long word: cut it at a character boundary.
  if (excerpt.size() > kSubjectWords + 3) {
    size_t n = kSubjectWords;
    while (n > 0 && (static_cast<unsigned char>(excerpt[n]) & 0xC0) == 0x80) --n;
    excerpt = excerpt.substr(0, n) + "…";
  }
  return s + ": " + excerpt;
}

Result<ReviewIntake> ReviewService::submit(const ReviewInput& input) {
  const ReviewSourceSettings* source = find_review_source(ctx_, input.source);
  if (!source) return fail(Error::invalid_field("source", "no review source named '" + input.source + "'"));
  auto taken = ctx_.db.transact_value<ReviewIntake>(
      store::TxMode::kWrite, [&](Connection& c) { return submit_in(c, *source, input); });
  if (taken || taken.error().reason != "unique_violation") return taken;
  // The same review arrived twice at once and the other one committed first: answer as
  // for any repeat, with the request it made.
  auto again = ctx_.db.transact_value<std::optional<ReviewIntake>>(
      store::TxMode::kRead, [&](Connection& c) -> Result<std::optional<ReviewIntake>> {
        auto seen = REDRESS_TRY(store::ReviewStore(c).find(source->name, domain::trim(input.external_id)));
        if (!seen) return std::optional<ReviewIntake>();
        auto t = REDRESS_TRY(store::TicketStore(c).find(seen->ticket_id));
        return std::optional<ReviewIntake>(ReviewIntake{false, *seen, t ? t->number : ""});
      });
  if (!again) return fail(again.error());
  if (!*again) return taken;
  return std::move(**again);
}

Result<ReviewIntake> ReviewService::submit_in(Connection& c, const ReviewSourceSettings& source,
                                              const ReviewInput& input) {
  const TimePoint now = ctx_.clock.now();
  domain::Review review = REDRESS_TRY(checked(input, now));
  store::ReviewStore reviews(c);
  store::TicketStore tickets(c);
  if (auto seen = REDRESS_TRY(reviews.find(source.name, review.external_id))) {
    auto t = REDRESS_TRY(tickets.find(seen->ticket_id));
    return ReviewIntake{false, *seen, t ? t->number : ""};
  }

  // Seed 004: a known address is the request's contact; anyone else is left for the
  // agent to find or create while qualifying the request.
  std::optional<domain::Contact> author;
  if (!review.author_email.empty()) author = REDRESS_TRY(store::ContactStore(c).find_by_email(review.author_email));

  const Actor system = Actor::system();
  NewTicket nt;
  nt.workflow = source.workflow;
  nt.subject = review_subject(review);
  nt.description = review.text;
  nt.channel = "review";
  nt.language = input.language.value_or(source.language);
  if (author) {
    ContactInput main;
    main.id = author->id;
    main.main = true;
    nt.contacts.push_back(main);
  }
  auto detail = TicketService(ctx_).create_in(c, system, nt);
  if (!detail) {
    // A source pointing at a workflow that does not exist is the admin's to fix; the
    // platform should offer the review again later, not drop it.
    if (detail.error().code == ErrorCode::kInvalid)
      return fail(Error::unavailable("cannot open a request for the review: " + detail.error().message));
    return fail(detail.error());
  }
  domain::Ticket t = detail->ticket;

  domain::Message m;
  m.ticket_id = t.id;
  m.kind = "review";
  m.visibility = "public";
  if (author) m.author_contact_id = author->id;
  m.body = body_of(review);
  m.created_at = now;
  m = REDRESS_TRY(tickets.add_message(m));

  review.ticket_id = t.id;
  review = REDRESS_TRY(reviews.insert(review));

  // The customer waits for an answer, as after a mail.
  t = REDRESS_TRY(customer_message_arrived(ctx_, c, std::move(t)));
  NotifyEvent e;
  e.kind = kNotifyCustomerMessage;
  e.channel = "review";
  e.message_id = m.id;
  e.message_text = review.text;
  e.author_contact_id = m.author_contact_id;
  const NotifyOutcome told = REDRESS_TRY(notify(ctx_, c, system, t, {e}));

  domain::Event received = detail::ticket_event(system, now, t.id, "review.received");
  received.data = {{"review_id", review.id},
                   {"source", review.source},
                   {"external_id", review.external_id},
                   {"rating", review.rating ? nlohmann::json(*review.rating) : nlohmann::json(nullptr)},
                   {"message_id", m.id},
                   {"contact", author ? nlohmann::json(author->id) : nlohmann::json(nullptr)}};
  if (!told.recipients.empty()) received.data["notified"] = told.recipients;
  REDRESS_CHECK(store::EventStore(c).append(received));
  REDRESS_CHECK(tickets.reindex(t.id));
  return ReviewIntake{true, std::move(review), t.number};
}

}  // namespace redress::service
