"""The access layer for families: what a family session may see (issue 21).

Built on pathway.access: import from there, never the other way round."""
