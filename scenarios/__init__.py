"""Scenario files (TOML) shipped with the wargame; see :func:`wargame.scenario.load_scenario`."""
