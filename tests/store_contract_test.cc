// The storage contract: one suite, run against SQLite and PostgreSQL alike. Whatever a
// service may rely on from a store is asserted here, on both engines.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "domain/ticket_number.h"
#include "store/contact_store.h"
#include "core/crypto.h"
#include "store/event_store.h"
#include "store/mail_store.h"
#include "store/migrations.h"
#include "store/reason_store.h"
#include "store/ticket_store.h"
#include "store/user_store.h"
#include "support/test_db.h"

namespace redress {
namespace {

using store::Connection;
using store::TxMode;
using test::EngineParam;

const TimePoint kNow = from_micros(1'795'000'000'000'000);  // 2026-11-18

class StoreContractTest : public ::testing::TestWithParam<EngineParam> {
 protected:
  void SetUp() override { REDRESS_OPEN_TEST_DB(GetParam(), tdb_); }
  store::Database& db() { return tdb_->db(); }

  template <typename F>
  void write(F&& fn) {
    auto r = db().transact(TxMode::kWrite, [&](Connection& c) -> Result<void> {
      fn(c);
      return {};
    });
    ASSERT_TRUE(r) << r.error().message;
  }

  domain::Ticket make_ticket(Connection& c, const std::string& subject, TimePoint at = kNow) {
    domain::Ticket t;
    t.workflow = "support-request";
    t.status = "new_request";
    t.subject = subject;
    t.channel = "mail";
    t.language = "fr";
    t.created_at = t.updated_at = at;
    auto format = domain::TicketNumberFormat::parse("C-{year}-{seq:06}");
    auto made = store::TicketStore(c).insert(t, *format);
    EXPECT_TRUE(made) << made.error().message;
    EXPECT_TRUE(store::TicketStore(c).reindex(made->id));
    return *made;
  }

  std::unique_ptr<test::TestDatabase> tdb_;
};

TEST_P(StoreContractTest, MigratingTwiceAppliesNothingTheSecondTime) {
  auto again = store::migrate(db());
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_TRUE(again->empty());
}

TEST_P(StoreContractTest, DuplicateUserEmailIsAConflictAndNothingIsWritten) {
  domain::User u;
  u.email = "ann@example.com";
  u.name = "Ann";
  u.created_at = kNow;
  write([&](Connection& c) { ASSERT_TRUE(store::UserStore(c).insert(u, std::string("hash"))); });
  auto second = db().transact(TxMode::kWrite, [&](Connection& c) -> Result<void> {
    REDRESS_CHECK(store::UserStore(c).insert(u, std::nullopt));
    return {};
  });
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::kConflict);
  EXPECT_EQ(second.error().reason, "unique_violation");
  auto list = db().transact_value<std::vector<domain::User>>(TxMode::kRead, [](Connection& c) {
    return store::UserStore(c).list(10, 0);
  });
  ASSERT_TRUE(list);
  EXPECT_EQ(list->size(), 1u);
}

TEST_P(StoreContractTest, UserRoundTripsWithRightsAndPasswordHash) {
  domain::User u;
  u.email = "bob@example.com";
  u.name = "Bob Épée";
  u.role = domain::Role::kViewer;
  u.extra_rights = {"messages.block"};
  u.language = "fr";
  u.created_at = kNow;
  write([&](Connection& c) {
    auto made = store::UserStore(c).insert(u, std::string("$argon2id$x"));
    ASSERT_TRUE(made);
    auto back = store::UserStore(c).find(made->id);
    ASSERT_TRUE(back && *back);
    EXPECT_EQ((*back)->name, "Bob Épée");
    EXPECT_EQ((*back)->role, domain::Role::kViewer);
    EXPECT_EQ((*back)->extra_rights, u.extra_rights);
    EXPECT_EQ((*back)->created_at, kNow);
    EXPECT_EQ(*store::UserStore(c).password_hash(made->id).value(), "$argon2id$x");
  });
}

TEST_P(StoreContractTest, SessionsExpireAndTokensResolveByHash) {
  write([&](Connection& c) {
    domain::User u;
    u.email = "s@example.com";
    u.name = "S";
    u.created_at = kNow;
    auto made = store::UserStore(c).insert(u, std::nullopt);
    ASSERT_TRUE(made);
    store::UserStore users(c);
    ASSERT_TRUE(users.insert_session("h1", made->id, "csrf", kNow, kNow + std::chrono::hours(1)));
    EXPECT_TRUE(users.find_session("h1", kNow + std::chrono::minutes(59)).value().has_value());
    EXPECT_FALSE(users.find_session("h1", kNow + std::chrono::hours(2)).value().has_value());
    ASSERT_TRUE(users.delete_session("h1"));
    EXPECT_FALSE(users.find_session("h1", kNow).value().has_value());
    ASSERT_TRUE(users.insert_token(made->id, "tokhash", "ci", kNow));
    EXPECT_EQ(users.find_token_user("tokhash").value(), made->id);
    EXPECT_FALSE(users.find_token_user("other").value().has_value());
  });
}

TEST_P(StoreContractTest, TicketNumbersFollowTheFormatAndRestartEachYear) {
  write([&](Connection& c) {
    auto a = make_ticket(c, "first");
    auto b = make_ticket(c, "second");
    auto next_year = make_ticket(c, "new year", kNow + std::chrono::days(60));
    EXPECT_EQ(a.number, "C-2026-000001");
    EXPECT_EQ(b.number, "C-2026-000002");
    EXPECT_EQ(next_year.number, "C-2027-000001");
  });
}

TEST_P(StoreContractTest, ConcurrentCreatorsGetUniqueGaplessNumbers) {
  constexpr int kThreads = 8, kPerThread = 25;
  std::vector<std::thread> threads;
  std::mutex mu;
  std::vector<std::string> numbers;
  std::atomic<int> failures{0};
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      for (int k = 0; k < kPerThread; ++k) {
        auto r = db().transact_value<std::string>(TxMode::kWrite, [&](Connection& c) -> Result<std::string> {
          domain::Ticket t;
          t.workflow = "support-request";
          t.status = "new_request";
          t.subject = "t" + std::to_string(i) + "-" + std::to_string(k);
          t.channel = "mail";
          t.language = "en";
          t.created_at = t.updated_at = kNow;
          auto made = REDRESS_TRY(store::TicketStore(c).insert(t, *domain::TicketNumberFormat::parse("{seq}")));
          return made.number;
        });
        if (!r) {
          ++failures;
          continue;
        }
        std::lock_guard lock(mu);
        numbers.push_back(*r);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  std::set<int> seen;
  for (const auto& n : numbers) seen.insert(std::stoi(n));
  ASSERT_EQ(seen.size(), static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(*seen.begin(), 1);
  EXPECT_EQ(*seen.rbegin(), kThreads * kPerThread);
}

TEST_P(StoreContractTest, NumbersIncreaseWithIdsSoTheyAreMonotonic) {
  write([&](Connection& c) {
    std::string prev;
    for (int i = 0; i < 20; ++i) {
      auto t = make_ticket(c, "m" + std::to_string(i));
      EXPECT_GT(t.number, prev);
      prev = t.number;
    }
  });
}

TEST_P(StoreContractTest, StaleUpdateIsAConflict) {
  write([&](Connection& c) {
    auto t = make_ticket(c, "versioned");
    auto fresh = store::TicketStore(c).update(t);
    ASSERT_TRUE(fresh);
    EXPECT_EQ(fresh->version, 2);
    auto stale = store::TicketStore(c).update(t);  // still version 1
    ASSERT_FALSE(stale);
    EXPECT_EQ(stale.error().code, ErrorCode::kConflict);
    EXPECT_EQ(stale.error().reason, "stale");
  });
}

TEST_P(StoreContractTest, ContactsAndAssigneesRoundTripInOrder) {
  write([&](Connection& c) {
    store::ContactStore contacts(c);
    domain::Contact a{0, "Zoé", std::string("zoe@example.fr"), std::nullopt, "fr", std::nullopt, kNow};
    domain::Contact b{0, "Adam", std::string("adam@example.com"), std::string("+331"), "en", std::nullopt, kNow};
    auto ca = contacts.insert(a).value();
    auto cb = contacts.insert(b).value();
    domain::User u;
    u.email = "agent@example.com";
    u.name = "Agent";
    u.created_at = kNow;
    auto agent = store::UserStore(c).insert(u, std::nullopt).value();
    auto t = make_ticket(c, "with people");
    ASSERT_TRUE(store::TicketStore(c).set_contacts(t.id, {cb.id, ca.id}));
    ASSERT_TRUE(store::TicketStore(c).set_assignee(t.id, "assignee", agent.id));
    auto back = store::TicketStore(c).find(t.id).value();
    ASSERT_TRUE(back);
    EXPECT_EQ(back->contact_ids, (std::vector<int64_t>{cb.id, ca.id}));
    EXPECT_EQ(back->assignees.at("assignee"), agent.id);
    ASSERT_TRUE(store::TicketStore(c).set_assignee(t.id, "assignee", std::nullopt));
    EXPECT_TRUE(store::TicketStore(c).find(t.id).value()->assignees.empty());
    EXPECT_TRUE(store::TicketStore(c).has_contact_email(t.id, "zoe@example.fr").value());
    EXPECT_FALSE(store::TicketStore(c).has_contact_email(t.id, "nobody@example.fr").value());
  });
}

TEST_P(StoreContractTest, ContactSearchMatchesNameOrEmailAndEscapesWildcards) {
  write([&](Connection& c) {
    store::ContactStore contacts(c);
    ASSERT_TRUE(contacts.insert({0, "Jean Dupont", std::string("jean.dupont@example.fr"), {}, "fr", {}, kNow}));
    ASSERT_TRUE(contacts.insert({0, "Mary 100% Smith", std::string("mary@example.com"), {}, "en", {}, kNow}));
    ASSERT_TRUE(contacts.insert({0, "Other", std::string("x@example.org"), {}, "en", {}, kNow}));
    EXPECT_EQ(contacts.search("dupont", 10).value().size(), 1u);
    EXPECT_EQ(contacts.search("DUPONT", 10).value().size(), 1u);
    EXPECT_EQ(contacts.search("example.com", 10).value().size(), 1u);
    EXPECT_EQ(contacts.search("100%", 10).value().size(), 1u);
    EXPECT_EQ(contacts.search("%", 10).value().size(), 1u);  // only the name with a literal %
    EXPECT_EQ(contacts.search("", 2).value().size(), 2u);
  });
}

TEST_P(StoreContractTest, DuplicateContactEmailIsAConflict) {
  write([&](Connection& c) {
    ASSERT_TRUE(store::ContactStore(c).insert({0, "A", std::string("dup@example.com"), {}, "en", {}, kNow}));
  });
  auto r = db().transact(TxMode::kWrite, [&](Connection& c) -> Result<void> {
    REDRESS_CHECK(store::ContactStore(c).insert({0, "B", std::string("dup@example.com"), {}, "en", {}, kNow}));
    return {};
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, "unique_violation");
}

TEST_P(StoreContractTest, EventsAreAppendOnly) {
  int64_t id = 0;
  write([&](Connection& c) {
    domain::Event e;
    e.entity = "ticket";
    e.at = kNow;
    e.actor_label = "test";
    e.kind = "ticket.created";
    e.data = {{"number", "C-1"}};
    id = store::EventStore(c).append(e).value();
  });
  auto update = db().transact(TxMode::kWrite, [&](Connection& c) -> Result<void> {
    REDRESS_CHECK(c.execute("UPDATE events SET kind = 'forged' WHERE id = ?", {id}));
    return {};
  });
  EXPECT_FALSE(update);
  auto del = db().transact(TxMode::kWrite, [&](Connection& c) -> Result<void> {
    REDRESS_CHECK(c.execute("DELETE FROM events WHERE id = ?", {id}));
    return {};
  });
  EXPECT_FALSE(del);
  auto kept = db().transact_value<std::vector<domain::Event>>(TxMode::kRead, [&](Connection& c) {
    return store::EventStore(c).for_entity("ticket", 0);
  });
  auto count = db().transact_value<int64_t>(TxMode::kRead, [&](Connection& c) -> Result<int64_t> {
    auto row = REDRESS_TRY(c.query_one("SELECT kind FROM events WHERE id = ?", {id}));
    return row && row->text(0) == "ticket.created" ? 1 : 0;
  });
  EXPECT_EQ(count.value(), 1);
}

TEST_P(StoreContractTest, FailedTransactionLeavesNothingBehind) {
  auto r = db().transact(TxMode::kWrite, [&](Connection& c) -> Result<void> {
    make_ticket(c, "doomed");
    return fail(ErrorCode::kInvalid, "changed my mind");
  });
  ASSERT_FALSE(r);
  auto n = db().transact_value<int64_t>(TxMode::kRead, [](Connection& c) -> Result<int64_t> {
    auto row = REDRESS_TRY(c.query_one("SELECT COUNT(*) FROM tickets"));
    return row->integer(0);
  });
  EXPECT_EQ(n.value(), 0);
  // The counter rolled back too: the next ticket is still number 1.
  write([&](Connection& c) { EXPECT_EQ(make_ticket(c, "kept").number, "C-2026-000001"); });
}

TEST_P(StoreContractTest, FullTextSearchIgnoresAccentsCaseAndMatchesPrefixes) {
  write([&](Connection& c) {
    auto t1 = make_ticket(c, "Réclamation : colis endommagé");
    auto t2 = make_ticket(c, "Invoice question");
    store::ContactStore contacts(c);
    auto ct = contacts.insert({0, "Jean Dupont", std::string("jean.dupont@example.fr"), {}, "fr", {}, kNow}).value();
    ASSERT_TRUE(store::TicketStore(c).set_contacts(t2.id, {ct.id}));
    domain::Message m{0, t2.id, "mail_in", "public", std::nullopt, ct.id, "Le remboursement tarde beaucoup", kNow, std::nullopt,
                      std::nullopt, std::nullopt, std::nullopt};
    ASSERT_TRUE(store::TicketStore(c).add_message(m));
    ASSERT_TRUE(store::TicketStore(c).reindex(t2.id));
    auto find = [&](const std::string& q) {
      store::TicketFilter f;
      f.text = q;
      std::vector<int64_t> ids;
      auto items = store::TicketStore(c).list(f).value();  // a named copy: the temporary dies early
      for (const auto& item : items) ids.push_back(item.ticket.id);
      return ids;
    };
    EXPECT_EQ(find("reclamation"), std::vector<int64_t>{t1.id});
    EXPECT_EQ(find("RÉCLAMATION endommage"), std::vector<int64_t>{t1.id});
    EXPECT_EQ(find("recla"), std::vector<int64_t>{t1.id});
    EXPECT_EQ(find("remboursement"), std::vector<int64_t>{t2.id});
    EXPECT_EQ(find("dupont"), std::vector<int64_t>{t2.id});
    EXPECT_EQ(find("jean.dupont@example.fr"), std::vector<int64_t>{t2.id});
    EXPECT_TRUE(find("absent").empty());
    EXPECT_TRUE(find("!!!").empty());
    EXPECT_EQ(find(t1.number), std::vector<int64_t>{t1.id});
  });
}

// Issue 24: what customers search is the public part of the document only.
class PublicSearchTest : public StoreContractTest {
 protected:
  // A ticket whose subject and public message are readable by its customer, and an
  // internal note that is not.
  int64_t ticket_with_note(Connection& c) {
    auto t = make_ticket(c, "Invoice charged twice");
    store::TicketStore tickets(c);
    domain::Message pub{0, t.id, "reply", "public", std::nullopt, std::nullopt, "Refund of the duplicate payment", kNow,
                        std::nullopt, std::nullopt, std::nullopt, std::nullopt};
    domain::Message note{0, t.id, "note", "internal", std::nullopt, std::nullopt, "Suspected fraudster, chargeback pattern",
                         kNow, std::nullopt, std::nullopt, std::nullopt, std::nullopt};
    EXPECT_TRUE(tickets.add_message(pub));
    EXPECT_TRUE(tickets.add_message(note));
    EXPECT_TRUE(tickets.reindex(t.id));
    return t.id;
  }

  std::vector<int64_t> find(Connection& c, const std::string& q, bool public_only) {
    store::TicketFilter f;
    f.text = q;
    f.public_text_only = public_only;
    std::vector<int64_t> ids;
    auto items = store::TicketStore(c).list(f);
    EXPECT_TRUE(items) << items.error().message;
    if (items)
      for (const auto& item : *items) ids.push_back(item.ticket.id);
    return ids;
  }

  void expect_split(Connection& c, int64_t id) {
    const std::vector<int64_t> just{id};
    for (const std::string q : {"fraudster", "fraud", "chargeb", "suspected fraudster"}) {
      EXPECT_EQ(find(c, q, false), just) << q;
      EXPECT_TRUE(find(c, q, true).empty()) << q;
    }
    for (const std::string q : {"invoice", "duplicate payment", "refun", "charged"}) {
      EXPECT_EQ(find(c, q, true), just) << q;
      EXPECT_EQ(find(c, q, false), just) << q;
    }
  }
};

TEST_P(PublicSearchTest, InternalNotesAreFoundByStaffOnly) {
  write([&](Connection& c) { expect_split(c, ticket_with_note(c)); });
}

// A database made before migration 0011 had one undivided document per ticket: after the
// migration, its internal words are out of customers' reach too.
TEST_P(PublicSearchTest, MigrationSplitsDocumentsMadeBefore) {
  int64_t id = 0;
  write([&](Connection& c) {
    id = ticket_with_note(c);
    const std::string all = "Invoice charged twice Refund of the duplicate payment Suspected fraudster, chargeback pattern";
    if (GetParam() == EngineParam::kSqlite) {
      ASSERT_TRUE(c.execute_script(
          "DROP TABLE ticket_search;"
          "CREATE VIRTUAL TABLE ticket_search USING fts5(document, tokenize = 'unicode61 remove_diacritics 2');"));
      ASSERT_TRUE(c.execute("INSERT INTO ticket_search (rowid, document) VALUES (?, ?)", {id, all}));
    } else {
      ASSERT_TRUE(c.execute("UPDATE tickets SET search = to_tsvector('simple', redress_unaccent(?)) WHERE id = ?", {all, id}));
    }
    ASSERT_TRUE(c.execute("DELETE FROM schema_migrations WHERE version = 11"));
  });
  auto applied = store::migrate(db());
  ASSERT_TRUE(applied) << applied.error().message;
  ASSERT_EQ(applied->size(), 1u);
  EXPECT_EQ(applied->front().version, 11);
  write([&](Connection& c) { expect_split(c, id); });
}

INSTANTIATE_TEST_SUITE_P(Engines, PublicSearchTest, ::testing::Values(EngineParam::kSqlite, EngineParam::kPostgres),
                         [](const auto& info) { return test::engine_name(info.param); });

// Bytes are kept in 1 MiB pieces (migration 0012), read back whole; bytes written before
// as one value still read; the same bytes twice are one blob.
TEST_P(StoreContractTest, BlobsRoundTripInPiecesAndOnce) {
  std::string big(static_cast<size_t>(2.5 * (1 << 20)), '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 7919) >> 3);
  write([&](Connection& c) {
    store::MailStore mails(c);
    for (const std::string& bytes : {big, std::string("tiny"), std::string()}) {
      auto hash = mails.put_blob(bytes, kNow);
      ASSERT_TRUE(hash) << hash.error().message;
      ASSERT_TRUE(mails.put_blob(bytes, kNow));  // again: nothing new
      auto back = mails.blob(*hash);
      ASSERT_TRUE(back && *back) << (back ? "missing" : back.error().message);
      EXPECT_EQ(**back, bytes);
    }
    auto pieces = c.query_one("SELECT COUNT(*) FROM blob_chunks WHERE sha256 = ?", {crypto::sha256_hex(big)});
    ASSERT_TRUE(pieces && *pieces);
    EXPECT_EQ((*pieces)->integer(0), 3);
    // A blob from before the pieces: one base64 value.
    ASSERT_TRUE(c.execute("INSERT INTO blobs (sha256, size, data_base64, created_at) VALUES ('old', 5, ?, 0)",
                          {crypto::base64_encode("hello")}));
    auto old = mails.blob("old");
    ASSERT_TRUE(old && *old);
    EXPECT_EQ(**old, "hello");
    EXPECT_FALSE(*mails.blob("absent"));
  });
}

TEST_P(StoreContractTest, ListFiltersAndKeysetPagesWalkEveryTicketOnce) {
  write([&](Connection& c) {
    for (int i = 0; i < 25; ++i) {
      auto t = make_ticket(c, "t" + std::to_string(i), kNow + std::chrono::minutes(i));
      if (i % 5 == 0) {
        t.status = "closed";
        ASSERT_TRUE(store::TicketStore(c).update(t));
      }
    }
    store::TicketStore tickets(c);
    std::set<int64_t> seen;
    store::TicketFilter f;
    f.limit = 7;
    int pages = 0;
    for (;;) {
      auto page = tickets.list(f).value();
      ++pages;
      for (const auto& item : page) {
        EXPECT_TRUE(seen.insert(item.ticket.id).second);
        if (f.before_id) {
          EXPECT_LT(item.ticket.id, f.before_id);
        }
      }
      if (static_cast<int>(page.size()) < f.limit) break;
      f.before_id = page.back().ticket.id;
    }
    EXPECT_EQ(seen.size(), 25u);
    EXPECT_EQ(pages, 4);
    store::TicketFilter closed;
    closed.statuses = {"closed"};
    EXPECT_EQ(tickets.list(closed).value().size(), 5u);
    store::TicketFilter window;
    window.created_from = kNow + std::chrono::minutes(10);
    window.created_to = kNow + std::chrono::minutes(15);
    EXPECT_EQ(tickets.list(window).value().size(), 5u);
    store::TicketFilter other_channel;
    other_channel.channel = "review";
    EXPECT_TRUE(tickets.list(other_channel).value().empty());
  });
}

TEST_P(StoreContractTest, ReasonsKeepDeactivatedOnesOutOfTheDefaultList) {
  write([&](Connection& c) {
    store::ReasonStore reasons(c);
    ASSERT_TRUE(reasons.insert({0, "support-request", "billing", {{"en", "Billing"}, {"fr", "Facturation"}}, true}, kNow));
    ASSERT_TRUE(reasons.insert({0, "support-request", "old", {{"en", "Old"}}, false}, kNow));
    EXPECT_EQ(reasons.list("support-request", false).value().size(), 1u);
    EXPECT_EQ(reasons.list("support-request", true).value().size(), 2u);
    auto billing = reasons.find_by_code("support-request", "billing").value();
    ASSERT_TRUE(billing);
    EXPECT_EQ(billing->label("fr"), "Facturation");
    EXPECT_EQ(billing->label("de"), "Billing");
    EXPECT_FALSE(reasons.insert({0, "support-request", "billing", {{"en", "Again"}}, true}, kNow));
  });
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreContractTest,
                         ::testing::Values(EngineParam::kSqlite, EngineParam::kPostgres),
                         [](const auto& info) { return test::engine_name(info.param); });

}  // namespace
}  // namespace redress
