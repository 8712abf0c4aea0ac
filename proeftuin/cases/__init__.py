"""Case discussions in a pilot's workspace."""
