"""Reports of played games as self-contained HTML pages: the after-action report, class comparison, role cards.

Every page is built with :mod:`wargame.report.html`, which escapes every text (nothing from a scenario, a
game log or a team is ever passed through as markup) and embeds charts as data URIs, so a page opens offline
and prints to PDF with page breaks between sections.
"""
