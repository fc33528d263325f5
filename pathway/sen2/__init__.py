"""The early-years part of the SEN2 return, from the EHC timeline: validated, extracted in
SEN2's own structure and codes, and kept."""
