"""The voice catalog: which Piper voices exist and loading each once per process."""

from voices.catalog import DEFAULT_VOICE_ID, Voice, VoiceCatalog, load_piper_voice

__all__ = ["DEFAULT_VOICE_ID", "Voice", "VoiceCatalog", "load_piper_voice"]
