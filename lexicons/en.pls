<?xml version="1.0" encoding="UTF-8"?>
<!--
  The kiosk's reviewed English pronunciations for the leaflets' medical terms (W3C PLS 1.0).
  Phonemes are eSpeak NG's mnemonics (alphabet "x-espeak"), checked with
  `python -m kiosk.speech.phonemes en-us WORD` against the clinical pronunciation in
  Merriam-Webster's medical dictionary; see docs/lexicon.md for how, and what eSpeak NG said before.
  Entries are case as written: a word that starts a sentence needs its capitalised form too.
-->
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="x-espeak" xml:lang="en">
  <lexeme>
    <grapheme>TPI</grapheme>
    <alias>T. P. I.</alias>
  </lexeme>
  <lexeme>
    <grapheme>myofascial</grapheme>
    <phoneme>m,aIoUf'aSi@l</phoneme>
  </lexeme>
  <lexeme>
    <grapheme>fibromyalgia</grapheme>
    <phoneme>f,aIbroUmaI'aldZ@</phoneme>
  </lexeme>
  <lexeme>
    <grapheme>musculoskeletal</grapheme>
    <phoneme>m,Vskj@loUsk'El@t@L</phoneme>
  </lexeme>
  <lexeme>
    <grapheme>anesthetic</grapheme>
    <phoneme>,an@sT'EtIk</phoneme>
  </lexeme>
  <lexeme>
    <grapheme>lightheadedness</grapheme>
    <grapheme>Lightheadedness</grapheme>
    <phoneme>l,aIth'EdIdn@s</phoneme>
  </lexeme>
</lexicon>
