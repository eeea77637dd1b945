"""Settings modules: base (shared), local (a laptop), production (no secret defaults), test."""
