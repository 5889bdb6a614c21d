-- Large bytes in pieces: a 40 MiB mail stored as one base64 value was held whole, two or
-- three times over, by the program and by the database while it was written. A blob
-- written from now on keeps data_base64 empty and its bytes in blob_chunks, 1 MiB of
-- bytes (base64) per row, in order; blobs written before keep their single value.
CREATE TABLE blob_chunks (
  sha256      TEXT NOT NULL REFERENCES blobs(sha256) ON DELETE CASCADE,
  seq         INTEGER NOT NULL,
  data_base64 TEXT NOT NULL,
  PRIMARY KEY (sha256, seq)
);
