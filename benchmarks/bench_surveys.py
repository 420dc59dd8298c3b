"""Survey answers per second through HTTP, and the results of a 100,000-answer survey.

Answers: gunicorn as ``bench_http`` starts it (production settings, ``--workers 2``)
over a fresh database migrated and seeded ``--scale small``. Each answer must come from
its own member (a second one is a 409), so BENCH_SURVEY_WORKERS members of 望京 with
bearer tokens are made first. ``wrk`` posts the answers of the needs template (12
questions: groups, relevance, a choice filter, constraints, a calculation), each
checked again by the server's evaluator and stored under the unique constraint.

Results: the survey is grown to BENCH_SURVEY_RESPONSES (100,000) answer sheets in SQL
(copies of real checked ones, spread over 朝阳's streets), then ``results()`` runs
BENCH_SURVEY_REPEAT times for the whole survey and filtered by a street, and the same
through ``GET /api/v1/surveys/{id}/results`` on gunicorn.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import PYTHON, ROOT, fresh_database, log, manage, percentile, row  # noqa: E402

CLIENTS = int(os.environ.get("BENCH_SURVEY_CLIENTS", "8"))
SECONDS = float(os.environ.get("BENCH_SURVEY_SECONDS", "10"))
WORKERS = int(os.environ.get("BENCH_SURVEY_GUNICORN_WORKERS", "2"))
SURVEY_WORKERS = int(os.environ.get("BENCH_SURVEY_WORKERS", "5000"))
RESPONSES = int(os.environ.get("BENCH_SURVEY_RESPONSES", "100000"))
REPEAT = int(os.environ.get("BENCH_SURVEY_REPEAT", "30"))
TARGET_RPS = 200
TARGET_RESULTS_MS = 200

LUA = r"""
local tokens = __TOKENS__
local body = __BODY__
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

function init(args)
  n = 0
  created = 0
  other = 0
  step = __THREADS__
end

function request()
  local i = tid + n * step
  n = n + 1
  if i > #tokens then i = #tokens end
  local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. tokens[i]}
  return wrk.format("POST", nil, headers, body)
