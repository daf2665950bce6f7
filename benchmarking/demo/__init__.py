"""The demo Yongkang behind ``manage.py seed_demo``.

``data`` and ``names`` hold the hand-written reference lists (offices,
industries, indicator templates, standards; name parts, comments, logins);
``builder`` turns them with a fixed random seed into one deterministic plan of
records (the dataclasses of ``specs``), touching no database; ``seed`` writes
that plan through the models and the workflow services, matching every record
on its natural key so that a second run creates nothing.
"""
