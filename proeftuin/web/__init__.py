"""Request plumbing: loading what a URL names, error pages, headers, converters, navigation,
paging and static files."""
