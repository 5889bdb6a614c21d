-- Reports (PostgreSQL flavour): counts and durations over the tickets created in a date
-- range read them through tickets_created (created_at, id); the weekly "closed" counts
-- read tickets by when they were closed, which needs an index of its own. Open tickets
-- have no closed_at and stay out of it. (Versions are applied independently: another
-- change may take a nearby one.)

CREATE INDEX tickets_closed ON tickets(closed_at) WHERE closed_at IS NOT NULL;
