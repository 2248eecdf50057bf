"""Accounts (uin) and the credentials that lead to them. Accounts x regions partition all state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

DEFAULT_UIN = "100000000001"
DEFAULT_APP_ID = 1250000000


@dataclass
class Account:
    uin: str
    app_id: int

    @property
    def arn(self) -> str:
        return f"qcs::cam::uin/{self.uin}:uin/{self.uin}"


@dataclass(frozen=True)
class Credentials:
    secret_id: str
    secret_key: str
    uin: str


class Accounts:
    """The accounts of one world. Without registered credentials every SecretId maps to the default account."""

    def __init__(self) -> None:
        self._accounts: dict[str, Account] = {}
        self._credentials: dict[str, Credentials] = {}
        self.default = self.get(DEFAULT_UIN)

    def get(self, uin: str) -> Account:
        account = self._accounts.get(uin)
        if account is None:
            account = Account(uin, DEFAULT_APP_ID + len(self._accounts))
            self._accounts[uin] = account
        return account

    def all(self) -> list[Account]:
        return list(self._accounts.values())

    def register(self, secret_id: str, secret_key: str, uin: Optional[str] = None) -> Account:
        account = self.get(uin or DEFAULT_UIN)
        self._credentials[secret_id] = Credentials(secret_id, secret_key, account.uin)
        return account

    def credentials(self, secret_id: str) -> Optional[Credentials]:
        return self._credentials.get(secret_id)

    def for_secret_id(self, secret_id: str) -> Account:
        found = self._credentials.get(secret_id)
        return self.get(found.uin) if found else self.default
