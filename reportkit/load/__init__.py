"""Loading stage: files on disk -> in-memory tables and texts, nothing computed."""
