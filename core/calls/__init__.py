"""Calls (乡呼县应 / 吹哨报到): a township calls, the county's departments respond.

:mod:`.model` holds the shapes, :mod:`.states` the states and who may move them,
:mod:`.routing` the dispatch proposal from the township's published list, :mod:`.service`
the operations, :mod:`.attachments` files on calls and steps, :mod:`.statistics` the
figures per tenant, township, unit and period.
"""
