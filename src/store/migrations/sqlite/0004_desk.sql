-- Who works on what (issue 5): named rights renamed to the documented ones, role defaults
-- that can be withdrawn per account, activity for the "inactive taker" rule, and what the
-- agent queue orders by.

UPDATE users SET rights = REPLACE(REPLACE(rights, 'tickets.read_all', 'tickets.view_all'),
                                  'tickets.assign_self', 'tickets.take');
ALTER TABLE users ADD COLUMN revoked_rights TEXT NOT NULL DEFAULT '';  -- role defaults withdrawn
ALTER TABLE users ADD COLUMN last_seen_at INTEGER;

ALTER TABLE tickets ADD COLUMN taken_at INTEGER;
-- Since when a customer message waits for an answer: such tickets come first in the
-- queue of whoever handles them. Cleared by a public reply and by closing.
ALTER TABLE tickets ADD COLUMN customer_waiting_since INTEGER;

-- The queue's two halves: my tickets, and the unclaimed ones oldest first.
CREATE INDEX tickets_unclaimed ON tickets(created_at, id) WHERE taken_by IS NULL AND closed_at IS NULL;
CREATE INDEX tickets_taken_open ON tickets(taken_by, customer_waiting_since, created_at) WHERE closed_at IS NULL;
