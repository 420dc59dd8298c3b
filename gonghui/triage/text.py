"""The triage classifier's features; the shared segmentation is ``core/text.py``."""

from gonghui.core.text import (
    LABOUR_TERM_FREQ as LABOUR_TERM_FREQ,
)
from gonghui.core.text import (
    LABOUR_TERMS as LABOUR_TERMS,
)
from gonghui.core.text import (
    cjk_share as cjk_share,
)
from gonghui.core.text import (
    segment as segment,
)
from gonghui.core.text import (
    segmenter as segmenter,
)
from gonghui.core.text import words
from gonghui.triage.rules import HINT_REPEAT, hints


def features(text: str) -> list[str]:
    """Return the classifier's features: words (``w:``) and the rules' hints (``k:``,
    ``f:``, ``h:``, each repeated ``HINT_REPEAT`` times). Character pairs were features
    until cross-validation showed the model better without them (docs/triage.md)."""
    return [f"w:{w}" for w in words(text)] + hints(text) * HINT_REPEAT
