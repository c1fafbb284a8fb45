"""What an agent does with an assignment: picked, delivered (the customer's code or a photo), cash collected,
failed; and the presigned upload for a photo proof.

- Another agent's assignment, or another merchant's, is 404 whoever it belongs to (the key holds the caller's
  tenant; the agent id must be the caller's).
- A transition out of order is 409 INVALID_TRANSITION; everything is one transaction conditional on the versions
  read, with its event, so two taps at once make one change and nothing is half-written.
- A wrong delivery code is 422; at most 5 tries per order, counted atomically before the comparison, so
  concurrent guesses cannot spend more (then 409 DELIVERY_CODE_LOCKED: the agent uses a photo).
"""

from __future__ import annotations

from typing import Any

from delivery.adapters.media import EXTENSIONS
from delivery.domain.assignment import PICKABLE_ORDER_STATES, Act, State, next_state, open_for_agent
from delivery.domain.store import MAX_CODE_TRIES, StoreSettings, code_matches, day_of
from delivery.service.agents import me
from delivery.service.deps import Deps
from delivery.service.events import assignment_data, emit
from webdpro_aws.dynamo import TransactionCancelled
from webdpro_core import clock, ids
from webdpro_core.errors import Conflict, NotFound, ValidationProblem
from webdpro_events import UnitOfWork
from webdpro_observability import continue_trace, get_logger
from webdpro_tenancy import Caller

log = get_logger(__name__)


def assignment_not_found() -> NotFound:
    return NotFound("No such assignment", code="ASSIGNMENT_NOT_FOUND", field="assignmentId")


async def mine(deps: Deps, caller: Caller, assignment_id: str) -> dict[str, Any]:
    """The calling agent's assignment, or 404 (anyone else's is not found)."""
    agent = await me(deps, caller)
    assignment = await deps.repo.get_assignment(agent["tenant_id"], assignment_id)
    if assignment is None or assignment["agent_id"] != agent["agent_id"]:
        raise assignment_not_found()
    return assignment


async def _order(deps: Deps, assignment: dict[str, Any]) -> dict[str, Any]:
    order = await deps.repo.get_order(assignment["tenant_id"], assignment["order_id"])
    if order is None:  # cannot happen: an assignment is made from our copy of the order
        raise assignment_not_found()
    return order


class _Again(Exception):
    """The transaction lost to a write on another item (the order, a COD line): read again and retry."""


ATTEMPTS = 4


async def _commit(deps: Deps, uow: UnitOfWork, assignment: dict[str, Any], act: Act) -> None:
    try:
        await uow.commit()
    except TransactionCancelled as exc:
        fresh = await deps.repo.get_assignment(assignment["tenant_id"], assignment["assignment_id"])
        if fresh is not None and fresh.get("version") == assignment.get("version"):
            raise _Again() from exc
        now = fresh["status"] if fresh else "gone"
        next_state(now, act)  # the usual 409 when it moved to a state this act cannot start from
        raise Conflict(f"The assignment changed meanwhile (now {now})", code="ASSIGNMENT_CHANGED") from exc


def _busy() -> Conflict:
    return Conflict("The order kept changing; try again", code="ASSIGNMENT_CHANGED")


def _save(deps: Deps, uow: UnitOfWork, before: dict[str, Any], after: dict[str, Any]) -> None:
    deps.repo.put_assignment(uow.tx, after, int(before["version"]), open_=open_for_agent(after))


async def picked(deps: Deps, caller: Caller, assignment_id: str) -> dict[str, Any]:
    a = await mine(deps, caller, assignment_id)
    with continue_trace(a.get("trace"), "delivery.pick_up"):
        for attempt in range(ATTEMPTS):
            if attempt:
                a = await mine(deps, caller, assignment_id)
            next_state(a["status"], Act.PICK_UP)
            order = await _order(deps, a)
            if order.get("order_status") not in PICKABLE_ORDER_STATES:
                raise Conflict(
                    f"The store has not packed this order yet (it is {order.get('order_status')})",
                    code="ORDER_NOT_READY",
                )
            if order.get("assignment_id") != a["assignment_id"]:
                raise Conflict("This order was given to another agent", code="INVALID_TRANSITION")
            now = clock.iso()
            after = {**a, "status": str(State.PICKED_UP), "picked_at": now, "updated_at": now}
            uow = deps.outbox.begin()
            _save(deps, uow, a, after)
            deps.repo.put_order(
                uow.tx,
                {**order, "order_status": "OUT_FOR_DELIVERY", "updated_at": now},
                int(order["version"]),
            )
            emit(uow, "delivery.picked_up", a["tenant_id"], assignment_data(a, picked_at=now))
            try:
                await _commit(deps, uow, a, Act.PICK_UP)
            except _Again:
                continue
            log.info("delivery.picked_up", assignment_id=assignment_id)
            return {**after, "version": int(a["version"]) + 1}
        raise _busy()


