-- Customers search only what they may read: a customer found their own ticket by a word
-- that was only in a staff note. The full-text index keeps the two parts in two columns
-- (store::search_document): public_text, which customers' searches are restricted to, and
-- internal_text (internal notes). FTS5 tables take no new columns, hence a new table.
-- A ticket without internal messages had nothing else in its document: it moves over as
-- it is. The others are rebuilt by the program right after this script, in the same
-- transaction (migrations.cc).
CREATE VIRTUAL TABLE ticket_search_parts USING fts5(public_text, internal_text,
  tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO ticket_search_parts (rowid, public_text, internal_text)
  SELECT rowid, document, '' FROM ticket_search
   WHERE rowid NOT IN (SELECT ticket_id FROM messages WHERE visibility <> 'public');
DROP TABLE ticket_search;
ALTER TABLE ticket_search_parts RENAME TO ticket_search;
