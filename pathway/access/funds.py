"""The access layer for fund applications and payments (issue 23).

Built on pathway.access: import from there, never the other way round."""
