"""Developer tools, run from the repository root as modules (``python -m scripts.bench``, ``python -m scripts.replicas``,
...): the benchmark and its protocol-level load client, the replicas runner, the synthetic-program generator, the
state-outline builder and the headless Chromium the browser tests drive. The tests import them as
``from scripts import loadclient``; they are not part of the app's package."""
