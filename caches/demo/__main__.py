"""``python -m caches.demo --out caches/demo_raw``: regenerates the demo raw files."""

from caches.demo.cli import main

if __name__ == "__main__":
    main()
