"""Run source-shopify through PyAirbyte and write what it read to a work folder.

This file runs with the PyAirbyte virtualenv's python (`.venv-pyairbyte`, see
`make pyairbyte-venv`): PyAirbyte pins airbyte-api<1.0, so it cannot share the spoon
package's venv. It imports nothing from spoon. It is driven by `spoon/extract/pyairbyte.py`:

    python pyairbyte_runner.py REQUEST.json

REQUEST.json: {"config": {...}, "streams": [...], "state": [state messages],
"executable": "path/to/source-shopify", "out_dir": "..."}. It writes
`out_dir/<stream>.jsonl` (one record's data per line, in the order read) and
`out_dir/state.json` (the state after the read: every stream's latest state, including
streams that sent none this time), then `out_dir/DONE`. Exit status 0 only on success.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, TextIO


def _key(state: dict[str, Any]) -> str:
    if state.get("type") == "STREAM":
        desc = state["stream"]["stream_descriptor"]
        return f"stream:{desc.get('namespace') or ''}:{desc['name']}"
    return str(state.get("type", "LEGACY"))


def main(request_path: str) -> int:
    os.environ.setdefault("AIRBYTE_OFFLINE_MODE", "1")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    request = json.loads(Path(request_path).read_text())
    out_dir = Path(request["out_dir"])
    os.environ.setdefault("AIRBYTE_LOGGING_ROOT", str(out_dir / "logs"))
    os.environ.setdefault("AIRBYTE_TEMP_DIR", str(out_dir / "tmp"))
    (out_dir / "tmp").mkdir(parents=True, exist_ok=True)

    from airbyte.progress import ProgressTracker
    from airbyte.shared.state_providers import StaticInputState
    from airbyte_protocol.models import AirbyteStateMessage, Type

    import airbyte as ab

    streams: list[str] = list(request["streams"])
    source = ab.get_source(
        "source-shopify",
        config=request["config"],
        local_executable=request["executable"],
        streams=streams,
        install_if_missing=False,
    )
    states: dict[str, dict[str, Any]] = {_key(s): s for s in request.get("state") or []}
    provider = StaticInputState(
        from_state_messages=[AirbyteStateMessage.model_validate(s) for s in states.values()]
    )
    tracker = ProgressTracker(source=source, cache=None, destination=None, expected_streams=streams)
    files: dict[str, TextIO] = {}
    counts: dict[str, int] = dict.fromkeys(streams, 0)
    try:
        messages = source._get_airbyte_message_iterator(
            streams=streams, state_provider=provider, progress_tracker=tracker
        )
        for message in messages:
            if message.type == Type.RECORD and message.record is not None:
                name = message.record.stream
                if name not in files:
                    files[name] = (out_dir / f"{name}.jsonl").open("w")
                files[name].write(json.dumps(message.record.data, separators=(",", ":")) + "\n")
                counts[name] = counts.get(name, 0) + 1
            elif message.type == Type.STATE and message.state is not None:
                state = json.loads(message.state.model_dump_json(exclude_none=True))
                states[_key(state)] = state
    finally:
        for fh in files.values():
            fh.close()
    (out_dir / "state.json").write_text(json.dumps(list(states.values())))
    (out_dir / "counts.json").write_text(json.dumps(counts))
    (out_dir / "DONE").write_text("ok\n")
    return 0


def _explain(err: BaseException) -> str:
    """One line for the caller: the connector's own error message when there is one."""
    parts = [f"{type(err).__name__}: {err}".splitlines()[0]]
    for attr in ("log_text", "original_exception", "message", "guidance"):
        value = getattr(err, attr, None)
        if value:
            lines = [ln for ln in str(value).splitlines() if ln.strip()]
            errors = [ln for ln in lines if "error" in ln.lower()] or lines
            parts.append(errors[-1].strip()[:500])
    return " | ".join(parts)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: pyairbyte_runner.py REQUEST.json", file=sys.stderr)
        sys.exit(64)
    try:
        sys.exit(main(sys.argv[1]))
    except Exception as err:
        import traceback

        traceback.print_exc()
        print(f"RUNNER-ERROR: {_explain(err)}", file=sys.stderr)
        sys.exit(1)
