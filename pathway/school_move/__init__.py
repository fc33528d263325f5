"""The move to school: a child's Reception intake year, the checklist before they go, the
hand-over record for the school, and the school-entry forecast for planners."""
