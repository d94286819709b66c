"""How the browser lays out a page: its controls' boxes, and how much of the
first screen the leaflet's text fills."""

from helpers import LEAFLET, LOCALES, SECTIONS

# Every page a patient can reach in one language, and an error page.
PAGES = ("/{tag}/", f"/{{tag}}/{LEAFLET}/", *(f"/{{tag}}/{LEAFLET}/{s}" for s in SECTIONS), "/{tag}/no-such-page/")


def pages_in(tag):
    return ["/"] * (tag == "en") + [url.format(tag=tag) for url in PAGES]


ALL_PAGES = [url for tag in LOCALES for url in pages_in(tag)]

# Every control a patient can tap, as the browser lays it out. A control
# under an open menu's panel cannot be tapped, so it is left out.
TARGET_BOXES = """
() => [...document.querySelectorAll('a, button, summary, input, select, textarea, [tabindex]:not([tabindex="-1"])')]
  .map(el => el.closest('label') || el)
  .filter((el, i, all) => all.indexOf(el) === i)
  // checkVisibility() also hides the content of a closed <details>.
  .filter(el => el.checkVisibility({visibilityProperty: true, opacityProperty: true}))
  .filter(el => {
    const r = el.getBoundingClientRect(), x = r.x + r.width / 2, y = r.y + r.height / 2;
    if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) return true;  // off screen: not covered
    const hit = document.elementFromPoint(x, y);
    return !hit || el.contains(hit) || hit.contains(el);
  })
  .map(el => { const r = el.getBoundingClientRect();
               return {name: (el.textContent || el.value || el.tagName).trim().slice(0, 40),
                       x: r.x, y: r.y, w: r.width, h: r.height}; })
  .filter(b => b.x + b.w > 0 && b.y + b.h > 0)
"""

# The share of the first screen given to the leaflet's text: the rectangle
# from the first to the last text block of the leaflet that shows on the
# first screen (its widest left and right), over the screen's area.
TEXT_SHARE = """
() => {
  const vw = innerWidth, vh = innerHeight;
  const boxes = [...document.querySelectorAll('#main .sentence')]
    .map(s => s.closest('h1, h2, p, li').getBoundingClientRect())
    .filter(r => r.top < vh && r.bottom > 0);
  if (!boxes.length) return 0;
  const left = Math.max(0, Math.min(...boxes.map(r => r.left)));
  const right = Math.min(vw, Math.max(...boxes.map(r => r.right)));
  const top = Math.max(0, Math.min(...boxes.map(r => r.top)));
  const bottom = Math.min(vh, Math.max(...boxes.map(r => r.bottom)));
  return (right - left) * (bottom - top) / (vw * vh);
}
"""


def gap(a, b):
    """The distance between two boxes (0 when they touch or overlap)."""
    dx = max(b["x"] - (a["x"] + a["w"]), a["x"] - (b["x"] + b["w"]), 0)
    dy = max(b["y"] - (a["y"] + a["h"]), a["y"] - (b["y"] + b["h"]), 0)
    return max(dx, dy)


def overlap(a, b):
    """The area two boxes share."""
    w = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
    h = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
    return max(w, 0) * max(h, 0)


def overlapping(boxes):
    return [(a["name"], b["name"]) for i, a in enumerate(boxes) for b in boxes[i + 1:] if overlap(a, b) > 1]
