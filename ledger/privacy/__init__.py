"""The privacy officer's audit: who saw what, disclosures, findings, the subject report."""
