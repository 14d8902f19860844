"""Jurisdiction plugins for Qingdan (乡镇(街道)履职事项清单), one package per county tenant.

Each package implements the pluggy hooks of :mod:`core.plugin_api.hookspecs` and registers through
the ``qingdan.jurisdictions`` entry-point group (see ``pyproject.toml``). The first five
come from the seed reports in ``shared/seeds/``:

* ``wenjiang`` — 成都市温江区, "多单合一": six upstream lists merged into one big list (seed 000)
* ``longsha`` — 齐齐哈尔市龙沙区, "1466": reference catalog and street claims (seed 001)
* ``taian`` — 泰安市, primary / cooperating responsibility across a whole city (seed 002)
* ``lanshan`` — 临沂市兰山区, three power lists and typed evaluation (seed 003)
* ``dongshan`` — 漳州市东山县, basic / cooperating / recovered items (seed 004)

Plugins import only :mod:`core.plugin_api.hookspecs` and :mod:`core.plugin_api.types`; their data is
plain Python built from the frozen dataclasses there.
"""