end
"""


def _helper(action: str, env: dict, *args: str) -> dict:
    proc = subprocess.run(
        [PYTHON, str(Path(__file__).resolve()), action, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"{action} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return json.loads(line.removeprefix("RESULT "))


ANSWERS = {
    "district": "cy",
    "street": "wj",
    "age": 34,
    "has_need": "yes",
    "kinds": ["housing", "other"],
    "other": "希望增设托育点",
    "hours": 9.5,
    "since": "2019-03-01",
    "prio": ["pay", "rest", "safety"],
    "phone": "13812345678",
}


def prepare(n: int, tmp: str) -> dict:
    from django.contrib.auth import get_user_model

    from gonghui.accounts.models import AccessToken, Worker
    from gonghui.accounts.services import issue_worker_token
    from gonghui.members.models import Member
    from gonghui.members.testing import make_id_number
    from gonghui.orgs.models import Org
    from gonghui.surveys import services, templates_xlsx

    admin = get_user_model().objects.get(username="demo-district")
    chaoyang = Org.objects.get(admin_code="110105")
    wangjing = Org.objects.get(admin_code="110105026")
    survey, _v = services.import_xlsform(
        admin, chaoyang, templates_xlsx.build("needs"), "bench.xlsx", anonymous=False
    )
    services.set_survey_status(admin, survey.pk, "open")
    workers = Worker.objects.bulk_create(
        [Worker(phone=f"1560{i:07d}") for i in range(n + 1)], batch_size=2000
    )
    from datetime import date, timedelta

    Member.objects.bulk_create(
        [
            Member(
                name="问卷压测",
                id_number=make_id_number(i, birth=date(1960, 1, 1) + timedelta(days=i // 500)),
                gender="male",
                birth_date=date(1990, 1, 1),
                worker=w,
                org=wangjing,
                member_number=f"BS{i:09d}",
                joined_on=date(2024, 1, 1),
            )
            for i, w in enumerate(workers)
        ],
        batch_size=2000,
    )
    tokens = [issue_worker_token(w)[0] for w in workers]
    del AccessToken  # tokens are issued through the service, as sign-in does
    path = Path(tmp) / "survey.json"
    path.write_text(json.dumps({"survey": survey.pk, "tokens": tokens}))
    return {"file": str(path), "survey": survey.pk}


def count(survey_id: int) -> dict:
    from gonghui.surveys.models import Response

    return {"responses": Response.objects.filter(survey_id=survey_id).count()}


def grow(survey_id: int, total: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from gonghui.accounts.services import issue_staff_token
    from gonghui.orgs.models import Org
    from gonghui.surveys.models import Response

    streets = list(Org.objects.filter(parent__admin_code="110105").values_list("path", flat=True))
    have = Response.objects.filter(survey_id=survey_id).count()
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        # Copies of the checked answers, spread over 朝阳's streets; no worker (the unique
        # constraint is per worker), as a public link's answers are stored.
        cur.execute(
            """
            INSERT INTO surveys_response
                (survey_id, version_id, worker_id, org_id, org_path, distribution_id,
                 answers, seconds, possible_machine, submitted_at)
            SELECT r.survey_id, r.version_id, NULL, NULL,
                   (%s::text[])[1 + (g %% array_length(%s::text[], 1))], NULL,
                   jsonb_set(r.answers, '{has_need}',
                             to_jsonb(CASE WHEN g %% 3 = 0 THEN 'no' ELSE 'yes' END)),
                   r.seconds, g %% 100 = 0, now()
            FROM generate_series(1, %s) AS g
            CROSS JOIN LATERAL (
                SELECT * FROM surveys_response WHERE survey_id = %s ORDER BY id LIMIT 1
            ) AS r
            """,
            [streets, streets, max(0, total - have), survey_id],
        )
        cur.execute("ANALYZE surveys_response")
    from gonghui.surveys import tallies
    from gonghui.surveys.models import Survey

    tallies.rebuild(Survey.objects.select_related("current").get(pk=survey_id))
    admin = get_user_model().objects.get(username="demo-district")
    token, _ = issue_staff_token(admin)
    street = Org.objects.get(admin_code="110105026")
    return {
        "responses": Response.objects.filter(survey_id=survey_id).count(),
        "seconds": time.perf_counter() - t0,
        "token": token,
        "street": street.pk,
    }


def time_results(survey_id: int, repeat: int) -> dict:
    from gonghui.orgs.models import Org
    from gonghui.surveys import results
    from gonghui.surveys.models import Survey

    survey = Survey.objects.select_related("current").get(pk=survey_id)
    street = Org.objects.get(admin_code="110105026").path
    out = {}
    for label, path in (("whole", None), ("street", street)):
        results.results(survey, path)  # warm
        lat = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            data = results.results(survey, path)
            lat.append(time.perf_counter() - t0)
        lat.sort()
        out[label] = {
            "p50": lat[len(lat) // 2],
            "p95": percentile(lat, 95),
            "responses": data["responses"],
        }
    return out


def run() -> list[dict]:
    from benchmarks.bench_appeals_intake import COUNT_201_LUA, ensure_wrk, lua_list, run_wrk
    from benchmarks.bench_http import (
        free_port,
        request,
        server_env,
        start_server,
        stop_server,
        wait_for_health,
    )

    wrk = ensure_wrk()
    rows: list[dict] = []
    with (
        fresh_database("bench_surveys") as url,
        tempfile.TemporaryDirectory(prefix="gonghui-bench-") as tmp,
    ):
        env = server_env(url, tmp)
        log("  surveys: migrate, seed_demo --scale small --force, collectstatic (DEBUG=0)")
        manage(["migrate", "--noinput", "-v", "0"], env)
        manage(["seed_demo", "--scale", "small", "--force", "-v", "0"], env)
        manage(["collectstatic", "--noinput", "-v", "0"], env)
        log(f"  surveys: {SURVEY_WORKERS} members with tokens")
        prep = _helper("prepare", env, str(SURVEY_WORKERS), tmp)
        fixture = json.loads(Path(prep["file"]).read_text())
        sid = fixture["survey"]
        threads = max(1, min(CLIENTS, 2))
        script = Path(tmp) / "answer.lua"
        body = json.dumps({"answers": ANSWERS}, ensure_ascii=False)
        script.write_text(
            (LUA + COUNT_201_LUA)
            .replace("__TOKENS__", lua_list([str(t) for t in fixture["tokens"][1:]]))
            .replace("__BODY__", "[==[" + body + "]==]")
            .replace("__THREADS__", str(threads))
        )
        port = free_port()
        logfile = Path(tmp) / "gunicorn.log"
        proc = start_server(port, env, logfile, WORKERS, "surveys")
        try:
            wait_for_health(port, proc, logfile)
            path = f"/api/v1/surveys/{sid}/responses"
            st, first = request(
                port,
                "POST",
                path,
                body=body.encode(),
                headers={
                    "Content-Type": "application/json",
                    "Authorization": f"Bearer {fixture['tokens'][0]}",
                },
            )
            if st != 201:
                raise RuntimeError(f"POST {path} answered {st}: {first[:400]!r}")
            log(f"  surveys: {CLIENTS} connections x {SECONDS:g} s")
            res, _cpu = run_wrk(wrk, port, path, script, CLIENTS, SECONDS)
            if res["requests"] > SURVEY_WORKERS:
                raise RuntimeError("more requests than members: raise BENCH_SURVEY_WORKERS")
            if res["errors"] or res["other"]:
                raise RuntimeError(f"answer load: {res}\n{logfile.read_text()[-3000:]}")
            stored = _helper("count", env, str(sid))["responses"]
            log(f"  surveys: growing to {RESPONSES:,} answers")
            grown = _helper("grow", env, str(sid), str(RESPONSES))
            timed = _helper("time", env, str(sid), str(REPEAT))
            lat = []
            for _ in range(REPEAT):
                t0 = time.perf_counter()
                st, _b = request(
                    port,
                    "GET",
                    f"/api/v1/surveys/{sid}/results",
                    headers={"Authorization": f"Bearer {grown['token']}"},
                )
                lat.append(time.perf_counter() - t0)
                if st != 200:
                    raise RuntimeError(f"results answered {st}")
            lat.sort()
        finally:
            stop_server(proc)
    rows.append(
        row(
            "survey answers POST /api/v1/surveys/{id}/responses",
            res["rps"],
            "answers/s",
            f">= {TARGET_RPS}",
            f"{res['requests']} answers by as many members, {CLIENTS} connections, "
            f"{WORKERS} gunicorn workers, 0 errors; {stored} stored",
        )
    )
    rows.append(row("survey answers: p95 latency", res["p95"] / 1000, "ms", "", ""))
    for label in ("whole", "street"):
        t = timed[label]
        rows.append(
            row(
                f"survey results ({label}, {t['responses']:,} answers): p95",
                t["p95"] * 1000,
                "ms",
                f"< {TARGET_RESULTS_MS}",
                f"results() in process, p50 {t['p50'] * 1000:.0f} ms, {REPEAT} runs",
            )
        )
    rows.append(
        row(
            f"survey results GET over HTTP ({grown['responses']:,} answers): p95",
            percentile(lat, 95) * 1000,
            "ms",
            f"< {TARGET_RESULTS_MS}",
            f"p50 {lat[len(lat) // 2] * 1000:.0f} ms, gunicorn, bearer",
        )
    )
    return rows


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    import django

    django.setup()
    action = sys.argv[1]
    if action == "prepare":
        result = prepare(int(sys.argv[2]), sys.argv[3])
    elif action == "count":
        result = count(int(sys.argv[2]))
    elif action == "grow":
        result = grow(int(sys.argv[2]), int(sys.argv[3]))
    else:
        result = time_results(int(sys.argv[2]), int(sys.argv[3]))
    print("RESULT " + json.dumps(result, ensure_ascii=False))
