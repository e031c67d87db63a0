"""How long the_content takes for the seed post (target: < 2 ms per render on this machine).

Run: ``.venv/bin/python bench/render_seed.py [--repeat N]``. Reads the seed's block markup from
tests/fixtures/render/seed_463973.json and checks the output against production before timing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from broadsheet.render import texturize
from broadsheet.render.context import RenderOptions, StaticContext
from broadsheet.render.pipeline import default_renderer

SEED = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "render" / "seed_463973.json"


def main() -> None:
    """Render the seed post repeatedly and print per-render timings."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args()
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    ctx = StaticContext(
        RenderOptions(
            home=seed["home"],
            uploads_baseurl=seed["home"] + "/wp-content/uploads",
            wp_version="6.8",
            timezone="Europe/Amsterdam",
        )
    )
    renderer = default_renderer()
    if renderer.render_content(seed["raw_content"], ctx) != seed["content_rendered"]:
        raise SystemExit("rendered content differs from the seed's content.rendered")
    for label, fresh in (("as a new post", True), ("again (text runs remembered)", False)):
        samples = []
        for _ in range(args.repeat):
            if fresh:  # forget the texturized text runs: the post is new to the renderer
                texturize._RUN_CACHE.clear()
            start = time.perf_counter()
            renderer.render_content(seed["raw_content"], ctx)
            samples.append((time.perf_counter() - start) * 1000)
        samples.sort()
        print(
            f"the_content(seed 463973) {label}, {args.repeat} runs: "
            f"median {statistics.median(samples):.3f} ms, "
            f"p95 {samples[int(len(samples) * 0.95)]:.3f} ms, min {samples[0]:.3f} ms "
            f"(target < 2 ms)"
        )


if __name__ == "__main__":
    main()
