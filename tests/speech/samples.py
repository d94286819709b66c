"""Texts for the real-engine tests, and how closely two renderings of one text must agree."""

from __future__ import annotations

from kiosk import ROOT
from kiosk.content import load_leaflet

# The leaflet's own "What Should You Expect" section, read straight from the content file (one
# source of truth), with its typographic apostrophes.
LEAFLET = " ".join(
    load_leaflet(ROOT / "leaflets" / "trigger-point-injections.toml").section("what-to-expect").messages()
)


def prefix(n: int) -> str:
    """The first ~n characters of the leaflet read twice over, cut at a word boundary."""
    long = LEAFLET + " " + LEAFLET + " " + LEAFLET
    return long[:n].rsplit(" ", 1)[0]


# (locale, text): three lengths in each of three languages, plus Mandarin, all of clearly
# different durations so that a file holding another text's audio cannot pass for its own.
MIXED = [
    ("en", "Please take a seat; the nurse will call your name soon."),
    ("en", LEAFLET[:330].rsplit(" ", 1)[0]),
    ("en", LEAFLET),
    ("es", "Por favor, tome asiento. La enfermera lo llamará pronto."),
    (
        "es",
        "Durante el procedimiento, normalmente se acostará en una camilla mientras su médico localiza y "
        "limpia la zona del punto gatillo. Luego pellizcará la zona para estabilizarla antes de insertar "
        "la aguja e inyectar el medicamento.",
    ),
    (
        "es",
        "Durante el procedimiento, normalmente se acostará en una camilla mientras su médico localiza y "
        "limpia la zona del punto gatillo. Luego pellizcará la zona para estabilizarla antes de insertar "
        "la aguja e inyectar el medicamento. Es posible que sienta espasmos y molestias durante este "
        "proceso, sobre todo si sus músculos están tensos. Después de la inyección, su médico a menudo "
        "estirará y masajeará el músculo y la zona que lo rodea para darle un alivio adicional. Los efectos "
        "secundarios pueden incluir dolor, entumecimiento o hinchazón alrededor del sitio de la inyección, "
        "mareos y sangrado. Si persisten o empeoran, es importante que se comunique con su médico.",
    ),
    ("ar", "من فضلك تفضل بالجلوس، ستناديك الممرضة قريبا."),
    (
        "ar",
        "أثناء الإجراء، ستستلقي عادة على طاولة بينما يحدد طبيبك منطقة نقطة الزناد وينظفها. ثم يقرص "
        "المنطقة لتثبيتها قبل إدخال الإبرة وحقن الدواء.",
    ),
    (
        "ar",
        "أثناء الإجراء، ستستلقي عادة على طاولة بينما يحدد طبيبك منطقة نقطة الزناد وينظفها. ثم يقرص "
        "المنطقة لتثبيتها قبل إدخال الإبرة وحقن الدواء. قد تشعر بارتعاش وانزعاج خلال هذه العملية، "
        "خاصة إذا كانت عضلاتك متوترة. بعد الحقن، غالبا ما يقوم طبيبك بتمديد العضلة وتدليكها لمزيد من "
        "الراحة. قد تشمل الآثار الجانبية ألما أو تنميلا أو تورما حول موضع الحقن، ودوارا ونزيفا. إذا "
        "استمرت هذه الآثار أو ساءت، فمن المهم أن تتصل بطبيبك.",
    ),
    ("zh-Hans", "请坐，护士很快会叫您的名字。谢谢您的耐心等待。"),
]


def tolerance(frames: int) -> int:
    """Frames two renderings of one text may differ by.

    eSpeak NG is deterministic from a fresh process, but its wave generator carries state from
    one utterance to the next (pitch phase, sample counters), so the same text spoken later in a
    worker's life comes out a few hundred frames (~10 ms) longer or shorter. 0.1 s + 0.1 % is far
    above that and far below the seconds that separate the texts used here.
    """
    return 2205 + frames // 1000


def same_length(frames: int, reference: int) -> bool:
    return abs(frames - reference) <= tolerance(reference)
