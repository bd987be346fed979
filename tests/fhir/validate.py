#!/usr/bin/env python3
"""Validates FHIR resources written by `placement` with the `fhir.resources`
models (R4B: Questionnaire is the same in R4 and R4B), a library no one on
this project wrote.

Usage: validate.py FILE... [--cases QUESTIONNAIRE CASES]...

Each FILE is a JSON Questionnaire (`-` reads stdin). With `--cases`, the
answers of each case in CASES (JSON, see tests/fixtures/fhir/) are put in
a QuestionnaireResponse, and every item the case lists is checked to be
enabled or not as the case says: its `enableWhen` evaluated here, its SDC
`enableWhenExpression` evaluated by `fhirpathpy`, a FHIRPath engine no one
on this project wrote.

Exit 0 when every file validates and every case holds; 1 with the
messages when one does not; 3 when `fhir.resources` (or, with `--cases`,
`fhirpathpy`) is not installed (the caller decides whether that is a
failure or a skip).
"""

import argparse
import json
import sys

try:
    from fhir.resources.R4B.questionnaire import Questionnaire
    import fhir.resources
except ImportError as e:  # the caller tells a missing package from a failure
    print(f"fhir.resources is not installed: {e}", file=sys.stderr)
    sys.exit(3)

MODELS = {"Questionnaire": Questionnaire}


def walk_items(items, out):
    for it in items or []:
        out.append(it)
        walk_items(it.get("item"), out)
    return out


# Codes from FHIR R4's required value sets, which the models do not check.
ITEM_TYPES = {
    "group", "display", "boolean", "decimal", "integer", "date", "dateTime",
    "time", "string", "text", "url", "choice", "open-choice", "attachment",
    "reference", "quantity",
}
OPERATORS = {"exists", "=", "!=", ">", "<", ">=", "<="}
STATUSES = {"draft", "active", "retired", "unknown"}


def check_questionnaire(q):
    """Codes from required value sets; every enableWhen names an existing
    item whose type fits the answer."""
    problems = []
    if q.get("status") not in STATUSES:
        problems.append(f"status {q.get('status')!r} is not one of {sorted(STATUSES)}")
    items = walk_items(q.get("item"), [])
    for it in items:
        if it.get("type") not in ITEM_TYPES:
            problems.append(f"{it.get('linkId')}: type {it.get('type')!r} is not an item type")
        if it.get("enableBehavior") not in (None, "all", "any"):
            problems.append(f"{it.get('linkId')}: enableBehavior {it.get('enableBehavior')!r}")
        for ew in it.get("enableWhen") or []:
            if ew.get("operator") not in OPERATORS:
                problems.append(f"{it.get('linkId')}: operator {ew.get('operator')!r}")
    by_link = {}
    for it in items:
        if it["linkId"] in by_link:
            problems.append(f"linkId {it['linkId']} is used twice")
        by_link[it["linkId"]] = it
    fits = {
        "boolean": {"answerBoolean"},
        "integer": {"answerInteger"},
        "decimal": {"answerDecimal"},
        "choice": {"answerCoding"},
        "open-choice": {"answerCoding", "answerString"},
        "string": {"answerString"},
        "text": {"answerString"},
    }
    for it in items:
        for ew in it.get("enableWhen") or []:
            target = by_link.get(ew["question"])
            if target is None:
                problems.append(f"{it['linkId']}: enableWhen names no item {ew['question']}")
                continue
            answer = [k for k in ew if k.startswith("answer")]
            if len(answer) != 1:
                problems.append(f"{it['linkId']}: enableWhen has {len(answer)} answers")
                continue
            if ew["operator"] == "exists":
                if answer[0] != "answerBoolean":
                    problems.append(f"{it['linkId']}: exists takes answerBoolean")
                continue
            if answer[0] not in fits.get(target["type"], set()):
                problems.append(
                    f"{it['linkId']}: {answer[0]} does not fit {ew['question']}, a {target['type']} item"
                )
            if answer[0] == "answerCoding":
                offered = [o.get("valueCoding") for o in target.get("answerOption") or []]
                want = ew["answerCoding"]
                if not any(
                    o and o.get("system") == want.get("system") and o.get("code") == want.get("code")
                    for o in offered
                ):
                    problems.append(
                        f"{it['linkId']}: enableWhen coding {want.get('code')} is not an answer of {ew['question']}"
                    )
        if len(it.get("enableWhen") or []) > 1 and "enableBehavior" not in it:
            problems.append(f"{it['linkId']}: several enableWhen without enableBehavior")
    return problems


