"""The import architecture of `forum/`, read with `ast` (nothing is imported).

Every import counts, including late imports inside functions: a late import used to
dodge a cycle still couples the two modules both ways. See `LAYERS` for the rules.
"""
import ast
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "forum"

# Layers, lowest first. An entry covers that module and everything under it. A module
# may import its own layer or lower ones. Packages sharing a domain layer (any layer but
# core) are siblings and must not import each other. A new domain adds one line.
LAYERS = [
    ("forum.config", "forum.extensions", "forum.database", "forum.permissions",
     "forum.rendering", "forum.validation", "forum.urls", "forum.events",
     "forum.transactions", "forum.health", "forum.web", "forum.files", "forum.jobs",
     "forum.mail", "forum.demo_clock", "forum.reply_tokens", "forum.submissions",
     "forum.logs", "forum.paths",
     # Search imports no domain; domains register what they index with its registry.
     "forum.search"),
    ("forum.accounts",),
    ("forum.tags",),
    ("forum.discussions",),
    ("forum.qa", "forum.resources"),
    ("forum.mailin",),  # reply by email: posts through discussions and qa
    ("forum.collections",),
    ("forum.meetings", "forum.polls"),  # polls attach to threads and questions
    ("forum.conversations",),  # below moderation, which reviews reported messages
    ("forum.moderation",),
    # Listens to every domain's events, like moderation.
    ("forum.notifications",),
]
# Glue above every layer: may import anything, and nothing else may import it.
TOP = ("forum", "forum.cli", "forum.bench", "forum.demo", "forum.wsgi")
# A domain's pages; other domains reuse its services/policy/models instead.
PRIVATE_TO_DOMAIN = ("views", "forms")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE_DIR.rglob("*.py"))}


