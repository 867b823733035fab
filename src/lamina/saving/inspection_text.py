"""``inspect_file``'s report as plain text for a terminal (``python -m lamina.saving
inspect FILE``). Every string that came from the file is shown with control characters
escaped and its length capped, so a hostile file cannot rewrite the terminal."""

from __future__ import annotations

import sys

from lamina.saving.file_inspector import COMPILE_FIELDS, KINDS, METADATA_FIELDS

_FORMATS = {"h5": "HDF5", "safetensors": "safetensors"}


def _shown(value, limit: int = 120) -> str:
    """Text from a file, safe for a terminal: control characters escaped, length capped."""
    if value is None:
        return "-"
    text = "".join(char if char.isprintable() else repr(char)[1:-1] for char in str(value))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _object_line(item: dict, width: int) -> str:
    origin = _shown(item["module"], 60)
    registered = item["registered_name"]
    if registered not in (None, item["class_name"]):
        origin += f"  (registered as {_shown(registered, 60)})"
    path, class_name = _shown(item["path"], 200), _shown(item["class_name"], 40)
    line = f"  {path:<{width}}  {class_name:<24} {origin}"
    if item["refusal"] is not None:
        line += f"\n      REFUSED: {_shown(item['refusal'], 400)}"
    return line


def _config_lines(report: dict) -> list[str]:
    objects = report["config"]["objects"]
    refused = sum(item["refusal"] is not None for item in objects)
    lines = ["", f"Config: {len(objects)} objects, {refused} refused"]
    width = min(48, max((len(_shown(item["path"])) for item in objects), default=0))
    lines += [_object_line(item, width) for item in objects]
    compile_summary = report["compile"]
    if compile_summary is not None:
        lines += ["", "Compile config:"]
        for field in COMPILE_FIELDS:
            value = compile_summary[field]
            shown = ", ".join(map(_shown, value)) if isinstance(value, list) else _shown(value)
            lines.append(f"  {field + ':':<18}{shown or '-'}")
    return lines


def _weights_lines(weights: dict) -> list[str]:
    source = f" in {_shown(weights['member'])}" if weights["member"] else ""
    title = f"Weights{source} ({_FORMATS[weights['format']]})"
    if weights["refusal"] is not None:
        refused = weights["refusal"]
        return [
            "",
            f"{title}: REFUSED, not read",
            f"  {_shown(refused['path'], 200)}: {_shown(refused['reason'], 400)}",
        ]
    if weights["error"] is not None:
        return ["", f"{title}: UNREADABLE", f"  {_shown(weights['error'], 400)}"]
    datasets = weights["datasets"]
    lines = ["", f"{title}: {len(datasets)} datasets"]
    width = min(48, max((len(_shown(item["path"])) for item in datasets), default=0))
    for item in datasets:
        shape = str(tuple(item["shape"]))  # (64,) and (): Python's own spelling
        path = _shown(item["path"], 200)
        lines.append(f"  {path:<{width}}  {shape:<20} {_shown(item['dtype'], 40)}")
    lines += ["", "Parameters:"]
    for group, count in weights["parameters"].items():
        lines.append(f"  {_shown(group, 40) + ':':<18}{count:>14,}")
    lines.append(f"  {'total:':<18}{weights['total_parameters']:>14,}")
    return lines


def format_report(report: dict) -> str:
    """``inspect_file``'s report as plain text for a terminal."""
    lines = [f"File: {_shown(report['path'], 400)}", f"  kind:             {KINDS[report['kind']]}"]
    metadata = report["metadata"]
    if metadata is not None:
        lines += [f"  {field + ':':<18}{_shown(metadata[field])}" for field in METADATA_FIELDS]
    if report["config"] is not None:
        lines += _config_lines(report)
    if report["weights"] is not None:
        lines += _weights_lines(report["weights"])
    if report["refusals"]:
        lines += ["", f"REFUSED: loading this file would be refused ({len(report['refusals'])}):"]
        for refused in report["refusals"]:
            where = refused["where"] + (f" {refused['path']}" if refused["path"] else "")
            lines.append(f"  {_shown(where, 200)}: {_shown(refused['reason'], 100)}")
    return "\n".join(lines)


def print_report(report: dict, file=None) -> None:
    """Prints ``format_report(report)`` (to ``sys.stdout`` unless ``file`` is given)."""
    print(format_report(report), file=file if file is not None else sys.stdout)


__all__ = ["format_report", "print_report"]
