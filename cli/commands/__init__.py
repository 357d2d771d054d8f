"""One module per noun; each exposes ``command`` (a click command or group).

:data:`COMMANDS` is the one table of top-level commands: name → ``module:attribute``.
`cli/main.py` loads a command's module only when that command runs (or when --help, the
reference or a test walks the whole tree), so a command imports only what it needs. A new
command module is one line here; a module that adds subcommands to another's group is a
line in :data:`EXTENSIONS` (docs/architecture.md, "Start-up").
"""

from __future__ import annotations

COMMANDS: dict[str, str] = {
    "init": "cli.commands.init:command",
    "demo": "cli.commands.demo:command",
    "actor": "cli.commands.actor:command",
    "token": "cli.commands.token:command",
    "case": "cli.commands.case:command",
    "signal": "cli.commands.signal:command",
    "step": "cli.commands.step:command",
    "decision": "cli.commands.decision:command",
    "plan": "cli.commands.plan:command",
    "action": "cli.commands.action:command",
    "subject": "cli.commands.subject:command",
    "member": "cli.commands.member:command",
    "convenant": "cli.commands.convenant:command",
    "share": "cli.commands.share:command",
    "letters": "cli.commands.letters:command",
    "keys": "cli.commands.keys:command",
    "audit": "cli.commands.audit:command",
    "retention": "cli.commands.retention:command",
    "reminders": "cli.commands.reminders:command",
    "checklist": "cli.commands.checklist:command",
    "meeting": "cli.commands.meeting:command",
    "monitor": "cli.commands.monitor:command",
    "evaluation": "cli.commands.evaluation:command",
    "report": "cli.commands.report:command",
    "request": "cli.commands.request:command",
    "projections": "cli.commands.projections:command",
    "serve": "cli.commands.serve:command",
    "namenlijst": "cli.commands.groepsscan:namenlijst",
    "groepsscan": "cli.commands.groepsscan:groepsscan",
}
"""Every top-level command: its name and where its click command lives."""

EXTENSIONS: dict[str, tuple[str, ...]] = {
    "share": ("cli.commands.share_reuse",),
    "letters": ("cli.commands.letters_informing",),
    "meeting": ("cli.commands.meeting_points",),
}
"""Modules imported after a command's own module, because they add subcommands to it."""
