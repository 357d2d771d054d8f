"""The regisseur's workbench: what a regisseur works from every week (reminders, ...)."""
