"""Names of the qualification codes (training and safety courses) an instrument requires.

A code is what the manager types and the record stores ("em-safety"); people read its name
in their language. A code not listed here is shown as written.
"""

from __future__ import annotations

from labline.i18n import N_, gettext

NAMES = {
    "beam-safety": N_("Beamline safety training"),
    "bsl2": N_("Biosafety level 2 laboratory training"),
    "cleanroom": N_("Cleanroom training"),
    "cryo-training": N_("Cryo-EM operation training"),
    "em-safety": N_("Electron microscope safety training"),
    "xray-safety": N_("X-ray safety training"),
}


def qualification_name(code: str | None) -> str:
    """The qualification's name in the reader's language, or the code when it has none."""
    if not code:
        return ""
    return gettext(NAMES[code]) if code in NAMES else code


def is_named(code: str | None) -> bool:
    return bool(code) and code in NAMES
