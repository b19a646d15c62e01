"""Kill -9 `kg build` at random moments over a previous good build; check the folder every time.

Builds two reference sets first (A: seeds/004, B: seeds/003, each into its own folder), then
--trials times: --out holds a whole build (A or B), a build of the other input is started on
it and killed with SIGKILL at a random moment (odd trials: in [0, 1.2 x the time a build
takes]; even trials: within 1.5 s after the first output file appears, the write phase); the
folder must then hold exactly one of the two whole sets (same names, same bytes), and nothing
else; the next build must clean up what the killed one left beside it.

    PYTHONPATH=$PWD .venv/bin/python scripts/kill_builds.py --trials 20

Prints one line per trial and exits 1 if any trial found a mixed or damaged folder.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INPUTS = {"A": ROOT / "seeds" / "004_1ed890315a895296.txt", "B": ROOT / "seeds" / "003_0624703ab3c854fd.txt"}


def _command(source: Path, out: Path) -> list[str]:
    kg = Path(sys.executable).with_name("kg")
    return [str(kg), "-q", "build", str(source), "--meta", str(ROOT / "seeds" / "issues.tsv"), "--out", str(out)]


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    work = Path(tempfile.mkdtemp(prefix="kg-kill-"))
    try:
        sets, seconds = {}, []
        for name, source in INPUTS.items():
            started = time.perf_counter()
            subprocess.run(_command(source, work / f"ref-{name}"), check=True, env=env)
            seconds.append(time.perf_counter() - started)
            sets[name] = _digest(work / f"ref-{name}")
        duration = max(seconds)
        print(f"reference builds: {', '.join(f'{s:.1f} s' for s in seconds)}; files {sorted(sets['A'])}", flush=True)
        out = work / "out"
        shutil.copytree(work / "ref-A", out)
        current = "A"
        failures = 0
        for trial in range(1, args.trials + 1):
            target = "B" if current == "A" else "A"
            proc = subprocess.Popen(_command(INPUTS[target], out), env=env, stderr=subprocess.DEVNULL)
            started = time.perf_counter()
            if trial % 2:  # any moment of the build
                time.sleep(rng.uniform(0, 1.2 * duration))
            else:  # a moment of the write phase: once the first file is in the fresh folder
                while proc.poll() is None and not any(work.glob(".out.kg-build-*/graph.*")):
                    time.sleep(0.005)
                time.sleep(rng.uniform(0, 1.5))
            delay = time.perf_counter() - started
            finished = proc.poll() is not None
            if not finished:
                os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            found = _digest(out)
            whole = [name for name, digest in sets.items() if digest == found]
            beside = sorted(p.name for p in work.iterdir() if p.name not in ("out", "ref-A", "ref-B"))
            ok = len(whole) == 1
            failures += not ok
            state = whole[0] if ok else f"MIXED {sorted(found)}"
            print(
                f"trial {trial:2d}: kill at {delay:5.1f} s ({'after exit' if finished else 'running'}) "
                f"-> folder holds build {state}; left beside it: {beside or 'nothing'}",
                flush=True,
            )
            current = whole[0] if ok else current
        # one more build must succeed and remove what the killed builds left beside --out
        subprocess.run(_command(INPUTS["B"], out), check=True, env=env)
        left = sorted(p.name for p in work.iterdir() if p.name not in ("out", "ref-A", "ref-B"))
        ok_final = _digest(out) == sets["B"] and not left
        print(f"final build: {'whole, nothing left beside it' if ok_final else f'BAD, left: {left}'}")
        print(f"{args.trials} kills, {failures} mixed or damaged folder(s)")
        return 1 if failures or not ok_final else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
