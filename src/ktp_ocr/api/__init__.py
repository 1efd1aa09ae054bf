"""The HTTP service (``ktp-ocr serve``); see ``docs/api.md``.

``app.create_app`` is the factory; ``routes`` the endpoints, ``schemas`` the answers,
``upload`` the capped streaming upload, ``ratelimit`` the limiters, ``state`` what a worker
builds once, ``handlers`` the error translation, ``server.serve`` the multi-worker runner.
Nothing in the package imports this module except the CLI.
"""