def coding(text):
    system, _, code = text.rpartition("|")
    return {"system": system, "code": code}


def answer(v):
    """A case's answer as a QuestionnaireResponse answer."""
    if isinstance(v, bool):
        return {"valueBoolean": v}
    if isinstance(v, int):
        return {"valueInteger": v}
    if isinstance(v, float):
        return {"valueDecimal": v}
    return {"valueCoding": coding(v)}


def enable_when_holds(ew, answers):
    """One enableWhen against the answers (a list of answer values) of its
    question, as FHIR R4 reads it: true when any answer meets it."""
    op = ew["operator"]
    key = next(k for k in ew if k.startswith("answer"))
    want = ew[key]
    if op == "exists":
        return bool(answers) == want
    def cmp(a):
        if key == "answerCoding":
            same = a.get("system") == want.get("system") and a.get("code") == want.get("code")
            return {"=": same, "!=": not same}[op]
        return {
            "=": a == want, "!=": a != want, "<": a < want,
            "<=": a <= want, ">": a > want, ">=": a >= want,
        }[op]
    return any(cmp(a) for a in answers)


def check_cases(q, cases_path):
    from fhirpathpy import evaluate
    from fhirpathpy.models import models

    cases = json.load(open(cases_path, encoding="utf-8"))["cases"]
    by_link = {it["linkId"]: it for it in walk_items(q.get("item"), [])}
    problems = []
    for n, case in enumerate(cases, 1):
        values = {link: [answer(v) for v in vs] for link, vs in case["answers"].items()}
        response = {
            "resourceType": "QuestionnaireResponse",
            "status": "in-progress",
            "item": [{"linkId": link, "answer": a} for link, a in values.items()],
        }
        plain = {link: [next(iter(a.values())) for a in vs] for link, vs in values.items()}
        for link, want in case["enabled"].items():
            item = by_link[link]
            exprs = [
                e["valueExpression"]["expression"]
                for e in item.get("extension") or []
                if e["url"].endswith("sdc-questionnaire-enableWhenExpression")
            ]
            if exprs:
                result = evaluate(response, exprs[0], {"resource": response}, models["r4"])
                got = result == [True]
            else:
                results = [enable_when_holds(ew, plain.get(ew["question"], [])) for ew in item.get("enableWhen") or []]
                got = all(results) if item.get("enableBehavior") == "all" else any(results)
            if got != want:
                problems.append(f"case {n}: {link} is {'enabled' if got else 'disabled'}, expected {'enabled' if want else 'disabled'}")
    return problems


def main(paths, cases):
    failed = False
    for path, cases_path in cases:
        q = json.load(open(path, encoding="utf-8"))
        problems = check_cases(q, cases_path)
        for p in problems:
            print(f"{path}: {p}")
        failed |= bool(problems)
        if not problems:
            n = len(json.load(open(cases_path, encoding="utf-8"))["cases"])
            print(f"{path}: skip logic as expected in {n} cases of {cases_path} (fhirpathpy)")
    for path in paths:
        text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
        data = json.loads(text)
        kind = data.get("resourceType")
        model = MODELS.get(kind)
        if model is None:
            print(f"{path}: no model for resourceType {kind!r}")
            failed = True
            continue
        try:
            model.model_validate(data)
        except Exception as e:  # pydantic's ValidationError, with every problem
            print(f"{path}: {kind} does not validate:\n{e}")
            failed = True
            continue
        problems = check_questionnaire(data) if kind == "Questionnaire" else []
        for p in problems:
            print(f"{path}: {p}")
        failed |= bool(problems)
        if not problems:
            print(f"{path}: valid {kind} (fhir.resources {fhir.resources.__version__}, R4B)")
    return 1 if failed else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Validate placement's FHIR output.")
    parser.add_argument("files", nargs="*", default=[])
    parser.add_argument("--cases", nargs=2, action="append", default=[], metavar=("QUESTIONNAIRE", "CASES"))
    args = parser.parse_args()
    if args.cases:
        try:
            import fhirpathpy  # noqa: F401
        except ImportError as e:
            print(f"fhirpathpy is not installed: {e}", file=sys.stderr)
            sys.exit(3)
    sys.exit(main(args.files or ([] if args.cases else ["-"]), args.cases))
