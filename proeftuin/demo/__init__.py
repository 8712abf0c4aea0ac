"""Made-up data: the fictional demo site of `make run` (`seed`, with the pilots' work in `work`,
`measures` and `reuse`), and the synthetic national-scale data of the benchmark (`synthetic`)."""

from proeftuin.demo.seed import (
    ACCOUNTS,
    DEMO_PASSWORD,
    FAKE_PHONE,
    FIRST_ACCOUNT,
    PILOTS,
    DemoDataError,
    accounts_text,
    seed_demo,
)

__all__ = [
    "ACCOUNTS",
    "DEMO_PASSWORD",
    "FAKE_PHONE",
    "FIRST_ACCOUNT",
    "PILOTS",
    "DemoDataError",
    "accounts_text",
    "seed_demo",
]
