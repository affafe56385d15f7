"""The ensemble engine: where a season is computed for R runs (lanes) at once.

The model's mechanics run here on numpy arrays whose first axis holds R replications, R = 1 for a single
game. Every random number comes from :mod:`wargame.ensemble.draws`, counter-based draws keyed on (seed,
stream, season, slot), so a run's draws depend only on its own seed, never on R, on its lane or on how
the runs are chunked. This package imports only numpy; heavier modules are imported by their users.
"""
