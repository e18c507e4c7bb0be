"""Benchmark what a visitor feels on a real server, each figure beside a hello-world app started the same way.

    make bench          (PYTHONPATH=src python -m scripts.bench [--quick] [--only load,replicas ...])

Both apps run with ``streamlit run`` on loopback ports with the project's ``.streamlit/config.toml``;
the hello-world app is ``st.write("Hello")``. The protocol-level client (``scripts.loadclient``) talks
to ``/_stcore/stream`` as a browser tab does. In the parts that time one visitor (pages, upload,
synthetic), each visitor lets 0.1 s (``--pause``) pass between the end of a rerun and the next, as
between clicks: back to back, a rerun waits about 40 ms for the client's delayed acknowledgement
(see ``scripts.loadclient``), which would time the network stack rather than the app. Parts, in order:

- memory: server RSS after one warm session and after N more sessions (each on a first visit,
  all held open); the growth per extra session;
- pages: one visitor per page; each round reruns every page once, each right after a rerun of
  hello-world, so a slow spell falls on both; p50/p95 of the later reruns, the first visit's and
  a later rerun's bytes; a reference page of 30 fixed Markdown blocks (about as many elements as a
  page sends, nothing computed) is timed the same way, to show what a page's size alone costs;
- load: N visitors at once, M reruns each, over every page and typical filter links (hello-world:
  its one page); p50, p95, throughput and errors, the median of several rounds;
- upload: the largest map Your ecosystem accepts (5,000 organizations and 20,000 ties, two generated
  CSV files) uploaded as the frontend uploads it, each time in a fresh session: the time from the
  rerun that carries the files to ``script_finished`` with the network drawn (the median of a few,
  after one not counted); then that page's later reruns with the map loaded, each right after a
  rerun of hello-world;
- upload-memory: on a fresh server of its own, three rounds of ten sessions each uploading that map and
  keeping it, and one more trying while they do (the page should answer it that the server is busy),
  then all closed: the server's resident memory at the start, each round's peak, and 60 s after each
  round's sessions closed (target: within 50 MB of the start);
- cold start: server start -> health -> first content settled in headless Chromium, a fresh
  server each time, alternating with hello-world;
- synthetic: programs 10x and 100x the shipped data (``scripts.synthetic_program``, through
  ``CTDC_DATA_DIR``): every page's rerun time and errors;
- replicas: the same load through nginx with 1 and 2 replicas (``scripts.replicas``): errors, whether
  every visitor stayed on one replica, and the throughput ratio.

Prints Markdown tables, writes ``artifacts/bench.json`` and exits non-zero when a target is missed
(or could not be measured). The modules, by job: ``measure`` (the servers and every part but the
upload), ``upload`` (the generated map and its upload), ``check`` (the targets), ``report`` (the
Markdown tables); ``__main__`` runs the chosen parts.
"""
