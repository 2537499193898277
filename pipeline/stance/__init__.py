from .component import CUES, RESPONSES, Stance

__all__ = ["CUES", "RESPONSES", "Stance"]