async def proof_upload(deps: Deps, caller: Caller, assignment_id: str, content_type: str) -> dict[str, Any]:
    a = await mine(deps, caller, assignment_id)
    next_state(a["status"], Act.DELIVER)
    key = (
        deps.photos.folder(a["tenant_id"], a["assignment_id"])
        + f"{ids.new_id('pho')}.{EXTENSIONS[content_type]}"
    )
    s = deps.settings
    url = await deps.photos.upload_url(key, content_type, s.upload_expires_seconds)
    return {
        "upload_url": url,
        "photo_key": key,
        "expires_in": s.upload_expires_seconds,
        "headers": {"Content-Type": content_type},
        "max_bytes": s.proof_max_bytes,
    }


async def _check_code(deps: Deps, a: dict[str, Any], code: str) -> None:
    spent = await deps.repo.spend_code_try(a["tenant_id"], a["order_id"], MAX_CODE_TRIES)
    if spent is None:
        raise Conflict(
            f"The delivery code was tried {MAX_CODE_TRIES} times; deliver with a photo instead",
            code="DELIVERY_CODE_LOCKED",
        )
    order = await _order(deps, a)
    if not code_matches(str(order.get("delivery_code", "")), code):
        left = MAX_CODE_TRIES - spent
        raise ValidationProblem(
            f"The delivery code is wrong ({left} {'try' if left == 1 else 'tries'} left)",
            code="DELIVERY_CODE_WRONG",
            field="code",
        )


async def _check_photo(deps: Deps, a: dict[str, Any], key: str) -> None:
    folder = deps.photos.folder(a["tenant_id"], a["assignment_id"])
    if not key.startswith(folder) or ".." in key or "/" in key[len(folder) :]:
        raise ValidationProblem(
            "This photo was not uploaded for this assignment", code="PHOTO_NOT_UPLOADED", field="photoKey"
        )
    stat = await deps.photos.stat(key)
    if stat is None:
        raise ValidationProblem(
            "No photo was uploaded under this key", code="PHOTO_NOT_UPLOADED", field="photoKey"
        )
    if stat["content_type"] not in EXTENSIONS:
        raise ValidationProblem("The proof must be an image", code="PHOTO_NOT_AN_IMAGE", field="photoKey")
    if not 0 < stat["size"] <= deps.settings.proof_max_bytes:
        raise ValidationProblem(
            f"The photo must be 1 byte to {deps.settings.proof_max_bytes} bytes",
            code="PHOTO_TOO_LARGE" if stat["size"] else "PHOTO_EMPTY",
            field="photoKey",
        )


async def delivered(
    deps: Deps, caller: Caller, assignment_id: str, *, code: str | None, photo_key: str | None
) -> dict[str, Any]:
    if (code is None) == (photo_key is None):
        raise ValidationProblem(
            "Prove the delivery with the customer's code or a photo (one of them)",
            code="PROOF_REQUIRED",
            field="code",
        )
    a = await mine(deps, caller, assignment_id)
    with continue_trace(a.get("trace"), "delivery.deliver"):
        next_state(a["status"], Act.DELIVER)
        if code is not None:
            await _check_code(deps, a, code)
        else:
            await _check_photo(deps, a, photo_key or "")
        proof = "code" if code is not None else "photo"
        for attempt in range(ATTEMPTS):
            if attempt:
                a = await mine(deps, caller, assignment_id)
                next_state(a["status"], Act.DELIVER)
            order = await _order(deps, a)  # read after the code try was counted: its version moved
            store = await deps.repo.get_store(a["tenant_id"], a["store_id"])
            cut = StoreSettings.of(store).agent_cut(int(a.get("amount_paise") or 0))
            now = clock.iso()
            after = {
                **a,
                "status": str(State.DELIVERED),
                "delivered_at": now,
                "ended_at": now,
                "updated_at": now,
                "proof": proof,
                "proof_key": photo_key,
                "agent_cut_paise": cut,
            }
            uow = deps.outbox.begin()
            if a.get("payment_method") == "COD" and a.get("cash_collected_at") is None:
                after["cod_day"] = day_of(clock.now())
                deps.repo.put_cod_line(uow.tx, _cod_line(after, collected=None), None)
            _save(deps, uow, a, after)
            deps.repo.put_order(
                uow.tx,
                {**order, "order_status": "DELIVERED", "delivered_at": now, "updated_at": now},
                int(order["version"]),
            )
            deps.repo.count_active(uow.tx, a["tenant_id"], a["agent_id"], -1)
            emit(
                uow,
                "delivery.delivered",
                a["tenant_id"],
                assignment_data(a, proof=proof, delivered_at=now, agent_cut_paise=cut),
            )
            try:
                await _commit(deps, uow, a, Act.DELIVER)
            except _Again:
                continue
            log.info("delivery.delivered", assignment_id=assignment_id, proof=proof)
            return {**after, "version": int(a["version"]) + 1}
        raise _busy()


