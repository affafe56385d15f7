"""Running R replications (lanes) at once: the conventions and tools of the ensemble engine.

The season itself is computed for all R runs in the model and its agents (the same code plays a single game
at R = 1): ``wargame/season.py`` plays the phases of a season, ``wargame/adjudication.py`` the adjudication,
``wargame/flows.py`` and ``wargame/smuggling.py`` the flows and the grey market's rules, ``agents/*.py`` each
seat's actions, ``wargame/runs.py`` the seeds, draws and copies of a game as runs. This package holds what
they share:

* :mod:`wargame.ensemble.draws`: counter-based draws keyed on (seed, stream, season, slot), so a run's draws
  depend only on its own seed, never on R, on its lane or on how the runs are chunked;
* :mod:`wargame.ensemble.lanes`: the conventions (a number or an array of shape (R,)) and their helpers;
* :mod:`wargame.ensemble.parameters`: parameters given per run (sweeps), checked against their bounds.

This package imports only numpy, annotated-types and the parameter model (:mod:`wargame.parameters`).
"""
