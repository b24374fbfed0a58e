"""The demo mall: six real national posts with believable catalogues, pages and news.

`seed.seed(session)` loads it (idempotently); `commands.seed_demo` is `flask mall seed-demo`.
The data is hand-written per country (`posts/<cc>.py` for the post and its stamp subjects,
`content/<cc>.py` for its pages and news, `shipping.py` for the tariffs) and expanded
deterministically by `issues`."""
