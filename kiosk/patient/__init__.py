"""What a patient sees and hears: the pages, and what each page carries beside the leaflet's text.

page_table.py     every kind of page: its URL rule, the page up, whether it is kept
views.py          the pages: start screen, leaflet list, overview, one section
read_aloud.py     every shown sentence carries the clip that speaks it
phrases.py        the audio guide's words, in the page's language
understanding.py  help to understand: hard words, "In short", the teach-back question
take_home.py      a QR code that opens the leaflet at the clinic's public address
idle.py           how long a page may be left alone before it returns to the start screen

Asking staff about a sentence is a feature of its own (kiosk/ask_staff/).
"""
