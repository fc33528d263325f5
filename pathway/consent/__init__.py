"""Who sees what (issue 22): the family's consent page and the staff page that records a change
on the family's behalf. Consent itself is in pathway.models.consent, written through
pathway.consents and read by the access layer through pathway.access.consent."""
