"""The local signing keys: a directory of ES256 private keys, one JWK per file.

Each key is written once, as `signing-key-<UTC creation time>.json` (mode 0600), and
never changed, so replicas that mount the same directory (ATRIUM_KEYS_DIR) agree on
it. The newest key signs. A key verifies (and is published at /.well-known/jwks.json)
while it is the newest, and after that until its successor is older than
ATRIUM_KEYS_RETIRE_AFTER_SECONDS, so tokens it signed run out first; `atrium keys
retire` deletes every key but the newest at once. `signing-key.json`, the one key
written before rotation existed, is the oldest.

Replicas look at the directory again every RELOAD_SECONDS, and at once (at most every
UNKNOWN_KID_RELOAD_SECONDS) when a token names a key they do not know: a replica that
signs with a key the others have not seen yet is understood by them on the next request.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from joserfc import jwt
from joserfc.jwk import ECKey, KeySet

from api.settings import Settings

log = logging.getLogger(__name__)

LEGACY_NAME = "signing-key.json"
PREFIX = "signing-key-"
STAMP = "%Y%m%dT%H%M%S.%fZ"


@dataclass(frozen=True)
class SigningKey:
    key: ECKey
    created: datetime
    path: Path

    @property
    def kid(self) -> str:
        return self.key.kid or self.key.thumbprint()


def _created(path: Path) -> datetime:
    if path.name == LEGACY_NAME:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return datetime.strptime(path.name[len(PREFIX) : -len(".json")], STAMP).replace(tzinfo=UTC)


def _oldest_first(path: Path) -> tuple[bool, str]:
    return (path.name != LEGACY_NAME, path.name)


class KeyDirectory:
    """The files. Writes go to a hidden temporary name first and are renamed into
    place, so a replica reading the directory never sees half a key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def paths(self) -> list[Path]:
        if not self.path.is_dir():
            return []
        names = [p for p in self.path.glob("signing-key*.json") if not p.name.startswith(".")]
        return sorted(names, key=_oldest_first)

    def read(self, path: Path) -> SigningKey | None:
        try:
            key = ECKey.import_key(json.loads(path.read_text()))
            return SigningKey(key, _created(path), path)
        except (OSError, ValueError):
            log.warning("signing key file %s is not readable; left out", path.name)
            return None

    def create(self, now: datetime | None = None) -> SigningKey:
        created = now or datetime.now(UTC)
        key = ECKey.generate_key("P-256", parameters={"use": "sig", "alg": "ES256"}, private=True)
        key.ensure_kid()
        self.path.mkdir(parents=True, exist_ok=True)
        final = self.path / f"{PREFIX}{created.strftime(STAMP)}.json"
        temporary = self.path / f".{final.name}.{os.getpid()}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(key.as_dict(private=True), f)
        if final.exists():  # two rotations in one microsecond
            temporary.unlink()
            raise FileExistsError(final)
        temporary.rename(final)
        return SigningKey(key, created, final)


class KeyStore:
    """The keys of one directory, as this process last read them."""

    RELOAD_SECONDS = 10.0
    UNKNOWN_KID_RELOAD_SECONDS = 1.0

    def __init__(
        self,
        directory: KeyDirectory,
        retire_after_seconds: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.directory = directory
        self.retire_after_seconds = retire_after_seconds
        self._clock = clock
        self._by_path: dict[Path, SigningKey] = {}
        self._loaded_at = 0.0
        self._unknown_kid_at = -float("inf")
        self._reload()

    @classmethod
    def load_or_create(cls, path: Path, retire_after_seconds: float = 86_400) -> KeyStore:
        """The keys in `path`, with a first one made when there is none."""
        directory = KeyDirectory(path)
        if not directory.paths():
            directory.create()
        return cls(directory, retire_after_seconds)

    @classmethod
    def of(cls, settings: Settings) -> KeyStore:
        return cls.load_or_create(settings.keys_path, settings.keys_retire_after_seconds)

    def _reload(self) -> None:
        paths = self.directory.paths()
        known = {p: self._by_path.get(p) or self.directory.read(p) for p in paths}
        self._by_path = {p: k for p, k in known.items() if k is not None}
        self._loaded_at = self._clock()
        if not self._by_path:
            raise RuntimeError(f"no signing key in {self.directory.path}")

    def _fresh(self, within: float = RELOAD_SECONDS) -> list[SigningKey]:
        if self._clock() - self._loaded_at >= within:
            self._reload()
        return list(self._by_path.values())

    @property
    def signing(self) -> SigningKey:
        return self._fresh()[-1]

    @property
    def key(self) -> ECKey:
        return self.signing.key

    @property
    def kid(self) -> str:
        return self.signing.kid

    def directory_keys(self) -> list[SigningKey]:
        return self._fresh(within=0)

    def verifying(self) -> list[SigningKey]:
        """The newest key and those whose successor is younger than the retirement age."""
        keys = self._fresh()
        now = self._clock()
        kept = [
            key
            for key, successor in itertools.pairwise(keys)
            if now - successor.created.timestamp() < self.retire_after_seconds
        ]
        return [*kept, keys[-1]]

    def key_set(self, kid: str | None) -> KeySet:
        """The verifying keys; a kid not among them makes this look at the directory again."""
        keys = self.verifying()
        now = self._clock()
        unknown = kid is not None and all(key.kid != kid for key in keys)
        if unknown and now - self._unknown_kid_at >= self.UNKNOWN_KID_RELOAD_SECONDS:
            self._unknown_kid_at = now
            self._reload()
            keys = self.verifying()
        return KeySet([key.key for key in keys])

    def jwks(self) -> dict[str, Any]:
        return {"keys": [key.key.as_dict(private=False) for key in self.verifying()]}

    def issue(
        self,
        settings: Settings,
        *,
        tenant_id: UUID,
        user_id: UUID,
        ttl: int | None = None,
        **extra: Any,
    ) -> str:
        now = int(time.time())
        claims = {
            "iss": settings.jwt_issuer,
            "aud": settings.jwt_audience,
            "sub": str(user_id),
            settings.tenant_claim: str(tenant_id),
            "iat": now,
            "exp": now + (ttl or settings.token_ttl_seconds),
            **extra,
        }
        signing = self.signing
        return jwt.encode({"alg": "ES256", "kid": signing.kid, "typ": "JWT"}, claims, signing.key)


def rotate(settings: Settings) -> SigningKey:
    """A new signing key; the previous ones keep verifying until they retire."""
    return KeyDirectory(settings.keys_path).create()


def retire(settings: Settings) -> list[SigningKey]:
    """Delete every key but the newest: tokens they signed stop verifying."""
    directory = KeyDirectory(settings.keys_path)
    keys = [key for key in map(directory.read, directory.paths()) if key is not None]
    for key in keys[:-1]:
        key.path.unlink()
    return keys[:-1]
