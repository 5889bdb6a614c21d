-- The agent queue's "tickets I hold a role on" looks at open tickets only, but at a
-- million tickets an agent holds roles on tens of thousands of closed ones: reading each
-- of them to find the open few took 260 ms. Each role row now says whether its ticket is
-- open (kept by TicketStore with closed_at), and a partial index holds the open ones.
ALTER TABLE ticket_assignees ADD COLUMN ticket_open INTEGER NOT NULL DEFAULT 1;
UPDATE ticket_assignees SET ticket_open = 0
 WHERE ticket_id IN (SELECT id FROM tickets WHERE closed_at IS NOT NULL);
CREATE INDEX ticket_assignees_open ON ticket_assignees(user_id, ticket_id) WHERE ticket_open = 1;
