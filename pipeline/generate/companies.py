"""Companies: name, domain, firmographics, and whether they are already Salesforce accounts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from pipeline.generate import vocab
from pipeline.generate.spec import DAY, I64, Arr, Bool, WorldSpec, uniform_seconds


@dataclass(frozen=True)
class Companies:
    n: int
    name: Arr
    domain: Arr
    country: Arr
    currency: Arr
    industry: Arr
    employees: I64
    weight: Arr  # relative number of people working there
    existing: Bool  # a Salesforce account before the window
    existing_created: I64  # account creation time for existing accounts


def build_companies(spec: WorldSpec) -> Companies:
    rng = spec.rng("companies")
    n = max(20, spec.people // 5)
    a = rng.integers(0, len(vocab.COMPANY_WORDS_A), n)
    b = rng.integers(0, len(vocab.COMPANY_WORDS_B), n)
    suffix = rng.integers(0, len(vocab.COMPANY_SUFFIXES), n)
    country_w = np.array([c[2] for c in vocab.COUNTRIES])
    country = rng.choice(len(vocab.COUNTRIES), n, p=country_w / country_w.sum())
    frame = pl.DataFrame(
        {
            "wa": np.array(vocab.COMPANY_WORDS_A)[a],
            "wb": np.array(vocab.COMPANY_WORDS_B)[b],
            "suf": np.array(vocab.COMPANY_SUFFIXES)[suffix],
            "tld": np.array([c[3] for c in vocab.COUNTRIES])[country],
        }
    ).with_columns(
        # the k-th company with the same two words gets a number in its name and domain
        k=pl.int_range(pl.len()).over("wa", "wb"),
    )
    frame = frame.with_columns(
        num=pl.when(pl.col("k") > 0).then((pl.col("k") + 1).cast(pl.String)).otherwise(pl.lit("")),
    ).with_columns(
        name=pl.concat_str(
            pl.col("wa"), pl.lit(" "), pl.col("wb"), pl.lit(" "), pl.col("num"), pl.col("suf")
        ),
        domain=pl.concat_str(
            pl.col("wa").str.to_lowercase(),
            pl.col("wb").str.to_lowercase(),
            pl.col("num"),
            pl.lit("."),
            pl.col("tld"),
        ),
    )
    existing = rng.random(n) < 0.3
    created = spec.t_start - uniform_seconds(rng, 900 * DAY, 1600 * DAY, n)
    return Companies(
        n=n,
        name=frame["name"].to_numpy(),
        domain=frame["domain"].to_numpy(),
        country=np.array([c[0] for c in vocab.COUNTRIES])[country],
        currency=np.array([c[1] for c in vocab.COUNTRIES])[country],
        industry=np.array(vocab.INDUSTRIES)[rng.integers(0, len(vocab.INDUSTRIES), n)],
        employees=np.clip(rng.lognormal(5.0, 1.5, n), 5, 200_000).astype(np.int64),
        weight=rng.lognormal(0.0, 0.8, n),
        existing=existing,
        existing_created=np.where(existing, created, 0).astype(np.int64),
    )
