"""regie: the event-sourced, audit-first ledger of the aanpak problematische jeugdgroepen."""

__version__ = "0.1.0"
