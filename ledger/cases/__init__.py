"""The groepsaanpak along the 7-stappenmodel: open, signals, steps, decisions, plan,
actions, close."""
