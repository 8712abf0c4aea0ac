"""What a worker keeps in memory between requests, always under a version the database keeps."""
