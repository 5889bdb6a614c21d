-- The notification routing table (seeds 000 and 003), SQLite flavour: which change mails
-- whom, with which template. Read in position order; GET/PUT /api/v1/routing show and
-- replace it. It replaces the "notify" and "mail" entry actions workflows used to carry.
-- (0004 is taken by another change; versions are applied independently.)

CREATE TABLE routing_rules (
  id         INTEGER PRIMARY KEY,
  workflow   TEXT NOT NULL,              -- a workflow id, or '*' for every workflow
  event      TEXT NOT NULL,              -- status_entered, customer_message, support_reply, note, assigned
  status     TEXT NOT NULL DEFAULT '',   -- status_entered: the status entered
  role       TEXT NOT NULL DEFAULT '',   -- assigned: only this role ('' any)
  channel    TEXT NOT NULL DEFAULT '',   -- message events: mail, portal, staff ('' any)
  recipients TEXT NOT NULL,              -- JSON {"to":[...],"cc":[...],"bcc":[...]}: tokens or addresses
  template   TEXT NOT NULL,              -- templates/mail/<template>.<lang>.txt
  subject    TEXT NOT NULL DEFAULT '',   -- mustache; '' keeps the template's subject
  enabled    INTEGER NOT NULL DEFAULT 1,
  position   INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX routing_rules_position ON routing_rules(position);

-- The shipped table. The statuses and roles are those of the shipped workflows, whose
-- on_enter notify/mail actions these rows took over.
INSERT INTO routing_rules (workflow, event, status, role, channel, recipients, template, subject, enabled, position, updated_at) VALUES
  ('complaint-investigation', 'status_entered', 'under_investigation', '', '',
   '{"to":["role:investigator"],"cc":[],"bcc":[]}', 'action_needed', '', 1, 1, CAST(strftime('%s', 'now') AS INTEGER) * 1000000),
  ('complaint-investigation', 'status_entered', 'commercial_review', '', '',
   '{"to":["role:commercial_assignee"],"cc":[],"bcc":[]}', 'action_needed', '', 1, 2, CAST(strftime('%s', 'now') AS INTEGER) * 1000000),
  ('customer-complaint', 'status_entered', 'team_member_assigned', '', '',
   '{"to":["role:team_member"],"cc":[],"bcc":[]}', 'action_needed', '', 1, 3, CAST(strftime('%s', 'now') AS INTEGER) * 1000000),
  -- The customer is asked to confirm the resolution. For now the mail links to the ticket
  -- in the portal ({{ticket_url}}), where the "Issue Resolved" button is; a later issue
  -- replaces that with a signed one-click "Issue Resolved" link in the mail itself.
  ('customer-complaint', 'status_entered', 'confirmation', '', '',
   '{"to":["main_contact"],"cc":[],"bcc":[]}', 'confirmation_request', '', 1, 4, CAST(strftime('%s', 'now') AS INTEGER) * 1000000),
  -- handlers: the taker when the ticket is taken, else every role holder.
  ('*', 'customer_message', '', '', '',
   '{"to":["handlers"],"cc":[],"bcc":[]}', 'customer_message_alert', '', 1, 5, CAST(strftime('%s', 'now') AS INTEGER) * 1000000),
  -- The customer's receipt for a message posted in the portal (seed 003).
  ('*', 'customer_message', '', '', 'portal',
   '{"to":["author"],"cc":[],"bcc":[]}', 'message_acknowledgement', '', 1, 6, CAST(strftime('%s', 'now') AS INTEGER) * 1000000),
  ('*', 'support_reply', '', '', '',
   '{"to":["main_contact"],"cc":["contacts"],"bcc":[]}', 'support_reply', '', 1, 7, CAST(strftime('%s', 'now') AS INTEGER) * 1000000),
  -- Off by default: internal notes are many and rarely need a mail.
  ('*', 'note', '', '', '',
   '{"to":["handlers"],"cc":[],"bcc":[]}', 'note_alert', '', 0, 8, CAST(strftime('%s', 'now') AS INTEGER) * 1000000),
  ('*', 'assigned', '', '', '',
   '{"to":["assignee"],"cc":[],"bcc":[]}', 'assigned', '', 1, 9, CAST(strftime('%s', 'now') AS INTEGER) * 1000000);
