"""How the browser lays out a page: its controls' boxes, and how much of the
first screen the leaflet's text fills."""

import json

import helpers
from helpers import LEAFLET, LOCALES, SECTIONS

# The kiosk's two full-size screens.
SCREENS = {"portrait": {"width": 1080, "height": 1920}, "landscape": {"width": 1920, "height": 1080}}
FIRST_SECTION = f"/{{tag}}/{LEAFLET}/{SECTIONS[0]}"


def json_of(page, element_id):
    """The data-json an element of the page carries (its phrases, its answers)."""
    return json.loads(page.locator(f"#{element_id}").get_attribute("data-json"))


def pages_in(tag):
    """Every page a patient can reach in one language, as the kiosk lists them, and an error page."""
    return [*helpers.pages_in(tag), f"/{tag}/no-such-page/"]


ALL_PAGES = [url for tag in LOCALES for url in pages_in(tag)]

# Every control a patient can tap, as the browser lays it out. A control
# under an open menu's panel cannot be tapped, so it is left out. `inline`:
# a hard word marked inside a sentence of the text (kiosk/patient/understanding.py),
# as big as its words and no bigger. Broken over two lines, such a link is
# tapped on its two pieces, so it counts as them: its bounding box would be a
# rectangle across both lines, over words and links it does not cover.
TARGET_BOXES = """
() => [...document.querySelectorAll('a, button, summary, input, select, textarea, [tabindex]:not([tabindex="-1"])')]
  .map(el => el.closest('label') || el)
  .filter((el, i, all) => all.indexOf(el) === i)
  // checkVisibility() also hides the content of a closed <details>.
  .filter(el => el.checkVisibility({visibilityProperty: true, opacityProperty: true}))
  .flatMap(el => {
    const inline = el.matches('.sentence > a.term');
    const rects = inline ? [...el.getClientRects()] : [el.getBoundingClientRect()];
    return rects.map(r => ({el, inline, r}));
  })
  .filter(({el, r}) => {
    const x = r.x + r.width / 2, y = r.y + r.height / 2;
    if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) return true;  // off screen: not covered
    const hit = document.elementFromPoint(x, y);
    return !hit || el.contains(hit) || hit.contains(el);
  })
  .map(({el, inline, r}) => ({name: (el.textContent || el.value || el.tagName).trim().slice(0, 40),
                              inline, x: r.x, y: r.y, w: r.width, h: r.height}))
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


def target_problems(boxes):
    """What is wrong with a page's targets (TARGET_BOXES), by kind; empty lists if nothing.

    Every target is at least 64 px each way and 8 px from the next. A hard word marked in
    the text is a link inside its sentence, as tall as the line: WCAG 2.5.8 exempts a target
    in a sentence, whose size the line-height of the text around it sets, from the size and
    spacing rule, and "Words in this section" gives every such word a large button of its
    own (checked like any other). Exempt from size and spacing only: it must still overlap
    no other target, or a tap could land on the wrong one, and beside a large target it
    keeps the spacing (the exception covers words among words, not a link crowding a button)."""
    inline = [b for b in boxes if b["inline"]]
    large = [b for b in boxes if not b["inline"]]
    return {
        "overlapping": overlapping(boxes),
        "small": [(b["name"], b["w"], b["h"]) for b in large if b["w"] < 64 or b["h"] < 64],
        "crowded": [(a["name"], b["name"], gap(a, b)) for i, a in enumerate(large) for b in large[i + 1:] if gap(a, b) < 8],
        "crowding a button": [(w["name"], b["name"]) for w in inline for b in large if gap(w, b) < 8],
    }


# Scripts in which breaking a word at a line's end with a hyphen is wrong:
# Arabic and Urdu (it would break the letters' joining), Chinese, Korean and
# Hindi. Chinese lines may break between any two Han characters (that is how
# Chinese is set), so only its other words are checked.
NEVER_HYPHENATED = ("ar", "ur", "zh", "ko", "hi")

# Every word of the page's visible text (leaflet, buttons, headings) that the
# browser laid out across two lines, as {word, lang, where}. A word may be
# split only by the language's own hyphenation (hyphens: auto, in a language
# where that is right); a split that stays when overflow-wrap is switched off
# is hyphenation, one that goes away was a break inside the word.
SPLIT_WORDS = """
(neverHyphenated) => {
  const segmenters = new Map();
  const segmenter = lang => {
    if (!segmenters.has(lang)) segmenters.set(lang, new Intl.Segmenter(lang, {granularity: 'word'}));
    return segmenters.get(lang);
  };
  const primary = lang => lang.toLowerCase().split('-')[0];
  const words = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode()); ) {
    const el = node.parentElement;
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    const lang = (el.closest('[lang]') || document.documentElement).lang;
    for (const s of segmenter(lang).segment(node.data)) {
      if (!s.isWordLike || s.segment.length < 2) continue;
      if (primary(lang) === 'zh' && /\\p{Script=Han}/u.test(s.segment)) continue;
      words.push({node, el, lang, start: s.index, end: s.index + s.segment.length, word: s.segment});
    }
  }
  const split = w => {
    const range = document.createRange();
    range.setStart(w.node, w.start);
    range.setEnd(w.node, w.end);
    const rects = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
    if (rects.length < 2) return false;
    const tops = rects.map(r => r.top), least = Math.min(...rects.map(r => r.height));
    return Math.max(...tops) - Math.min(...tops) > least / 2;
  };
  const suspects = words.filter(split);
  if (!suspects.length) return [];
  const style = document.createElement('style');
  style.textContent = '* { overflow-wrap: normal !important; }';
  document.head.append(style);
  const hyphenated = new Set(suspects.filter(w =>
    getComputedStyle(w.el).hyphens === 'auto' && !neverHyphenated.includes(primary(w.lang)) && split(w)));
  style.remove();
  return suspects.filter(w => !hyphenated.has(w)).map(w => ({
    word: w.word, lang: w.lang,
    where: w.el.tagName.toLowerCase() + (w.el.className ? '.' + [...w.el.classList].join('.') : ''),
  }));
}
"""

# How many of the open language menu's languages lie wholly on the screen,
# and whether the list itself must scroll to show the rest.
LANGUAGES_ON_SCREEN = """
() => {
  const list = document.querySelector('#language-menu .language-list');
  const shown = [...list.querySelectorAll('a.language')].filter(a => {
    const r = a.getBoundingClientRect();
    return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth; }).length;
  return {shown, scrolls: list.scrollHeight > list.clientHeight};
}
"""


# Whether the leaflet's own first line (the first sentence after the "In
# short" box, the kiosk's help) is whole on the first screen: the box must not
# push the clinic's words off it (static/understand.js folds it where it
# would). True on a page without the box.
FIRST_LINE_ON_SCREEN = """
() => {
  const box = document.querySelector('#main .in-short');
  if (!box) return true;
  const first = [...document.querySelectorAll('#main .sentence')]
    .find(s => !box.contains(s) && (box.compareDocumentPosition(s) & Node.DOCUMENT_POSITION_FOLLOWING));
  const line = first.getClientRects()[0];
  return line.top >= 0 && line.bottom <= innerHeight;
}
"""
