"""The local broker's secrets for development and tests (ADR 0021): a certificate authority, the broker's TLS
certificate, and one SCRAM password per principal, under `.local/kafka-security/` (keys and passwords 0600).

    python -m svu_shared.local_kafka_security ensure                 the CA and the broker's certificate
    python -m svu_shared.local_kafka_security password <principal>   that principal's password (made on first use)

The deploy scripts make them before they format a broker; a service whose `kafka_password` is unset reads its
principal's password here and logs a warning, as a service without `auth_jwks_url` trusts the local issuer
(ADR 0011). Production sets the password, the CA file and the broker's address.
"""

import datetime
import ipaddress
import os
import secrets
import sys
import tempfile
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

DIRECTORY = Path(
    os.environ.get("SVU_KAFKA_SECURITY_DIR", Path(__file__).resolve().parents[2] / ".local" / "kafka-security")
)
CA_FILE = DIRECTORY / "ca.pem"
BROKER_PEM = DIRECTORY / "broker.pem"  # the broker's PKCS#8 key and certificate chain, Kafka's PEM key store
# The names the broker answers to: loopback for the scripts and tests, `kafka` for compose.
BROKER_NAMES = ("localhost", "kafka")
BROKER_ADDRESSES = ("127.0.0.1",)
VALID_DAYS = 825


def _publish(path: Path, content: bytes, mode: int = 0o600) -> None:
    """Writes `content` to `path` once, atomically: several processes starting together agree on one file (the
    first hard link wins; a link onto an existing name fails)."""
    DIRECTORY.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, staging = tempfile.mkstemp(dir=DIRECTORY, prefix=".staging-")
    try:
        os.fchmod(fd, mode)
        os.write(fd, content)
        os.close(fd)
        os.link(staging, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(staging)


def password(principal: str) -> str:
    """The principal's SCRAM password, made on first use."""
    path = DIRECTORY / "passwords" / principal
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        _publish(path, secrets.token_urlsafe(24).encode())
    return path.read_text().strip()


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def ensure() -> None:
    """The CA and the broker's certificate, made once (the broker's common name `broker` is its principal on the
    controller listener, where brokers and controllers authenticate with these certificates: mutual TLS)."""
    if BROKER_PEM.exists() and CA_FILE.exists():
        return
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("svu-local-ca"))
        .issuer_name(_name("svu-local-ca"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )  # certificate and CRL signing only
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = [x509.DNSName(n) for n in BROKER_NAMES]
    names += [x509.IPAddress(ipaddress.ip_address(a)) for a in BROKER_ADDRESSES]
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("broker"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    key_pem = key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    # The CA's key is not kept: nothing is signed after this; a new CA is a new directory. The CA file is taken
    # from the key store that won the race (its last certificate), so the two always belong together.
    _publish(BROKER_PEM, key_pem + cert.public_bytes(pem) + ca.public_bytes(pem))
    chain = x509.load_pem_x509_certificates(BROKER_PEM.read_bytes())
    _publish(CA_FILE, chain[-1].public_bytes(pem), mode=0o644)


def main(argv: list[str]) -> int:
    if argv == ["ensure"]:
        ensure()
        print(DIRECTORY)
        return 0
    if len(argv) == 2 and argv[0] == "password":
        print(password(argv[1]))
        return 0
    print("usage: python -m svu_shared.local_kafka_security ensure | password <principal>", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
