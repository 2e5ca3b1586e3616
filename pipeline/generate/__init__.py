"""`mops generate`: a deterministic synthetic world of MAP, CRM, ad-platform and FX deliveries."""

from pipeline.generate.generate import WorldSummary, generate_world
from pipeline.generate.sfid import checksum_suffix, is_valid18, to18

__all__ = ["WorldSummary", "checksum_suffix", "generate_world", "is_valid18", "to18"]
