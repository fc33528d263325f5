"""Support plans (issue 23): the setting's record of SEN support for a child, in cycles."""
