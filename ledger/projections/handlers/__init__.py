"""How each event changes the read models, one module per capability. Pure assignment,
no rules: history is fact."""
