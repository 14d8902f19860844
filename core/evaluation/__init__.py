"""Two-way evaluation (双向考评) keyed to the list.

:mod:`.schemes` holds the scheme data and its checks (core's and the plugin's),
:mod:`.sources` the indicator data sources (manual, call statistics …), :mod:`.compute`
turns scores into explained results (pure, set-based) and :mod:`.service` the operations.
Rules come from the jurisdiction's plugin (hooks ``qingdan_evaluation_scheme``,
``qingdan_evaluation_rules``, ``qingdan_check_indicator``).
"""
