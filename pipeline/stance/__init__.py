"""Stance: which answer each country's mention gives, ConText-style, on offsets.

- `rules`      the cue rule (closed categories, directions, scopes) and a matched `Cue`
- `targets`    code lists and speaking names in a statement
- `scope`      the clause a target is decided in
- `polarity`   the stance the cues in a clause give
- `component`  the spaCy component `emn_stance`
"""

from .component import CUES, RESPONSES, Stance
from .rules import Cue, CueRule

__all__ = ["CUES", "RESPONSES", "Stance", "Cue", "CueRule"]
