"""``python -m bench``: list the benchmarks."""

import pkgutil
from pathlib import Path

print("Benchmarks (run one with `python -m bench.<name> --help`):")
for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
    if module.name not in {"common", "bare", "__main__"}:  # helpers, not benchmarks
        print(f"  bench.{module.name}")
