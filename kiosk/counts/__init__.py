"""What patients did not understand, counted anonymously (issue 32, part 5).

tally.py    the counts in the instance store: per day, leaflet, section, language, event
views.py    the teach-back's route: the page says how its question went
summary.py  the counts as staff read them: "Spanish, section 3: 9 of 20 needed the replay"

"Ask staff about this" is counted where a question is added (kiosk/ask_staff/views.py).
"""

from __future__ import annotations

from flask import Flask

from . import tally


def init_app(app: Flask) -> None:
    """After store.init_app and staff.init_app (it exempts its route from CSRFProtect)."""
    # Imported here: views takes ask staff's same-origin check, and ask staff imports the
    # tally to count a question (and staff's CSRF), so a top-level import would be a cycle.
    from ..staff import csrf
    from . import views

    tally.init_app(app)
    app.register_blueprint(views.bp)
    # Patient pages have no session for CSRFProtect's token: views.same_origin() guards it.
    csrf.exempt(views.bp)
