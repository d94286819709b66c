"""Ask staff about this: a patient asks staff about one sentence of a leaflet, and a nurse
sees it on the staff screen's questions board.

sentences.py  which sentence: data-sentence on the page, resolved by the server
kiosks.py     which kiosk: a random id its browser keeps, and the name staff gave it
questions.py  the open questions, in the instance store; the limits
views.py      the patient's routes: ask, cancel, and what became of the question
board.py      the staff screen's questions board, live, and the kiosk's name
"""

from __future__ import annotations

from flask import Flask

from ..staff import csrf
from . import board, questions, views
from .sentences import sentence_ref


def init_app(app: Flask) -> None:
    """After staff.init_app: it exempts its routes from CSRFProtect."""
    questions.init_app(app)
    app.register_blueprint(views.bp)
    # Patient pages have no session for CSRFProtect's token: views.same_origin() guards these instead.
    csrf.exempt(views.bp)
    board.init_app(app)  # a staff page, under /staff: its forms keep the CSRF check

    @app.context_processor
    def ask_staff_context():
        return {"sentence_ref": sentence_ref, "ask_staff": views.enabled()}
