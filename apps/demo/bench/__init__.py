"""`make bench-live`: the live fan-out benchmark (issue 12), Slate side by side with a bare `websockets` server.

One run starts Slate's real processes privately (`stack`: redis-server, a fresh SQLite or PostgreSQL
database, one Huey worker, K web processes through `manage.py run_web`), seeds one production with
N crew members, and then, for Slate and for a minimal `websockets` broadcast server (`bare`) in turn:

1. N real WebSocket clients (`clients`, in a process of their own) connect and subscribe all at
   once — the connect+subscribe time of a reconnect storm;
2. the web processes' RSS before and after gives the memory per socket;
3. changes are made at a set rate for a set time (`driver`: a scene's synopsis PATCHed over REST;
   the bare server broadcasts a frame of the same size itself), each socket records when each
   change reached it: change→socket latency, lost and duplicated deliveries, the PATCH's HTTP time;
4. one client resumes after 300 missed events (`subscribe` with `after_seq`): the replay time.

`report` turns the figures into the table of issue 12. Times are `time.monotonic()`, which on
Linux is CLOCK_MONOTONIC, one clock for every process of the machine, so a send time taken in one
process and a receive time taken in another subtract. Nothing here imports Django at module level:
`clients` and `bare` run as `python -m` processes without it.
"""
