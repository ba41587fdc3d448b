-- Hand-written: pgvector for the media and vector layer (libs/vectors), enabled before any table.
CREATE EXTENSION IF NOT EXISTS vector;
