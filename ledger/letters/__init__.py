"""The information duty (AVG art. 13/14): triggers, content, rendering and the letters service."""
