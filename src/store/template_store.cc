#include "store/template_store.h"

namespace redress::store {
namespace {

constexpr const char* kTemplateColumns = "id, name, language, subject, body, active, created_at, updated_at, created_by";

domain::ResponseTemplate template_from(const Row& r) {
  domain::ResponseTemplate t;
  t.id = r.integer(0);
  t.name = r.text(1);
  t.language = r.text(2);
  t.subject = r.text(3);
  t.body = r.text(4);
  t.active = r.boolean(5);
  t.created_at = from_micros(r.integer(6));
  t.updated_at = from_micros(r.integer(7));
  t.created_by = r.opt_integer(8);
  return t;
}

}  // namespace

Result<domain::ResponseTemplate> TemplateStore::insert(const domain::ResponseTemplate& t) {
  auto row = REDRESS_TRY(c_.query_one(
      "INSERT INTO response_templates (name, language, subject, body, active, created_at, updated_at, created_by) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {t.name, t.language, t.subject, t.body, int64_t{t.active ? 1 : 0}, to_micros(t.created_at),
       to_micros(t.updated_at), null_or(t.created_by)}));
  domain::ResponseTemplate out = t;
  out.id = row->integer(0);
  REDRESS_CHECK(write_reasons(out));
  return out;
}

Result<void> TemplateStore::update(const domain::ResponseTemplate& t) {
  REDRESS_CHECK(c_.execute(
      "UPDATE response_templates SET name = ?, language = ?, subject = ?, body = ?, active = ?, updated_at = ? "
      "WHERE id = ?",
      {t.name, t.language, t.subject, t.body, int64_t{t.active ? 1 : 0}, to_micros(t.updated_at), t.id}));
  REDRESS_CHECK(c_.execute("DELETE FROM response_template_reasons WHERE template_id = ?", {t.id}));
  return write_reasons(t);
}

Result<void> TemplateStore::write_reasons(const domain::ResponseTemplate& t) {
  for (int64_t reason : t.reason_ids) {
    REDRESS_CHECK(c_.execute("INSERT INTO response_template_reasons (template_id, reason_id) VALUES (?, ?)",
                             {t.id, reason}));
  }
  return {};
}

Result<void> TemplateStore::load_reasons(domain::ResponseTemplate& t) {
  auto rows = REDRESS_TRY(c_.query(
      "SELECT reason_id FROM response_template_reasons WHERE template_id = ? ORDER BY reason_id", {t.id}));
  t.reason_ids.clear();
  for (const auto& r : rows) t.reason_ids.push_back(r.integer(0));
  return {};
}

Result<std::optional<domain::ResponseTemplate>> TemplateStore::find(int64_t id) {
  auto row =
      REDRESS_TRY(c_.query_one(std::string("SELECT ") + kTemplateColumns + " FROM response_templates WHERE id = ?", {id}));
  if (!row) return std::optional<domain::ResponseTemplate>();
  auto t = template_from(*row);
  REDRESS_CHECK(load_reasons(t));
  return std::optional<domain::ResponseTemplate>(std::move(t));
}

Result<std::vector<domain::ResponseTemplate>> TemplateStore::list(const TemplateFilter& f) {
  auto rows = REDRESS_TRY(c_.query(
      std::string("SELECT ") + kTemplateColumns +
          " FROM response_templates t WHERE (? = '' OR language = ?) AND (? = 1 OR active = 1) AND (? = 0 OR "
          "EXISTS (SELECT 1 FROM response_template_reasons r WHERE r.template_id = t.id AND r.reason_id = ?) OR "
          "NOT EXISTS (SELECT 1 FROM response_template_reasons r WHERE r.template_id = t.id)) ORDER BY name, id",
      {f.language, f.language, int64_t{f.include_inactive ? 1 : 0}, int64_t{f.fits_reason ? 1 : 0},
       f.fits_reason.value_or(0)}));
  std::vector<domain::ResponseTemplate> out;
  for (const auto& r : rows) {
    auto t = template_from(r);
    REDRESS_CHECK(load_reasons(t));
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace redress::store
