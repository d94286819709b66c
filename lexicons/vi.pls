<?xml version="1.0" encoding="UTF-8"?>
<!-- eSpeak NG reads "TPI" in this language as one syllable ("tpi"); the letters' names instead. See docs/lexicon.md. -->
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="x-espeak" xml:lang="vi">
  <lexeme>
    <grapheme>TPI</grapheme>
    <alias>tê pê i</alias>
  </lexeme>
</lexicon>
