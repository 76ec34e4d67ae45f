"""``python -m caches.demo --out caches/demo_raw``: regenerates the demo raw files."""

import sys

from caches.demo.cli import main

if __name__ == "__main__":
    sys.exit(main())
