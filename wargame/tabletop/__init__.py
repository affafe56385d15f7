"""The browser tabletop: Solara components and per-session game state for ``app.py``.

Layering: this package uses the model (:mod:`wargame`, :mod:`agents`) and may use :mod:`wargame.batch`;
nothing else in :mod:`wargame` imports it. :mod:`wargame.tabletop.session` holds no UI code and is
importable without Solara.
"""
