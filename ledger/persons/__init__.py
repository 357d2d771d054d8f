"""Data subjects: register, view, note, erase; memberships, namenlijst and groepsscan."""
