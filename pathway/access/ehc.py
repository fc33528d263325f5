"""The access layer for the EHC timeline (issue 24).

Built on pathway.access: import from there, never the other way round."""
