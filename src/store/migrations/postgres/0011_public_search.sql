-- Customers search only what they may read: a customer found their own ticket by a word
-- that was only in a staff note. tickets.search now holds the internal notes' words with
-- weight C and the public text with the default weight D (store::search_document), and
-- customers' queries ask for weight D. A ticket without internal messages was all public,
-- so all D already: nothing to do here. The others are rebuilt by the program right after
-- this script, in the same transaction (migrations.cc).
SELECT 1;
