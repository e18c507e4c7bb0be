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
- pages: each page of the app beside its own reference page (``reference``: the same elements, recorded
  from the page's first visit and replayed from constants, computing nothing), in the same run: first visits
  in fresh sessions (the median of several) and one visitor's later reruns in paired rounds, with the servers'
  CPU time, each figure as a multiple of the reference's; hello-world and a page of 30 fixed Markdown blocks
  are timed the same way as context;
- load: N visitors at once, M reruns each, over every page and typical filter links (hello-world:
  its one page; the reference pages: the same links); p50, p95, throughput and errors, the median of
  several rounds;
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
  ``CTDC_DATA_DIR``): the first rerun (data loaded and validated), the first rerun of a restarted server
  over the same files, every page's rerun time and errors;
- replicas: the same load through nginx with 1 and 2 replicas (``scripts.replicas``): errors, whether
  every visitor stayed on one replica, and the throughput ratio;
- brief: every site's PDF brief on each paper size, built in the benchmark's own process as the Site
  profile builds it, the first build then warm ones (``brief``);
- profile (only with ``--profile``): py-spy samples each page's warm reruns and first visits, on the app
  and on the reference pages; where the CPU time goes, by our functions, by the library calls our code
  makes, and by library (``profile``);
- load-profile (only with ``--profile``): py-spy samples the app's server and the reference pages' through the
  load's rounds (N visitors, M reruns each), the same views per rerun, app and references side by side.

Prints Markdown tables, writes ``artifacts/bench.json`` and exits non-zero when a target is missed
(or could not be measured). The modules, by job: ``measure`` (the servers and the parts not named
below), ``pages`` (each page beside its reference), ``recording`` and ``reference`` (the reference pages),
``profile`` (py-spy), ``upload`` (the generated map and its upload), ``check`` (the targets), ``report``
(the Markdown tables); ``__main__`` runs the chosen parts.
"""
