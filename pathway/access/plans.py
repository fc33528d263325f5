"""The access layer for support plans and setting links (issue 23).

Built on pathway.access: import from there, never the other way round."""
