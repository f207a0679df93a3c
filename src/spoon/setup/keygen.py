"""`spoon bootstrap keygen`: an RSA key pair per service user, outside the repository.

`<keys dir>/<USER>.p8` is the PKCS#8 private key (mode 0600, encrypted when
SPOON_SNOWFLAKE_PRIVATE_KEY_PASSPHRASE is set); `<USER>.pub` is the public key as the
single base64 line `RSA_PUBLIC_KEY = '...'` takes. Existing keys are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from spoon import names as nm
from spoon.errors import SpoonError
from spoon.files import atomic_write
from spoon.settings import PACKAGE_ROOT, Settings


@dataclass(frozen=True)
class KeyPair:
    user: str
    private_path: Path
    public_path: Path
    created: bool


def _inside_repo(path: Path) -> bool:
    path = path.resolve()
    roots = {PACKAGE_ROOT.resolve()}
    for parent in [Path.cwd().resolve(), *Path.cwd().resolve().parents]:
        if (parent / ".git").exists():
            roots.add(parent)
            break
    return any(path == r or r in path.parents for r in roots if (r / ".git").exists())


def public_key_line(private_pem: bytes, passphrase: str = "") -> str:
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(
        private_pem, password=passphrase.encode() if passphrase else None
    )
    der = key.public_key().public_bytes(
        encoding=serialization.Encoding.DER,
        format=serialization.PublicFormat.SubjectPublicKeyInfo,
    )
    import base64

    return base64.b64encode(der).decode("ascii")


def check_keys_dir(settings: Settings) -> Path:
    """The keys folder, created 0700; refused inside the repository."""
    directory = nm.keys_dir(settings)
    if _inside_repo(directory):
        raise SpoonError(
            f"keys dir {directory} is inside the repository; "
            "set SPOON_SNOWFLAKE_KEYS_DIR to a folder outside it (default ~/.spoon/keys)"
        )
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    return directory


def generate(settings: Settings, user: str, *, force: bool = False) -> KeyPair:
    check_keys_dir(settings)
    private_path = nm.private_key_path(settings, user)
    public_path = nm.public_key_path(settings, user)
    passphrase = settings.snowflake_private_key_passphrase.get_secret_value()
    if private_path.exists() and not force:
        # keep the key; (re)write its public half if it went missing
        if not public_path.exists():
            public_path.write_text(public_key_line(private_path.read_bytes(), passphrase) + "\n")
        return KeyPair(user, private_path, public_path, created=False)
    write_pair(private_path, public_path, passphrase)
    return KeyPair(user, private_path, public_path, created=True)


def write_pair(private_path: Path, public_path: Path, passphrase: str) -> None:
    """A new RSA key pair: PKCS#8 private key (0600, encrypted with a passphrase) + public line."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase.encode())
        if passphrase
        else serialization.NoEncryption()
    )
    pem = key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=encryption,
    )
    atomic_write(private_path, pem, permissions=0o600)  # 0600 from the start
    public_path.write_text(public_key_line(pem, passphrase) + "\n", encoding="ascii")


def generate_all(
    settings: Settings, users: list[str] | None = None, *, force: bool = False
) -> list[KeyPair]:
    wanted = users or list(nm.snowflake_names(settings).users)
    return [generate(settings, u.upper(), force=force) for u in wanted]
