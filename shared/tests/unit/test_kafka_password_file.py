"""A service's broker password may come from a file (a compose or orchestrator secret, ADR 0021): then it is in no
environment variable; a password set in the environment wins; with neither, the local development one is used."""

from pydantic_settings import SettingsConfigDict

from svu_shared.settings import BrokerClientSettings


class _Settings(BrokerClientSettings):
    model_config = SettingsConfigDict(env_prefix="PWTEST_")
    port: int = 1


def test_the_password_is_read_from_the_file(tmp_path, monkeypatch):
    secret = tmp_path / "kafka-password"
    secret.write_text("from-the-secret\n")
    monkeypatch.setenv("PWTEST_KAFKA_PASSWORD_FILE", str(secret))
    monkeypatch.setenv("PWTEST_KAFKA_USERNAME", "admission")
    access = _Settings().kafka_access("ignored")
    assert (access.username, access.password) == ("admission", "from-the-secret")


def test_a_password_in_the_environment_wins(tmp_path, monkeypatch):
    secret = tmp_path / "kafka-password"
    secret.write_text("from-the-secret")
    monkeypatch.setenv("PWTEST_KAFKA_PASSWORD_FILE", str(secret))
    monkeypatch.setenv("PWTEST_KAFKA_PASSWORD", "from-the-environment")
    assert _Settings().kafka_access("planning").password == "from-the-environment"


def test_without_either_the_local_development_password_is_used():
    access = _Settings().kafka_access("billing")
    assert access.username == "billing" and access.password is None
