"""Patrons that bind at a cost (S5): counter-offers out of a finite budget shared among clients.

When the US pulls a member away (a deal's net pull) or coerces it (the pain it would
escape by leaving), its partners may counter-offer to keep it. A patron p is willing to
pay client c at most a share ``model.patron_compensation`` of what c is worth to it a
year, and only as far as it is itself aligned; several patrons of one client share the
client's need in proportion to these caps. Each patron has a yearly budget
(``model.patron_budget`` per cent of its GDP, times its capacity) shared among all its
clients: it funds its most valuable clients first, so binding three clients at once
costs three times as much and may exhaust the budget. The client discounts a counter-
offer by its trust in the patron; the patron bears the full cost, which lowers its own
incentive to stay in the bloc. Amounts move between economies in billions of US dollars
and are converted back into each state's % GDP.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.broadcast import along_columns, along_rows
from sim.model.parameters import ModelParameters
from sim.model.short_axes import count_nonzero_last, sum_last, sum_second
from sim.model.worlds import lift, pick


@dataclass
class Binding:
    """Patron counter-offers this month."""

    paid: np.ndarray  # (R, n, n) bn USD a year patron p pays client c
    received: np.ndarray  # (R, n) K_c: trust-discounted counter-offers received, % of c's GDP
    spent: np.ndarray  # (R, n) cost to each patron, % of its GDP


def bind_clients(
    need: np.ndarray,
    worth: np.ndarray,
    trust: np.ndarray,
    alignment: np.ndarray,
    capacity: np.ndarray,
    gdp: np.ndarray,
    params: ModelParameters,
) -> Binding:
    """S5: who compensates whom, and how much.

    ``need`` (R, n): each client's net pull plus escapable pain, % of its GDP; ``worth``
    (R, n, n): what client c is worth to patron p, % of p's GDP (axes p, c); ``trust``
    (R, n, n): trust of i in j; ``alignment``, ``capacity``, ``gdp`` (R, n): the states'
    alignment, capacity and GDP (bn USD).

    A world where the US puts nothing on the table pays nothing: only the worlds with a
    need are computed (in a batch of design points, often a fraction of them).
    """
    asking = count_nonzero_last(need) > 0
    binding = Binding(np.zeros(worth.shape), np.zeros_like(need), np.zeros_like(need))
    if not asking.any():
        return binding
    if asking.all():
        return _bind(need, worth, trust, alignment, capacity, gdp, params, slice(None))
    rows = np.flatnonzero(asking)
    part = _bind(*(a[rows] for a in (need, worth, trust, alignment, capacity, gdp)), params, rows)
    binding.paid[rows], binding.received[rows], binding.spent[rows] = part.paid, part.received, part.spent
    return binding


def _bind(
    need: np.ndarray,
    worth: np.ndarray,
    trust: np.ndarray,
    alignment: np.ndarray,
    capacity: np.ndarray,
    gdp: np.ndarray,
    params: ModelParameters,
    rows: slice | np.ndarray,
) -> Binding:
    """S5 for the worlds ``rows`` selects (the arrays given are theirs already)."""
    scale = gdp / 100.0  # bn USD per % of GDP, (R, n)
    n = need.shape[1]
    worth_usd = along_rows(alignment, n) * worth
    worth_usd *= along_rows(scale, n)
    caps = lift(pick(params.patron_compensation, rows), 3) * worth_usd * (1.0 - np.eye(n))
    need_usd = need * scale
    total = sum_second(caps)  # caps.sum(axis=1): over patrons, per client
    share = np.minimum(1.0, np.divide(need_usd, total, out=np.zeros_like(total), where=total > 0))
    asked = caps * along_columns(share, n)
    budget = np.broadcast_to(lift(pick(params.patron_budget, rows), 2) * capacity * scale, need.shape)
    paid = _fund_most_valuable_first(asked, worth_usd, budget)
    received = np.einsum("rcp,rpc->rc", trust, paid) / scale
    spent = sum_last(paid) / scale
    return Binding(paid, received, spent)


def _fund_most_valuable_first(asked: np.ndarray, worth: np.ndarray, budget: np.ndarray) -> np.ndarray:
    """Each patron pays its clients' requests in order of their worth to it until its budget runs out.

    Requests are never negative. A patron asked by one client at most pays it what its
    budget allows, whatever the order (the running sum before that client adds zeros):
    only patrons asked by several clients are sorted, usually few, as a deal has one
    target. The same numbers, bit for bit, as sorting every row.
    """
    n = worth.shape[-1]
    paid = along_rows(budget, n)  # np.clip(budget[..., None], 0.0, asked), at less cost
    np.clip(paid, 0.0, asked, out=paid)
    several = count_nonzero_last(asked) > 1
    if several.any():
        rows = np.flatnonzero(several)  # (world, patron) rows, flat
        flat = (asked.reshape(-1, n)[rows], worth.reshape(-1, n)[rows], budget.reshape(-1)[rows])
        paid.reshape(-1, n)[rows] = _fund_in_order(*flat)
    return paid


def _fund_in_order(asked: np.ndarray, worth: np.ndarray, budget: np.ndarray) -> np.ndarray:
    """``_fund_most_valuable_first`` for rows (K, n) of requests by sorting each row.

    The same numbers as sorting each patron's row with ``take_along_axis`` and summing it
    with ``cumsum``; but gathers by flat position and a running sum over the few clients,
    in ``cumsum``'s order, cost half as much for rows of a handful of clients.
    """
    n = worth.shape[-1]
    order = np.argsort(-worth, axis=-1, kind="stable")
    order += np.arange(0, worth.size, n).reshape((*worth.shape[:-1], 1))  # flat positions
    slots = order.reshape(-1)
    requests = asked.reshape(-1).take(slots).reshape(worth.shape)
    before = np.empty_like(requests)  # what the more valuable clients asked: cumsum - request
    total = requests[..., 0].copy()
    before[..., 0] = total - requests[..., 0]
    for k in range(1, n):
        total += requests[..., k]
        before[..., k] = total - requests[..., k]
    np.subtract(budget[..., None], before, out=before)
    funded = np.clip(before, 0.0, requests, out=before)
    paid = np.empty(worth.size)
    paid[slots] = funded.reshape(-1)
    return paid.reshape(worth.shape)
