"""Events: an outbox written with every change, signed webhooks, and a feed with a cursor.

- :func:`emit` appends an event to ``events`` in the caller's transaction, and in the same
  statement one ``webhook_deliveries`` row per subscription of the tenant that wants the
  type — so an event and its deliveries exist exactly when the change committed.
- The delivery worker (:func:`deliver_due`, looped by :class:`DeliveryWorker` in the app
  process) claims due deliveries across tenants as the schema owner with
  ``FOR UPDATE SKIP LOCKED`` and a lease, POSTs the signed payload with httpx, and records
  the outcome: ``delivered``; or back to ``pending`` with exponential backoff; or ``failed``
  after the last attempt (then redeliverable by an API call). Several workers and processes
  share the work safely; a worker that dies mid-delivery only delays a row by its lease.
- The feed (:func:`list_events`) lists a tenant's events by id with a cursor. It shows an
  event only once every transaction that started before it has finished, so a cursor never
  skips an event that commits late with a smaller id.

Delivery is at least once: receivers dedupe on the event id (``Qingdan-Event-Id``).
"""
