"""A Dockerfile read as its instructions: enough of the format for the tests to ask which
stages an image has, what each copies from where and which user it ends as, without a
Docker engine (continuation lines joined, comments dropped, `--flag=value` options split
off, JSON-array arguments decoded)."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

_ARG_REF = re.compile(r"\$\{(\w+)\}|\$(\w+)")


@dataclass(frozen=True)
class Instruction:
    """One instruction: `COPY --from=dbt --chown=a:0 /x /y` is
    Instruction("COPY", {"from": "dbt", "chown": "a:0"}, ["/x", "/y"], "--from=dbt ...")."""

    cmd: str
    flags: dict[str, str]
    args: list[str]
    text: str


@dataclass
class Stage:
    """A FROM and what follows it; `base` with the ARG defaults declared before it resolved."""

    base: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, cmd: str) -> list[Instruction]:
        return [i for i in self.instructions if i.cmd == cmd]


def instructions(path: Path) -> list[Instruction]:
    logical: list[str] = []
    pending = ""
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):  # a comment inside a continued instruction
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        logical.append(pending + stripped)
        pending = ""
    if pending:
        logical.append(pending)
    return [_instruction(text) for text in logical]


def _instruction(line: str) -> Instruction:
    cmd, _, rest = line.partition(" ")
    rest = rest.strip()
    flags: dict[str, str] = {}
    while rest.startswith("--"):
        option, _, rest = rest.partition(" ")
        key, _, value = option[2:].partition("=")
        flags[key] = value
        rest = rest.strip()
    if rest.startswith("["):
        args = [str(a) for a in json.loads(rest)]
    elif cmd.upper() in ("RUN", "CMD", "ENTRYPOINT"):
        args = [rest]  # shell form: one string
    else:
        args = shlex.split(rest)
    return Instruction(cmd.upper(), flags, args, rest)


def stages(path: Path) -> list[Stage]:
    """The build stages in order; ARGs before the first FROM give the FROMs their values."""
    defaults = global_args(path)
    found: list[Stage] = []
    for ins in instructions(path):
        if ins.cmd == "FROM":
            base = _ARG_REF.sub(lambda m: defaults.get(m[1] or m[2], m[0]), ins.args[0])
            name = ins.args[2] if len(ins.args) == 3 and ins.args[1].upper() == "AS" else None
            found.append(Stage(base, name))
        elif found:
            found[-1].instructions.append(ins)
    return found


def global_args(path: Path) -> dict[str, str]:
    """`ARG NAME=default` declared before the first FROM (the ones a FROM can use)."""
    result: dict[str, str] = {}
    for ins in instructions(path):
        if ins.cmd == "FROM":
            break
        if ins.cmd == "ARG":
            key, _, value = ins.args[0].partition("=")
            result[key] = value
    return result
