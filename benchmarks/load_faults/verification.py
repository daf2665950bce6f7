"""With the server stopped: every acknowledged write is in the database exactly once, every history
replays through DECLARATION_TRANSITIONS, and every status is the one the acknowledged moves left."""

from __future__ import annotations

from collections import Counter, defaultdict

from benchmarks.load_faults import PRODUCT_PREFIX
from benchmarks.load_faults.browser import Run

ACTION_OF = {
    "created": "create",
    "submitted": "submit",
    "resubmitted": "submit",
    "published": "publish",
    "returned": "return",
}


def verify(run: Run, run_started_at) -> dict:
    """Every acknowledged write is in the database once; every history replays through the
    transitions table; every status is the one the acknowledged moves left."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from benchmarking.models import DECLARATION_TRANSITIONS, Declaration, DeclarationEvent

    users = dict(get_user_model().objects.filter(username__startswith="lf_").values_list("username", "pk"))
    result = Counter()
    problems: list[str] = []

    # Creates: one declaration per product model this run tried, exactly one per acknowledged create.
    made = dict(
        Declaration.objects.filter(product_model__startswith=PRODUCT_PREFIX)
        .values("product_model")
        .annotate(n=Count("pk"))
        .values_list("product_model", "n")
    )
    result["duplicates"] = sum(n - 1 for n in made.values() if n > 1)
    acked_models = {ack["product_model"]: ack["id"] for ack in run.acks if ack["move"] == "created"}
    ids_by_model = dict(
        Declaration.objects.filter(product_model__in=list(acked_models)).values_list("product_model", "pk")
    )
    for model, pk in acked_models.items():
        if ids_by_model.get(model) != pk:
            problems.append(f"acknowledged create {model} (#{pk}) not found as #{pk}")
            result["lost writes"] += 1
    unacked_creates = [item for item in run.unacked if item["move"] == "created"]
    result["unacknowledged creates found"] = sum(
        1 for item in unacked_creates if item["product_model"] in made
    )
    result["unacknowledged creates not found"] = len(unacked_creates) - result["unacknowledged creates found"]

    # Moves: align each declaration's events of this run with its acknowledged moves.
    acks_by_id = defaultdict(list)
    for order, ack in enumerate(run.acks):
        acks_by_id[ack["id"]].append((ack["t"], order, ack))
    unacked_by_id = defaultdict(list)
    for item in run.unacked:
        if item.get("id") is not None and item["move"] in ACTION_OF:
            unacked_by_id[item["id"]].append(item)
    for item in unacked_creates:
        pk = (
            Declaration.objects.filter(product_model=item["product_model"])
            .values_list("pk", flat=True)
            .first()
        )
        if pk:
            unacked_by_id[pk].append({**item, "id": pk})
    touched = set(acks_by_id) | set(unacked_by_id)
    touched |= set(
        DeclarationEvent.objects.filter(at__gte=run_started_at)
        .values_list("declaration_id", flat=True)
        .distinct()
    )
    declarations = Declaration.objects.in_bulk(list(touched))
    events_by_id = defaultdict(list)
    for event in DeclarationEvent.objects.filter(declaration_id__in=list(touched)).order_by("at", "pk"):
        events_by_id[event.declaration_id].append(event)

    result["declarations checked"] = len(touched)
    for pk in sorted(touched):
        declaration = declarations.get(pk)
        if declaration is None:
            problems.append(f"#{pk}: acknowledged but missing")
            result["lost writes"] += len(acks_by_id.get(pk, []))
            continue
        events = events_by_id[pk]
        # 1. the history replays through DECLARATION_TRANSITIONS
        previous = None
        for event in events:
            if event.action == "create":
                legal = previous is None and event.from_status == "" and event.to_status == "draft"
            else:
                transition = DECLARATION_TRANSITIONS[event.action]
                sources = transition.sources | (
                    transition.paper_sources if declaration.entered_on_paper else frozenset()
                )
                legal = (
                    previous is not None
                    and event.from_status == previous.to_status
                    and event.from_status in sources
                    and event.to_status == transition.target
                )
            if not legal:
                result["illegal transitions"] += 1
                if (
                    previous is not None
                    and previous.action == event.action
                    and previous.to_status == event.to_status
                ):
                    result["double transitions"] += 1
                problems.append(
                    f"#{pk}: {event.action} {event.from_status or '-'}→{event.to_status} "
                    f"after {previous.to_status if previous else 'nothing'}"
                )
            previous = event
        if events and events[-1].to_status != declaration.status:
            problems.append(f"#{pk}: status {declaration.status} but last event says {events[-1].to_status}")
            result["status/history mismatches"] += 1
        # 2. each acknowledged move is one event of this run; every other event of this run
        #    is a write that was sent and not answered
        acked = [ack for _, _, ack in sorted(acks_by_id.get(pk, []), key=lambda item: item[:2])]
        ours = [e for e in events if e.at >= run_started_at]
        pending_unacked = list(unacked_by_id.get(pk, []))
        queue = list(acked)
        found_unacked_last = False
        for event in ours:
            if (
                queue
                and ACTION_OF[queue[0]["move"]] == event.action
                and users.get(queue[0]["client"]) == event.actor_id
            ):
                queue.pop(0)
                result["writes found"] += 1
                found_unacked_last = False
                continue
            match = next(
                (
                    item
                    for item in pending_unacked
                    if ACTION_OF[item["move"]] == event.action and users.get(item["client"]) == event.actor_id
                ),
                None,
            )
            if match is not None:
                pending_unacked.remove(match)
                result["unacknowledged moves found"] += 1 if event.action != "create" else 0
                found_unacked_last = True
                continue
            if queue and any(
                ACTION_OF[a["move"]] == event.action and users.get(a["client"]) == event.actor_id
                for a in queue
            ):
                # acknowledged, but in another order than the answers arrived
                result["order differences"] += 1
                queue.remove(
                    next(
                        a
                        for a in queue
                        if ACTION_OF[a["move"]] == event.action and users.get(a["client"]) == event.actor_id
                    )
                )
                result["writes found"] += 1
                continue
            result["unexplained events"] += 1
            problems.append(f"#{pk}: event {event.action} by user {event.actor_id} matches no write sent")
        if queue:
            result["lost writes"] += len(queue)
            problems.append(f"#{pk}: acknowledged {[a['move'] for a in queue]} have no event")
        # 3. the status is the one the last acknowledged move left, unless an unanswered write came after it
        if acked and not found_unacked_last:
            expected = (
                DECLARATION_TRANSITIONS[ACTION_OF[acked[-1]["move"]]].target
                if acked[-1]["move"] != "created"
                else "draft"
            )
            if declaration.status != expected:
                result["final state mismatches"] += 1
                problems.append(f"#{pk}: status {declaration.status}, acknowledged moves leave {expected}")
    # Refused writes must have left nothing: they show up above as unexplained events if they did.
    result["refused writes"] = len(run.refused)
    result["collisions (refused, redirect with message)"] = sum(
        1 for item in run.refused if item.get("collision")
    )
    return {"counts": result, "problems": problems}
