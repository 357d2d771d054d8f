"""Rules that municipalities may change, as validated TOML data, and the engines over them."""
