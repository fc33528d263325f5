"""Children who attend two settings or move (issue 23): attendances with dates, the lead
setting for SEN support, and the family's agreement to pass the support plan on."""
