"""Work done away from a patient's request: finding every clip, rendering them, exporting.

crawl.py         rendering every page once registers every clip a patient can hear
render_audio.py  rendering the missing clips in the background, with progress for staff
export.py        `kiosk export`: the whole kiosk as static files
"""
