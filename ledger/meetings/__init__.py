"""Meetings of a case (ketenoverleg, driehoek, jeugdgroepenoverleg, casusoverleg): agenda,
attendees, sealed minutes, decisions taken and action points, and their documents."""
