"""Personal data: finding it in free text, the guard that applies that to forms, a person's own
download, and how long case discussions are kept."""
