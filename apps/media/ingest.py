"""Card ingest: a camera-card ZIP unpacked safely into one media asset (and processing job) per clip or still."""
