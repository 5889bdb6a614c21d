#pragma once
// Messages on requests (seed 003): a ticket's thread as the caller may see it, and posting
// a portal message (customers), a public reply or an internal note (staff). A post commits
// the message, the ticket's search document, a message.posted event and the notifications
// in one transaction; a customer writing on a closed ticket reopens it in that same one.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/review.h"
#include "domain/ticket.h"
#include "service/context.h"
#include "store/connection.h"

namespace redress::service {

// Who wrote a message, as the reader may see it. Staff see the real author: "user" or
// "contact" with its id. Customers see contacts of their ticket by name ("contact"), and
// staff messages as [messages] author_display says: type "staff", no id, the name shown.
struct MessageAuthor {
  std::string type;  // user | contact | staff
  std::optional<int64_t> id;
  std::string name;
};

struct MessageView {
  domain::Message message;
  std::optional<MessageAuthor> author;  // none: no author (a system mail) or none to show
  // Staff only: how a message sent through a connector (a reply to a review) is delivered.
  std::optional<domain::MessageDelivery> delivery;
  std::vector<domain::MessageAttachment> attachments;  // in the order they came
};

// A file to hand out (GET /api/v1/attachments/{id}).
struct AttachmentDownload {
  domain::MessageAttachment attachment;
  std::string bytes;
};

struct MessageThread {
  std::vector<MessageView> items;     // oldest first
  std::optional<int64_t> next_after;  // more follow: pass this as `after`
};

// A file a staff member attaches to a message.
struct NewFile {
  std::string filename;
  std::string content_type;  // type/subtype; "" becomes application/octet-stream
  std::string bytes;
};

struct NewMessage {
  std::optional<std::string> body;        // with a template: the agent's edit of its body (absent: as written)
  std::optional<std::string> visibility;  // public (default) | internal
  std::optional<int64_t> template_id;     // a response template to reply with (staff, public)
  // Staff only (portal messages are text: seed 003). A public reply's mail carries them.
  std::vector<NewFile> files;
};

// Why a file may not be attached, by field ("attachments[0]"); too_large lists the files
// over [attachments] max_upload_bytes (a 413), the rest are 422s.
struct FileProblems {
  std::map<std::string, std::string> too_large;
  std::map<std::string, std::string> refused;
};
FileProblems check_files(const MessageSettings& settings, const std::vector<NewFile>& files);
// check_files as the error to answer (413 when a file is too large, else 422), or nothing.
Result<void> refuse_bad_files(const MessageSettings& settings, const std::vector<NewFile>& files);
// Stores the files (once per content) as attachments of a message.
Result<std::vector<domain::MessageAttachment>> attach_files(store::Connection& c, int64_t message_id,
                                                            const std::vector<NewFile>& files, TimePoint now);

class MessageService {
 public:
  explicit MessageService(Context& ctx) : ctx_(ctx) {}

  // Staff (tickets.view_all) get internal notes too; customers the public messages of a
  // ticket they are a contact of. NotFound when the ticket is not visible.
  Result<MessageThread> list(const Actor& actor, const std::string& key, int64_t after_id, int limit);

  // Staff need messages.use and tickets.write; customers messages.use and to be a contact
  // (else NotFound, as for reading). A reply from a response template is rendered for the
  // ticket (service/template_service: render_reply), its subject kept on the message and
  // used for the reply's mail. Errors: Forbidden "right_missing" (also a customer asking
  // for an internal note or a template); Invalid naming body, visibility, template, subject
  // (reason "missing_values" when variables have no value); Conflict
  // "messaging_blocked" (customers, ticket blocked), "ticket_closed" (customers, closed
  // ticket whose workflow has no system transition out of its status), "no_reply_connector"
  // (staff, a public reply on a review request whose source cannot take replies). A
  // public reply on a review request is sent through its platform, not mailed.
  Result<MessageView> post(const Actor& actor, const std::string& key, const NewMessage& input);

  // Whoever may read the message may have its file, and nobody else: a customer the files
  // of public messages on their own tickets, staff as the ticket's take allows them to
  // read it. NotFound otherwise (a customer cannot tell another's file from a missing one);
  // Gone (kConflict "dropped") for a part the parser listed but did not keep.
  Result<AttachmentDownload> attachment(const Actor& actor, int64_t attachment_id);

 private:
  Context& ctx_;
};

}  // namespace redress::service