def _cod_line(a: dict[str, Any], collected: int | None) -> dict[str, Any]:
    due = int(a.get("due_paise") or 0)
    return {
        "tenant_id": a["tenant_id"],
        "day": a["cod_day"],
        "agent_id": a["agent_id"],
        "order_id": a["order_id"],
        "store_id": a["store_id"],
        "assignment_id": a["assignment_id"],
        "due_paise": due,
        "collected_paise": collected,
        "discrepancy_paise": None if collected is None else collected - due,
        "delivered_at": a.get("delivered_at"),
        "collected_at": a.get("cash_collected_at"),
    }


async def cash_collected(deps: Deps, caller: Caller, assignment_id: str, amount_paise: int) -> dict[str, Any]:
    a = await mine(deps, caller, assignment_id)
    with continue_trace(a.get("trace"), "delivery.collect_cash"):
        for attempt in range(ATTEMPTS):
            if attempt:
                a = await mine(deps, caller, assignment_id)
            if a.get("payment_method") != "COD":
                raise Conflict("This order is not cash on delivery", code="NOT_CASH_ON_DELIVERY")
            next_state(a["status"], Act.COLLECT_CASH)
            if a.get("cash_collected_at") is not None:
                raise Conflict("The cash for this order was already recorded", code="CASH_ALREADY_RECORDED")
            due = int(a.get("due_paise") or 0)
            now = clock.iso()
            after = {
                **a,
                "cash_collected_paise": amount_paise,
                "cash_collected_at": now,
                "discrepancy_paise": amount_paise - due,
                "updated_at": now,
            }
            uow = deps.outbox.begin()
            if a.get("cod_day"):  # delivered first: the line exists, under the day of the delivery
                line = await deps.repo.get_cod_line(
                    a["tenant_id"], a["cod_day"], a["agent_id"], a["order_id"]
                )
                expected = int(line["version"]) if line else None
                deps.repo.put_cod_line(uow.tx, _cod_line(after, amount_paise), expected)
            else:
                after["cod_day"] = day_of(clock.now())
                deps.repo.put_cod_line(uow.tx, _cod_line(after, amount_paise), None)
            _save(deps, uow, a, after)
            deps.repo.add_cash(uow.tx, a["tenant_id"], a["agent_id"], amount_paise)
            store = await deps.repo.get_store(a["tenant_id"], a["store_id"])
            emit(
                uow,
                "cod.collected",
                a["tenant_id"],
                {
                    "order_id": a["order_id"],
                    "store_id": a["store_id"],
                    "tenant_id": a["tenant_id"],
                    "agent_id": a["agent_id"],
                    "assignment_id": a["assignment_id"],
                    "amount_paise": amount_paise,
                    "due_paise": due,
                    "discrepancy_paise": amount_paise - due,
                    "collected_at": now,
                    **_cut(StoreSettings.of(store), due),
                },
            )
            try:
                await _commit(deps, uow, a, Act.COLLECT_CASH)
            except _Again:
                continue
            if amount_paise != due:
                log.warning("cod.discrepancy", assignment_id=assignment_id, due=due, collected=amount_paise)
            return {**after, "version": int(a["version"]) + 1}
        raise _busy()


def _cut(settings: StoreSettings, due: int) -> dict[str, int]:
    cut = settings.agent_cut(due)
    return {} if cut is None else {"delivery_cut_paise": cut}


async def failed(deps: Deps, caller: Caller, assignment_id: str, reason: str) -> dict[str, Any]:
    a = await mine(deps, caller, assignment_id)
    with continue_trace(a.get("trace"), "delivery.fail"):
        for attempt in range(ATTEMPTS):
            if attempt:
                a = await mine(deps, caller, assignment_id)
            next_state(a["status"], Act.FAIL)
            if a.get("cash_collected_at") is not None:
                raise Conflict(
                    "Cash was collected for this order; it cannot fail now", code="CASH_ALREADY_RECORDED"
                )
            order = await _order(deps, a)
            now = clock.iso()
            after = {
                **a,
                "status": str(State.FAILED),
                "failed_at": now,
                "ended_at": now,
                "reason": reason,
                "updated_at": now,
            }
            uow = deps.outbox.begin()
            _save(deps, uow, a, after)
            deps.repo.put_order(
                uow.tx, {**order, "order_status": "DELIVERY_FAILED", "updated_at": now}, int(order["version"])
            )
            deps.repo.count_active(uow.tx, a["tenant_id"], a["agent_id"], -1)
            emit(uow, "delivery.failed", a["tenant_id"], assignment_data(a, reason=reason, failed_at=now))
            try:
                await _commit(deps, uow, a, Act.FAIL)
            except _Again:
                continue
            log.info("delivery.failed", assignment_id=assignment_id)
            return {**after, "version": int(a["version"]) + 1}
        raise _busy()
