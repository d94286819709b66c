"""What the kiosk's one voice (static/voice.js) is saying, seen from a test."""

import json

# Attach once per document: what the voice does, with its clip, the time and
# where in the clip (at, in seconds), in window.voiceLog. A clip cut off by the next one shows as "emptied" (the
# old source is dropped when the new one is set; Chromium then never fires
# the "pause" that pause() queued), a clip paused in place as "pause".
RECORD = """() => {
  if (window.voiceLog) return;
  window.voiceLog = [];
  const audio = kiosk.voice.audio;
  for (const type of ["play", "playing", "pause", "emptied", "ended"]) {
    // Capture: logged before voice.js's own listener may set the next clip.
    audio.addEventListener(type, () => voiceLog.push(
      { type, clip: new URL(audio.src, location.href).pathname, t: performance.now(), at: audio.currentTime }),
      { capture: true });
  }
  window.keyLog = [];
  document.addEventListener("keydown", (e) => keyLog.push({ key: e.key, t: performance.now() }), true);
  // When the patient last pressed a key or touched the page (see SAID_SINCE_INPUT).
  window.lastInput = 0;
  for (const type of ["keydown", "pointerdown"]) {
    document.addEventListener(type, () => { lastInput = performance.now(); }, true);
  }
}"""

# Trap: a clip that comes back after an aside is set to where it was before it plays, so
# this names it a moment before its "playing" event is logged; a test that then reads
# voiceLog for that event waits for the event itself.
NOW_SAYING = """() => {
  const audio = kiosk.voice.audio;
  if (!audio.getAttribute("src") || audio.paused || audio.currentTime === 0) return null;
  return new URL(audio.src, location.href).pathname;
}"""


def record(page):
    page.wait_for_function("() => window.kiosk && window.kiosk.voice")
    page.evaluate(RECORD)


def saying(page):
    """The clip being heard now (playing, past its first sample), or None."""
    return page.evaluate(NOW_SAYING)


# Heard now, or started since the patient's last key or touch (voiceLog, when record()
# attached it): a short clip can start and end between two polls on a busy machine, and
# then "now" never sees it although the patient heard it whole. Not only the last clip
# started: what follows a clip at once (the rest of an item's words, the hint for the
# first item of a kind) may already have begun by the next poll.
SAID_SINCE_INPUT = f"""(clip) => {{
  if (({NOW_SAYING})() === clip) return true;
  const since = window.lastInput || 0;
  return (window.voiceLog || []).some(e => e.type === "playing" && e.clip === clip && e.t >= since);
}}"""


def wait_saying(page, clip):
    """Wait until `clip` is heard: playing now, or started since the last key or touch (SAID_SINCE_INPUT)."""
    page.wait_for_function(SAID_SINCE_INPUT, arg=clip)


# Move the clip playing now on to its last moment, as if heard whole; true once done. Once
# per clip, and only once its length is known: while an Ogg clip is still arriving,
# Chromium's duration is an estimate, and a seek on every poll kept it from ever ending.
SKIP_NOW = """(audio) => {
  const now = new URL(audio.src, location.href).pathname;
  if (now === window.skippedClip) return true;
  if (audio.paused || !Number.isFinite(audio.duration) || audio.readyState < HTMLMediaElement.HAVE_ENOUGH_DATA) {
    return false;
  }
  window.skippedClip = now;
  if (audio.duration - audio.currentTime > 0.25) audio.currentTime = audio.duration - 0.05;
  return true;
}"""

# Each clip but `clip` is skipped (SKIP_NOW) until `clip` is heard: what follows each comes
# as it would, without the test waiting seconds of speech.
SKIPPING_TO = f"""(clip) => {{
  if (({SAID_SINCE_INPUT})(clip)) return true;
  const audio = kiosk.voice.audio;
  const now = audio.getAttribute("src") && new URL(audio.src, location.href).pathname;
  if (now && now !== clip) ({SKIP_NOW})(audio);
  return false;
}}"""

# `clip` heard, and skipped (SKIP_NOW) if it is still playing.
HEARING_OUT = f"""(clip) => {{
  const audio = kiosk.voice.audio;
  const now = audio.getAttribute("src") && new URL(audio.src, location.href).pathname;
  if (now === clip && !audio.paused) return ({SKIP_NOW})(audio);
  return ({SAID_SINCE_INPUT})(clip);
}}"""


def skip_to(page, clip):
    """Wait until `clip` is heard (wait_saying), hurrying each clip said before it to its end."""
    page.wait_for_function(SKIPPING_TO, arg=clip)


def hear_out(page, clip):
    """Wait until `clip` is heard, and move it on to its end if it still plays: the patient
    hears it whole, and the test need not wait for it."""
    page.wait_for_function(HEARING_OUT, arg=clip)


def clips_of(locator):
    """The clip URLs an element's data-say names, in order."""
    return [clip for clip, _, _ in json.loads(locator.get_attribute("data-say"))]


def parts_of(locator):
    return json.loads(locator.get_attribute("data-say"))


def focused(page):
    """The focused element's id, or its text."""
    return page.evaluate(
        "document.activeElement.id || document.activeElement.textContent.trim().replace(/\\s+/g, ' ')"
    )


def more_controls(page):
    """Show the player's further controls (sentence steps, speed, volume)."""
    toggle = page.locator('#player [data-action="more"]')
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


def wait_heard(page, clip, since=0):
    """Wait until `clip` has been said to its end (after the first `since` events of voiceLog)."""
    page.wait_for_function(
        "([clip, since]) => voiceLog.slice(since).some(e => e.type === 'ended' && e.clip === clip)",
        arg=[clip, since],
    )


def wait_started(page, clip):
    """Wait until `clip` has started at some time since record() (voiceLog): a clip said once, after
    another, whether or not it still plays."""
    page.wait_for_function("clip => voiceLog.some(e => e.type === 'playing' && e.clip === clip)", arg=clip)


def turn_on_guide(page):
    """Turn the guide on from its button, by keyboard, and wait for it to say so."""
    page.locator("#guide-toggle").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('guide-toggle').getAttribute('aria-pressed') === 'true'")
