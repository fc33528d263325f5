"""Bringing in a council's existing caseload (issue 24): children, their contacts, open
referrals, support plans and EHC requests and plans, from the council's previous system, through
the bulk data engine (earlyyears.bulk) with its dry run and row-level report."""
