"""The service's moving parts, in the order a comment meets them: ``queue`` (hand a stored
comment to a worker, or run it inline), ``processing`` (claim, ``engine.decide``, store),
``callbacks`` (signed POST back to the CMS, over ``http_post``, signed by ``signing``), with the
``sweeper`` re-queueing what a dead worker left, ``metrics`` and ``notify`` beside them, and
``runtime`` holding the shared pieces (settings, database, policies, dispatcher) of one process.
"""
