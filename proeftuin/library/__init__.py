"""The public lessons library."""
