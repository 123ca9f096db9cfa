"""The one canonical JSON of the app: what a certificate's snapshot, a curriculum's stored
content and a signed placement document are hashed as. Sorted keys, no spaces, UTF-8 as is:
the same data gives the same bytes, whoever wrote it and in what order."""

import hashlib
import json
from typing import Any


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256_of(value: Any) -> str:
    """The hex SHA-256 of the canonical JSON of ``value``."""
    return hashlib.sha256(canonical_json(value).encode()).hexdigest()
