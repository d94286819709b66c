"""What eSpeak NG would say, as phonemes: libespeak-ng's espeak_TextToPhonemes through ctypes.

For checking pronunciations (the lexicon's tests, and docs/lexicon.md's check of the leaflet's
terms in every language), never for serving: it initialises eSpeak in the calling process, which
the web server leaves to its speech workers. Run it to see a leaflet's terms in one voice:

    .venv/bin/python -m kiosk.speech.phonemes es-419 miofascial fibromialgia
"""

from __future__ import annotations

import ctypes
import os
import sys

from .espeak import load_library

AUDIO_OUTPUT_SYNCHRONOUS = 2
CHARS_UTF8 = 1
# espeak_TextToPhonemes' phonememode: bit 1 asks for IPA rather than eSpeak's own mnemonics.
IPA = 0x02


class Phonemes:
    """One initialised libespeak-ng (the wheel's, as the engine loads it)."""

    def __init__(self) -> None:
        self._dll = load_library().dll
        self._dll.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        self._dll.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self._dll.espeak_TextToPhonemes.restype = ctypes.c_char_p
        self._dll.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_char_p), ctypes.c_int, ctypes.c_int]
        data = os.environ.get("ESPEAK_DATA_PATH")
        if self._dll.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, data.encode() if data else None, 0) <= 0:
            raise RuntimeError("espeak_Initialize failed")

    def of(self, text: str, voice: str, *, ipa: bool = True) -> str:
        """The phonemes of `text` in `voice` (an eSpeak voice name such as "en-us"), clause by clause."""
        if self._dll.espeak_SetVoiceByName(voice.encode()) != 0:
            raise ValueError(f"eSpeak NG has no voice {voice!r}")
        # The function moves the pointer past each clause it converts, and sets it to NULL at the end.
        pointer = ctypes.c_char_p(text.encode("utf-8"))
        clauses = []
        while pointer.value:
            clauses.append(self._dll.espeak_TextToPhonemes(ctypes.byref(pointer), CHARS_UTF8, IPA if ipa else 0).decode())
        return " ".join(clauses)


def main(argv: list[str]) -> None:
    voice, *words = argv
    phonemes = Phonemes()
    for word in words:
        print(f"{word}\t/{phonemes.of(word, voice)}/\t{phonemes.of(word, voice, ipa=False)}")


if __name__ == "__main__":
    main(sys.argv[1:])
