"""A programme's year: its calls for applications (opening, changing, closing; which are open)."""
