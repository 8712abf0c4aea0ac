"""The read-only JSON API of the public library, pilots and framework, and its OpenAPI document."""
