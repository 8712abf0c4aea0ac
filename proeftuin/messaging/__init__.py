"""E-mail: composed and queued with the change that causes it, delivered by the worker."""