def _existing(name: str) -> str | None:
    """The longest prefix of `name` that is a module of forum/, if any."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str) -> list[tuple[str, int, str]]:
    """(imported forum module, line, import as written) for every import in `module`."""
    path = MODULES[module]
    is_package, source = path.name == "__init__.py", path.read_text()
    found = []
    for node in ast.walk(ast.parse(source, str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".")
                package = package[:len(package) - node.level + (1 if is_package else 0)]
                base = ".".join(package + ([base] if base else []))
            # `from forum.x import y` imports the module forum.x.y if there is one.
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                     for alias in node.names]
        else:
            continue
        written = ast.get_source_segment(source, node) or ""
        for name in dict.fromkeys(names):
            target = _existing(name) if name.split(".")[0] == "forum" else None
            if target and target != module:
                found.append((target, node.lineno, " ".join(written.split())))
    return found


GRAPH = {module: _imports(module) for module in MODULES}


def _where(module: str, line: int, written: str) -> str:
    return f"{MODULES[module].relative_to(PACKAGE_DIR.parent)}:{line}: {written}"


def _covers(prefix: str, module: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _placement(module: str) -> tuple[int, str] | None:
    """(layer index, the package entry covering it); TOP is layer len(LAYERS)."""
    if module in TOP:
        return len(LAYERS), module
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if _covers(prefix, module):
                return index, prefix
    return None


def _edges():
    """Every import between two placed modules, with where it is written."""
    for module, imports in GRAPH.items():
        for target, line, written in imports:
            if _placement(module) and _placement(target):
                yield module, target, _where(module, line, written)


def test_every_module_is_placed_in_a_layer():
    """A new module or package must be added to LAYERS (or TOP) before it can be checked."""
    unplaced = sorted(module for module in MODULES if _placement(module) is None)
    assert not unplaced, (
        "These modules are in no layer of tests/test_architecture.py:\n  "
        + "\n  ".join(unplaced)
        + "\nAdd the package to LAYERS: a new domain gets its own line above the domains"
          " it uses; shared infrastructure that imports no domain goes in the core line.")


def test_no_import_cycles():
    """No two modules of forum/ may import each other, directly or through others.

    The one exception is the composition root (TOP): the app factory registers the CLI's
    commands, and the commands build apps. That loop is the root tying the application
    together, lies above every layer, and no other module can join it (nothing may import
    TOP), so it cannot couple domains."""
    cycles = [(group, _cycle_path(group)) for group in _strongly_connected()
              if not set(group) <= set(TOP)]
    assert not cycles, (
        "Import cycles (late imports inside functions count too):\n\n"
        + "\n\n".join("Modules that import each other: " + ", ".join(group)
                      + "\n  one cycle among them:\n    "
                      + "\n    ".join(where for _, where in cycle)
                      for group, cycle in cycles)
        + "\n\nBreak each cycle: move the shared code down into the lower module, or have"
          " the lower module publish an event (forum.events) that the higher one handles,"
          " instead of importing upward. Moving the import into a function does not help."
          " A package whose __init__ imports its views while the views import `bp` from"
          " the package is a cycle too: create `bp` in a module of its own (or in the"
          " views module, as forum/jobs does) and import it from __init__.")


def test_lower_layers_do_not_import_higher_ones():
    """Each layer builds on the ones below it only; siblings in a domain layer stay apart."""
    wrong = []
    for module, target, where in _edges():
        (layer, package), (target_layer, target_package) = _placement(module), _placement(target)
        if target in TOP and module not in TOP:
            wrong.append(f"{where}\n      imports {target}, which is top-level glue: only"
                         f" {', '.join(TOP)} may import it.")
        elif target_layer > layer:
            wrong.append(f"{where}\n      {package} (layer {layer}) imports {target}"
                         f" (layer {target_layer}).")
        elif target_layer == layer and 0 < layer < len(LAYERS) and package != target_package:
            wrong.append(f"{where}\n      {package} and {target_package} share layer {layer}"
                         " and must not import each other.")
    assert not wrong, (
        "Upward imports (layers are listed in LAYERS in tests/test_architecture.py):\n  "
        + "\n  ".join(wrong)
        + "\n\nA lower layer must not know about a higher one. Move the needed code down,"
          " pass it in as an argument, or publish an event (forum.events) the higher layer"
          " subscribes to. Siblings share code through a lower layer.")


def test_domains_do_not_import_each_others_views_or_forms():
    """Views and forms are a domain's own pages; other domains use its services instead."""
    wrong = []
    for module, target, where in _edges():
        domain, target_domain = _placement(module)[1], _placement(target)[1]
        in_domains = range(1, len(LAYERS))
        if (_placement(module)[0] in in_domains and _placement(target)[0] in in_domains
                and domain != target_domain
                and target.rpartition(".")[2] in PRIVATE_TO_DOMAIN):
            wrong.append(f"{where}\n      {domain} reaches into {target}.")
    assert not wrong, (
        "A domain imports another domain's views or forms:\n  " + "\n  ".join(wrong)
        + "\n\nMove what both need (a helper, a field, a query) into the other domain's"
          " services.py or policy.py, or into forum.web for shared form/view tools.")


def _strongly_connected() -> list[list[str]]:
    """Tarjan's algorithm: the groups of modules that reach each other (size > 1)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target, _, _ in GRAPH[module]:
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while not group or group[-1] != module:
                group.append(stack.pop())
                on_stack.discard(group[-1])
            if len(group) > 1:
                groups.append(sorted(group))

    for module in MODULES:
        if module not in index:
            visit(module)
    return groups


def _cycle_path(group: list[str]) -> list[tuple[str, str]]:
    """A shortest cycle through the group's first module: (module, where it imports the next)."""
    start, members = group[0], set(group)
    paths = {start: []}
    frontier = [start]
    while frontier:
        next_frontier = []
        for module in frontier:
            for target, line, written in GRAPH[module]:
                step = paths[module] + [(module, _where(module, line, written))]
                if target == start:
                    return step
                if target in members and target not in paths:
                    paths[target] = step
                    next_frontier.append(target)
        frontier = next_frontier
    raise AssertionError(f"no cycle found in {group}")


@pytest.mark.parametrize("source, expected", [
    ("forum/qa/views.py", "forum.qa.views"), ("forum/qa/__init__.py", "forum.qa")])
def test_module_names_follow_the_files(source, expected):
    """The walker names modules as Python does, so the rules above see real imports."""
    assert _module_name(PACKAGE_DIR.parent / source) == expected
