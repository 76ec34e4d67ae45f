"""Answers TFDS downloads with local raw files while a build runs: never the network.

``local_downloads`` patches TFDS's DownloadManager (as TFDS's own builder tests do) to
answer each URL with the file or folder named in ``tfds_datasets.URL_TO_RAW``.
"""

from __future__ import annotations

import contextlib
import os
from typing import Iterator
from unittest import mock

from caches.tfds_datasets import URL_TO_RAW


class OfflineUrlError(RuntimeError):
    """A builder asked for a URL that has no local raw file in URL_TO_RAW."""


@contextlib.contextmanager
def local_downloads(raw_dir: str) -> Iterator[None]:
    """Within: TFDS's DownloadManager answers URL_TO_RAW's URLs with local raw files.

    Iterating over an archive is allowed for local raw files only (imdb_reviews reads
    its .tar.gz that way). Any other URL, and every other way to fetch (Kaggle,
    checksum files), raises instead of reaching the network.
    """
    import tensorflow_datasets as tfds
    from etils import epath

    raw_root = os.path.abspath(raw_dir)
    iter_archive = tfds.download.DownloadManager.iter_archive

    def resolve(urls):
        # Builders pass one URL or a dict/list of them (glue/mrpc asks for three).
        if isinstance(urls, dict):
            return {key: resolve(url) for key, url in urls.items()}
        if isinstance(urls, (list, tuple)):
            return type(urls)(resolve(url) for url in urls)
        if str(urls) not in URL_TO_RAW:
            raise OfflineUrlError(
                f"the builder asked for {urls}, which has no local raw file in "
                "caches.tfds_datasets.URL_TO_RAW (nothing is ever downloaded)")
        return epath.Path(raw_root, URL_TO_RAW[str(urls)])

    def extract(self, paths):
        # Raw files are stored already extracted: only our own local paths pass through.
        if isinstance(paths, dict):
            return {key: extract(self, p) for key, p in paths.items()}
        path = os.path.abspath(os.fspath(paths))
        if os.path.commonpath([raw_root, path]) != raw_root:
            raise OfflineUrlError(f"the builder asked to extract {paths}")
        return epath.Path(paths)

    def iter_local_archive(self, path):
        if os.path.commonpath([raw_root, os.path.abspath(os.fspath(path))]) != raw_root:
            raise OfflineUrlError(f"the builder asked to iterate over {path}")
        return iter_archive(self, path)

    def refuse(self, *args, **kwargs):
        raise OfflineUrlError(f"the builder tried to fetch {args or kwargs}")

    with mock.patch.multiple(
            tfds.download.DownloadManager,
            download=lambda self, urls: resolve(urls),
            download_and_extract=lambda self, urls: resolve(urls),
            extract=extract, iter_archive=iter_local_archive, download_kaggle_data=refuse,
            download_checksums=refuse):
        yield
