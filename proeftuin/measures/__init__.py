"""A pilot's measures with their monthly values and run charts, and its PDSA experiments."""
